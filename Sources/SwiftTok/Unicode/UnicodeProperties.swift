internal import CICU

/// Unicode properties of scalars from one flat table built once from ICU (never
/// `Unicode.Scalar.Properties` in hot loops: it costs ~35 ns per scalar here).
public enum UnicodeProperties {
    /// General categories, numbered as ICU's `UCharCategory`.
    public enum Category: UInt8, Sendable {
        case unassigned = 0, Lu, Ll, Lt, Lm, Lo, Mn, Me, Mc, Nd, Nl, No, Zs, Zl, Zp, Cc, Cf, Co, Cs,
             Pd, Ps, Pe, Pc, Po, Sm, Sc, Sk, So, Pi, Pf
    }

    static let whiteSpaceBit: UInt8 = 0x20
    static let alphabeticBit: UInt8 = 0x40

    /// One byte per code point: the category in the low 5 bits, then property bits.
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 0x110000)
        t.withUnsafeMutableBufferPointer { p in
            for c in 0..<0x110000 {
                var v = UInt8(truncatingIfNeeded: swifttok_icu_char_type(Int32(c))) & 0x1F
                if swifttok_icu_has_property(Int32(c), UCHAR_WHITE_SPACE) != 0 { v |= whiteSpaceBit }
                if swifttok_icu_has_property(Int32(c), UCHAR_ALPHABETIC) != 0 { v |= alphabeticBit }
                p[c] = v
            }
        }
        return t
    }()

    @inline(__always)
    static func entry(_ s: UInt32) -> UInt8 {
        s < 0x110000 ? table.withUnsafeBufferPointer { $0[Int(s)] } : 0
    }

    /// The general category of `s`.
    @inline(__always)
    public static func category(_ s: UInt32) -> Category {
        Category(rawValue: entry(s) & 0x1F) ?? .unassigned
    }

    /// Rust's `char::is_whitespace`: the White_Space property.
    @inline(__always)
    public static func isWhitespace(_ s: UInt32) -> Bool { entry(s) & whiteSpaceBit != 0 }

    /// Rust's `char::is_alphabetic`: the Alphabetic property.
    @inline(__always)
    public static func isAlphabetic(_ s: UInt32) -> Bool { entry(s) & alphabeticBit != 0 }

    /// Rust's `char::is_numeric`: categories Nd, Nl, No.
    @inline(__always)
    public static func isNumeric(_ s: UInt32) -> Bool {
        let c = entry(s) & 0x1F
        return c >= Category.Nd.rawValue && c <= Category.No.rawValue
    }

    /// Rust's `char::is_alphanumeric`.
    @inline(__always)
    public static func isAlphanumeric(_ s: UInt32) -> Bool { isAlphabetic(s) || isNumeric(s) }

    /// Rust's `char::is_control`: category Cc.
    @inline(__always)
    public static func isControl(_ s: UInt32) -> Bool { entry(s) & 0x1F == Category.Cc.rawValue }

    /// A letter: categories Lu, Ll, Lt, Lm, Lo (regex `\p{L}`).
    @inline(__always)
    public static func isLetter(_ s: UInt32) -> Bool {
        let c = entry(s) & 0x1F
        return c >= Category.Lu.rawValue && c <= Category.Lo.rawValue
    }

    /// A mark: categories Mn, Me, Mc (regex `\p{M}`).
    @inline(__always)
    public static func isMark(_ s: UInt32) -> Bool {
        let c = entry(s) & 0x1F
        return c >= Category.Mn.rawValue && c <= Category.Mc.rawValue
    }

    /// Unicode punctuation: categories Pc, Pd, Ps, Pe, Pi, Pf, Po (regex `\p{P}`).
    @inline(__always)
    public static func isPunctuation(_ s: UInt32) -> Bool {
        switch category(s) {
        case .Pc, .Pd, .Ps, .Pe, .Pi, .Pf, .Po: return true
        default: return false
        }
    }

    /// The ICU script code of `s` (`UScriptCode`), or -1.
    public static func script(_ s: UInt32) -> Int32 { swifttok_icu_script(Int32(bitPattern: s)) }

    /// The canonical combining class of `s`.
    public static func combiningClass(_ s: UInt32) -> UInt8 { swifttok_icu_combining_class(Int32(bitPattern: s)) }

    /// The full lowercase mapping of one scalar (SpecialCasing included, no context), as Rust's
    /// `char::to_lowercase`.
    public static func lowercase(_ s: UInt32) -> [UInt32] {
        if s < 0x80 {
            return [(s >= 0x41 && s <= 0x5A) ? s + 0x20 : s]
        }
        var buffer = [UInt16](repeating: 0, count: 8)
        let n = buffer.withUnsafeMutableBufferPointer { swifttok_icu_full_lower(Int32(bitPattern: s), $0.baseAddress, 8) }
        if n <= 0 || n > 8 { return [s] }
        var out: [UInt32] = []
        var i = 0
        while i < Int(n) {
            let u = UInt32(buffer[i])
            if u >= 0xD800 && u < 0xDC00 && i + 1 < Int(n) {
                out.append(0x10000 + ((u - 0xD800) << 10) + (UInt32(buffer[i + 1]) - 0xDC00))
                i += 2
            } else {
                out.append(u)
                i += 1
            }
        }
        return out
    }
}
