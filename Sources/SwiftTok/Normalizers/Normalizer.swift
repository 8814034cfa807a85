/// Namespace for the normalizer components, named as their tokenizer.json `"type"` strings.
public enum Normalizers {}

/// The normalizer stage: one of the built-in normalizers (STUB: filled in by the normalizers work).
public indirect enum Normalizer: Sendable {
    case sequence([Normalizer])

    /// Reads a normalizer from its tokenizer.json object.
    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let type = try f.type()
        switch type {
        case "Sequence":
            let items = try f.array("normalizers")
            self = .sequence(try items.enumerated().map { try Normalizer(json: $1, path: "\(path).normalizers[\($0)]") })
        default:
            throw TokenizerError(.unsupported, "unknown normalizer type '\(type)'", at: path + ".type")
        }
    }

    /// The tokenizer.json object of this normalizer.
    public var json: JSON {
        switch self {
        case .sequence(let items):
            return .object(JSONObject([("type", .string("Sequence")), ("normalizers", .array(items.map(\.json)))]))
        }
    }

    /// Normalizes `text` in place, keeping alignments.
    public func normalize(_ text: inout NormalizedString) throws {
        switch self {
        case .sequence(let items):
            for n in items { try n.normalize(&text) }
        }
    }
}
