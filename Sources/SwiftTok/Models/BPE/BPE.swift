extension Models {
    /// Byte-pair encoding (tokenizer.json `"type": "BPE"`), as `tokenizers`' `models::bpe::BPE`.
    ///
    /// Each character of a piece becomes a symbol (with `continuing_subword_prefix` on all but the
    /// first and `end_of_word_suffix` on the last); unknown characters fall back to `<0xNN>` byte
    /// tokens or the unknown token; then merges apply by rank. Merges are keyed by id pairs.
    public struct BPE: Sendable {
        /// Token strings ↔ ids.
        public let vocab: Vocabulary
        let merges: MergeTable
        /// Probability of skipping a merge (BPE-dropout); nil or 0 means deterministic.
        public let dropout: Float?
        public let unkToken: String?
        public let continuingSubwordPrefix: String?
        public let endOfWordSuffix: String?
        /// Whether consecutive unknown characters become one unknown token.
        public let fuseUnk: Bool
        /// Whether unknown characters become `<0xNN>` byte tokens before the unknown token.
        public let byteFallback: Bool
        /// Whether a piece that is itself a token is emitted whole, before any merge.
        public let ignoreMerges: Bool
        /// Seed of the dropout generator for the stage API; nil draws from the system
        /// generator, as `tokenizers` does (unseeded).
        public var dropoutSeed: UInt64?

        /// Id of `unkToken`, when it is in the vocabulary.
        let unkId: UInt32?
        let prefix: [UInt8]
        let suffix: [UInt8]
        /// `<0xNN>` token id for each byte (`absent` when missing), for byte fallback.
        let byteFallbackIds: [UInt32]
        /// Id of each scalar below 0x800 alone, and with the prefix (`absent` when missing).
        let firstCharIds: [UInt32]
        let continuingCharIds: [UInt32]
        /// True when no two tokens share an id, which makes the linear scan equal to the heap.
        let linearScanIsExact: Bool
        /// The raw-byte view of a byte-level vocabulary (every GPT-2 alphabet character is a
        /// token and there is no prefix or suffix); nil otherwise.
        public private(set) var byteLevel: ByteLevelView?
        /// Bit per id: the token's own string, as a piece, encodes to just this token. Such a
        /// piece is answered by one vocabulary lookup (the vocabulary is the first cache).
        /// Empty when not applicable (prefix, suffix, or ids shared by several tokens).
        private(set) var wholeTokenBits: [UInt64] = []

        static let absent = UInt32.max
        static let smallScalarLimit = 0x800

        /// A merge rule as read: the two tokens and where it came from (for errors).
        public struct MergeRule: Sendable {
            public var left: String
            public var right: String
            /// JSON path or file location of the rule.
            public var location: String

            public init(_ left: String, _ right: String, location: String = "") {
                self.left = left
                self.right = right
                self.location = location
            }
        }

        /// Builds a model; merges are ranked in order (a pair given twice keeps its last rank).
        /// Throws when a merge names a token, or forms a token, that is not in the vocabulary.
        public init(vocab: Vocabulary, merges: [MergeRule], dropout: Float? = nil, unkToken: String? = nil,
                    continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil,
                    fuseUnk: Bool = false, byteFallback: Bool = false, ignoreMerges: Bool = false) throws {
            if let d = dropout, !(0...1).contains(d) {
                throw TokenizerError(.invalidField, "dropout must be between 0 and 1, inclusive (found \(d))")
            }
            let prefixLength = continuingSubwordPrefix?.utf8.count ?? 0
            var table = MergeTable(capacityFor: merges.count)
            for (rank, rule) in merges.enumerated() {
                guard let a = vocab.id(rule.left) else {
                    throw TokenizerError(.unknownToken, "merge token '\(rule.left)' is not in the vocabulary", at: rule.location)
                }
                guard let b = vocab.id(rule.right) else {
                    throw TokenizerError(.unknownToken, "merge token '\(rule.right)' is not in the vocabulary", at: rule.location)
                }
                let rightBytes = Array(rule.right.utf8)
                guard rightBytes.count >= prefixLength,
                      prefixLength == rightBytes.count || rightBytes[prefixLength] & 0xC0 != 0x80 else {
                    throw TokenizerError(.invalidField, "merge token '\(rule.right)' is shorter than the continuing subword prefix", at: rule.location)
                }
                let merged = Array(rule.left.utf8) + rightBytes[prefixLength...]
                guard let c = vocab.table.get(merged) else {
                    throw TokenizerError(.unknownToken, "merged token '\(String(decoding: merged, as: Unicode.UTF8.self))' is not in the vocabulary", at: rule.location)
                }
                table.set(a, b, rank: UInt32(truncatingIfNeeded: rank), newId: c)
            }
            self.init(vocab: vocab, table: table, dropout: dropout, unkToken: unkToken,
                      continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix,
                      fuseUnk: fuseUnk, byteFallback: byteFallback, ignoreMerges: ignoreMerges)
        }

        init(vocab: Vocabulary, table: MergeTable, dropout: Float?, unkToken: String?,
             continuingSubwordPrefix: String?, endOfWordSuffix: String?,
             fuseUnk: Bool, byteFallback: Bool, ignoreMerges: Bool) {
            self.vocab = vocab
            self.merges = table
            self.dropout = dropout
            self.unkToken = unkToken
            self.continuingSubwordPrefix = continuingSubwordPrefix
            self.endOfWordSuffix = endOfWordSuffix
            self.fuseUnk = fuseUnk
            self.byteFallback = byteFallback
            self.ignoreMerges = ignoreMerges
            unkId = unkToken.flatMap { vocab.id($0) }
            let prefix = Array((continuingSubwordPrefix ?? "").utf8)
            let suffix = Array((endOfWordSuffix ?? "").utf8)
            self.prefix = prefix
            self.suffix = suffix
            byteFallbackIds = (0..<256).map { b in vocab.id(BPE.byteFallbackToken(UInt8(b))) ?? BPE.absent }
            var first = [UInt32](repeating: BPE.absent, count: BPE.smallScalarLimit)
            var continuing = first
            for s in 0..<UInt32(BPE.smallScalarLimit) where !(0xD800...0xDFFF).contains(s) {
                var key: [UInt8] = []
                UTF8Text.appendScalar(s, to: &key)
                first[Int(s)] = vocab.table.get(key) ?? BPE.absent
                continuing[Int(s)] = prefix.isEmpty ? first[Int(s)] : vocab.table.get(prefix + key) ?? BPE.absent
            }
            firstCharIds = first
            continuingCharIds = continuing
            linearScanIsExact = !vocab.hasSharedIds
            byteLevel = nil
            if prefix.isEmpty && suffix.isEmpty && linearScanIsExact && !ignoreMerges {
                wholeTokenBits = computeWholeTokenBits()
            }
            if prefix.isEmpty && suffix.isEmpty {
                byteLevel = ByteLevelView(vocab: vocab, merges: table, ignoreMerges: ignoreMerges,
                                          wholeTokenBits: wholeTokenBits)
            }
        }

        /// Encodes every token's string as a piece and marks the ones that come back whole.
        func computeWholeTokenBits() -> [UInt64] {
            var maxId: UInt32 = 0
            vocab.table.forEach { _, id in maxId = Swift.max(maxId, id) }
            guard Int(maxId) <= vocab.count * 4 + 1024 else { return [] }
            var bits = [UInt64](repeating: 0, count: Int(maxId) / 64 + 1)
            var rng = SplitMix64(seed: 0)
            vocab.table.forEach { key, id in
                let capacity = symbolCapacity(key.count)
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: capacity) { buffer in
                    guard let ids = buffer.baseAddress,
                          let n = try? initialSymbols(key, ids: ids, lens: nil), n > 0 else { return }
                    let m = merges.merge(ids: ids, lens: nil, count: n, dropout: 0, linearScan: true, rng: &rng)
                    if m == 1 && ids[0] == id { bits[Int(id) >> 6] |= 1 << UInt64(id & 63) }
                }
            }
            return bits
        }

        /// The id of a piece that is a whole token encoding to itself.
        @inline(__always)
        func wholeToken(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
            guard !wholeTokenBits.isEmpty, let id = vocab.id(bytes) else { return nil }
            let word = Int(id) >> 6
            guard word < wholeTokenBits.count, wholeTokenBits[word] & (1 << UInt64(id & 63)) != 0 else { return nil }
            return id
        }

        /// `<0xNN>`, the byte-fallback token of a byte.
        static func byteFallbackToken(_ b: UInt8) -> String {
            let hex = Array("0123456789ABCDEF".utf8)
            return String(decoding: [UInt8(ascii: "<"), UInt8(ascii: "0"), UInt8(ascii: "x"),
                                     hex[Int(b >> 4)], hex[Int(b & 15)], UInt8(ascii: ">")], as: Unicode.UTF8.self)
        }

        /// Whether merges may be skipped at random.
        var dropoutActive: Bool { (dropout ?? 0) != 0 }

        // MARK: Stage API

        /// The tokens of one piece; offsets are byte ranges of `piece.normalized`.
        public func tokenize(_ piece: NormalizedString) throws -> [Token] {
            if dropoutActive {
                if let seed = dropoutSeed {
                    var rng = SplitMix64(seed: seed)
                    return try tokenize(piece.normalized, using: &rng)
                }
                var rng = SystemRandomNumberGenerator()
                return try tokenize(piece.normalized, using: &rng)
            }
            var rng = SplitMix64(seed: 0)
            return try tokenize(piece.normalized, using: &rng)
        }

        /// The tokens of UTF-8 `bytes`, drawing dropout decisions from `rng`.
        public func tokenize<R: RandomNumberGenerator>(_ bytes: [UInt8], using rng: inout R) throws -> [Token] {
            if bytes.isEmpty { return [] }
            return try bytes.withUnsafeBufferPointer { input in
                if !dropoutActive, let id = ignoreMerges ? vocab.id(input) : wholeToken(input) {
                    return [Token(id: id, value: vocab.token(id) ?? "", offsets: 0..<input.count)]
                }
                let capacity = symbolCapacity(input.count)
                return try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: capacity) { idBuffer in
                    try withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { lenBuffer in
                        guard let ids = idBuffer.baseAddress, let lens = lenBuffer.baseAddress else { return [] }
                        var n = try initialSymbols(input, ids: ids, lens: lens)
                        n = merges.merge(ids: ids, lens: lens, count: n, dropout: dropout ?? 0,
                                         linearScan: linearScanIsExact, rng: &rng)
                        var tokens: [Token] = []
                        tokens.reserveCapacity(n)
                        var offset = 0
                        for i in 0..<n {
                            let end = offset + Int(lens[i])
                            tokens.append(Token(id: ids[i], value: vocab.token(ids[i]) ?? "", offsets: offset..<end))
                            offset = end
                        }
                        return tokens
                    }
                }
            }
        }

        /// Appends the ids of the piece with UTF-8 `bytes` (in the vocabulary's alphabet) to
        /// `out`: the ids `tokenize` gives, without building tokens or strings.
        public func encodeIds(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) throws {
            if dropoutActive {
                var system = SystemRandomNumberGenerator()
                var rng = SplitMix64(seed: dropoutSeed ?? system.next())
                try encodeIds(bytes, into: &out, using: &rng)
            } else {
                var rng = SplitMix64(seed: 0)
                try encodeIds(bytes, into: &out, using: &rng)
            }
        }

        /// `encodeIds`, drawing dropout decisions from `rng`.
        public func encodeIds<R: RandomNumberGenerator>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32],
                                                        using rng: inout R) throws {
            if bytes.isEmpty { return }
            if !dropoutActive, let id = ignoreMerges ? vocab.id(bytes) : wholeToken(bytes) {
                out.append(id)
                return
            }
            let capacity = symbolCapacity(bytes.count)
            try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: capacity) { idBuffer in
                guard let ids = idBuffer.baseAddress else { return }
                var n = try initialSymbols(bytes, ids: ids, lens: nil)
                n = merges.merge(ids: ids, lens: nil, count: n, dropout: dropout ?? 0,
                                 linearScan: linearScanIsExact, rng: &rng)
                out.append(contentsOf: UnsafeBufferPointer(start: ids, count: n))
            }
        }

        /// An upper bound of the initial symbols of `n` bytes (byte fallback spells the prefix
        /// and suffix too).
        func symbolCapacity(_ n: Int) -> Int {
            byteFallback ? n * (1 + prefix.count) + suffix.count + 1 : n + 1
        }

        /// Writes the symbols of `tokenizers`' `merge_word` before merging: one per character,
        /// byte-fallback tokens, unknown tokens (fused or not). Returns their count.
        @inline(__always)
        func initialSymbols(_ input: UnsafeBufferPointer<UInt8>, ids: UnsafeMutablePointer<UInt32>,
                            lens: UnsafeMutablePointer<Int32>?) throws -> Int {
            var n = 0
            @inline(__always) func add(_ id: UInt32, _ length: Int) {
                ids[n] = id
                lens?[n] = Int32(truncatingIfNeeded: length)
                n += 1
            }
            var pendingUnk: (id: UInt32, length: Int)? = nil
            let count = input.count
            var i = 0
            while i < count {
                let (scalar, length) = UTF8Text.decode(input, at: i)
                let isFirst = i == 0
                let isLast = i + length >= count
                var id = BPE.absent
                if scalar < BPE.smallScalarLimit && (!isLast || suffix.isEmpty) {
                    id = isFirst ? firstCharIds[Int(scalar)] : continuingCharIds[Int(scalar)]
                } else {
                    id = lookupSymbol(input, i, length, isFirst: isFirst, isLast: isLast)
                }
                if id != BPE.absent {
                    if let u = pendingUnk {
                        add(u.id, u.length)
                        pendingUnk = nil
                    }
                    add(id, length)
                    i += length
                    continue
                }
                if byteFallback && fallbackSymbols(input, i, length, isFirst: isFirst, isLast: isLast, add: add) {
                    i += length
                    continue
                }
                if let unkToken {
                    if let u = pendingUnk {
                        if fuseUnk {
                            pendingUnk = (u.id, u.length + length)
                        } else {
                            add(u.id, u.length)
                            guard let unkId else { throw BPE.missingUnk(unkToken) }
                            pendingUnk = (unkId, length)
                        }
                    } else {
                        guard let unkId else { throw BPE.missingUnk(unkToken) }
                        pendingUnk = (unkId, length)
                    }
                }
                i += length
            }
            if let u = pendingUnk { add(u.id, u.length) }
            return n
        }

        static func missingUnk(_ token: String) -> TokenizerError {
            TokenizerError(.unknownToken, "unknown token '\(token)' is not in the vocabulary")
        }

        /// The id of prefix? + character + suffix? (the form `merge_word` looks up).
        func lookupSymbol(_ input: UnsafeBufferPointer<UInt8>, _ i: Int, _ length: Int, isFirst: Bool, isLast: Bool) -> UInt32 {
            let p = isFirst ? 0 : prefix.count
            let s = isLast ? suffix.count : 0
            if p == 0 && s == 0 {
                return vocab.id(UnsafeBufferPointer(rebasing: input[i..<(i + length)])) ?? BPE.absent
            }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: p + length + s) { key in
                var k = 0
                for b in prefix.prefix(p) { key[k] = b; k += 1 }
                for j in i..<(i + length) { key[k] = input[j]; k += 1 }
                for b in suffix.prefix(s) { key[k] = b; k += 1 }
                return vocab.id(UnsafeBufferPointer(key)) ?? BPE.absent
            }
        }

        /// Adds the `<0xNN>` tokens of every byte of prefix? + character + suffix?, each one
        /// byte long, when all exist; returns false (adding nothing) otherwise.
        @inline(__always)
        func fallbackSymbols(_ input: UnsafeBufferPointer<UInt8>, _ i: Int, _ length: Int, isFirst: Bool, isLast: Bool,
                             add: (UInt32, Int) -> Void) -> Bool {
            let p = isFirst ? 0 : prefix.count
            let s = isLast ? suffix.count : 0
            for b in prefix.prefix(p) where byteFallbackIds[Int(b)] == BPE.absent { return false }
            for j in i..<(i + length) where byteFallbackIds[Int(input[j])] == BPE.absent { return false }
            for b in suffix.prefix(s) where byteFallbackIds[Int(b)] == BPE.absent { return false }
            for b in prefix.prefix(p) { add(byteFallbackIds[Int(b)], 1) }
            for j in i..<(i + length) { add(byteFallbackIds[Int(input[j])], 1) }
            for b in suffix.prefix(s) { add(byteFallbackIds[Int(b)], 1) }
            return true
        }

        // MARK: Vocabulary

        /// The id of `token`.
        public func tokenToId(_ token: String) -> UInt32? { vocab.id(token) }
        /// The token of `id`.
        public func idToToken(_ id: UInt32) -> String? { vocab.token(id) }

        /// The merges as (left, right) token pairs by rank, as `tokenizers` writes them.
        public var mergePairs: [(String, String)] {
            merges.sortedPairs.map { (vocab.token($0.left) ?? "", vocab.token($0.right) ?? "") }
        }
    }
}
