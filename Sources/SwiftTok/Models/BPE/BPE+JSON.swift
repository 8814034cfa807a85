extension Models.BPE {
    /// Reads a tokenizer.json BPE model; merges may be `"a b"` strings or `["a", "b"]` pairs.
    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        guard let vocabJSON = f.value("vocab"), let mergesJSON = f.value("merges") else {
            throw TokenizerError(.missingField, "missing field '\(f.value("vocab") == nil ? "vocab" : "merges")'", at: path)
        }
        let vocab = try Models.Vocabulary(json: vocabJSON, path: f.childPath("vocab"))
        guard case .array(let items) = mergesJSON else {
            throw TokenizerError(.invalidField, "expected an array, found \(mergesJSON.kindName)", at: f.childPath("merges"))
        }
        let rules = try Self.readMerges(items, path: f.childPath("merges"))
        var dropout: Float? = nil
        if let d = try f.optionalDouble("dropout") {
            guard (0...1).contains(d) else {
                throw f.invalid("dropout", "dropout must be between 0 and 1, inclusive (found \(d))")
            }
            dropout = Float(d)
        }
        try self.init(vocab: vocab, merges: rules, dropout: dropout,
                      unkToken: try f.optionalString("unk_token"),
                      continuingSubwordPrefix: try f.optionalString("continuing_subword_prefix"),
                      endOfWordSuffix: try f.optionalString("end_of_word_suffix"),
                      fuseUnk: try f.bool("fuse_unk", default: false),
                      byteFallback: try f.bool("byte_fallback", default: false),
                      ignoreMerges: try f.bool("ignore_merges", default: false))
    }

    /// Reads the merge list; string lines starting with `#version` are skipped, as in
    /// `tokenizers`, and do not take a rank.
    static func readMerges(_ items: [JSON], path: String) throws -> [MergeRule] {
        var rules: [MergeRule] = []
        rules.reserveCapacity(items.count)
        let space = UInt8(ascii: " ")
        for (i, item) in items.enumerated() {
            switch item {
            case .string(var line):
                if line.hasPrefix("#version") { continue }
                let parts: (String, String)? = line.withUTF8 { b in
                    var at = -1
                    for (j, c) in b.enumerated() where c == space {
                        if at >= 0 { return nil }
                        at = j
                    }
                    guard at >= 0 else { return nil }
                    return (String(decoding: UnsafeBufferPointer(rebasing: b[..<at]), as: Unicode.UTF8.self),
                            String(decoding: UnsafeBufferPointer(rebasing: b[(at + 1)...]), as: Unicode.UTF8.self))
                }
                guard let (a, b) = parts else {
                    throw TokenizerError(.invalidField, "a merge must be two tokens separated by one space", at: "\(path)[\(i)]")
                }
                rules.append(MergeRule(a, b, location: "\(path)[\(i)]"))
            case .array(let pair):
                guard pair.count == 2, case .string(let a) = pair[0], case .string(let b) = pair[1] else {
                    throw TokenizerError(.invalidField, "a merge must be a pair of token strings", at: "\(path)[\(i)]")
                }
                rules.append(MergeRule(a, b, location: "\(path)[\(i)]"))
            default:
                throw TokenizerError(.invalidField, "expected a merge (a string or a pair of strings), found \(item.kindName)", at: "\(path)[\(i)]")
            }
        }
        return rules
    }

    /// The model as tokenizer.json writes it (fields in `tokenizers`' order; vocab by id,
    /// merges as pairs by rank).
    public var json: JSON {
        var o = JSONObject()
        o["type"] = .string("BPE")
        o["dropout"] = dropout.map { .double(Double("\($0)") ?? Double($0)) } ?? .null
        o["unk_token"] = unkToken.map { .string($0) } ?? .null
        o["continuing_subword_prefix"] = continuingSubwordPrefix.map { .string($0) } ?? .null
        o["end_of_word_suffix"] = endOfWordSuffix.map { .string($0) } ?? .null
        o["fuse_unk"] = .bool(fuseUnk)
        o["byte_fallback"] = .bool(byteFallback)
        o["ignore_merges"] = .bool(ignoreMerges)
        o["vocab"] = vocab.json
        o["merges"] = .array(mergePairs.map { .array([.string($0.0), .string($0.1)]) })
        return .object(o)
    }
}
