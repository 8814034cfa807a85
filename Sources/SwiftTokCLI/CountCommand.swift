#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SwiftTok

struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count the pre-tokenized words of a corpus shard into a mergeable .counts file.",
        discussion: """
            Words are what the preset's (or --tokenizer's) normalizer and pre-tokenizer make of each \
            line (with its line ending, as tokenizers' train(files) reads) or each whole file (--documents). \
            `swifttok train --from-counts a.counts b.counts` trains on the sum, exactly as on the \
            concatenated shards. Lines that are not valid UTF-8 are skipped and counted. The format is \
            described in Sources/SwiftTok/Trainers/WordCounts.swift (version 1).
            """)

    @OptionGroup var corpus: CorpusOptions
    @Option(name: .shortAndLong, help: "Where to write the counts.") var output: String
    @Option(help: "Also write the words and their counts as JSON, [[word, count], …] in UTF-8 byte order, here.") var json: String?

    func run() throws {
        let counter = try corpus.counter()
        let clock = Stopwatch()
        let counts = try corpus.count(with: counter)
        do {
            try counts.write(to: output)
            if let json {
                let items = zip(counts.words, counts.counts).map { w, n in
                    JSON.array([.string(String(decoding: w, as: UTF8.self)), .int(Int64(clamping: n))])
                }
                try FileIO.write(Array(JSON.array(items).serialized(pretty: false).utf8), to: json)
            }
        } catch { throw CLIError("\(error)") }
        Output.error("counted \(counts.count) distinct words (\(counts.totalCount) in all) from \(counts.sequences) sequences, \(counts.inputBytes) bytes in \(clock.format()); skipped \(counts.skippedSequences) invalid UTF-8 sequences -> \(output)")
    }
}

/// The corpus options shared by `count` and `train`.
struct CorpusOptions: ParsableArguments {
    @Argument(help: "Text files, directories, glob patterns, or - for standard input.") var files: [String] = []
    @Option(help: "The pipeline to count with: gpt2, bert or t5 (default gpt2, or as --model implies).") var preset: String?
    @Option(name: .customLong("tokenizer"), help: "Count with this tokenizer.json's normalizer and pre-tokenizer instead of a preset's (its added tokens are not extracted).") var tokenizerPath: String?
    @Flag(help: "Each whole file is one sequence (default: each line, with its line ending).") var documents = false
    @Option(help: "Threads (0 = all cores).") var threads: Int = 0
    @Flag(help: "Show no progress on stderr.") var quiet = false

    func resolvedPreset(model: String? = nil) throws -> TrainerPreset {
        if let preset {
            guard let p = TrainerPreset(rawValue: preset) else {
                throw CLIError("unknown preset '\(preset)' (expected gpt2, bert or t5)")
            }
            return p
        }
        switch model {
        case "wordpiece": return .bert
        case "unigram": return .t5
        default: return .gpt2
        }
    }

    func counter(model: String? = nil) throws -> WordCounter {
        if let tokenizerPath {
            do { return WordCounter(tokenizer: try Tokenizer(contentsOfFile: tokenizerPath)) } catch {
                throw CLIError("cannot load tokenizer: \(error)")
            }
        }
        do { return try resolvedPreset(model: model).wordCounter() } catch let e as CLIError { throw e } catch {
            throw CLIError("\(error)")
        }
    }

    func count(with counter: WordCounter) throws -> WordCounts {
        var options = TrainingOptions()
        options.documents = documents
        options.threads = threads
        let bar = ProgressReporter(enabled: !quiet)
        let counts: WordCounts
        do {
            counts = try options.count(paths: files, counter: counter) { bar.report($0) }
        } catch { bar.finish(); throw CLIError("\(error)") }
        bar.finish()
        if counts.skippedSequences > 0 {
            Output.error("warning: skipped \(counts.skippedSequences) sequences that are not valid UTF-8")
        }
        return counts
    }
}

/// Wall-clock timing for summaries.
struct Stopwatch {
    let start = Stopwatch.now()
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    var seconds: Double { Stopwatch.now() - start }
    func format() -> String { String(Int((seconds * 1000).rounded())) + " ms" }
}

/// Progress on stderr: a bar redrawn in place on a terminal, plain lines (at most one a second
/// per phase) otherwise.
final class ProgressReporter: @unchecked Sendable {
    let enabled: Bool
    let terminal = isatty(2) != 0
    var lastPhase = ""
    var lastTime = 0.0
    var drewBar = false

    init(enabled: Bool) { self.enabled = enabled }

    func report(_ p: TrainingProgress) {
        guard enabled else { return }
        let now = Stopwatch.now()
        if p.phase == lastPhase && now - lastTime < (terminal ? 0.1 : 1.0) && p.done != p.total { return }
        lastTime = now
        let fraction = p.total > 0 ? Swift.min(1, Double(p.done) / Double(p.total)) : 0
        let percent = p.total > 0 ? " \(Int(fraction * 100))%" : ""
        let what = p.phase == "count" ? "\(p.done / 1_000_000) MB" : "\(p.done)" + (p.total > 0 ? "/\(p.total)" : "")
        if terminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let line = "\r\(p.phase.padding(7)) [\(bar)]\(percent) \(what)   "
            Output.writeAll(fd: 2, Array(line.utf8))
            drewBar = true
        } else {
            Output.error("\(p.phase): \(what)\(percent)")
        }
        lastPhase = p.phase
    }

    func finish() {
        if enabled && terminal && drewBar { Output.writeAll(fd: 2, Array("\n".utf8)); drewBar = false }
    }
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
