#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SentencePiece.Lattice {
    /// A path drawn with probability ∝ exp(alpha · path score) over every path of the lattice
    /// (spm's `Lattice::Sample`): forward sums, then backward sampling from EOS. Node indices.
    func sample(alpha: Double, rng: inout SplitMix64) -> [Int32] {
        if length == 0 { return [] }
        func logAdd(_ a: Double, _ b: Double) -> Double {
            if a == -.infinity { return b }
            if b == -.infinity { return a }
            return Swift.max(a, b) + log1p(exp(-abs(a - b)))
        }
        // forward[n]: log of the summed weight of the paths from BOS to the start of node n.
        var forward = [Double](repeating: -.infinity, count: nodeId.count)
        forward[0] = 0
        for pos in 0...length {
            for r in beginNodes[pos] {
                var acc = -Double.infinity
                for l in endNodes[pos] where forward[Int(l)] > -.infinity {
                    acc = logAdd(acc, forward[Int(l)] + (l == 0 ? 0 : alpha * Double(nodeScore[Int(l)])))
                }
                forward[Int(r)] = acc
            }
        }
        var path: [Int32] = []
        var node: Int32 = 1
        while true {
            let options = endNodes[Int(nodePos[Int(node)])]
            let weights = options.map { l -> Double in
                forward[Int(l)] == -.infinity ? 0
                    : exp(forward[Int(l)] + (l == 0 ? 0 : alpha * Double(nodeScore[Int(l)])) - forward[Int(node)])
            }
            let chosen = SentencePiece.draw(weights, &rng)
            node = options[chosen]
            if node == 0 { break }
            path.append(node)
        }
        return path.reversed()
    }
}

extension SentencePiece {
    /// An index drawn with probability ∝ `weights[i]`.
    static func draw(_ weights: [Double], _ rng: inout SplitMix64) -> Int {
        let total = weights.reduce(0, +)
        var u = Double(rng.next() >> 11) * 0x1p-53 * total
        for (i, w) in weights.enumerated() where w > 0 {
            if u < w { return i }
            u -= w
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }

    /// Subword regularization as `SentencePieceProcessor::SampleEncode`
    /// (`encode(text, enable_sampling=True, alpha=alpha, nbest_size=nbestSize)`), with our own
    /// seeded generator (the same seed gives the same draws):
    /// - Unigram, `nbestSize` < 0: a segmentation of the whole lattice with probability
    ///   ∝ exp(alpha · score); `nbestSize` 0 or 1: `encode`; `nbestSize` > 1: one of the
    ///   `nbestSize` best, with probability ∝ exp(alpha · score).
    /// - BPE: BPE-dropout, each merge skipped with probability `alpha` (`nbestSize` is ignored).
    /// WORD and CHAR models have no sampling (an error, as in spm).
    public func sampleEncode(_ bytes: [UInt8], alpha: Double, nbestSize: Int = -1, rng: inout SplitMix64) throws -> [EncodedPiece] {
        guard nbestSize <= 512 else { throw TokenizerError(.invalidArgument, "nbest_size must be <= 512 (got \(nbestSize))") }
        try Tokenizer.validateUTF8(bytes)
        switch algorithm {
        case .unigram(let u):
            if nbestSize == 0 || nbestSize == 1 { return try encode(bytes) }
            if nbestSize > 1 {
                let list = try nBestEncode(bytes, nbestSize)
                if list.isEmpty { throw TokenizerError(.invalidArgument, "NBestEncode returns empty result") }
                let logs = list.map { alpha * Double($0.score) }
                let top = logs.max() ?? 0
                return list[SentencePiece.draw(logs.map { exp($0 - top) }, &rng)].pieces
            }
            return try withSegments(bytes) { text -> [([(Int, Int, Int32)], Void)] in
                if text.isEmpty { return [([], ())] }
                let lattice = Lattice(text, unigram: u)
                return [(lattice.segments(lattice.sample(alpha: alpha, rng: &rng)), ())]
            }.first?.0 ?? []
        case .bpe(let b):
            return try withSegments(bytes) { text -> [([(Int, Int, Int32)], Void)] in
                var scratch = BPE.Scratch()
                scratch.rng = rng
                var raw: [(Int, Int, Int32?)] = []
                b.encode(text, scratch: &scratch, into: &raw, dropout: alpha)
                rng = scratch.rng
                let segments = raw.map { start, end, id -> (Int, Int, Int32) in
                    var resolved = id
                    if id == nil || reservedMayMatch {
                        if let r = reserved.id(UnsafeBufferPointer(rebasing: text[start..<end])) { resolved = r }
                    }
                    return (start, end, resolved ?? unkId)
                }
                return [(segments, ())]
            }.first?.0 ?? []
        default:
            throw TokenizerError(.unsupported, "sampling needs a UNIGRAM or BPE model (sentencepiece has none for \(proto.trainerSpec.modelType.name))")
        }
    }

    /// `sampleEncode` seeded with `seed`.
    public func sampleEncode(_ bytes: [UInt8], alpha: Double, nbestSize: Int = -1, seed: UInt64) throws -> [EncodedPiece] {
        var rng = SplitMix64(seed: seed)
        return try sampleEncode(bytes, alpha: alpha, nbestSize: nbestSize, rng: &rng)
    }
}
