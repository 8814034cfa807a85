extension Models {
    /// Unigram (tokenizer.json `"type": "Unigram"`), as `tokenizers`' `models::unigram`: the
    /// segmentation with the highest total score (Viterbi over a trie of the pieces), unknown
    /// characters scored `min score − 10` and fused into one token, optional byte fallback to
    /// `<0xXX>` pieces.
    public struct Unigram: Sendable {
        /// The pieces in id order.
        public let pieces: [String]
        /// The log-probability of each piece.
        public let scores: [Double]
        /// The id of the unknown piece, if any.
        public let unkId: Int?
        /// Whether unknown text becomes `<0xXX>` pieces when all of its bytes have one.
        public let byteFallback: Bool
        /// Token strings ↔ ids (for a repeated piece, the last id).
        public let vocab: Vocabulary
        /// The lowest score; unknown characters score `minScore − 10`.
        public let minScore: Double
        let unkScore: Double
        let trie: DoubleArrayTrie
        /// Id of `<0xXX>` for each byte, or -1.
        let byteIds: [Int32]

        /// `tokenizers`' K_UNK_PENALTY.
        static let unknownPenalty = 10.0

        /// Builds a model from (piece, score) pairs in id order.
        public init(pieces entries: [(String, Double)], unkId: Int?, byteFallback: Bool = false,
                    path: String = "$.model") throws {
            guard !entries.isEmpty else {
                throw TokenizerError(.invalidVocabulary, "the Unigram vocabulary is empty", at: path + ".vocab")
            }
            if let unkId, !(0..<entries.count).contains(unkId) {
                throw TokenizerError(.invalidField, "unk_id \(unkId) is not in the vocabulary of \(entries.count) pieces", at: path + ".unk_id")
            }
            guard entries.count < Int(Int32.max) else {
                throw TokenizerError(.invalidVocabulary, "too many pieces (\(entries.count))", at: path + ".vocab")
            }
            var minScore = Double.infinity
            for (i, (_, score)) in entries.enumerated() {
                guard score.isFinite else {
                    throw TokenizerError(.invalidVocabulary, "the score \(score) is not a finite number", at: "\(path).vocab[\(i)][1]")
                }
                minScore = Swift.min(minScore, score)
            }
            self.pieces = entries.map(\.0)
            self.scores = entries.map(\.1)
            self.unkId = unkId
            self.byteFallback = byteFallback
            self.minScore = minScore
            self.unkScore = minScore - Self.unknownPenalty
            let vocab = Vocabulary(entries.enumerated().map { ($0.element.0, UInt32($0.offset)) })
            self.vocab = vocab
            // The trie reports the id the token map gives (the last of a repeated piece).
            let keys = entries.map { Array($0.0.utf8) }
            self.trie = DoubleArrayTrie(keys: keys, values: keys.indices.map { Int32($0) }, scores: entries.map(\.1))
            var byteIds = [Int32](repeating: -1, count: 256)
            for b in 0..<256 {
                let hex = Array("0123456789ABCDEF".utf8)
                let name = String(decoding: [UInt8(ascii: "<"), UInt8(ascii: "0"), UInt8(ascii: "x"), hex[b >> 4], hex[b & 15], UInt8(ascii: ">")], as: Unicode.UTF8.self)
                if let id = vocab.id(name) { byteIds[b] = Int32(id) }
            }
            self.byteIds = byteIds
        }

        /// Reads a tokenizer.json Unigram model (`unk_id`, `vocab` as `[piece, score]` pairs,
        /// `byte_fallback`).
        public init(json: JSON, path: String) throws {
            let f = try JSONFields(json, path: path)
            let items = try f.array("vocab")
            var entries: [(String, Double)] = []
            entries.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                let at = "\(path).vocab[\(i)]"
                guard case .array(let pair) = item, pair.count == 2, case .string(let piece) = pair[0] else {
                    throw TokenizerError(.invalidVocabulary, "expected a [piece, score] pair, found \(item.kindName)", at: at)
                }
                let score: Double
                switch pair[1] {
                case .int(let v): score = Double(v)
                case .double(let v): score = SerdeFloat.read(v)  // as tokenizers reads it (see SerdeFloat)
                default:
                    throw TokenizerError(.invalidVocabulary, "expected a number as the score, found \(pair[1].kindName)", at: at + "[1]")
                }
                entries.append((piece, score))
            }
            var unkId: Int?
            if let v = f.value("unk_id") {
                guard let i = v.intValue, i >= 0 else {
                    throw f.invalid("unk_id", "expected a non-negative integer, found \(v.kindName == "number" ? "\(v)" : v.kindName)")
                }
                unkId = i
            }
            try self.init(pieces: entries, unkId: unkId, byteFallback: try f.bool("byte_fallback", default: false), path: path)
        }

        /// The model as tokenizer.json writes it.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("Unigram")),
                ("unk_id", unkId.map { .int(Int64($0)) } ?? .null),
                ("vocab", .array(zip(pieces, scores).map { .array([.string($0), .double($1)]) })),
                ("byte_fallback", .bool(byteFallback)),
            ]))
        }

        func missingUnk() -> TokenizerError {
            TokenizerError(.unknownToken, "Unigram: encountered an unknown character but the model has no unk_id")
        }

        /// The best segmentation of `input`: fills `scratch.best` (for each byte position, the
        /// best path ending there: its score, the start of its last piece, and that piece's trie
        /// node or -1 for an unknown character). As `tokenizers`' `encode_optimized`: only the best
        /// path per position is kept, and ties keep the piece found first (the one starting earliest).
        @inline(__always)
        func viterbi(_ input: UnsafeBufferPointer<UInt8>, _ scratch: inout UnigramScratch) throws {
            let n = input.count
            scratch.reset(n)
            try scratch.best.withUnsafeMutableBufferPointer { best in
                var at = 0
                while at < n {
                    let here = best[at].score
                    let charEnd = at + UTF8Text.sequenceLength(lead: input[at])
                    var single = false
                    trie.forEachScoredPrefix(input, from: at) { end, node, score in
                        let candidate = score + here
                        if best[end].start < 0 || candidate > best[end].score {
                            best[end] = UnigramScratch.Best(score: candidate, start: Int32(truncatingIfNeeded: at),
                                                            node: Int32(truncatingIfNeeded: node))
                        }
                        if end == charEnd { single = true }
                    }
                    if !single {
                        let end = Swift.min(charEnd, n)
                        let candidate = unkScore + here
                        if best[end].start < 0 || candidate > best[end].score {
                            guard unkId != nil else { throw missingUnk() }
                            best[end] = UnigramScratch.Best(score: candidate, start: Int32(truncatingIfNeeded: at), node: -1)
                        }
                    }
                    at = charEnd
                }
            }
        }

        /// Fills `out` with the tokens of the best path of `input`, in order, as (range, id) with
        /// unknown runs fused (`id` = -1 for a fused unknown run, whose text decides the token).
        func segments(_ input: UnsafeBufferPointer<UInt8>, _ scratch: inout UnigramScratch,
                      into out: inout [(Range<Int>, Int32)]) throws {
            try viterbi(input, &scratch)
            out.removeAll(keepingCapacity: true)
            let unk = unkId.map { Int32($0) } ?? -1
            scratch.best.withUnsafeBufferPointer { best in
                trie.value.withUnsafeBufferPointer { value in
                    var end = input.count
                    var unkEnd = -1
                    while end > 0 {
                        let begin = Int(best[end].start)
                        let node = Int(best[end].node)
                        let piece = node >= 0 ? value[node] : unk
                        if piece == unk {
                            if unkEnd < 0 { unkEnd = end }
                        } else {
                            if unkEnd >= 0 {
                                out.append((end..<unkEnd, -1))
                                unkEnd = -1
                            }
                            out.append((begin..<end, piece))
                        }
                        end = begin
                    }
                    if unkEnd >= 0 { out.append((0..<unkEnd, -1)) }
                }
            }
            out.reverse()
        }

        /// The tokens of one piece; offsets are byte ranges of `piece.normalized`.
        public func tokenize(_ piece: NormalizedString) throws -> [Token] {
            var scratch = UnigramScratch()
            var segments: [(Range<Int>, Int32)] = []
            return try piece.normalized.withUnsafeBufferPointer { input in
                var tokens: [Token] = []
                try self.segments(input, &scratch, into: &segments)
                for (range, id) in segments {
                    if id >= 0 {
                        tokens.append(Token(id: UInt32(id), value: pieces[Int(id)], offsets: range))
                        continue
                    }
                    try appendUnknown(UnsafeBufferPointer(rebasing: input[range])) { id, value in
                        tokens.append(Token(id: id, value: value, offsets: range))
                    }
                }
                return tokens
            }
        }

        /// A fused unknown run: the piece of that text if it has one, else its bytes' `<0xXX>`
        /// pieces (byte fallback, all of them present), else the unknown id with the run's text.
        @inline(__always)
        func appendUnknown(_ text: UnsafeBufferPointer<UInt8>, _ emit: (UInt32, String) throws -> Void) throws {
            if let id = vocab.id(text) {
                try emit(id, String(decoding: text, as: Unicode.UTF8.self))
                return
            }
            if byteFallback && text.allSatisfy({ byteIds[Int($0)] >= 0 }) {
                for b in text { try emit(UInt32(byteIds[Int(b)]), pieces[Int(byteIds[Int(b)])]) }
                return
            }
            guard let unkId else { throw missingUnk() }
            try emit(UInt32(unkId), String(decoding: text, as: Unicode.UTF8.self))
        }

        /// Appends the ids of the piece with UTF-8 `bytes` (its normalized text) to `out`.
        public func encodeIds(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) throws {
            var scratch = UnigramScratch()
            try encodeIds(bytes, into: &out, scratch: &scratch)
        }

        /// `encodeIds` with caller-owned scratch (the fast path keeps one per thread).
        func encodeIds(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout UnigramScratch) throws {
            var segments: [(Range<Int>, Int32)] = []
            swap(&segments, &scratch.segments)  // taken out, so filling it does not copy it
            defer { swap(&segments, &scratch.segments) }
            try self.segments(bytes, &scratch, into: &segments)
            for (range, id) in segments {
                if id >= 0 {
                    out.append(UInt32(id))
                } else {
                    try appendUnknown(UnsafeBufferPointer(rebasing: bytes[range])) { id, _ in out.append(id) }
                }
            }
        }
    }
}

/// Per-call Viterbi state, indexed by byte position (0...count), and the segments buffer.
struct UnigramScratch {
    /// The best path ending at a position: one 16-byte record, so a candidate reads and writes one line.
    struct Best {
        var score: Double
        /// Where its last piece starts; -1 = no path yet.
        var start: Int32
        /// The trie node of its last piece, or -1 for an unknown character.
        var node: Int32
    }

    var best: [Best] = []
    var segments: [(Range<Int>, Int32)] = []

    @inline(__always)
    mutating func reset(_ n: Int) {
        let empty = Best(score: 0, start: -1, node: -1)
        if best.count < n + 1 {
            best = [Best](repeating: empty, count: Swift.max(n + 1, 2 * best.count))
        } else {
            best.withUnsafeMutableBufferPointer { b in
                for i in 0...n { b[i] = empty }
            }
        }
        best[0].start = 0
    }
}
