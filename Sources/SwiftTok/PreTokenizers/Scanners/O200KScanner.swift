extension KnownScanner {
    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|...)?` from `p`, or -1.
    @inline(__always)
    static func o200kLowerWord(_ t: ScannerText, _ p: Int) -> Int {
        var q = p
        var lastBoth = -1  // start of the last scalar in both classes before q
        while q < t.n {
            let (f, l) = t.at(q)
            if f & ScannerClass.upperish == 0 { break }
            if f & ScannerClass.lowerish != 0 { lastBoth = q }
            q += l
        }
        var e: Int
        if q < t.n && t.at(q).flags & ScannerClass.lowerish != 0 {
            e = t.run(from: q, ScannerClass.lowerish)
        } else if lastBoth >= 0 {
            // The upper run gives its last lower-class scalar back to the lower run.
            e = lastBoth + t.at(lastBoth).length
        } else {
            return -1
        }
        e += t.contraction(at: e, caseless: true)
        return e
    }

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|...)?` from `p`
    /// (the scalar at `p` must be in the first class).
    @inline(__always)
    static func o200kUpperWord(_ t: ScannerText, _ p: Int) -> Int {
        var e = t.run(from: t.run(from: p, ScannerClass.upperish), ScannerClass.lowerish)
        e += t.contraction(at: e, caseless: true)
        return e
    }

    /// o200k (GPT-4o): the two case-aware word alternatives, `\p{N}{1,3}`,
    /// ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, `\s*[\r\n]+`, `\s+(?!\S)`, `\s+`.
    @inline(__always)
    static func o200kPiece(_ t: ScannerText, from i: Int) -> Int {
        let (f0, l0) = t.at(i)
        let prefixable = f0 & (ScannerClass.letter | ScannerClass.number | ScannerClass.newline) == 0 && i + l0 < t.n
        let f1 = prefixable ? t.at(i + l0).flags : 0
        let word = ScannerClass.upperish | ScannerClass.lowerish
        if prefixable && f1 & word != 0 {
            let e = o200kLowerWord(t, i + l0)
            if e >= 0 { return e }
        }
        if f0 & word != 0 {
            let e = o200kLowerWord(t, i)
            if e >= 0 { return e }
        }
        if prefixable && f1 & ScannerClass.upperish != 0 { return o200kUpperWord(t, i + l0) }
        if f0 & ScannerClass.upperish != 0 { return o200kUpperWord(t, i) }
        if f0 & ScannerClass.number != 0 {
            var j = i
            var count = 0
            while j < t.n && count < 3 {
                let (f, l) = t.at(j)
                if f & ScannerClass.number == 0 { break }
                j += l
                count += 1
            }
            return j
        }
        var start = i
        var f = f0
        if f0 & ScannerClass.blank != 0 && i + 1 < t.n {
            let g = t.at(i + 1).flags
            if g & (ScannerClass.letter | ScannerClass.number | ScannerClass.space) == 0 {
                start = i + 1
                f = g
            }
        }
        if f & ScannerClass.space == 0 {
            var j = t.otherRun(from: start)
            while j < t.n && (t.p[j] == 0x0A || t.p[j] == 0x0D || t.p[j] == 0x2F) { j += 1 }
            return j
        }
        let r = t.spaceRun(from: i)
        if r.lastNewlineEnd >= 0 { return r.lastNewlineEnd }
        if r.end == t.n || r.lastStart == i { return r.end }
        return r.lastStart
    }
}
