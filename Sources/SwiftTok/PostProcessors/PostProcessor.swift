/// Namespace for the post-processor components, named as their tokenizer.json `"type"` strings.
public enum PostProcessors {}

/// The post-processor stage: adds special tokens and sets type ids (STUB).
public indirect enum PostProcessor: Sendable {
    case sequence([PostProcessor])

    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let type = try f.type()
        throw TokenizerError(.unsupported, "unknown post-processor type '\(type)'", at: path + ".type")
    }

    public var json: JSON { .null }

    /// How many special tokens `process` adds to a single input or a pair.
    public func addedTokenCount(isPair: Bool) -> Int { 0 }

    /// The final encoding of `encoding` (and `pair`), with special tokens when asked.
    public func process(_ encoding: Encoding, pair: Encoding?, addSpecialTokens: Bool) throws -> Encoding {
        PostProcessor.defaultProcess(encoding, pair: pair)
    }

    /// What `tokenizers` does without a post-processor: concatenate, keeping type ids.
    public static func defaultProcess(_ encoding: Encoding, pair: Encoding?) -> Encoding {
        guard let pair else { return encoding }
        var parts = [encoding, pair]
        for i in parts.indices { parts[i].setSequenceId(i) }
        return Encoding.merged(parts, growingOffsets: false)
    }
}
