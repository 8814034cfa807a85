#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// N-best and sampled (subword regularization) encodings, for `.model` files and for
/// tokenizer.json files whose model is Unigram.
extension Tokenizer {
    /// One entry of an n-best list: the encoding and its score (the sum of its pieces' scores).
    public struct ScoredEncoding: Sendable {
        public var encoding: Encoding
        public var score: Double
    }

    /// The `n` best segmentations of `text`, best first.
    ///
    /// A `.model` file gives `sentencepiece`'s `nbest_encode(text, nbest_size=n)` exactly. A
    /// tokenizer.json Unigram model takes, for each pre-token, its `n` best segmentations
    /// (`Models.Unigram.nBest`) and returns the `n` best combinations by total score (ties keep
    /// the earlier pre-tokens' better choices first); unknown runs are fused as in `encode`.
    public func nBestEncode(_ text: String, n: Int, addSpecialTokens: Bool = true,
                            offsets: OffsetType = .byte) throws -> [ScoredEncoding] {
        let bytes = Array(text.utf8)
        if let sp = sentencePiece {
            return try sp.nBestEncode(bytes, n).map { entry in
                ScoredEncoding(encoding: sp.encoding(of: entry.pieces, bytes: bytes, typeId: 0, offsets: offsets), score: Double(entry.score))
            }
        }
        guard case .unigram(let u) = model else {
            throw TokenizerError(.unsupported, "n-best encoding needs a Unigram model or a SentencePiece .model file")
        }
        guard n > 0 else { return [] }
        var p = try addedVocabulary.extractAndNormalize(bytes, normalizer: normalizer)
        if let preTokenizer { try preTokenizer.preTokenize(&p) }
        // Each pre-token's alternatives, then the n best combinations (choice index per pre-token).
        var lists: [[(tokens: [Token], score: Double)]] = []
        var probe = p
        try probe.tokenize { piece in
            let alternatives = try u.nBestTokens(piece, n)
            lists.append(alternatives)
            return alternatives.first?.tokens ?? []
        }
        var combos: [(choice: [Int], score: Double)] = [([], 0)]
        for list in lists {
            var next: [(choice: [Int], score: Double)] = []
            for c in combos {
                for (k, alt) in list.enumerated() { next.append((c.choice + [k], c.score + alt.score)) }
            }
            let order = next.indices.sorted { next[$0].score > next[$1].score || (next[$0].score == next[$1].score && $0 < $1) }
            combos = order.prefix(n).map { next[$0] }
        }
        return try combos.map { combo in
            var q = p
            var index = 0
            try q.tokenize { _ in
                defer { index += 1 }
                return lists[index][combo.choice[index]].tokens
            }
            var first = try q.encoding(typeId: 0, offsets: offsets)
            var second: Encoding? = nil
            return ScoredEncoding(encoding: try postProcess(&first, &second, addSpecialTokens: addSpecialTokens), score: combo.score)
        }
    }

    /// A segmentation of `text` sampled with our seeded generator: for a `.model` file as
    /// `sentencepiece`'s `encode(text, enable_sampling=True, alpha=alpha, nbest_size=nbestSize)`
    /// (see `SentencePiece.sampleEncode`); for a tokenizer.json Unigram model each pre-token is
    /// sampled from its whole lattice with probability ∝ exp(alpha · score) (`nbestSize` < 0)
    /// or from its `nbestSize` best.
    public func sampleEncode(_ text: String, alpha: Double, nbestSize: Int = -1, rng: inout SplitMix64,
                             addSpecialTokens: Bool = true, offsets: OffsetType = .byte) throws -> Encoding {
        let bytes = Array(text.utf8)
        if let sp = sentencePiece {
            let pieces = try sp.sampleEncode(bytes, alpha: alpha, nbestSize: nbestSize, rng: &rng)
            return sp.encoding(of: pieces, bytes: bytes, typeId: 0, offsets: offsets)
        }
        guard case .unigram(let u) = model else {
            throw TokenizerError(.unsupported, "sampling needs a Unigram model or a SentencePiece .model file")
        }
        var p = try addedVocabulary.extractAndNormalize(bytes, normalizer: normalizer)
        if let preTokenizer { try preTokenizer.preTokenize(&p) }
        try p.tokenize { piece in
            if nbestSize == 0 || nbestSize == 1 { return try u.tokenize(piece) }
            if nbestSize > 1 {
                let list = try u.nBestTokens(piece, nbestSize)
                if list.isEmpty { return [] }
                let logs = list.map { alpha * $0.score }
                let top = logs.max() ?? 0
                return list[SentencePiece.draw(logs.map { exp($0 - top) }, &rng)].tokens
            }
            let ids = try piece.normalized.withUnsafeBufferPointer { try u.sample($0, alpha: alpha, seed: rng.next()) }
            return try u.tokens(ofPath: ids, piece.normalized)
        }
        var first = try p.encoding(typeId: 0, offsets: offsets)
        var second: Encoding? = nil
        return try postProcess(&first, &second, addSpecialTokens: addSpecialTokens)
    }
}

extension Models.Unigram {
    /// The `n` best segmentations of one pre-token as tokens (unknown runs fused, byte fallback),
    /// with their scores.
    func nBestTokens(_ piece: NormalizedString, _ n: Int) throws -> [(tokens: [Token], score: Double)] {
        let paths = try piece.normalized.withUnsafeBufferPointer { try nBest($0, n) }
        return try paths.map { ids in
            let score = ids.reduce(0.0) { $0 + (Int($1) == unkId ? unkScore : scores[Int($1)]) }
            return (try tokens(ofPath: ids, piece.normalized), score)
        }
    }

    /// The tokens of a lattice path (piece ids, unknown nodes one character each) over `text`.
    func tokens(ofPath ids: [UInt32], _ text: [UInt8]) throws -> [Token] {
        var tokens: [Token] = []
        try text.withUnsafeBufferPointer { input in
            var at = 0
            var unkStart = -1
            func flushUnknown() throws {
                guard unkStart >= 0 else { return }
                let range = unkStart..<at
                try appendUnknown(UnsafeBufferPointer(rebasing: input[range])) { id, value in
                    tokens.append(Token(id: id, value: value, offsets: range))
                }
                unkStart = -1
            }
            for id in ids {
                if Int(id) == unkId {
                    if unkStart < 0 { unkStart = at }
                    at = Swift.min(input.count, at + UTF8Text.sequenceLength(lead: input[at]))
                    continue
                }
                try flushUnknown()
                let length = pieces[Int(id)].utf8.count
                tokens.append(Token(id: id, value: pieces[Int(id)], offsets: at..<(at + length)))
                at += length
            }
            try flushUnknown()
        }
        return tokens
    }
}

extension SentencePiece {
    /// The encoding of pieces from `encode`, `nBestEncode` or `sampleEncode` of `bytes`.
    func encoding(of pieces: [EncodedPiece], bytes: [UInt8], typeId: UInt32, offsets: OffsetType) -> Encoding {
        var e = Encoding()
        e.offsetUnit = offsets
        let converter = offsets == .char ? CharOffsetConverter(bytes) : nil
        for p in pieces {
            var off = (p.start, p.end)
            if let c = converter { off = (c.scalarIndex(p.start), c.scalarIndex(p.end)) }
            e.ids.append(p.id)
            e.tokens.append(p.piece)
            e.offsets.append(off)
            e.wordIds.append(0)
            e.typeIds.append(typeId)
            e.specialTokensMask.append(0)
            e.attentionMask.append(1)
        }
        return e
    }
}
