#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SwiftTok

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a tokenizer on a corpus and write a complete tokenizer.json.",
        discussion: """
            Defaults: a byte-level BPE (GPT-2 preset) of 32000 tokens with <|endoftext|>, written to \
            tokenizer.json. The corpus is read line by line (each line with its ending, as tokenizers' \
            train(files) reads it) or file by file (--documents), counted on all cores, and trained \
            exactly as tokenizers' BpeTrainer / WordPieceTrainer / WordLevelTrainer would (same \
            vocabulary, same merges in the same order). Lines that are not valid UTF-8 are skipped and counted.
            """)

    @OptionGroup var corpus: CorpusOptions
    @Option(help: "bpe, wordpiece, wordlevel or unigram (default: the preset's).") var model: String?
    @Option(help: "Target vocabulary size, special tokens included.") var vocabSize: Int = 32000
    @Option(help: "Comma-separated special tokens (default: the preset's; \"\" for none).") var specialTokens: String?
    @Option(help: "Minimum count of a pair (BPE, WordPiece) or word (WordLevel).") var minFrequency: UInt64 = 0
    @Option(help: "Keep at most this many characters in the initial alphabet.") var limitAlphabet: Int?
    @Option(help: "Characters always in the initial alphabet (default: the 256 byte symbols for gpt2).") var initialAlphabet: String?
    @Option(help: "Prefix of symbols inside a word (BPE; WordPiece default ##).") var continuingSubwordPrefix: String?
    @Option(help: "Suffix of the symbol that ends a word (BPE, WordPiece).") var endOfWordSuffix: String?
    @Option(help: "Tokens formed by merges stay shorter than this many characters.") var maxTokenLength: Int?
    @Option(help: "The model's unknown token (WordPiece, WordLevel, Unigram; default: the preset's).") var unkToken: String?
    @Option(parsing: .upToNextOption, help: "Train on the sum of these .counts files (from `swifttok count`) instead of a corpus.") var fromCounts: [String] = []
    @Option(name: .shortAndLong, help: "Where to write the tokenizer.json.") var output: String = "tokenizer.json"
    @Option(help: .hidden) var symbolOrder: String?

    func run() throws {
        let clock = Stopwatch()
        let modelName = model ?? (corpus.preset.flatMap { TrainerPreset(rawValue: $0)?.defaultModel } ?? "bpe")
        guard ["bpe", "wordpiece", "wordlevel", "unigram"].contains(modelName) else {
            throw CLIError("unknown model '\(modelName)' (expected bpe, wordpiece, wordlevel or unigram)")
        }
        let preset = try corpus.resolvedPreset(model: modelName)
        var counts: WordCounts
        if !fromCounts.isEmpty {
            guard corpus.files.isEmpty else { throw CLIError("give either corpus files or --from-counts, not both") }
            do {
                counts = try WordCounts(contentsOfFile: fromCounts[0])
                for f in fromCounts.dropFirst() { counts = try counts.merged(with: try WordCounts(contentsOfFile: f)) }
            } catch { throw CLIError("\(error)") }
        } else {
            counts = try corpus.count(with: try corpus.counter(model: modelName))
        }
        let countSeconds = clock.seconds
        guard counts.count > 0, counts.words.contains(where: { !$0.isEmpty }) else {
            throw CLIError("the corpus is empty: no words to train on" + (counts.skippedSequences > 0 ? " (\(counts.skippedSequences) sequences skipped as invalid UTF-8)" : ""))
        }
        let specials = specialTokens.map { $0.split(separator: ",", omittingEmptySubsequences: true).map(String.init) } ?? preset.defaultSpecialTokens
        let trainer = try makeTrainer(modelName, preset: preset, specials: specials, counts: counts)
        let bar = ProgressReporter(enabled: !corpus.quiet)
        let trained: TrainedModel
        do { trained = try trainer.train(counts) { bar.report($0) } } catch { throw CLIError("\(error)") }
        bar.finish()
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer.assemble(model: trained.json, preset: preset, pipeline: counts.pipeline,
                                               specialTokens: trained.specialTokens)
            try tokenizer.save(to: output)
        } catch { throw CLIError("\(error)") }
        let seconds = clock.seconds
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let mb = Double(counts.inputBytes) / 1e6
        let rate = fromCounts.isEmpty && countSeconds > 0 && counts.inputBytes > 0 ? " (\(fmt(mb / countSeconds)) MB/s counting)" : " (from counts)"
        Output.error("""
            trained \(modelName) (\(preset.rawValue) preset): vocabulary \(tokenizer.vocabSize) from \(counts.count) distinct words, \
            \(fmt(mb)) MB in \(fmt(seconds)) s\(rate); peak memory \(usage.ru_maxrss / 1024) MB; \
            skipped \(counts.skippedSequences) invalid UTF-8 sequences -> \(output)
            """)
    }

    func fmt(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return String(r)
    }

    func makeTrainer(_ name: String, preset: TrainerPreset, specials: [String], counts: WordCounts) throws -> ModelTrainer {
        var alphabet = preset.initialAlphabet
        if let initialAlphabet { alphabet = Array(initialAlphabet.unicodeScalars) }
        var order: [String] = []
        if let symbolOrder {
            do {
                let bytes = try FileIO.read(symbolOrder)
                order = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            } catch { throw CLIError("\(error)") }
        }
        for (name, value) in [("--limit-alphabet", limitAlphabet), ("--max-token-length", maxTokenLength)] {
            if let value, value < 1 { throw CLIError("\(name) must be at least 1 (found \(value))") }
        }
        let minimum = specials.count + 1
        guard vocabSize >= minimum else {
            throw CLIError("--vocab-size \(vocabSize) is smaller than the special tokens (\(specials.count)) plus one token")
        }
        if name == "bpe" || name == "wordpiece" {
            var scalars = Set(alphabet.map(\.value))
            for w in counts.words { for s in String(decoding: w, as: UTF8.self).unicodeScalars { scalars.insert(s.value) } }
            let size = Swift.min(limitAlphabet ?? Int.max, scalars.count)
            guard vocabSize >= specials.count + size else {
                throw CLIError("--vocab-size \(vocabSize) is smaller than the alphabet (\(size) characters) plus the special tokens (\(specials.count))" + (limitAlphabet == nil && preset != .gpt2 ? "; --limit-alphabet can cut the alphabet" : ""))
            }
        }
        switch name {
        case "bpe":
            var t = Trainers.BpeTrainer(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specials,
                                        limitAlphabet: limitAlphabet, initialAlphabet: alphabet,
                                        continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix,
                                        maxTokenLength: maxTokenLength, symbolOrder: order)
            t.threads = corpus.threads
            return t
        case "wordpiece":
            var t = Trainers.WordPieceTrainer(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specials,
                                              limitAlphabet: limitAlphabet, initialAlphabet: alphabet,
                                              continuingSubwordPrefix: continuingSubwordPrefix ?? "##",
                                              endOfWordSuffix: endOfWordSuffix, unkToken: unkToken ?? preset.unkToken,
                                              symbolOrder: order)
            t.bpe.maxTokenLength = maxTokenLength
            t.bpe.threads = corpus.threads
            return t
        case "wordlevel":
            return Trainers.WordLevelTrainer(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specials,
                                             unkToken: unkToken ?? preset.unkToken)
        default:
            return try makeUnigramTrainer(preset: preset, specials: specials)
        }
    }

    /// The Unigram trainer (Trainers/Unigram), a `ModelTrainer` whose model JSON is `"type": "Unigram"`;
    /// the t5 preset supplies the pipeline (Nmt + NFKC + spaces, Metaspace) and the post-processor.
    func makeUnigramTrainer(preset: TrainerPreset, specials: [String]) throws -> ModelTrainer {
        Trainers.UnigramTrainer(vocabSize: vocabSize, specialTokens: specials, unkToken: unkToken ?? preset.unkToken,
                                threads: corpus.threads)
    }
}
