#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SwiftTok
import SwiftTokEmbed

struct RoundTripCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roundtrip",
        abstract: "Token → embedding round trips through a model's embedding table.",
        discussion: """
            1. Every id of the vocabulary → its row of the word embedding table → the nearest row \
            (exact Euclidean search) → must be the same id; rows that collide and the closest distinct \
            pairs are listed. 2. For each line of the FILES: text → ids → rows → nearest rows → ids, which \
            must equal the input ids; with --decoded-out, decode(ids) of each line is written as one JSON \
            string per line (WordPiece cleanup off, so the text is the normalized input without spaces \
            and [UNK] words). Prints one JSON summary line.
            """)

    @Option(help: "A model directory (config.json, model.safetensors, tokenizer.json).") var model: String
    @Option(help: "Threads (0 = all cores).") var threads: Int = 0
    @Flag(help: "Skip the whole-vocabulary round trip.") var noVocab = false
    @Option(help: "Write decode(ids) of every line of the FILES here, one JSON string per line.") var decodedOut: String?
    @Option(help: "Closest distinct row pairs to list.") var closest: Int = 10
    @Argument(help: "Text files: each line is one text.") var files: [String] = []

    func run() throws {
        let bert: BertModel
        var tokenizer: Tokenizer
        do {
            bert = try BertModel(directory: model)
            tokenizer = try Tokenizer(contentsOfFile: model + "/tokenizer.json")
        } catch { throw CLIError("cannot load model: \(error)") }
        tokenizer.padding = nil
        tokenizer.truncation = nil
        let v = bert.config.vocabSize, h = bert.config.hiddenSize
        let index: NearestRows
        do { index = try NearestRows(table: bert.wordEmbeddings, rows: v, dim: h) } catch { throw CLIError("\(error)") }
        var summary: [(String, JSON)] = []
        var failed = false
        // The nearest row of each id's row, once the whole vocabulary has been searched.
        var vocabMatches: [NearestRows.Match]?

        if !noVocab {
            let start = Clock.now()
            let matches = try index.nearest(rowsAt: Array(0..<v), threads: threads)
            let seconds = Clock.now() - start
            vocabMatches = matches
            var collisions: [JSON] = []
            var minMargin = Double.infinity
            for (id, m) in matches.enumerated() {
                if m.nearest != id || m.secondDistance == 0 {
                    collisions.append(.array([.int(Int64(id)), .string(tokenizer.idToToken(UInt32(id)) ?? ""),
                                              .int(Int64(m.nearest == id ? m.second : m.nearest)), .double(m.nearest == id ? m.secondDistance : m.distance)]))
                }
                minMargin = Swift.min(minMargin, m.secondDistance - m.distance)
            }
            // For each id, the nearest *other* row is the runner-up when the round trip holds.
            let others = matches.enumerated().map { id, m in (id, m.nearest == id ? m.second : m.nearest, m.nearest == id ? m.secondDistance : m.distance) }
            let sorted = others.filter { $0.0 < $0.1 || others[$0.1].1 != $0.0 }.sorted { ($0.2, $0.0) < ($1.2, $1.0) }
            func token(_ id: Int) -> JSON { .string(tokenizer.idToToken(UInt32(id)) ?? "") }
            let near = others.filter { $0.2 < 0.1 }
            // Byte prefixes: String.hasPrefix compares Characters, and "##" + a combining mark is not "##…".
            func starts(_ t: String, _ p: String) -> Bool { t.utf8.starts(with: p.utf8) }
            let tokens = near.map { tokenizer.idToToken(UInt32($0.0)) ?? "" }
            let unused = tokens.filter { starts($0, "[unused") }.count
            let suffix = tokens.filter { starts($0, "##") }.count
            let rest = tokens.filter { !starts($0, "[unused") && !starts($0, "##") }
            let singles = rest.filter { $0.unicodeScalars.count == 1 }.count
            summary.append(("vocab", .object(JSONObject([
                ("rows", .int(Int64(v))), ("dim", .int(Int64(h))),
                ("round_trip_ok", .int(Int64(v - collisions.count))), ("collisions", .array(collisions)),
                ("min_margin", .double(minMargin)),
                ("closest_pairs", .array(sorted.prefix(closest).map { .array([.int(Int64($0.0)), token($0.0), .int(Int64($0.1)), token($0.1), .double($0.2)]) })),
                ("rows_with_a_neighbour_within_0.1", .int(Int64(near.count))),
                ("of_which_unused", .int(Int64(unused))), ("of_which_continuation", .int(Int64(suffix))),
                ("of_which_single_character", .int(Int64(singles))),
                ("of_which_other", .array(rest.filter { $0.unicodeScalars.count != 1 }.map { .string($0) })),
                ("seconds", .double((seconds * 100).rounded() / 100)),
            ]))))
            if !collisions.isEmpty { failed = true }
        }

        if !files.isEmpty {
            let start = Clock.now()
            var lines: [[UInt8]] = []
            for f in files {
                let bytes: [UInt8]
                do { bytes = try FileIO.read(f) } catch { throw CLIError("\(error)") }
                var parts = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
                if parts.last?.isEmpty == true { parts.removeLast() }
                lines += parts
            }
            let ids: [[UInt32]]
            do { ids = try tokenizer.encodeIdsBatch(lines, addSpecialTokens: true, threads: threads) } catch { throw CLIError("\(error)") }
            // Rows are a function of the id, so each distinct id's row is searched once (or taken
            // from the whole-vocabulary search above, which searched every row already).
            var unique = Set<UInt32>()
            for row in ids { unique.formUnion(row) }
            let distinct = unique.sorted()
            guard distinct.allSatisfy({ Int($0) < v }) else { throw CLIError("the tokenizer gave ids outside the embedding table") }
            let found = try vocabMatches.map { all in distinct.map { all[Int($0)] } }
                ?? index.nearest(rowsAt: distinct.map { Int($0) }, threads: threads)
            var back = [UInt32](repeating: UInt32.max, count: v)
            for (id, m) in zip(distinct, found) { back[Int(id)] = UInt32(m.nearest) }
            var badLines = 0, tokens = 0, unk = 0
            let unkId = tokenizer.tokenToId("[UNK]")
            for row in ids {
                tokens += row.count
                if row.map({ back[Int($0)] }) != row { badLines += 1 }
                if let unkId { unk += row.filter { $0 == unkId }.count }
            }
            if let decodedOut {
                var plain = tokenizer
                if case .wordPiece(var wp)? = plain.decoder {
                    wp.cleanup = false
                    plain.decoder = .wordPiece(wp)
                }
                var text: [UInt8] = []
                for s in try plain.decodeBatch(ids, skipSpecialTokens: true, threads: threads) {
                    text += Array(JSON.string(s).serialized(pretty: false).utf8)
                    text.append(0x0A)
                }
                do { try FileIO.write(text, to: decodedOut) } catch { throw CLIError("\(error)") }
            }
            summary.append(("text", .object(JSONObject([
                ("files", .int(Int64(files.count))), ("lines", .int(Int64(lines.count))), ("tokens", .int(Int64(tokens))),
                ("distinct_ids", .int(Int64(distinct.count))), ("unk_tokens", .int(Int64(unk))),
                ("lines_round_trip_ok", .int(Int64(lines.count - badLines))), ("lines_failed", .int(Int64(badLines))),
                ("seconds", .double(((Clock.now() - start) * 100).rounded() / 100)),
            ]))))
            if badLines > 0 { failed = true }
        }
        var out = Output()
        out.write(JSON.object(JSONObject(summary)).serialized(pretty: false))
        out.write("\n")
        out.flush()
        if failed { throw ExitCode(2) }
    }
}
