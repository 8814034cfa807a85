/// Namespace for the decoder components, named as their tokenizer.json `"type"` strings.
public enum Decoders {}

/// The decoder stage: turns tokens back into text. Not named `Decoder`, which would shadow
/// `Swift.Decoder` in users' `Codable` code.
public indirect enum TokenDecoder: Sendable, Equatable {
    case byteLevel(Decoders.ByteLevel)
    case wordPiece(Decoders.WordPiece)
    case bpeDecoder(Decoders.BPEDecoder)
    case metaspace(Decoders.Metaspace)
    case replace(Decoders.Replace)
    case strip(Decoders.Strip)
    case fuse
    case byteFallback
    case ctc(Decoders.CTC)
    case sequence([TokenDecoder])

    /// Reads a decoder object, dispatching on `"type"`; errors name the JSON path of the bad field.
    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let type = try f.type()
        switch type {
        case "ByteLevel": self = .byteLevel(try Decoders.ByteLevel(fields: f))
        case "WordPiece": self = .wordPiece(try Decoders.WordPiece(fields: f))
        case "BPEDecoder": self = .bpeDecoder(try Decoders.BPEDecoder(fields: f))
        case "Metaspace": self = .metaspace(try Decoders.Metaspace(fields: f))
        case "Replace": self = .replace(try Decoders.Replace(fields: f))
        case "Strip": self = .strip(try Decoders.Strip(fields: f))
        case "Fuse": self = .fuse
        case "ByteFallback": self = .byteFallback
        case "CTC": self = .ctc(try Decoders.CTC(fields: f))
        case "Sequence": self = .sequence(try TokenDecoder.sequenceItems(fields: f))
        default: throw TokenizerError(.unsupported, "unknown decoder type '\(type)'", at: f.childPath("type"))
        }
    }

    /// The tokenizer.json object, with the fields `tokenizers` writes, in its order.
    public var json: JSON {
        switch self {
        case .byteLevel(let d): return d.json
        case .wordPiece(let d): return d.json
        case .bpeDecoder(let d): return d.json
        case .metaspace(let d): return d.json
        case .replace(let d): return d.json
        case .strip(let d): return d.json
        case .fuse: return .object(JSONObject([("type", .string("Fuse"))]))
        case .byteFallback: return .object(JSONObject([("type", .string("ByteFallback"))]))
        case .ctc(let d): return d.json
        case .sequence(let items): return TokenDecoder.sequenceJSON(items)
        }
    }

    /// Each decoder maps the list of token strings to a new list; the text is their concatenation.
    public func decodeChain(_ tokens: [String]) throws -> [String] {
        switch self {
        case .byteLevel: return Decoders.ByteLevel.decodeChain(tokens)
        case .wordPiece(let d): return d.decodeChain(tokens)
        case .bpeDecoder(let d): return d.decodeChain(tokens)
        case .metaspace(let d): return d.decodeChain(tokens)
        case .replace(let d): return try d.decodeChain(tokens)
        case .strip(let d): return try d.decodeChain(tokens)
        case .fuse: return Decoders.Fuse.decodeChain(tokens)
        case .byteFallback: return Decoders.ByteFallback.decodeChain(tokens)
        case .ctc(let d): return d.decodeChain(tokens)
        case .sequence(let items):
            var t = tokens
            for d in items { t = try d.decodeChain(t) }
            return t
        }
    }

    /// The text of `tokens`: the concatenation of `decodeChain`.
    public func decode(_ tokens: [String]) throws -> String { try decodeChain(tokens).joined() }
}

/// A string as Rust's `str::replace` / `replacen`: an empty `pattern` inserts `replacement` at
/// every scalar boundary, both ends included.
func rustReplace(_ s: String, _ pattern: String, _ replacement: String, limit: Int = Int.max) -> String {
    guard limit > 0 else { return s }
    if pattern.isEmpty {
        var out = ""
        var n = 0
        for scalar in s.unicodeScalars {
            if n < limit { out += replacement; n += 1 }
            out.unicodeScalars.append(scalar)
        }
        if n < limit { out += replacement }
        return out
    }
    var text = s
    var pat = pattern
    var rep = replacement
    return text.withUTF8 { b in
        pat.withUTF8 { p in
            rep.withUTF8 { r in
                var out: [UInt8] = []
                var i = 0
                var last = 0
                var n = 0
                while n < limit && i + p.count <= b.count {
                    var same = true
                    for k in 0..<p.count where b[i + k] != p[k] { same = false; break }
                    if same {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[last..<i]))
                        out.append(contentsOf: r)
                        i += p.count
                        last = i
                        n += 1
                    } else {
                        i += 1
                    }
                }
                if n == 0 { return s }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[last..<b.count]))
                return String(decoding: out, as: Unicode.UTF8.self)
            }
        }
    }
}
