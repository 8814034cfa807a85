/// Character classes for the hand-written scanners, from `ReferenceUnicode` (the Unicode data
/// `tokenizers` has), packed one byte per code point in a two-stage table, with an ASCII table
/// for the fast path.
enum ScannerClass {
    static let letter: UInt8 = 1        // \p{L}
    static let number: UInt8 = 2        // \p{N}
    static let space: UInt8 = 4         // \s (White_Space)
    static let upperish: UInt8 = 8      // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] (o200k)
    static let lowerish: UInt8 = 16     // [\p{Ll}\p{Lm}\p{Lo}\p{M}] (o200k)
    static let newline: UInt8 = 32      // \r or \n
    static let apostrophe: UInt8 = 64   // '
    static let blank: UInt8 = 128       // U+0020

    /// The flags of a `ReferenceUnicode` value.
    static func flags(_ v: UInt16) -> UInt8 {
        var f: UInt8 = 0
        switch v & 0x1F {
        case 1, 3: f = letter | upperish           // Lu, Lt
        case 2: f = letter | lowerish              // Ll
        case 4, 5: f = letter | upperish | lowerish  // Lm, Lo
        case 6, 7, 8: f = upperish | lowerish      // Mn, Me, Mc
        case 9, 10, 11: f = number                 // Nd, Nl, No
        default: break
        }
        if v & ReferenceUnicode.whiteSpaceBit != 0 { f |= space }
        return f
    }

    /// Stage 1 (block → offset) and stage 2 (flags), allocated once for the process's life so
    /// scanners read them through plain pointers.
    // Sendable in practice: written once before first use, read-only afterwards.
    nonisolated(unsafe) static let stage1: UnsafePointer<UInt32> = {
        let p = UnsafeMutablePointer<UInt32>.allocate(capacity: ReferenceUnicode.stage1.count)
        p.initialize(from: ReferenceUnicode.stage1, count: ReferenceUnicode.stage1.count)
        return UnsafePointer(p)
    }()
    nonisolated(unsafe) static let stage2: UnsafePointer<UInt8> = {
        let values = ReferenceUnicode.stage2.map(flags)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: values.count)
        p.initialize(from: values, count: values.count)
        return UnsafePointer(p)
    }()
    nonisolated(unsafe) static let ascii: UnsafePointer<UInt8> = {
        var t = (0..<128).map { flags(ReferenceUnicode.value(UInt32($0))) }
        t[0x0A] |= newline
        t[0x0D] |= newline
        t[0x27] |= apostrophe
        t[0x20] |= blank
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
        p.initialize(from: t, count: 128)
        return UnsafePointer(p)
    }()
}

/// Valid UTF-8 text being scanned, with the class tables at hand.
struct ScannerText {
    let p: UnsafePointer<UInt8>
    let n: Int
    let ascii: UnsafePointer<UInt8>
    let stage1: UnsafePointer<UInt32>
    let stage2: UnsafePointer<UInt8>

    @inline(__always)
    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        // Safe: an empty buffer is never read (every read is guarded by `n`).
        p = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        n = buffer.count
        ascii = ScannerClass.ascii
        stage1 = ScannerClass.stage1
        stage2 = ScannerClass.stage2
    }

    /// The flags and UTF-8 length of the scalar at `i` (< n).
    @inline(__always)
    func at(_ i: Int) -> (flags: UInt8, length: Int) {
        let b0 = p[i]
        if b0 < 0x80 { return (ascii[Int(b0)], 1) }
        var c: UInt32
        let length: Int
        if b0 < 0xE0 {
            c = UInt32(b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F)
            length = 2
        } else if b0 < 0xF0 {
            c = UInt32(b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
            length = 3
        } else {
            c = UInt32(b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F)
            length = 4
        }
        c &= 0x1FFFFF
        if c >= 0x110000 { return (0, length) }
        return (stage2[Int(stage1[Int(c >> 8)] &+ (c & 0xFF))], length)
    }

    /// The end of the run of scalars from `i` whose flags meet `mask`.
    @inline(__always)
    func run(from i: Int, _ mask: UInt8) -> Int {
        var j = i
        while j < n {
            let b = p[j]
            if b < 0x80 {
                if ascii[Int(b)] & mask == 0 { return j }
                j += 1
            } else {
                let (f, l) = at(j)
                if f & mask == 0 { return j }
                j += l
            }
        }
        return j
    }

    /// The end of the run from `i` of scalars that are neither letters, numbers nor spaces.
    @inline(__always)
    func otherRun(from i: Int) -> Int {
        var j = i
        let mask = ScannerClass.letter | ScannerClass.number | ScannerClass.space
        while j < n {
            let (f, l) = at(j)
            if f & mask != 0 { return j }
            j += l
        }
        return j
    }

    /// The end of the whitespace run from `i`, the start of its last scalar, and the end of
    /// its last \r or \n (or -1).
    @inline(__always)
    func spaceRun(from i: Int) -> (end: Int, lastStart: Int, lastNewlineEnd: Int) {
        var j = i
        var lastStart = i
        var lastNewlineEnd = -1
        while j < n {
            let (f, l) = at(j)
            if f & ScannerClass.space == 0 { break }
            if f & ScannerClass.newline != 0 { lastNewlineEnd = j + 1 }
            lastStart = j
            j += l
        }
        return (j, lastStart, lastNewlineEnd)
    }

    /// Length of `'s|'t|'re|'ve|'m|'ll|'d` at `i` (0 when none), case-sensitive (GPT-2) or
    /// with Oniguruma's case folding (`(?i:...)`: s also matches U+017F).
    @inline(__always)
    func contraction(at i: Int, caseless: Bool) -> Int {
        guard i + 1 < n, p[i] == 0x27 else { return 0 }
        var c1 = p[i + 1]
        if caseless {
            if c1 == 0xC5 && i + 2 < n && p[i + 2] == 0xBF { return 3 }  // 'ſ
            if c1 >= 0x41 && c1 <= 0x5A { c1 |= 0x20 }
        }
        switch c1 {
        case 0x73, 0x74, 0x6D, 0x64: return 2  // s t m d
        case 0x72, 0x76, 0x6C:  // r v l
            guard i + 2 < n else { return 0 }
            var c2 = p[i + 2]
            if caseless && c2 >= 0x41 && c2 <= 0x5A { c2 |= 0x20 }
            if (c1 == 0x72 || c1 == 0x76) && c2 == 0x65 { return 3 }
            if c1 == 0x6C && c2 == 0x6C { return 3 }
            return 0
        default: return 0
        }
    }
}
