/// Namespace for the model components, named as their tokenizer.json `"type"` strings.
public enum Models {}

/// The model stage: turns one pre-tokenized piece into tokens (STUB: filled in by the models work).
public enum Model: Sendable {
    case wordLevel(vocab: [String: UInt32], unk: String)

    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let type = try f.optionalString("type") ?? "BPE"
        throw TokenizerError(.unsupported, "unknown model type '\(type)'", at: path + ".type")
    }

    public var json: JSON { .null }

    /// The tokens of one piece; offsets are byte ranges of `piece.normalized`.
    public func tokenize(_ piece: NormalizedString) throws -> [Token] { [] }

    public func tokenToId(_ token: String) -> UInt32? { nil }
    public func idToToken(_ id: UInt32) -> String? { nil }
    /// Number of entries in the model's vocabulary.
    public var vocabSize: Int { 0 }
    /// The model's vocabulary (token to id).
    public var vocabulary: [String: UInt32] { [:] }
}
