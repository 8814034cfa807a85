/// The options of `swifttok train`, and the one mapping from them to a trainer and a complete
/// tokenizer. The CLI (`TrainCommand`) and the C ABI (`swifttok_train`, options as JSON) both go
/// through this type, so the same options give the same tokenizer.json bytes either way.
public struct TrainingOptions: Sendable, Equatable {
    /// bpe, wordpiece, wordlevel or unigram; nil = the preset's default model.
    public var model: String?
    /// gpt2, bert or t5; nil = as the model implies (wordpiece → bert, unigram → t5, else gpt2).
    public var preset: String?
    public var vocabSize: Int = 32000
    /// nil = the preset's special tokens.
    public var specialTokens: [String]?
    public var minFrequency: UInt64 = 0
    public var limitAlphabet: Int?
    /// Each scalar is one initial symbol; nil = the preset's (the 256 byte symbols for gpt2).
    public var initialAlphabet: String?
    public var continuingSubwordPrefix: String?
    public var endOfWordSuffix: String?
    public var maxTokenLength: Int?
    public var unkToken: String?
    /// 0 = all cores.
    public var threads: Int = 0
    /// Each whole file is one sequence (default: each line, with its line ending).
    public var documents = false
    /// Unigram: the fraction of pieces each pruning round keeps (nil = 0.75).
    public var shrinkingFactor: Double?
    /// Unigram: the longest piece, in characters (nil = 16).
    public var maxPieceLength: Int?
    /// Unigram: EM iterations per pruning round (nil = 2).
    public var nSubIterations: Int?
    /// Unigram: how many seed pieces EM starts from (nil = 1,000,000).
    public var seedSize: Int?
    /// Unigram: add the 256 byte pieces `<0x00>`…`<0xFF>` and set `byte_fallback`.
    public var byteFallback = false
    /// Unigram: seed substrings scored by corpus frequency (SentencePiece), not distinct words (tokenizers).
    public var weightSeedsByCount = false
    /// Unigram: the pruning loss as SentencePiece computes it (tokenizers' otherwise).
    public var sentencePieceLoss = false
    /// Tie-break order of symbols (a test hook of the CLI's hidden --symbol-order).
    public var symbolOrder: [String] = []
    /// Name options in error messages as the CLI's flags (`--vocab-size`) instead of JSON keys (`vocab_size`).
    public var cliSpelling = false

    public init() {}

    /// The JSON keys `init(json:)` accepts (the CLI's option names with `_` for `-`).
    public static let jsonKeys = ["model", "preset", "vocab_size", "special_tokens", "min_frequency", "limit_alphabet",
                                  "initial_alphabet", "continuing_subword_prefix", "end_of_word_suffix",
                                  "max_token_length", "unk_token", "threads", "documents",
                                  "shrinking_factor", "max_piece_length", "n_sub_iterations", "seed_size",
                                  "byte_fallback", "weight_seeds_by_count", "sentence_piece_loss"]

    /// Options from a JSON object such as `{"model": "wordpiece", "vocab_size": 1000,
    /// "special_tokens": ["[UNK]"]}`: keys as `jsonKeys`, each optional; `null` = the default.
    /// Unknown keys, wrong types and out-of-range numbers throw `.invalidArgument`.
    public init(json: JSON) throws {
        guard case .object(let o) = json else { throw TrainingOptions.bad("the options must be a JSON object") }
        for key in o.keys where !TrainingOptions.jsonKeys.contains(key) {
            throw TrainingOptions.bad("unknown option '\(key)' (expected one of \(TrainingOptions.jsonKeys.joined(separator: ", ")))")
        }
        func string(_ k: String) throws -> String? {
            switch o[k] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw TrainingOptions.bad("option '\(k)' must be a string")
            }
        }
        func int(_ k: String, min: Int64) throws -> Int64? {
            switch o[k] {
            case nil, .null?: return nil
            case .int(let n)?:
                guard n >= min else { throw TrainingOptions.bad("option '\(k)' must be at least \(min) (found \(n))") }
                return n
            default: throw TrainingOptions.bad("option '\(k)' must be an integer")
            }
        }
        model = try string("model")
        preset = try string("preset")
        if let n = try int("vocab_size", min: 0) { vocabSize = Int(n) }
        switch o["special_tokens"] {
        case nil, .null?: specialTokens = nil
        case .array(let items)?:
            specialTokens = try items.map {
                guard case .string(let s) = $0 else { throw TrainingOptions.bad("option 'special_tokens' must be an array of strings") }
                return s
            }
        default: throw TrainingOptions.bad("option 'special_tokens' must be an array of strings")
        }
        if let n = try int("min_frequency", min: 0) { minFrequency = UInt64(n) }
        limitAlphabet = try int("limit_alphabet", min: Int64.min).map { Int($0) }
        initialAlphabet = try string("initial_alphabet")
        continuingSubwordPrefix = try string("continuing_subword_prefix")
        endOfWordSuffix = try string("end_of_word_suffix")
        maxTokenLength = try int("max_token_length", min: Int64.min).map { Int($0) }
        unkToken = try string("unk_token")
        if let n = try int("threads", min: 0) { threads = Int(n) }
        func bool(_ k: String) throws -> Bool {
            switch o[k] {
            case nil, .null?: return false
            case .bool(let b)?: return b
            default: throw TrainingOptions.bad("option '\(k)' must be true or false")
            }
        }
        documents = try bool("documents")
        switch o["shrinking_factor"] {
        case nil, .null?: shrinkingFactor = nil
        case .int(let n)?: shrinkingFactor = Double(n)
        case .double(let x)?: shrinkingFactor = x
        default: throw TrainingOptions.bad("option 'shrinking_factor' must be a number")
        }
        maxPieceLength = try int("max_piece_length", min: Int64.min).map { Int($0) }
        nSubIterations = try int("n_sub_iterations", min: Int64.min).map { Int($0) }
        seedSize = try int("seed_size", min: Int64.min).map { Int($0) }
        byteFallback = try bool("byte_fallback")
        weightSeedsByCount = try bool("weight_seeds_by_count")
        sentencePieceLoss = try bool("sentence_piece_loss")
    }

    static func bad(_ message: String) -> TokenizerError { TokenizerError(.invalidArgument, message) }

    func name(_ key: String) -> String {
        cliSpelling ? "--" + key.replacingUnderscores : key
    }

    /// The model trained: `model`, else the preset's default, else bpe.
    public func resolvedModel() throws -> String {
        let m = model ?? (preset.flatMap { TrainerPreset(rawValue: $0)?.defaultModel } ?? "bpe")
        guard ["bpe", "wordpiece", "wordlevel", "unigram"].contains(m) else {
            throw TrainingOptions.bad("unknown model '\(m)' (expected bpe, wordpiece, wordlevel or unigram)")
        }
        return m
    }

    /// The preset: `preset`, else as the model implies.
    public func resolvedPreset() throws -> TrainerPreset {
        if let preset {
            guard let p = TrainerPreset(rawValue: preset) else {
                throw TrainingOptions.bad("unknown preset '\(preset)' (expected gpt2, bert or t5)")
            }
            return p
        }
        switch try resolvedModel() {
        case "wordpiece": return .bert
        case "unigram": return .t5
        default: return .gpt2
        }
    }

    /// Counts files (paths as `swifttok train` takes them: files, directories, globs) with the
    /// preset's pipeline, or `counter` when given. Throws when every sequence is invalid UTF-8.
    public func count(paths: [String], counter: WordCounter? = nil,
                      progress: TrainingProgressHandler? = nil) throws -> WordCounts {
        guard !paths.isEmpty else { throw TrainingOptions.bad("no input: give text files, directories, globs or - for standard input") }
        let input = try TrainerInput(paths, unit: documents ? .documents : .lines)
        let counts = try (counter ?? resolvedPreset().wordCounter()).count(input, threads: threads, progress: progress)
        if counts.skippedSequences > 0 && counts.skippedSequences >= counts.sequences {
            throw TokenizerError(.invalidUTF8, "the input is not UTF-8 text: \(counts.skippedSequences) of \(counts.skippedSequences + counts.sequences) \(documents ? "files" : "lines") are not valid UTF-8 (a binary file?)")
        }
        return counts
    }

    /// Counts in-memory texts (each one sequence, as tokenizers' train_from_iterator) with the preset's pipeline.
    public func count(texts: [String]) throws -> WordCounts {
        try resolvedPreset().wordCounter().count(sequences: texts, threads: threads)
    }

    /// The special tokens trained: `specialTokens`, else the preset's.
    public func resolvedSpecialTokens() throws -> [String] {
        try specialTokens ?? resolvedPreset().defaultSpecialTokens
    }

    /// The trainer these options describe for `counts` (which it checks against the vocabulary size).
    public func makeTrainer(counts: WordCounts) throws -> ModelTrainer {
        let modelName = try resolvedModel()
        let preset = try resolvedPreset()
        let specials = try resolvedSpecialTokens()
        var alphabet = preset.initialAlphabet
        if let initialAlphabet { alphabet = Array(initialAlphabet.unicodeScalars) }
        for (key, value) in [("limit_alphabet", limitAlphabet), ("max_token_length", maxTokenLength)] {
            if let value, value < 1 { throw TrainingOptions.bad("\(name(key)) must be at least 1 (found \(value))") }
        }
        guard vocabSize >= specials.count + 1 else {
            throw TrainingOptions.bad("\(name("vocab_size")) \(vocabSize) is smaller than the special tokens (\(specials.count)) plus one token")
        }
        if modelName == "bpe" || modelName == "wordpiece" {
            var scalars = Set(alphabet.map(\.value))
            for w in counts.words { for s in String(decoding: w, as: UTF8.self).unicodeScalars { scalars.insert(s.value) } }
            let size = Swift.min(limitAlphabet ?? Int.max, scalars.count)
            guard vocabSize >= specials.count + size else {
                throw TrainingOptions.bad("\(name("vocab_size")) \(vocabSize) is smaller than the alphabet (\(size) characters) plus the special tokens (\(specials.count))" + (limitAlphabet == nil && preset != .gpt2 ? "; \(name("limit_alphabet")) can cut the alphabet" : ""))
            }
        }
        switch modelName {
        case "bpe":
            var t = Trainers.BpeTrainer(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specials,
                                        limitAlphabet: limitAlphabet, initialAlphabet: alphabet,
                                        continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix,
                                        maxTokenLength: maxTokenLength, symbolOrder: symbolOrder)
            t.threads = threads
            return t
        case "wordpiece":
            var t = Trainers.WordPieceTrainer(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specials,
                                              limitAlphabet: limitAlphabet, initialAlphabet: alphabet,
                                              continuingSubwordPrefix: continuingSubwordPrefix ?? "##",
                                              endOfWordSuffix: endOfWordSuffix, unkToken: unkToken ?? preset.unkToken,
                                              symbolOrder: symbolOrder)
            t.bpe.maxTokenLength = maxTokenLength
            t.bpe.threads = threads
            return t
        case "wordlevel":
            return Trainers.WordLevelTrainer(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specials,
                                             unkToken: unkToken ?? preset.unkToken)
        default:
            var t = Trainers.UnigramTrainer(vocabSize: vocabSize, specialTokens: specials,
                                            initialAlphabet: (initialAlphabet ?? "").map { String($0) },
                                            unkToken: unkToken ?? preset.unkToken, byteFallback: byteFallback, threads: threads)
            if let shrinkingFactor { t.shrinkingFactor = shrinkingFactor }
            if let maxPieceLength { t.maxPieceLength = maxPieceLength }
            if let nSubIterations { t.nSubIterations = nSubIterations }
            if let seedSize { t.seedSize = seedSize }
            t.weightSeedsByCount = weightSeedsByCount
            t.sentencePieceLoss = sentencePieceLoss
            try t.validate()
            return t
        }
    }

    /// Trains on `counts` and assembles the complete tokenizer (the preset's or the counts'
    /// pipeline around the trained model). An empty corpus throws `.invalidArgument`.
    public func train(counts: WordCounts, progress: TrainingProgressHandler? = nil) throws -> Tokenizer {
        guard counts.count > 0, counts.words.contains(where: { !$0.isEmpty }) else {
            throw TrainingOptions.bad("the corpus is empty: no words to train on" + (counts.skippedSequences > 0 ? " (\(counts.skippedSequences) sequences skipped as invalid UTF-8)" : ""))
        }
        let trained = try makeTrainer(counts: counts).train(counts, progress: progress)
        return try Tokenizer.assemble(model: trained.json, preset: resolvedPreset(), pipeline: counts.pipeline,
                                      specialTokens: trained.specialTokens)
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
