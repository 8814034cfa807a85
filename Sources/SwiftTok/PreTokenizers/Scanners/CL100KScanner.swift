extension KnownScanner {
    /// cl100k / Llama 3 (`maxDigits` 3) and Qwen2 (`maxDigits` 1):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
    @inline(__always)
    static func cl100kPiece(_ t: ScannerText, from i: Int, maxDigits: Int) -> Int {
        let k = t.contraction(at: i, caseless: true)
        if k > 0 { return i + k }
        let (f0, l0) = t.at(i)
        if f0 & ScannerClass.letter != 0 { return t.run(from: i, ScannerClass.letter) }
        // `[^\r\n\p{L}\p{N}]?\p{L}+` with the optional scalar present.
        if f0 & (ScannerClass.number | ScannerClass.newline) == 0 && i + l0 < t.n {
            let (f1, _) = t.at(i + l0)
            if f1 & ScannerClass.letter != 0 { return t.run(from: i + l0, ScannerClass.letter) }
        }
        if f0 & ScannerClass.number != 0 {
            var j = i
            var count = 0
            while j < t.n && count < maxDigits {
                let (f, l) = t.at(j)
                if f & ScannerClass.number == 0 { break }
                j += l
                count += 1
            }
            return j
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`.
        var start = i
        var f = f0
        if f0 & ScannerClass.blank != 0 && i + 1 < t.n {
            let (f1, _) = t.at(i + 1)
            if f1 & (ScannerClass.letter | ScannerClass.number | ScannerClass.space) == 0 {
                start = i + 1
                f = f1
            }
        }
        if f & ScannerClass.space == 0 {
            var j = t.otherRun(from: start)
            while j < t.n && (t.p[j] == 0x0A || t.p[j] == 0x0D) { j += 1 }
            return j
        }
        // `\s*[\r\n]+`, then `\s+(?!\S)`, then `\s+`.
        let r = t.spaceRun(from: i)
        if r.lastNewlineEnd >= 0 { return r.lastNewlineEnd }
        if r.end == t.n || r.lastStart == i { return r.end }
        return r.lastStart
    }
}
