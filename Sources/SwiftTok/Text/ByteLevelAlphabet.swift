/// GPT-2's reversible map from bytes to printable scalars ("Ġ" for the space byte), used by the
/// ByteLevel pre-tokenizer, normalizer and decoder and by byte-level vocabularies.
///
/// Printable bytes ('!'...'~', '¡'...'¬', '®'...'ÿ') map to themselves; the other 68 bytes map,
/// in byte order, to U+0100, U+0101, ...
public enum ByteLevelAlphabet {
    /// The scalar that stands for each byte.
    public static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The UTF-8 encoding of the scalar for each byte.
    public static let utf8ForByte: [[UInt8]] = scalarForByte.map { s in
        var out: [UInt8] = []
        UTF8Text.appendScalar(s, to: &out)
        return out
    }

    /// The byte a scalar stands for, or nil when it is not in the alphabet.
    public static func byte(for scalar: UInt32) -> UInt8? {
        if scalar < 0x144, let b = byteForScalarTable[Int(scalar)] { return b }
        return nil
    }

    static let byteForScalarTable: [UInt8?] = {
        var t = [UInt8?](repeating: nil, count: 0x144)
        for (b, s) in scalarForByte.enumerated() { t[Int(s)] = UInt8(b) }
        return t
    }()

    /// Maps raw bytes to their alphabet string ("hello world" → "helloĠworld").
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for b in bytes { out += utf8ForByte[Int(b)] }
        return String(decoding: out, as: Unicode.UTF8.self)
    }

    /// Maps an alphabet string back to raw bytes; nil when a scalar is outside the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        for s in text.unicodeScalars {
            guard let b = byte(for: s.value) else { return nil }
            out.append(b)
        }
        return out
    }
}
