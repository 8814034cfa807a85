#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Models.Unigram {
    /// The lattice of `input`: for each end position, the (start, piece id, score) of every piece
    /// ending there, with unknown characters as `tokenizers` adds them (unk score, one character).
    func lattice(_ input: UnsafeBufferPointer<UInt8>) throws -> [[(start: Int, id: Int32, score: Double)]] {
        let n = input.count
        var ending = [[(start: Int, id: Int32, score: Double)]](repeating: [], count: n + 1)
        var at = 0
        while at < n {
            let charEnd = Swift.min(n, at + UTF8Text.sequenceLength(lead: input[at]))
            var single = false
            trie.forEachPrefix(input, from: at) { end, piece in
                ending[end].append((at, piece, scores[Int(piece)]))
                if end == charEnd { single = true }
            }
            if !single {
                guard let unkId else { throw missingUnk() }
                ending[charEnd].append((at, Int32(unkId), unkScore))
            }
            at = charEnd
        }
        return ending
    }

    /// Up to `n` best segmentations (piece ids), best first: each position keeps its `n` best
    /// partial paths. The first equals `encodeIds` before unknown fusing.
    public func nBest(_ input: UnsafeBufferPointer<UInt8>, _ n: Int) throws -> [[UInt32]] {
        guard n > 0 else { return [] }
        if input.isEmpty { return [[]] }
        let ending = try lattice(input)
        // best[p]: up to n (score, previous position, index into best[previous], piece id), sorted.
        var best = [[(score: Double, prev: Int, rank: Int, id: Int32)]](repeating: [], count: input.count + 1)
        best[0] = [(0, -1, -1, -1)]
        for end in 1...input.count where !ending[end].isEmpty {
            var candidates: [(score: Double, prev: Int, rank: Int, id: Int32)] = []
            for node in ending[end] {
                for (r, path) in best[node.start].enumerated() {
                    candidates.append((path.score + node.score, node.start, r, node.id))
                }
            }
            // Stable: equal scores keep lattice order (earlier start first, as the Viterbi ties).
            let order = candidates.indices.sorted { candidates[$0].score > candidates[$1].score || (candidates[$0].score == candidates[$1].score && $0 < $1) }
            best[end] = order.prefix(n).map { candidates[$0] }
        }
        return best[input.count].indices.map { r in
            var ids: [UInt32] = []
            var p = input.count
            var k = r
            while p > 0 {
                let e = best[p][k]
                ids.append(UInt32(e.id))
                p = e.prev
                k = e.rank
            }
            return ids.reversed()
        }
    }

    /// A segmentation sampled from the lattice with probability ∝ exp(alpha · score) (subword
    /// regularization, forward filtering then backward sampling); the same seed gives the same
    /// result.
    public func sample(_ input: UnsafeBufferPointer<UInt8>, alpha: Double, seed: UInt64) throws -> [UInt32] {
        if input.isEmpty { return [] }
        let ending = try lattice(input)
        func logAdd(_ a: Double, _ b: Double) -> Double {
            if a == -.infinity { return b }
            if b == -.infinity { return a }
            return Swift.max(a, b) + log1p(exp(-abs(a - b)))
        }
        var alphaSum = [Double](repeating: -.infinity, count: input.count + 1)
        alphaSum[0] = 0
        for end in 1...input.count {
            for node in ending[end] where alphaSum[node.start] > -.infinity {
                alphaSum[end] = logAdd(alphaSum[end], alphaSum[node.start] + alpha * node.score)
            }
        }
        var rng = SplitMix64(seed: seed)
        var ids: [UInt32] = []
        var p = input.count
        while p > 0 {
            let options = ending[p].filter { alphaSum[$0.start] > -.infinity }
            let weights = options.map { exp(alphaSum[$0.start] + alpha * $0.score - alphaSum[p]) }
            let total = weights.reduce(0, +)
            var u = Double(rng.next() >> 11) / Double(1 << 53) * total
            var chosen = options.count - 1
            for (i, w) in weights.enumerated() {
                if u < w { chosen = i; break }
                u -= w
            }
            ids.append(UInt32(options[chosen].id))
            p = options[chosen].start
        }
        return ids.reversed()
    }
}

