/// Unicode properties exactly as `tokenizers` 0.23 sees them (Unicode 16.0: its Oniguruma
/// regexes and Rust's `char` methods), which Debian's ICU 72 (15.0) and PCRE2 10.42 (14.0) do
/// not have. The data is probed from `tokenizers` itself (make_unicode_table.py).
///
/// A two-stage table: the block of 256 code points, then the value inside the block.
enum ReferenceUnicode {
    static let whiteSpaceBit: UInt16 = 0x20
    static let alphabeticBit: UInt16 = 0x40
    static let bertPunctuationBit: UInt16 = 0x80
    static let onigWordBit: UInt16 = 0x100
    static let upperBit: UInt16 = 0x200
    static let lowerBit: UInt16 = 0x400

    /// Decoded `runData`: first code point and value of each run.
    static let runs = decodeRuns(runData, valueDigits: 3)

    /// Stage 1: for each block of 256 code points, the offset of its values in `stage2`.
    static let stage1: [UInt32] = tables.0
    /// Stage 2: the values of the distinct blocks.
    static let stage2: [UInt16] = tables.1
    static let tables = twoStage(runs)

    /// Decodes hex runs: 6 digits of first code point, then `valueDigits` of value.
    static func decodeRuns(_ data: StaticString, valueDigits: Int) -> [(start: UInt32, value: UInt16)] {
        var out: [(start: UInt32, value: UInt16)] = []
        var hex: [UInt8] = []
        data.withUTF8Buffer { p in
            for b in p where b != 0x0A && b != 0x20 { hex.append(b) }
        }
        func digit(_ b: UInt8) -> UInt32 { b <= 0x39 ? UInt32(b &- 0x30) : UInt32(b &- 0x41 &+ 10) }
        let width = 6 + valueDigits
        var i = 0
        while i + width <= hex.count {
            var start: UInt32 = 0
            for k in 0..<6 { start = start << 4 | digit(hex[i + k]) }
            var value: UInt32 = 0
            for k in 6..<width { value = value << 4 | digit(hex[i + k]) }
            out.append((start, UInt16(truncatingIfNeeded: value)))
            i += width
        }
        return out
    }

    /// A two-stage table (block offsets, distinct blocks of 256 values) for runs.
    static func twoStage(_ runs: [(start: UInt32, value: UInt16)]) -> ([UInt32], [UInt16]) {
        var flat = [UInt16](repeating: 0, count: 0x110000)
        for (k, r) in runs.enumerated() {
            let end = k + 1 < runs.count ? Int(runs[k + 1].start) : 0x110000
            for c in Int(r.start)..<Swift.min(end, 0x110000) { flat[c] = r.value }
        }
        var s1: [UInt32] = []
        var s2: [UInt16] = []
        var seen: [[UInt16]: UInt32] = [:]
        for block in 0..<(0x110000 / 256) {
            let values = Array(flat[(block * 256)..<(block * 256 + 256)])
            if let at = seen[values] {
                s1.append(at)
            } else {
                let at = UInt32(s2.count)
                s2 += values
                seen[values] = at
                s1.append(at)
            }
        }
        return (s1, s2)
    }

    /// The packed value of `c` (0 past U+10FFFF).
    @inline(__always)
    static func value(_ c: UInt32) -> UInt16 {
        guard c < 0x110000 else { return 0 }
        return stage2.withUnsafeBufferPointer { s2 in
            stage1.withUnsafeBufferPointer { s1 in s2[Int(s1[Int(c >> 8)] + (c & 0xFF))] }
        }
    }

    /// The general category of `c`.
    @inline(__always)
    static func category(_ c: UInt32) -> UnicodeProperties.Category {
        UnicodeProperties.Category(rawValue: UInt8(value(c) & 0x1F)) ?? .unassigned
    }

    /// `\p{L}`.
    @inline(__always)
    static func isLetter(_ c: UInt32) -> Bool {
        let g = value(c) & 0x1F
        return g >= 1 && g <= 5
    }

    /// `\p{N}` (Rust's `char::is_numeric`).
    @inline(__always)
    static func isNumber(_ c: UInt32) -> Bool {
        let g = value(c) & 0x1F
        return g >= 9 && g <= 11
    }

    /// `\p{M}`.
    @inline(__always)
    static func isMark(_ c: UInt32) -> Bool {
        let g = value(c) & 0x1F
        return g >= 6 && g <= 8
    }

    /// White_Space (`\s`, Rust's `char::is_whitespace`).
    @inline(__always)
    static func isWhitespace(_ c: UInt32) -> Bool { value(c) & whiteSpaceBit != 0 }

    /// Alphabetic (Rust's `char::is_alphabetic`).
    @inline(__always)
    static func isAlphabetic(_ c: UInt32) -> Bool { value(c) & alphabeticBit != 0 }

    /// `tokenizers`' BERT punctuation (ASCII punctuation or a P* category).
    @inline(__always)
    static func isBertPunctuation(_ c: UInt32) -> Bool { value(c) & bertPunctuationBit != 0 }

    /// Rust `regex`'s `\w`: Alphabetic, marks, Nd, Pc, Join_Control.
    @inline(__always)
    static func isRustWord(_ c: UInt32) -> Bool {
        let v = value(c)
        if v & alphabeticBit != 0 { return true }
        let g = v & 0x1F
        return (g >= 6 && g <= 9) || g == 22 || c == 0x200C || c == 0x200D
    }

    /// The code point ranges (surrogates excluded) whose value satisfies `holds`.
    static func ranges(_ holds: (UInt16) -> Bool) -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        for (k, r) in runs.enumerated() where holds(r.value) {
            let end = k + 1 < runs.count ? runs[k + 1].start - 1 : 0x10FFFF
            if let last = out.last, last.upperBound + 1 == r.start {
                out[out.count - 1] = last.lowerBound...end
            } else {
                out.append(r.start...end)
            }
        }
        return out
    }

    /// General category numbers (`UnicodeProperties.Category`) by the names Oniguruma accepts.
    static let categoryNames: [String: [UInt16]] = {
        let abbreviations = ["Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp",
                             "Cc", "Cf", "Co", "Cs", "Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf"]
        var names: [String: [UInt16]] = [:]
        for (n, a) in abbreviations.enumerated() {
            names[a.lowercased(), default: []].append(UInt16(n))
            names[String(a.prefix(1)).lowercased(), default: []].append(UInt16(n))
        }
        names["letter"] = names["l"]
        names["mark"] = names["m"]
        names["number"] = names["n"]
        names["punctuation"] = names["p"]
        names["symbol"] = names["s"]
        names["separator"] = names["z"]
        names["other"] = names["c"]
        names["cased_letter"] = [1, 2, 3]
        names["lc"] = [1, 2, 3]
        names["uppercase_letter"] = [1]
        names["lowercase_letter"] = [2]
        names["titlecase_letter"] = [3]
        names["modifier_letter"] = [4]
        names["other_letter"] = [5]
        names["decimal_number"] = [9]
        names["nonspacing_mark"] = [6]
        names["spacing_mark"] = [8]
        names["enclosing_mark"] = [7]
        return names
    }()

    /// The predicate on packed values for an Oniguruma property name (`L`, `Lu`, `Letter`,
    /// `Alpha`, `White_Space`, ...), or nil when the table does not cover it.
    static func property(named raw: String) -> ((UInt16) -> Bool)? {
        var name = ""
        for u in raw.unicodeScalars where u != " " && u != "-" {
            name.unicodeScalars.append(u.value >= 0x41 && u.value <= 0x5A ? Unicode.Scalar(UInt8(u.value + 0x20)) : u)
        }
        switch name {
        case "alpha", "alphabetic": return { $0 & alphabeticBit != 0 }
        case "white_space", "whitespace", "space", "wspace": return { $0 & whiteSpaceBit != 0 }
        case "word": return { $0 & onigWordBit != 0 }
        case "any": return { _ in true }
        default: break
        }
        guard let cats = categoryNames[name] else { return nil }
        var mask: UInt32 = 0
        for c in cats { mask |= 1 << UInt32(c) }
        return { mask & (1 << UInt32($0 & 0x1F)) != 0 }
    }
}
