/// Reading and writing `tokenizer.json` (Hugging Face serialization 1.0).
extension Tokenizer {
    /// Loads a tokenizer from a file: `tokenizer.json`, a `.tiktoken` rank file or a SentencePiece `.model`.
    public init(contentsOfFile path: String) throws {
        let bytes = try FileIO.read(path)
        do {
            try self.init(data: bytes, fileName: path)
        } catch var e as TokenizerError {
            if e.location.isEmpty { e.location = path } else if !e.location.hasPrefix(path) { e.location = "\(path): \(e.location)" }
            throw e
        }
    }

    /// Loads a tokenizer from the bytes of a file; `fileName` (if known) helps tell the format.
    public init(data: [UInt8], fileName: String = "") throws {
        let first = data.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if first == UInt8(ascii: "{") {
            try self.init(json: try JSON.parse(data))
        } else if data.isEmpty {
            throw TokenizerError(.malformedJSON, "empty tokenizer file")
        } else if SentencePieceModelProto.mayBeModelProto(data) {
            try self.init(sentencePiece: try SentencePiece(bytes: data))
        } else if Tokenizer.looksLikeTiktoken(data) {
            let ranks = try Tiktoken.parseRanks(bytes: data, source: fileName)
            guard let vocabulary = TiktokenVocabulary.known(rankCount: ranks.count) else {
                throw TokenizerError(.unsupported,
                    "tiktoken rank file with \(ranks.count) ranks is not a known vocabulary (r50k, p50k, cl100k, o200k, llama3, qwen); build it with Tokenizer(tiktokenRanks:vocabulary:) and its pattern")
            }
            try self.init(tiktokenRanks: ranks, vocabulary: vocabulary)
        } else {
            throw TokenizerError(.unsupported, "not a tokenizer.json (and no other format recognized)")
        }
    }

    /// Builds a tokenizer from a parsed tokenizer.json document.
    public init(json: JSON) throws {
        let root = try JSONFields(json, path: "$")
        let model = try Model(json: try root.required("model"), path: "$.model")
        let normalizer = try root.value("normalizer").map { try Normalizer(json: $0, path: "$.normalizer") }
        let preTokenizer = try root.value("pre_tokenizer").map { try PreTokenizer(json: $0, path: "$.pre_tokenizer") }
        let postProcessor = try root.value("post_processor").map { try PostProcessor(json: $0, path: "$.post_processor") }
        let decoder = try root.value("decoder").map { try TokenDecoder(json: $0, path: "$.decoder") }
        let added = try AddedVocabulary(json: try root.optionalArray("added_tokens") ?? [], path: "$.added_tokens",
                                        model: model, normalizer: normalizer)
        let truncation = try root.value("truncation").map { try TruncationParams(json: $0, path: "$.truncation") }
        let padding = try root.value("padding").map { try PaddingParams(json: $0, path: "$.padding") }
        self.init(model: model, normalizer: normalizer, preTokenizer: preTokenizer, postProcessor: postProcessor,
                  decoder: decoder, addedVocabulary: added, truncation: truncation, padding: padding)
    }

    /// The tokenizer.json document of this tokenizer.
    public var json: JSON {
        .object(JSONObject([
            ("version", .string("1.0")),
            ("truncation", truncation?.json ?? .null),
            ("padding", padding?.json ?? .null),
            ("added_tokens", addedVocabulary.json),
            ("normalizer", normalizer?.json ?? .null),
            ("pre_tokenizer", preTokenizer?.json ?? .null),
            ("post_processor", postProcessor?.json ?? .null),
            ("decoder", decoder?.json ?? .null),
            ("model", model.json),
        ]))
    }

    /// Writes this tokenizer as tokenizer.json (a SentencePiece `.model` pipeline refuses: no tokenizer.json reproduces it).
    public func save(to path: String, pretty: Bool = true) throws {
        if sentencePiece != nil { throw SentencePiece.saveRefusal }
        try FileIO.write(Array(json.serialized(pretty: pretty).utf8), to: path)
    }
}
