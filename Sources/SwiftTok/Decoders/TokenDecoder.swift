/// Namespace for the decoder components, named as their tokenizer.json `"type"` strings.
public enum Decoders {}

/// The decoder stage: turns tokens back into text (STUB). Not named `Decoder`, which would
/// shadow `Swift.Decoder` in users' `Codable` code.
public indirect enum TokenDecoder: Sendable {
    case sequence([TokenDecoder])

    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let type = try f.type()
        throw TokenizerError(.unsupported, "unknown decoder type '\(type)'", at: path + ".type")
    }

    public var json: JSON { .null }

    /// Each decoder maps the list of token strings to a new list; the text is their concatenation.
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        switch self {
        case .sequence(let items):
            var t = tokens
            for d in items { t = try d.decodeChain(t) }
            return t
        }
    }

    public func decode(_ tokens: [String]) throws -> String { try decodeChain(tokens).joined() }
}
