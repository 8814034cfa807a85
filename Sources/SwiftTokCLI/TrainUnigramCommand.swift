#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SwiftTok

/// `swifttok train-unigram`: the Unigram trainer with the `t5` preset pipeline. Hidden: the
/// `train --model unigram` command (issue 5's CLI) calls the same `Trainers.UnigramTrainer`.
struct TrainUnigramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-unigram",
        abstract: "Train a Unigram tokenizer (t5 preset: Nmt + NFKC, Metaspace) from text files.",
        shouldDisplay: false)

    @Argument(help: "UTF-8 text files; each line (with its line ending) is one sequence.") var files: [String]
    @Option(help: "Final vocabulary size, special tokens included.") var vocabSize = 8000
    @Option(help: "Comma-separated special tokens (ids 0, 1, …).") var specialTokens = "<pad>,</s>,<unk>"
    @Option(help: "The unknown token ('' for none).") var unkToken = "<unk>"
    @Option(help: "Fraction of pieces each pruning round keeps.") var shrinkingFactor = 0.75
    @Option(help: "Longest piece, in characters.") var maxPieceLength = 16
    @Option(help: "EM iterations per pruning round.") var nSubIterations = 2
    @Option(help: "Number of seed pieces.") var seedSize = 1_000_000
    @Option(help: "Characters always in the vocabulary (each character of this string).") var initialAlphabet = ""
    @Flag(help: "Add <0x00>…<0xFF> byte pieces and set byte_fallback.") var byteFallback = false
    @Option(help: "Threads (0 = all cores).") var threads = 0
    @Flag(help: "Score seed substrings by corpus frequency (SentencePiece), not distinct words (tokenizers).")
    var weightSeedsByCount = false
    @Flag(help: "Pruning loss as SentencePiece computes it (tokenizers' otherwise).") var sentencePieceLoss = false
    @Option(name: .shortAndLong, help: "Where to write the tokenizer.json.") var output = "tokenizer.json"
    @Option(help: "Also write the word counts as JSON [[word, count], …] here.") var dumpWords: String?

    func run() throws {
        let t0 = Clock.now(), c0 = cpuSeconds()
        var total: [String: UInt64] = [:]
        var invalid = 0
        for path in files {
            let bytes: [UInt8]
            do { bytes = try FileIO.read(path) } catch { throw CLIError("cannot read \(path): \(error)") }
            do {
                let counted = try Trainers.UnigramTrainer.countWords(text: bytes, threads: threads)
                for (w, n) in counted.words { total[w, default: 0] += n }
                invalid += counted.invalidLines
            } catch { throw CLIError("\(path): \(error)") }
        }
        let words = total.map { (word: $0.key, count: $0.value) }
            .sorted { $0.word.utf8.lexicographicallyPrecedes($1.word.utf8) }
        let t1 = Clock.now(), c1 = cpuSeconds()
        if let dumpWords {
            let json = JSON.array(words.map { .array([.string($0.word), .int(Int64($0.count))]) })
            try FileIO.write(Array(json.serialized(pretty: false).utf8), to: dumpWords)
        }
        let base = Trainers.UnigramTrainer(
            vocabSize: vocabSize, nSubIterations: nSubIterations, shrinkingFactor: shrinkingFactor,
            specialTokens: specialTokens.split(separator: ",").map(String.init),
            initialAlphabet: initialAlphabet.map { String($0) }, unkToken: unkToken.isEmpty ? nil : unkToken,
            maxPieceLength: maxPieceLength, seedSize: seedSize, byteFallback: byteFallback, threads: threads)
        var trainer = base
        trainer.weightSeedsByCount = weightSeedsByCount
        trainer.sentencePieceLoss = sentencePieceLoss
        let trained: Trainers.TrainedUnigram
        do { trained = try trainer.train(words) } catch { throw CLIError("\(error)") }
        do { try FileIO.write(Array(trained.tokenizerJSON().serialized().utf8), to: output) } catch {
            throw CLIError("cannot write \(output): \(error)")
        }
        let t2 = Clock.now(), c2 = cpuSeconds()
        func secs(_ x: Double) -> String { String(Double(Int(x * 100)) / 100) }
        Output.error("unigram: \(words.count) words (\(invalid) invalid lines skipped), vocab \(trained.vocab.count), "
            + "count \(secs(t1 - t0)) s (CPU \(secs(c1 - c0)) s), train \(secs(t2 - t1)) s (CPU \(secs(c2 - c1)) s), "
            + "total \(secs(t2 - t0)) s")
    }

    /// CPU time of the process (all threads), to read timings on a busy machine.
    func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
