extension Trainers {
    /// Trains a BPE model exactly as `tokenizers`' `BpeTrainer` (0.23.3) does.
    ///
    /// The vocabulary starts with the special tokens, then the alphabet (the characters of the
    /// words plus `initialAlphabet`, cut to `limitAlphabet` by dropping the rarest, in code point
    /// order), then the prefixed/suffixed forms of characters as the words need them, then one
    /// token per merge. Each step merges the pair with the highest count; among equal counts the
    /// pair with the smaller (left id, right id). Pair counts are kept incrementally: a priority
    /// queue with lazily refreshed counts, each entry carrying the words it was counted in, as
    /// `tokenizers` does (including its quirks: a merge that forms an existing token reuses its id,
    /// and a pair merged twice keeps its last rank).
    ///
    /// `tokenizers` gives the prefixed/suffixed character forms ids in the order of its hash map of
    /// words, which changes from run to run; swifttok takes the words in byte order (or the
    /// order in `symbolOrder`, to reproduce a given `tokenizers` run exactly).
    public struct BpeTrainer: ModelTrainer {
        public var vocabSize: Int
        /// Pairs seen fewer times than this are never merged.
        public var minFrequency: UInt64
        public var specialTokens: [String]
        /// Keep at most this many characters in the alphabet (the most frequent).
        public var limitAlphabet: Int?
        /// Characters always in the alphabet (e.g. the 256 byte-level symbols).
        public var initialAlphabet: [Unicode.Scalar]
        /// Prefix of every symbol that does not start a word (WordPiece's `##`).
        public var continuingSubwordPrefix: String?
        /// Suffix of the symbol that ends a word (e.g. `</w>`).
        public var endOfWordSuffix: String?
        /// Tokens formed by merges are kept under this many characters (as `tokenizers` counts).
        public var maxTokenLength: Int?
        /// Ids for the prefixed/suffixed character forms, in this order, before the others.
        public var symbolOrder: [String]

        public init(vocabSize: Int = 30000, minFrequency: UInt64 = 0, specialTokens: [String] = [],
                    limitAlphabet: Int? = nil, initialAlphabet: [Unicode.Scalar] = [],
                    continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil,
                    maxTokenLength: Int? = nil, symbolOrder: [String] = []) {
            self.vocabSize = vocabSize
            self.minFrequency = minFrequency
            self.specialTokens = specialTokens
            self.limitAlphabet = limitAlphabet
            self.initialAlphabet = initialAlphabet
            self.continuingSubwordPrefix = continuingSubwordPrefix
            self.endOfWordSuffix = endOfWordSuffix
            self.maxTokenLength = maxTokenLength
            self.symbolOrder = symbolOrder
        }

        /// The trained vocabulary (token bytes by id) and merges (pairs of ids, by rank).
        public struct Result: Sendable {
            public var tokens: [[UInt8]]
            public var merges: [(UInt32, UInt32)]

            public func token(_ id: UInt32) -> String { String(decoding: tokens[Int(id)], as: Unicode.UTF8.self) }
        }

        public func train(_ counts: WordCounts, progress: TrainingProgressHandler?) throws -> TrainedModel {
            let r = try trainVocabulary(counts, progress: progress)
            let model = try makeModel(r)
            return TrainedModel(json: model.json, specialTokens: specialTokens, vocabSize: r.tokens.count)
        }

        /// The BPE model of a result.
        public func makeModel(_ r: Result) throws -> Models.BPE {
            let vocab = Models.Vocabulary(r.tokens.enumerated().map { (String(decoding: $1, as: Unicode.UTF8.self), UInt32($0)) })
            let merges = r.merges.map { Models.BPE.MergeRule(r.token($0.0), r.token($0.1)) }
            return try Models.BPE(vocab: vocab, merges: merges, continuingSubwordPrefix: continuingSubwordPrefix,
                                  endOfWordSuffix: endOfWordSuffix)
        }

        /// Runs the training; see the type's documentation.
        public func trainVocabulary(_ counts: WordCounts, progress: TrainingProgressHandler? = nil) throws -> Result {
            var state = State(trainer: self)
            state.addSpecialTokens()
            state.computeAlphabet(counts)
            for s in symbolOrder { state.addToken(Array(s.utf8)) }
            state.tokenizeWords(counts)
            return state.run(progress: progress)
        }
    }
}

extension Trainers.BpeTrainer {
    /// One queue entry: a pair, the count it had when queued, and the words it was seen in.
    struct Entry {
        var count: Int64
        var pair: UInt64
        var slot: Int32
        var sequence: UInt32

        /// Pops first: the highest count, then the smallest pair, then the oldest entry.
        @inline(__always)
        static func before(_ a: Entry, _ b: Entry) -> Bool {
            if a.count != b.count { return a.count > b.count }
            if a.pair != b.pair { return a.pair < b.pair }
            return a.sequence < b.sequence
        }
    }

    /// A binary heap of entries.
    struct Queue {
        var items: [Entry] = []
        var isEmpty: Bool { items.isEmpty }

        mutating func push(_ e: Entry) {
            items.append(e)
            var i = items.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                if !Entry.before(items[i], items[p]) { break }
                items.swapAt(i, p)
                i = p
            }
        }

        mutating func pop() -> Entry? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if items.isEmpty { return top }
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                var c = l
                if l + 1 < n && Entry.before(items[l + 1], items[l]) { c = l + 1 }
                if !Entry.before(items[c], items[i]) { break }
                items.swapAt(i, c)
                i = c
            }
            return top
        }
    }

    @inline(__always) static func pack(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) << 32 | UInt64(b) }

    struct State {
        let trainer: Trainers.BpeTrainer
        var idToWord: [[UInt8]] = []
        var wordToId: [[UInt8]: UInt32] = [:]
        /// Id of each allowed character's plain form (UInt32.max: not in the alphabet).
        var plainId: [UInt32] = []
        var words: [[UInt32]] = []
        var lengths: [[UInt32]] = []
        var counts: [Int64] = []
        let maxLength: Int

        init(trainer: Trainers.BpeTrainer) {
            self.trainer = trainer
            maxLength = trainer.maxTokenLength ?? Int.max
        }

        @discardableResult
        mutating func addToken(_ bytes: [UInt8]) -> UInt32 {
            if let id = wordToId[bytes] { return id }
            let id = UInt32(idToWord.count)
            idToWord.append(bytes)
            wordToId[bytes] = id
            return id
        }

        mutating func addSpecialTokens() {
            for s in trainer.specialTokens { addToken(Array(s.utf8)) }
        }

        mutating func computeAlphabet(_ wc: WordCounts) {
            var frequency = [UInt64](repeating: 0, count: 0x110000)
            var seen = [Bool](repeating: false, count: 0x110000)
            for (w, c) in zip(wc.words, wc.counts) {
                w.withUnsafeBufferPointer { p in
                    var i = 0
                    while i < p.count {
                        let (s, n) = UTF8Text.decode(p, at: i)
                        frequency[Int(s)] &+= c  // Safe: wraps only past 2^64 characters.
                        seen[Int(s)] = true
                        i += n
                    }
                }
            }
            for s in trainer.initialAlphabet {
                frequency[Int(s.value)] = UInt64.max
                seen[Int(s.value)] = true
            }
            var kept: [(scalar: UInt32, count: UInt64)] = []
            for s in 0..<0x110000 where seen[s] { kept.append((UInt32(s), frequency[s])) }
            if let limit = trainer.limitAlphabet, kept.count > limit {
                // tokenizers sorts by count with an unstable sort (ties in hash order); here ties
                // drop the smaller code point first.
                kept.sort { $0.count != $1.count ? $0.count < $1.count : $0.scalar < $1.scalar }
                kept.removeFirst(kept.count - limit)
                kept.sort { $0.scalar < $1.scalar }
            }
            plainId = [UInt32](repeating: UInt32.max, count: 0x110000)
            for (s, _) in kept {
                var b: [UInt8] = []
                UTF8Text.appendScalar(s, to: &b)
                addToken(b)
            }
            // Characters whose one-character string is in the vocabulary (alphabet or special token).
            for (bytes, id) in wordToId {
                let scalars = UTF8Text.scalars(bytes)
                if scalars.count == 1 { plainId[Int(scalars[0])] = id }
            }
        }

        mutating func tokenizeWords(_ wc: WordCounts) {
            let prefix = trainer.continuingSubwordPrefix.map { Array($0.utf8) }
            let suffix = trainer.endOfWordSuffix.map { Array($0.utf8) }
            var variants: [UInt64: UInt32] = [:]
            words.reserveCapacity(wc.count)
            counts.reserveCapacity(wc.count)
            for (w, c) in zip(wc.words, wc.counts) {
                counts.append(Int64(truncatingIfNeeded: c))
                var symbols: [UInt32] = []
                w.withUnsafeBufferPointer { p in
                    var i = 0
                    while i < p.count {
                        let (s, n) = UTF8Text.decode(p, at: i)
                        let first = i == 0
                        let last = i + n == p.count
                        i += n
                        let plain = plainId[Int(s)]
                        if plain == UInt32.max { continue }
                        let usePrefix = !first && prefix != nil
                        let useSuffix = last && suffix != nil
                        if !usePrefix && !useSuffix { symbols.append(plain); continue }
                        let key = UInt64(s) << 2 | (usePrefix ? 1 : 0) | (useSuffix ? 2 : 0)
                        if let id = variants[key] { symbols.append(id); continue }
                        var bytes: [UInt8] = usePrefix ? prefix ?? [] : []
                        UTF8Text.appendScalar(s, to: &bytes)
                        if useSuffix { bytes += suffix ?? [] }
                        let id = addToken(bytes)
                        variants[key] = id
                        symbols.append(id)
                    }
                }
                words.append(symbols)
            }
            if trainer.maxTokenLength != nil {
                lengths = words.map { [UInt32](repeating: 1, count: $0.count) }
            }
        }

        /// Merges `(a, b)` into `replacement` everywhere in word `i`, reporting each pair-count
        /// change in the order `tokenizers`' `Word::merge` makes them.
        @inline(__always)
        mutating func merge(word i: Int, _ a: UInt32, _ b: UInt32, _ replacement: UInt32,
                            _ change: (UInt64, Int64) -> Void) {
            var symbols = words[i]
            words[i] = []
            let tracked = !lengths.isEmpty
            var lens: [UInt32] = tracked ? lengths[i] : []
            if tracked { lengths[i] = [] }
            let n = symbols.count
            var w = 0
            var r = 0
            while r < n {
                if symbols[r] == a && r + 1 < n && symbols[r + 1] == b {
                    let newLen: UInt32 = tracked ? lens[r] + lens[r + 1] : 2
                    if w > 0 {
                        change(Trainers.BpeTrainer.pack(symbols[w - 1], a), -1)
                        if !tracked || Int(lens[w - 1] + newLen) < maxLength {
                            change(Trainers.BpeTrainer.pack(symbols[w - 1], replacement), 1)
                        }
                    }
                    if r + 2 < n {
                        change(Trainers.BpeTrainer.pack(b, symbols[r + 2]), -1)
                        if !tracked || Int(lens[r + 2] + newLen) < maxLength {
                            change(Trainers.BpeTrainer.pack(replacement, symbols[r + 2]), 1)
                        }
                    }
                    symbols[w] = replacement
                    if tracked { lens[w] = newLen }
                    w += 1
                    r += 2
                } else {
                    symbols[w] = symbols[r]
                    if tracked { lens[w] = lens[r] }
                    w += 1
                    r += 1
                }
            }
            symbols.removeLast(n - w)
            words[i] = symbols
            if tracked { lens.removeLast(n - w); lengths[i] = lens }
        }

        mutating func run(progress: TrainingProgressHandler?) -> Trainers.BpeTrainer.Result {
            var pairCounts: [UInt64: Int64] = [:]
            var whereToUpdate: [UInt64: [Int32]] = [:]
            for (i, word) in words.enumerated() where word.count >= 2 {
                let c = counts[i]
                for k in 0..<(word.count - 1) {
                    let p = Trainers.BpeTrainer.pack(word[k], word[k + 1])
                    pairCounts[p, default: 0] += c
                    whereToUpdate[p, default: []].appendUnique(Int32(i))
                }
            }
            var queue = Queue()
            var positions: [[Int32]] = []
            var sequence: UInt32 = 0
            func pushAll(_ pending: inout [UInt64: [Int32]]) {
                for p in pending.keys.sorted() {
                    let c = pairCounts[p] ?? 0
                    guard c > 0, let pos = pending[p] else { continue }
                    positions.append(pos)
                    queue.push(Entry(count: c, pair: p, slot: Int32(positions.count - 1), sequence: sequence))
                    sequence &+= 1
                }
                pending.removeAll(keepingCapacity: true)
            }
            pushAll(&whereToUpdate)

            var merges: [(UInt64, UInt32)] = []
            let target = trainer.vocabSize
            let prefix = trainer.continuingSubwordPrefix.map { Array($0.utf8) }
            while wordToId.count < target, var top = queue.pop() {
                let current = pairCounts[top.pair] ?? 0
                if top.count != current {
                    top.count = current
                    queue.push(top)
                    continue
                }
                if top.count < 1 || Int64(clamping: trainer.minFrequency) > top.count { break }
                let a = UInt32(truncatingIfNeeded: top.pair >> 32)
                let b = UInt32(truncatingIfNeeded: top.pair)
                var partB = idToWord[Int(b)]
                if let prefix, partB.starts(with: prefix) { partB.removeFirst(prefix.count) }
                let newId = addToken(idToWord[Int(a)] + partB)
                merges.append((top.pair, newId))
                let pos = positions[Int(top.slot)]
                positions[Int(top.slot)] = []
                for iw in pos {
                    let i = Int(iw)
                    let c = counts[i]
                    merge(word: i, a, b, newId) { pair, delta in
                        pairCounts[pair, default: 0] += delta * c
                        if delta > 0 { whereToUpdate[pair, default: []].appendUnique(iw) }
                    }
                }
                pushAll(&whereToUpdate)
                progress?(TrainingProgress(phase: "merge", done: wordToId.count, total: target))
            }
            // A pair merged twice keeps its last rank (tokenizers builds a map from the list).
            var lastRank: [UInt64: Int] = [:]
            for (rank, m) in merges.enumerated() { lastRank[m.0] = rank }
            var ranked: [(UInt32, UInt32)] = []
            for (rank, m) in merges.enumerated() where lastRank[m.0] == rank {
                ranked.append((UInt32(truncatingIfNeeded: m.0 >> 32), UInt32(truncatingIfNeeded: m.0)))
            }
            return Trainers.BpeTrainer.Result(tokens: idToWord, merges: ranked)
        }
    }
}

extension Array where Element == Int32 {
    /// Appends `v` unless it is already the last element (positions arrive grouped by word).
    @inline(__always)
    mutating func appendUnique(_ v: Int32) {
        if last != v { append(v) }
    }
}
