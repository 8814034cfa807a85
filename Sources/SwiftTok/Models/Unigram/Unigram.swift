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
            self.trie = DoubleArrayTrie(keys: keys, values: keys.indices.map { Int32($0) })
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

        /// The best segmentation of `input` as (end position, piece id) per position: fills
        /// `ends` (for each byte position, the start of the best piece ending there, or -1) and
        /// `ids`; `scratch` is reused across calls. As `tokenizers`' `encode_optimized`: ties keep
        /// the piece found first (the one starting earliest).
        @inline(__always)
        func viterbi(_ input: UnsafeBufferPointer<UInt8>, _ scratch: inout UnigramScratch) throws {
            let n = input.count
            scratch.reset(n)
            try scratch.score.withUnsafeMutableBufferPointer { score in
                try scratch.start.withUnsafeMutableBufferPointer { start in
                    try scratch.id.withUnsafeMutableBufferPointer { id in
                        try scores.withUnsafeBufferPointer { pieceScore in
                            var at = 0
                            while at < n {
                                let here = score[at]
                                let charEnd = at + UTF8Text.sequenceLength(lead: input[at])
                                var single = false
                                trie.forEachPrefix(input, from: at) { end, piece in
                                    let candidate = pieceScore[Int(piece)] + here
                                    if start[end] < 0 || candidate > score[end] {
                                        score[end] = candidate
                                        start[end] = Int32(truncatingIfNeeded: at)
                                        id[end] = piece
                                    }
                                    if end == charEnd { single = true }
                                }
                                if !single {
                                    let end = Swift.min(charEnd, n)
                                    let candidate = unkScore + here
                                    if start[end] < 0 || candidate > score[end] {
                                        guard let unkId else { throw missingUnk() }
                                        score[end] = candidate
                                        start[end] = Int32(truncatingIfNeeded: at)
                                        id[end] = Int32(truncatingIfNeeded: unkId)
                                    }
                                }
                                at = charEnd
                            }
                        }
                    }
                }
            }
        }

        /// Calls `emit(range, id)` for each token of the best path, in order, with unknown runs
        /// fused (`id` = -1 for a fused unknown run, whose text decides the token).
        func segments(_ input: UnsafeBufferPointer<UInt8>, _ scratch: inout UnigramScratch) throws -> [(Range<Int>, Int32)] {
            try viterbi(input, &scratch)
            var out: [(Range<Int>, Int32)] = []
            var end = input.count
            var unkEnd = -1
            let unk = unkId.map { Int32($0) } ?? -1
            while end > 0 {
                let begin = Int(scratch.start[end])
                let piece = scratch.id[end]
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
            out.reverse()
            return out
        }

        /// The tokens of one piece; offsets are byte ranges of `piece.normalized`.
        public func tokenize(_ piece: NormalizedString) throws -> [Token] {
            var scratch = UnigramScratch()
            return try piece.normalized.withUnsafeBufferPointer { input in
                var tokens: [Token] = []
                for (range, id) in try segments(input, &scratch) {
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
            for (range, id) in try segments(bytes, &scratch) {
                if id >= 0 {
                    out.append(UInt32(id))
                } else {
                    try appendUnknown(UnsafeBufferPointer(rebasing: bytes[range])) { id, _ in out.append(id) }
                }
            }
        }
    }
}

/// Per-call Viterbi arrays, indexed by byte position (0...count).
struct UnigramScratch {
    var score: [Double] = []
    var start: [Int32] = []
    var id: [Int32] = []

    @inline(__always)
    mutating func reset(_ n: Int) {
        if score.count < n + 1 {
            score = [Double](repeating: 0, count: n + 1)
            start = [Int32](repeating: -1, count: n + 1)
            id = [Int32](repeating: -1, count: n + 1)
        } else {
            for i in 0...n {
                score[i] = 0
                start[i] = -1
            }
        }
        start[0] = 0
    }
}
