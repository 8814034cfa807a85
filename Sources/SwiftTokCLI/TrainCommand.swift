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
    @Option(help: "Unigram: the fraction of pieces each pruning round keeps (default 0.75).") var shrinkingFactor: Double?
    @Option(help: "Unigram: the longest piece, in characters (default 16).") var maxPieceLength: Int?
    @Option(help: "Unigram: EM iterations per pruning round (default 2).") var nSubIterations: Int?
    @Option(help: "Unigram: number of seed pieces (default 1000000).") var seedSize: Int?
    @Flag(help: "Unigram: add the byte pieces <0x00>…<0xFF> and set byte_fallback.") var byteFallback = false
    @Flag(help: "Unigram: score seed substrings by corpus frequency (SentencePiece), not distinct words (tokenizers).")
    var weightSeedsByCount = false
    @Flag(help: "Unigram: the pruning loss as SentencePiece computes it (tokenizers' otherwise).") var sentencePieceLoss = false
    @Option(parsing: .upToNextOption, help: "Train on the sum of these .counts files (from `swifttok count`) instead of a corpus.") var fromCounts: [String] = []
    @Option(name: .shortAndLong, help: "Where to write the tokenizer.json.") var output: String = "tokenizer.json"
    @Option(help: .hidden) var symbolOrder: String?

    /// The options as the library's `TrainingOptions` (the mapping the C ABI's swifttok_train shares).
    func trainingOptions() throws -> TrainingOptions {
        var o = TrainingOptions()
        o.cliSpelling = true
        o.model = model
        o.preset = corpus.preset
        o.vocabSize = vocabSize
        o.specialTokens = specialTokens.map { $0.split(separator: ",", omittingEmptySubsequences: true).map(String.init) }
        o.minFrequency = minFrequency
        o.limitAlphabet = limitAlphabet
        o.initialAlphabet = initialAlphabet
        o.continuingSubwordPrefix = continuingSubwordPrefix
        o.endOfWordSuffix = endOfWordSuffix
        o.maxTokenLength = maxTokenLength
        o.unkToken = unkToken
        o.threads = corpus.threads
        o.documents = corpus.documents
        o.shrinkingFactor = shrinkingFactor
        o.maxPieceLength = maxPieceLength
        o.nSubIterations = nSubIterations
        o.seedSize = seedSize
        o.byteFallback = byteFallback
        o.weightSeedsByCount = weightSeedsByCount
        o.sentencePieceLoss = sentencePieceLoss
        if let symbolOrder {
            do {
                let bytes = try FileIO.read(symbolOrder)
                o.symbolOrder = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            } catch { throw CLIError("\(error)") }
        }
        return o
    }

    func run() throws {
        let clock = Stopwatch()
        let options = try trainingOptions()
        let modelName: String, preset: TrainerPreset
        do {
            modelName = try options.resolvedModel()
            preset = try options.resolvedPreset()
        } catch { throw CLIError("\(error)") }
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
        let bar = ProgressReporter(enabled: !corpus.quiet)
        let tokenizer: Tokenizer
        do {
            tokenizer = try options.train(counts: counts) { bar.report($0) }
            bar.finish()
            try tokenizer.save(to: output)
        } catch { bar.finish(); throw CLIError("\(error)") }
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
}
