#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SwiftTok

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure encoding throughput on files.",
        discussion: """
            Prints one JSON line: mb_per_s (MB = 10^6 bytes of UTF-8 input; the best of the timed passes, \
            with warm caches), first_pass_mb_per_s (the first pass over the text, cold caches), tokens_per_s, \
            tokens_per_byte, bytes, seconds.
            """)

    @OptionGroup var tokenizerOption: TokenizerOption
    @Argument(help: "Text files to encode.") var files: [String]
    @Option(help: "Threads (0 = all cores).") var threads: Int = 1
    @Option(help: "How to cut files into documents: lines, paragraphs, file, or jsonl (one JSON string per line).") var docs: String = "paragraphs"
    @Option(help: "Cut documents longer than this many bytes (at a line break when possible).") var maxDocBytes: Int = 4096
    @Option(help: "Timed passes over the documents (the best is reported).") var repeats: Int = 3
    @Flag(help: "Add the post-processor's special tokens.") var specialTokens = false

    func run() throws {
        let tokenizer = try tokenizerOption.load()
        var documents: [[UInt8]] = []
        for f in files {
            let bytes: [UInt8]
            do { bytes = try FileIO.read(f) } catch { throw CLIError("\(error)") }
            documents += Documents.split(bytes, mode: docs, maxBytes: maxDocBytes)
        }
        let total = documents.reduce(0) { $0 + $1.count }
        var best = Double.infinity
        var tokens = 0
        // The first pass sees the text for the first time (cold caches): reported on its own.
        let coldStart = Clock.now()
        _ = try tokenizer.encodeIdsBatch(documents, addSpecialTokens: specialTokens, threads: threads)
        let cold = Clock.now() - coldStart
        for _ in 0..<max(1, repeats) {
            let start = Clock.now()
            let ids = try tokenizer.encodeIdsBatch(documents, addSpecialTokens: specialTokens, threads: threads)
            let seconds = Clock.now() - start
            tokens = ids.reduce(0) { $0 + $1.count }
            best = min(best, seconds)
        }
        let mbs = Double(total) / best / 1e6
        var out = Output()
        out.write(JSON.object(JSONObject([
            ("mb_per_s", .double((mbs * 100).rounded() / 100)),
            ("first_pass_mb_per_s", .double((Double(total) / cold / 1e6 * 100).rounded() / 100)),
            ("tokens_per_s", .int(Int64(Double(tokens) / best))),
            ("tokens_per_byte", .double(total == 0 ? 0 : Double(tokens) / Double(total))),
            ("bytes", .int(Int64(total))), ("documents", .int(Int64(documents.count))),
            ("tokens", .int(Int64(tokens))), ("seconds", .double(best)), ("threads", .int(Int64(threads))),
        ])).serialized(pretty: false))
        out.write("\n")
        out.flush()
    }
}

enum Clock {
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// Cutting text into documents the same way in every benchmark.
enum Documents {
    static func split(_ bytes: [UInt8], mode: String, maxBytes: Int) -> [[UInt8]] {
        var docs: [[UInt8]] = []
        switch mode {
        case "jsonl":
            var start = 0
            for (i, b) in bytes.enumerated() where b == 0x0A {
                if i > start, case .string(let s)? = try? JSON.parse(Array(bytes[start..<i])) { docs.append(Array(s.utf8)) }
                start = i + 1
            }
            return docs
        case "file":
            docs = [bytes]
        case "lines":
            var start = 0
            for (i, b) in bytes.enumerated() where b == 0x0A {
                if i > start { docs.append(Array(bytes[start..<i])) }
                start = i + 1
            }
            if start < bytes.count { docs.append(Array(bytes[start...])) }
        default:
            // Paragraphs: cut after a blank line, or at a line break once the document is full.
            var start = 0
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0A && (i + 1 < bytes.count && bytes[i + 1] == 0x0A || i + 1 - start >= maxBytes) {
                    docs.append(Array(bytes[start...i]))
                    start = i + 1
                }
                i += 1
            }
            if start < bytes.count { docs.append(Array(bytes[start...])) }
        }
        guard maxBytes > 0 else { return docs }
        // Hard cut over-long documents at a UTF-8 boundary.
        var out: [[UInt8]] = []
        for d in docs {
            if d.count <= maxBytes * 2 { out.append(d); continue }
            var s = 0
            while s < d.count {
                var e = min(s + maxBytes, d.count)
                while e < d.count && d[e] & 0xC0 == 0x80 { e += 1 }
                out.append(Array(d[s..<e]))
                s = e
            }
        }
        return out.filter { String(validating: $0, as: UTF8.self) != nil }
    }
}
