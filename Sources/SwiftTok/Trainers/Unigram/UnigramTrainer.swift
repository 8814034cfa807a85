extension Trainers {
    /// Trains a Unigram vocabulary from word counts, as `tokenizers`' `UnigramTrainer` does:
    /// seed pieces from a suffix array, EM with a Bayesian M-step, pruning rounds by
    /// `shrinkingFactor` until `vocabSize`, then the final selection.
    ///
    /// The result is the same for any thread count (fixed chunking and reduction order).
    ///
    /// ```swift
    /// let trained = try Trainers.UnigramTrainer(vocabSize: 16000, specialTokens: ["<pad>", "</s>", "<unk>"],
    ///                                           unkToken: "<unk>").train(wordCounts)
    /// try trained.tokenizerJSON().serialized()   // a tokenizer.json that `tokenizers` loads
    /// ```
    public struct UnigramTrainer: Sendable {
        /// The final vocabulary size, special tokens (and byte pieces) included.
        public var vocabSize: Int
        /// EM iterations between pruning rounds.
        public var nSubIterations: Int
        /// The fraction of pieces each pruning round keeps.
        public var shrinkingFactor: Double
        /// Tokens put first in the vocabulary (ids 0, 1, …) and marked special.
        public var specialTokens: [String]
        /// Characters always in the vocabulary (only the first character of each string counts).
        public var initialAlphabet: [String]
        /// The unknown token; added at id 0 unless it is one of `specialTokens`. nil: no unknown token.
        public var unkToken: String?
        /// The longest piece, in characters.
        public var maxPieceLength: Int
        /// How many seed pieces (characters included) EM starts from.
        public var seedSize: Int
        /// Adds the 256 byte pieces `<0x00>` … `<0xFF>` and sets the model's `byte_fallback`.
        public var byteFallback: Bool
        /// Threads for the parallel steps (0 = all cores); the output does not depend on it.
        public var threads: Int
        /// Seed substrings scored by their frequency in the corpus (SentencePiece) rather than by the
        /// number of distinct words holding them (`tokenizers`).
        public var weightSeedsByCount = false
        /// The pruning loss as SentencePiece computes it (removed frequency spread over the piece's
        /// alternatives) rather than as `tokenizers` does (over all pieces).
        public var sentencePieceLoss = false

        public init(vocabSize: Int = 8000, nSubIterations: Int = 2, shrinkingFactor: Double = 0.75,
                    specialTokens: [String] = [], initialAlphabet: [String] = [], unkToken: String? = nil,
                    maxPieceLength: Int = 16, seedSize: Int = 1_000_000, byteFallback: Bool = false,
                    threads: Int = 0) {
            self.vocabSize = vocabSize
            self.nSubIterations = nSubIterations
            self.shrinkingFactor = shrinkingFactor
            self.specialTokens = specialTokens
            self.initialAlphabet = initialAlphabet
            self.unkToken = unkToken
            self.maxPieceLength = maxPieceLength
            self.seedSize = seedSize
            self.byteFallback = byteFallback
            self.threads = threads
        }

        /// Checks the options; errors are `invalidArgument` and name the option.
        public func validate() throws {
            func bad(_ m: String) -> TokenizerError { TokenizerError(.invalidArgument, m) }
            if vocabSize < 1 { throw bad("vocab_size must be at least 1 (got \(vocabSize))") }
            if nSubIterations < 1 { throw bad("n_sub_iterations must be at least 1 (got \(nSubIterations))") }
            if !(shrinkingFactor > 0 && shrinkingFactor < 1) {
                throw bad("shrinking_factor must be in (0, 1) (got \(shrinkingFactor))")
            }
            if maxPieceLength < 1 || maxPieceLength > 1024 {
                throw bad("max_piece_length must be in 1...1024 (got \(maxPieceLength))")
            }
            if seedSize < 1 { throw bad("seed_size must be at least 1 (got \(seedSize))") }
            if Set(specialTokens.map { ExactString($0) }).count != specialTokens.count { throw bad("special_tokens contains duplicates") }
            if specialTokens.contains("") { throw bad("special_tokens contains an empty token") }
            if unkToken == "" { throw bad("unk_token is empty") }
        }

        /// Trains on `words` (pre-tokenized words and their counts; empty words and zero counts are ignored).
        public func train(_ words: [(word: String, count: UInt64)], progress: TrainingProgressHandler? = nil) throws
            -> TrainedUnigram
        {
            try validate()
            let symbols = words.reduce(0) { $0 &+ $1.word.unicodeScalars.count + 1 }
            if symbols >= Int(Int32.max) {
                throw TokenizerError(.invalidArgument,
                    "the distinct words hold \(symbols) characters; the Unigram trainer takes fewer than 2^31")
            }
            progress?(TrainingProgress(phase: "seed", done: 0, total: 0))
            let corpus = UnigramCorpus(words: words, maxPieceLength: maxPieceLength, seedSize: seedSize,
                                       weightSeedsByCount: weightSeedsByCount, threads: threads)
            if corpus.wordCount == 0 {
                throw TokenizerError(.invalidArgument, "cannot train a Unigram model on an empty corpus (no words)")
            }
            // Required characters: every character of the corpus, and the initial alphabet.
            var required = Set(corpus.symbols)
            if corpus.text.contains(0) { required.insert(0) }
            for s in initialAlphabet { if let c = s.unicodeScalars.first { required.insert(c.value) } }
            let needUnk = unkToken.map { !specialTokens.contains($0) } ?? false
            let reserved = specialTokens.count + (needUnk ? 1 : 0) + (byteFallback ? 256 : 0)
            if required.count + reserved > vocabSize {
                throw TokenizerError(.invalidArgument,
                    "vocab_size \(vocabSize) is smaller than the \(required.count) required characters plus \(reserved) reserved tokens"
                    + " (\(specialTokens.count) special\(needUnk ? ", the unknown token" : "")\(byteFallback ? ", 256 byte pieces" : ""))"
                    + " = \(required.count + reserved)")
            }

            var em = UnigramEM(corpus: corpus, threads: threads)
            let desired = vocabSize * 11 / 10
            var round = 0
            while true {
                progress?(TrainingProgress(phase: "EM (\(em.order.count) pieces)", done: round, total: 0))
                for _ in 0..<nSubIterations { em.maximize(em.expectedCounts()) }
                if em.order.count <= desired { break }
                round += 1
                em.prune(desiredSize: desired, shrinkingFactor: shrinkingFactor, sentencePieceLoss: sentencePieceLoss)
            }
            return finalize(em, required: required.sorted(), needUnk: needUnk)
        }

        /// The final selection: required characters first (missing ones scored just above the
        /// minimum), then pieces in model order up to the size, sorted by score; special tokens first.
        func finalize(_ em: UnigramEM, required: [UInt32], needUnk: Bool) -> TrainedUnigram {
            func string(_ scalars: [UInt32]) -> String {
                var s = String.UnicodeScalarView()
                for c in scalars { if let u = Unicode.Scalar(c) { s.append(u) } }
                return String(s)
            }
            var existing: [ExactString: Double] = [:]
            var learned: [(String, Double)] = []
            for id in em.order.dropFirst() {
                let s = string(em.corpus.pieceScalars(id))
                existing[ExactString(s)] = em.score[id]
                learned.append((s, em.score[id]))
            }
            let bytes = byteFallback ? (0..<256).map { b in "<0x" + hex2(b) + ">" } : []
            var inserted = Set(specialTokens.map { ExactString($0) })
            if let unkToken { inserted.insert(ExactString(unkToken)) }
            for b in bytes { inserted.insert(ExactString(b)) }
            var pieces: [(String, Double)] = []
            var penalty = 0.0
            for c in required {
                let s = string([c])
                if !inserted.insert(ExactString(s)).inserted { continue }
                if let sc = existing[ExactString(s)] {
                    pieces.append((s, sc))
                } else {
                    pieces.append((s, em.minScore + penalty))
                    penalty += 0.0001
                }
            }
            let budget = vocabSize - specialTokens.count - (needUnk ? 1 : 0) - bytes.count
            for (s, sc) in learned where pieces.count < budget {
                if !inserted.insert(ExactString(s)).inserted { continue }
                pieces.append((s, sc.isNaN ? 0 : sc))
            }
            // Stable sort by decreasing score.
            let sorted = pieces.enumerated().sorted { a, b in
                a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset
            }.map { $0.element }
            var vocab: [(String, Double)] = []
            if needUnk, let unkToken { vocab.append((unkToken, 0)) }
            for t in specialTokens { vocab.append((t, 0)) }
            for b in bytes { vocab.append((b, 0)) }
            vocab.append(contentsOf: sorted)
            let unkId = unkToken.flatMap { u in vocab.firstIndex { $0.0 == u } }
            return TrainedUnigram(vocab: vocab, unkId: unkId, byteFallback: byteFallback, specialTokens: specialTokens)
        }

        private func hex2(_ b: Int) -> String {
            let digits = Array("0123456789ABCDEF")
            return String([digits[b >> 4], digits[b & 15]])
        }
    }

    /// A trained Unigram vocabulary: pieces with their log-probability scores, in id order.
    public struct TrainedUnigram: Sendable {
        public var vocab: [(piece: String, score: Double)]
        public var unkId: Int?
        public var byteFallback: Bool
        public var specialTokens: [String]

        /// The tokenizer.json `"model"` object (`"type": "Unigram"`).
        public var modelJSON: JSON {
            .object(JSONObject([
                ("type", .string("Unigram")),
                ("unk_id", unkId.map { .int(Int64($0)) } ?? .null),
                ("vocab", .array(vocab.map { .array([.string($0.piece), .double($0.score)]) })),
                ("byte_fallback", .bool(byteFallback)),
            ]))
        }

        /// A complete tokenizer.json as `tokenizers`' `SentencePieceUnigramTokenizer` writes it:
        /// Nmt + NFKC + runs of spaces collapsed, Metaspace (▁, prepended always) pre-tokenizer and
        /// decoder, the special tokens as added tokens. The pipeline is `UnigramTrainer.pipelineJSON`.
        public func tokenizerJSON() -> JSON {
            let added: [JSON] = specialTokens.compactMap { t in
                guard let id = vocab.firstIndex(where: { $0.piece == t }) else { return nil }
                return .object(JSONObject([
                    ("id", .int(Int64(id))), ("content", .string(t)), ("single_word", .bool(false)),
                    ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)),
                    ("special", .bool(true)),
                ]))
            }
            return .object(JSONObject([
                ("version", .string("1.0")),
                ("truncation", .null),
                ("padding", .null),
                ("added_tokens", .array(added)),
                ("normalizer", UnigramTrainer.normalizerJSON),
                ("pre_tokenizer", UnigramTrainer.metaspaceJSON),
                ("post_processor", .null),
                ("decoder", UnigramTrainer.metaspaceJSON),
                ("model", modelJSON),
            ]))
        }
    }
}

extension Trainers.UnigramTrainer {
    /// The normalizer of the `t5` preset (`SentencePieceUnigramTokenizer`'s): Nmt, NFKC, `" {2,}"` → `" "`.
    public static let normalizerJSON: JSON = .object(JSONObject([
        ("type", .string("Sequence")),
        ("normalizers", .array([
            .object(JSONObject([("type", .string("Nmt"))])),
            .object(JSONObject([("type", .string("NFKC"))])),
            .object(JSONObject([
                ("type", .string("Replace")),
                ("pattern", .object(JSONObject([("Regex", .string(" {2,}"))]))),
                ("content", .string(" ")),
            ])),
        ])),
    ]))

    /// The Metaspace pre-tokenizer and decoder of the `t5` preset.
    public static let metaspaceJSON: JSON = .object(JSONObject([
        ("type", .string("Metaspace")), ("replacement", .string("\u{2581}")),
        ("prepend_scheme", .string("always")), ("split", .bool(true)),
    ]))
}
