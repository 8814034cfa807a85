#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SwiftTok
import SwiftTokEmbed

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence embeddings from a bundled BERT encoder (e.g. all-MiniLM-L6-v2).",
        discussion: """
            Tokenizes each text with the model's tokenizer.json, runs the encoder and pools as the model's \
            1_Pooling/config.json and modules.json say. Prints one JSON array per text, in order. Without \
            TEXT arguments, reads one text per line on stdin. With --bench, prints one JSON line of \
            throughput (sentences per second, batches of 32 sentences of about 30 tokens, 1 thread and all \
            cores) on sentences taken from the given files.
            """)

    @Option(help: "A sentence-transformers model directory (config.json, model.safetensors, tokenizer.json).") var model: String
    @Option(help: "Threads (0 = all cores).") var threads: Int = 0
    @Option(help: "Override the pooling: mean, cls, max or mean_sqrt_len.") var pooling: String?
    @Flag(help: "Print the token ids of each text instead of its embedding.") var ids = false
    @Flag(help: "Measure throughput instead (TEXT arguments are files to take sentences from).") var bench = false
    @Option(help: "Batches of 32 sentences timed per pass (--bench).") var benchBatches: Int = 8
    @Argument(help: "Texts to embed (or, with --bench, text files).") var texts: [String] = []

    func run() throws {
        var mode: Pooling.Mode?
        if let pooling {
            guard let m = Pooling.Mode(rawValue: pooling) else {
                throw CLIError("unknown pooling '\(pooling)' (expected mean, cls, max or mean_sqrt_len)")
            }
            mode = m
        }
        let embedder: SentenceEmbedder
        do { embedder = try SentenceEmbedder(directory: model, pooling: mode) } catch { throw CLIError("cannot load model: \(error)") }
        if bench { return try runBench(embedder) }
        var inputs = texts
        if inputs.isEmpty {
            inputs = try readLines().enumerated().map { n, line in
                guard let s = String(validating: line, as: UTF8.self) else { throw CLIError("line \(n + 1) of stdin is not valid UTF-8") }
                return s
            }
        }
        var out = Output()
        do {
            if ids {
                for row in try embedder.ids(inputs, threads: threads) {
                    out.write("[" + row.map { String($0) }.joined(separator: ",") + "]\n")
                }
            } else {
                for vector in try embedder.embed(inputs, threads: threads) {
                    out.write(EmbedCommand.jsonArray(vector))
                    out.write("\n")
                }
            }
        } catch let e as TokenizerError {
            throw CLIError("\(e)")
        }
        out.flush()
    }

    /// `[x, y, …]` with each Float in its shortest round-trip form.
    static func jsonArray(_ v: [Float]) -> String {
        "[" + v.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
    }

    func runBench(_ embedder: SentenceEmbedder) throws {
        guard !texts.isEmpty else { throw CLIError("--bench needs text files to take sentences from") }
        // Sentences of about 30 tokens: lines (or cut pieces of lines) with 25–35 ids.
        var sentences: [[UInt32]] = []
        let want = 32 * Swift.max(1, benchBatches)
        outer: for f in texts {
            let bytes: [UInt8]
            do { bytes = try FileIO.read(f) } catch { throw CLIError("\(error)") }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                let ids = try embedder.tokenizer.encode(String(line)).ids
                if (25...35).contains(ids.count) { sentences.append(ids) }
                if sentences.count == want { break outer }
            }
        }
        guard sentences.count == want else { throw CLIError("found only \(sentences.count) of \(want) lines of 25–35 tokens") }
        let batches = stride(from: 0, to: want, by: 32).map { Array(sentences[$0..<($0 + 32)]) }
        var fields: [(String, JSON)] = [
            ("sentences", .int(Int64(want))), ("batch", .int(32)),
            ("mean_tokens", .double(Double(sentences.reduce(0) { $0 + $1.count }) / Double(want))),
        ]
        for threads in [1, 0] {
            var best = Double.infinity, bestCPU = Double.infinity
            for _ in 0..<3 {
                let start = Clock.now(), startCPU = EmbedCommand.cpuSeconds()
                for b in batches { _ = try embedder.embed(ids: b, threads: threads) }
                best = Swift.min(best, Clock.now() - start)
                bestCPU = Swift.min(bestCPU, EmbedCommand.cpuSeconds() - startCPU)
            }
            fields.append((threads == 1 ? "sentences_per_s_1_thread" : "sentences_per_s_all_cores",
                           .double((Double(want) / best * 10).rounded() / 10)))
            // Process CPU time: on a shared, loaded machine the 1-thread figure this gives is steadier.
            if threads == 1 { fields.append(("sentences_per_cpu_s_1_thread", .double((Double(want) / bestCPU * 10).rounded() / 10))) }
        }
        fields.append(("cores", .int(Int64(SentenceEmbedderInfo.cores))))
        var out = Output()
        out.write(JSON.object(JSONObject(fields)).serialized(pretty: false))
        out.write("\n")
        out.flush()
    }
}

extension EmbedCommand {
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

enum SentenceEmbedderInfo {
    static var cores: Int { Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
