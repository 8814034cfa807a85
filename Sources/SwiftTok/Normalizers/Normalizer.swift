/// Namespace for the normalizer components, named as their tokenizer.json `"type"` strings.
public enum Normalizers {}

/// The normalizer stage: one of the built-in normalizers of `tokenizers`.
public indirect enum Normalizer: Sendable {
    case nfc(Normalizers.NFC)
    case nfd(Normalizers.NFD)
    case nfkc(Normalizers.NFKC)
    case nfkd(Normalizers.NFKD)
    case lowercase(Normalizers.Lowercase)
    case strip(Normalizers.Strip)
    case stripAccents(Normalizers.StripAccents)
    case replace(Normalizers.Replace)
    case prepend(Normalizers.Prepend)
    case bert(Normalizers.BertNormalizer)
    case byteLevel(Normalizers.ByteLevel)
    case nmt(Normalizers.Nmt)
    case precompiled(Normalizers.Precompiled)
    case sequence([Normalizer])

    /// Reads a normalizer from its tokenizer.json object.
    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let type = try f.type()
        switch type {
        case "NFC": self = .nfc(try .init(json: f))
        case "NFD": self = .nfd(try .init(json: f))
        case "NFKC": self = .nfkc(try .init(json: f))
        case "NFKD": self = .nfkd(try .init(json: f))
        case "Lowercase": self = .lowercase(try .init(json: f))
        case "Strip": self = .strip(try .init(json: f))
        case "StripAccents": self = .stripAccents(try .init(json: f))
        case "Replace": self = .replace(try .init(json: f))
        case "Prepend": self = .prepend(try .init(json: f))
        case "BertNormalizer": self = .bert(try .init(json: f))
        case "ByteLevel": self = .byteLevel(try .init(json: f))
        case "Nmt": self = .nmt(try .init(json: f))
        case "Sequence":
            let items = try f.array("normalizers")
            self = .sequence(try items.enumerated().map { try Normalizer(json: $1, path: "\(path).normalizers[\($0)]") })
        case "Precompiled": self = .precompiled(try .init(json: f))
        default:
            throw TokenizerError(.unsupported, "unknown normalizer type '\(type)'", at: path + ".type")
        }
    }

    /// The tokenizer.json object of this normalizer.
    public var json: JSON {
        switch self {
        case .nfc(let n): return n.json
        case .nfd(let n): return n.json
        case .nfkc(let n): return n.json
        case .nfkd(let n): return n.json
        case .lowercase(let n): return n.json
        case .strip(let n): return n.json
        case .stripAccents(let n): return n.json
        case .replace(let n): return n.json
        case .prepend(let n): return n.json
        case .bert(let n): return n.json
        case .byteLevel(let n): return n.json
        case .nmt(let n): return n.json
        case .precompiled(let n): return n.json
        case .sequence(let items):
            return .object(JSONObject([("type", .string("Sequence")), ("normalizers", .array(items.map(\.json)))]))
        }
    }

    /// Normalizes `text` in place, keeping alignments.
    public func normalize(_ text: inout NormalizedString) throws {
        switch self {
        case .nfc(let n): n.normalize(&text)
        case .nfd(let n): n.normalize(&text)
        case .nfkc(let n): n.normalize(&text)
        case .nfkd(let n): n.normalize(&text)
        case .lowercase(let n): n.normalize(&text)
        case .strip(let n): n.normalize(&text)
        case .stripAccents(let n): n.normalize(&text)
        case .replace(let n): try n.normalize(&text)
        case .prepend(let n): n.normalize(&text)
        case .bert(let n): n.normalize(&text)
        case .byteLevel(let n): n.normalize(&text)
        case .nmt(let n): n.normalize(&text)
        case .precompiled(let n): n.normalize(&text)
        case .sequence(let items):
            for n in items { try n.normalize(&text) }
        }
    }
}

extension Normalizer {
    /// Whether this normalizer (or one in its sequence) reads `NormalizerTables`.
    var readsUnicodeTables: Bool {
        switch self {
        case .nfc, .nfd, .nfkc, .nfkd, .stripAccents, .bert: return true
        case .sequence(let items): return items.contains { $0.readsUnicodeTables }
        case .lowercase, .strip, .replace, .prepend, .byteLevel, .nmt, .precompiled: return false
        }
    }
}
