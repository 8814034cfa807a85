import ArgumentParser
import SwiftTok

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode text into token ids.",
        discussion: """
            With --jsonl, reads one JSON value per line on stdin — a string, or {"text": ..., "pair": ...} — \
            and writes one JSON object per line with ids, tokens, offsets, type_ids, attention_mask, \
            special_tokens_mask, word_ids and overflowing, as tokenizers' Python Encoding gives them \
            (offsets in Unicode scalars unless --offsets byte). Without --jsonl, encodes each TEXT argument \
            (or all of stdin when none is given).
            With --ids-only, writes just the ids of each input as one compact JSON array per line \
            ([1,2,3], no spaces), for tokenizer.json and .model files alike; with --jsonl and single \
            texts (no pairs, truncation or padding) all lines are encoded in parallel (--threads).
            """)

    @OptionGroup var tokenizerOption: TokenizerOption

    @Argument(help: "Texts to encode.") var texts: [String] = []
    @Option(help: "A second sequence, encoded as a pair with each text.") var pair: String?
    @Flag(help: "Do not add the post-processor's special tokens.") var noSpecialTokens = false
    @Flag(help: "Read JSON lines on stdin, write JSON lines.") var jsonl = false
    @Flag(help: "Write only the ids: one compact JSON array per input line, e.g. [1,2,3].") var idsOnly = false
    @Option(help: "Offsets in 'char' (Unicode scalars, like tokenizers' Python API) or 'byte' (UTF-8).") var offsets: String = "char"
    @Flag(help: "With --jsonl, encode all lines as one batch (batch padding applies).") var batch = false
    @Option(help: "Threads for batches (0 = all cores).") var threads: Int = 0
    @Option(help: "Truncate to this many tokens.") var truncate: Int?
    @Option(help: "Truncation stride (overlap of overflowing parts).") var stride: Int = 0
    @Option(help: "longest_first, only_first or only_second.") var truncationStrategy: String = "longest_first"
    @Option(help: "right or left.") var truncationDirection: String = "right"
    @Option(help: "Pad to this fixed length.") var padLength: Int?
    @Flag(help: "Pad to the longest encoding of the batch.") var padLongest = false
    @Option(help: "Pad to a multiple of this.") var padMultiple: Int?
    @Option(help: "right or left.") var padDirection: String = "right"
    @Option(help: "Padding id.") var padId: UInt32 = 0
    @Option(help: "Padding token.") var padToken: String = "[PAD]"
    @Option(help: "Padding type id.") var padTypeId: UInt32 = 0
    @Option(help: "Print the K best segmentations of each text, one JSON line {\"nbest\": [{ids, tokens, offsets, score}]} (Unigram tokenizer.json or .model).")
    var nbest: Int?
    @Option(help: "Sample segmentations (subword regularization) with this alpha; for a BPE .model it is the merge dropout probability.")
    var sampleAlpha: Double?
    @Option(help: "With --sample-alpha: sample among the K best (-1: the whole lattice; 0 or 1: no sampling).") var sampleNbest: Int = -1
    @Option(help: "With --sample-alpha: the seed of the generator (one stream over all texts and samples).") var seed: UInt64 = 0
    @Option(help: "With --sample-alpha: samples per text, one JSON line each.") var samples: Int = 1

    func configured() throws -> Tokenizer {
        var tokenizer = try tokenizerOption.load()
        if let truncate {
            let strategy: TruncationParams.Strategy
            switch truncationStrategy {
            case "longest_first": strategy = .longestFirst
            case "only_first": strategy = .onlyFirst
            case "only_second": strategy = .onlySecond
            default: throw ValidationError("unknown truncation strategy '\(truncationStrategy)'")
            }
            guard let direction = TruncationDirection(rawValue: truncationDirection.capitalized) else {
                throw ValidationError("unknown truncation direction '\(truncationDirection)'")
            }
            guard truncate >= 0, stride >= 0 else { throw ValidationError("lengths must not be negative") }
            tokenizer.truncation = TruncationParams(maxLength: truncate, stride: stride, strategy: strategy, direction: direction)
        }
        if padLength != nil || padLongest || padMultiple != nil {
            guard let direction = PaddingDirection(rawValue: padDirection.capitalized) else {
                throw ValidationError("unknown padding direction '\(padDirection)'")
            }
            tokenizer.padding = PaddingParams(
                strategy: padLength.map { .fixed($0) } ?? .batchLongest, direction: direction,
                padToMultipleOf: padMultiple, padId: padId, padTypeId: padTypeId, padToken: padToken)
        }
        return tokenizer
    }

    func run() throws {
        let tokenizer = try configured()
        let offsetType: OffsetType
        switch offsets {
        case "char": offsetType = .char
        case "byte": offsetType = .byte
        default: throw ValidationError("--offsets takes 'char' or 'byte'")
        }
        var out = Output()
        if idsOnly && (nbest != nil || sampleAlpha != nil) {
            throw ValidationError("--ids-only does not apply to --nbest or --sample-alpha")
        }
        if nbest != nil || sampleAlpha != nil {
            try runRegularization(tokenizer, offsetType, &out)
        } else if jsonl {
            try runLines(tokenizer, offsetType, &out)
        } else {
            let inputs: [[UInt8]] = texts.isEmpty ? [readStandardInput()] : texts.map { Array($0.utf8) }
            for text in inputs {
                let e = try tokenizer.encode(bytes: text, pair: pair.map { Array($0.utf8) },
                                             addSpecialTokens: !noSpecialTokens, offsets: offsetType)
                write(e, &out)
            }
        }
        out.flush()
    }

    /// One output line: the encoding's JSON object, or its ids alone with --ids-only.
    func write(_ e: Encoding, _ out: inout Output) {
        if idsOnly {
            out.writeIds(e.ids)
        } else {
            out.write(e.jsonObject().serialized(pretty: false))
            out.write("\n")
        }
    }

    func runLines(_ tokenizer: Tokenizer, _ offsetType: OffsetType, _ out: inout Output) throws {
        var items: [(text: String, pair: String?)?] = []
        var errors: [String?] = []
        for (n, line) in readLines().enumerated() {
            // Text that is not UTF-8 is a broken input stream, not one bad item.
            if String(validating: line, as: UTF8.self) == nil {
                throw CLIError("line \(n + 1): input is not valid UTF-8")
            }
            do {
                let value = try JSON.parse(line)
                switch value {
                case .string(let s):
                    items.append((s, nil))
                case .object(let o):
                    guard let t = o["text"]?.stringValue else { throw TokenizerError(.invalidArgument, "missing \"text\"") }
                    items.append((t, o["pair"]?.stringValue))
                default:
                    throw TokenizerError(.invalidArgument, "expected a JSON string or object")
                }
                errors.append(nil)
            } catch {
                items.append(nil)
                errors.append("line \(n + 1): \(error)")
            }
        }
        // (`$0?.pair` would be a double optional, never nil for a parsed line: compare the pair itself.)
        if idsOnly, tokenizer.truncation == nil, tokenizer.padding == nil, errors.allSatisfy({ $0 == nil }),
           !items.contains(where: { item in item.map { $0.pair != nil } ?? false }) {
            // The ids-only throughput path (the same ids as the full encodings). On any error it
            // falls through to the line-by-line loop, which reports each failing line.
            let documents = items.map { Array(($0?.text ?? "").utf8) }
            if let all = try? tokenizer.encodeIdsBatch(documents, addSpecialTokens: !noSpecialTokens, threads: threads) {
                for ids in all { out.writeIds(ids) }
                return
            }
        }
        if batch {
            if let bad = errors.compactMap({ $0 }).first { throw CLIError(bad) }
            let valid = items.compactMap { $0 }
            let pairs = valid.contains { $0.pair != nil } ? valid.map(\.pair) : nil
            let encodings = try tokenizer.encodeBatch(valid.map(\.text), pairs: pairs, addSpecialTokens: !noSpecialTokens,
                                                      offsets: offsetType, threads: threads)
            for e in encodings { write(e, &out) }
            return
        }
        for (i, item) in items.enumerated() {
            if let item {
                do {
                    let e = try tokenizer.encode(item.text, pair: item.pair, addSpecialTokens: !noSpecialTokens, offsets: offsetType)
                    write(e, &out)
                    continue
                } catch {
                    out.write(JSON.object(JSONObject([("error", .string("\(error)"))])).serialized(pretty: false))
                }
            } else {
                out.write(JSON.object(JSONObject([("error", .string(errors[i] ?? "invalid line"))])).serialized(pretty: false))
            }
            out.write("\n")
        }
    }

    /// `--nbest` and `--sample-alpha`: texts from the arguments, or JSON strings on stdin with --jsonl.
    func runRegularization(_ tokenizer: Tokenizer, _ offsetType: OffsetType, _ out: inout Output) throws {
        if nbest != nil && sampleAlpha != nil { throw ValidationError("--nbest and --sample-alpha exclude each other") }
        if pair != nil { throw ValidationError("--nbest and --sample-alpha take single texts (no --pair)") }
        guard samples >= 0 else { throw ValidationError("--samples must not be negative") }
        var texts: [String] = []
        if jsonl {
            for (n, line) in readLines().enumerated() {
                guard let s = String(validating: line, as: UTF8.self), case .string(let t) = try JSON.parse(s) else {
                    throw CLIError("line \(n + 1): expected a JSON string")
                }
                texts.append(t)
            }
        } else if self.texts.isEmpty {
            guard let s = String(validating: readStandardInput(), as: UTF8.self) else { throw CLIError("input is not valid UTF-8") }
            texts = [s]
        } else {
            texts = self.texts
        }
        var rng = SplitMix64(seed: seed)
        for text in texts {
            if let nbest {
                let list = try tokenizer.nBestEncode(text, n: nbest, addSpecialTokens: !noSpecialTokens, offsets: offsetType)
                let items: [JSON] = list.map { entry in
                    guard case .object(var o) = entry.encoding.jsonObject() else { return .null }
                    o["score"] = .double(entry.score)
                    return .object(o)
                }
                out.write(JSON.object(JSONObject([("nbest", .array(items))])).serialized(pretty: false))
                out.write("\n")
                continue
            }
            for _ in 0..<samples {
                let e = try tokenizer.sampleEncode(text, alpha: sampleAlpha ?? 0, nbestSize: sampleNbest, rng: &rng,
                                                   addSpecialTokens: !noSpecialTokens, offsets: offsetType)
                out.write(e.jsonObject().serialized(pretty: false))
                out.write("\n")
            }
        }
    }
}
