/// Namespace for the pre-tokenizer components, named as their tokenizer.json `"type"` strings.
public enum PreTokenizers {}

/// The pre-tokenizer stage: one of the built-in pre-tokenizers.
public indirect enum PreTokenizer: Sendable {
    case byteLevel(PreTokenizers.ByteLevel)
    case split(PreTokenizers.Split)
    case whitespace(PreTokenizers.Whitespace)
    case whitespaceSplit(PreTokenizers.WhitespaceSplit)
    case bert(PreTokenizers.BertPreTokenizer)
    case punctuation(PreTokenizers.Punctuation)
    case digits(PreTokenizers.Digits)
    case charDelimiterSplit(PreTokenizers.CharDelimiterSplit)
    case metaspace(PreTokenizers.Metaspace)
    case unicodeScripts(PreTokenizers.UnicodeScripts)
    case fixedLength(PreTokenizers.FixedLength)
    case sequence([PreTokenizer])

    /// Reads a pre-tokenizer from its tokenizer.json object; errors name the JSON path.
    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let type = try f.type()
        switch type {
        case "ByteLevel": self = .byteLevel(try .init(json: f))
        case "Split": self = .split(try .init(json: f))
        case "Whitespace": self = .whitespace(try .init(json: f))
        case "WhitespaceSplit": self = .whitespaceSplit(try .init(json: f))
        case "BertPreTokenizer": self = .bert(try .init(json: f))
        case "Punctuation": self = .punctuation(try .init(json: f))
        case "Digits": self = .digits(try .init(json: f))
        case "CharDelimiterSplit": self = .charDelimiterSplit(try .init(json: f))
        case "Metaspace": self = .metaspace(try .init(json: f))
        case "UnicodeScripts": self = .unicodeScripts(try .init(json: f))
        case "FixedLength": self = .fixedLength(try .init(json: f))
        case "Sequence":
            let items = try f.array("pretokenizers")
            self = .sequence(try items.enumerated().map { try PreTokenizer(json: $1, path: "\(path).pretokenizers[\($0)]") })
        default:
            throw TokenizerError(.unsupported, "unknown pre-tokenizer type '\(type)'", at: path + ".type")
        }
    }

    /// The tokenizer.json object of this pre-tokenizer.
    public var json: JSON {
        switch self {
        case .byteLevel(let p): return p.json
        case .split(let p): return p.json
        case .whitespace(let p): return p.json
        case .whitespaceSplit(let p): return p.json
        case .bert(let p): return p.json
        case .punctuation(let p): return p.json
        case .digits(let p): return p.json
        case .charDelimiterSplit(let p): return p.json
        case .metaspace(let p): return p.json
        case .unicodeScripts(let p): return p.json
        case .fixedLength(let p): return p.json
        case .sequence(let items):
            return .object(JSONObject([("type", .string("Sequence")), ("pretokenizers", .array(items.map(\.json)))]))
        }
    }

    /// Splits the pieces of `text` that have no tokens yet.
    public func preTokenize(_ text: inout PreTokenizedString) throws {
        switch self {
        case .byteLevel(let p): p.preTokenize(&text)
        case .split(let p): try p.preTokenize(&text)
        case .whitespace(let p): p.preTokenize(&text)
        case .whitespaceSplit(let p): p.preTokenize(&text)
        case .bert(let p): p.preTokenize(&text)
        case .punctuation(let p): p.preTokenize(&text)
        case .digits(let p): p.preTokenize(&text)
        case .charDelimiterSplit(let p): p.preTokenize(&text)
        case .metaspace(let p): p.preTokenize(&text)
        case .unicodeScripts(let p): p.preTokenize(&text)
        case .fixedLength(let p): try p.preTokenize(&text)
        case .sequence(let items):
            for p in items { try p.preTokenize(&text) }
        }
    }

    /// The pieces of `text` as pre-tokenization leaves them (a convenience for tests and tools):
    /// each piece's normalized text and its byte range in `text`.
    public func preTokenize(_ text: String) throws -> [(piece: String, offsets: Range<Int>)] {
        var p = PreTokenizedString(text)
        try preTokenize(&p)
        return p.splits.map { ($0.normalized.normalizedString, $0.normalized.offsetsOriginal) }
    }
}
