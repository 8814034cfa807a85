/// Namespace for the pre-tokenizer components, named as their tokenizer.json `"type"` strings.
public enum PreTokenizers {}

/// The pre-tokenizer stage (STUB: filled in by the pre-tokenizers work).
public indirect enum PreTokenizer: Sendable {
    case sequence([PreTokenizer])

    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let type = try f.type()
        switch type {
        case "Sequence":
            let items = try f.array("pretokenizers")
            self = .sequence(try items.enumerated().map { try PreTokenizer(json: $1, path: "\(path).pretokenizers[\($0)]") })
        default:
            throw TokenizerError(.unsupported, "unknown pre-tokenizer type '\(type)'", at: path + ".type")
        }
    }

    public var json: JSON {
        switch self {
        case .sequence(let items):
            return .object(JSONObject([("type", .string("Sequence")), ("pretokenizers", .array(items.map(\.json)))]))
        }
    }

    /// Splits the pieces of `text` that have no tokens yet.
    public func preTokenize(_ text: inout PreTokenizedString) throws {
        switch self {
        case .sequence(let items):
            for p in items { try p.preTokenize(&text) }
        }
    }
}
