extension KnownScanner {
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    @inline(__always)
    static func gpt2Piece(_ t: ScannerText, from i: Int) -> Int {
        let k = t.contraction(at: i, caseless: false)
        if k > 0 { return i + k }
        let f0 = t.at(i).flags
        var start = i
        var f = f0
        // ` ?` before a letter, number or other run.
        if f0 & ScannerClass.blank != 0 && i + 1 < t.n {
            let (f1, _) = t.at(i + 1)
            if f1 & ScannerClass.space == 0 {
                start = i + 1
                f = f1
            }
        }
        if f & ScannerClass.letter != 0 { return t.run(from: start, ScannerClass.letter) }
        if f & ScannerClass.number != 0 { return t.run(from: start, ScannerClass.number) }
        if f & ScannerClass.space == 0 { return t.otherRun(from: start) }
        // `\s+(?!\S)`: a run followed by text gives back its last scalar; `\s+` otherwise.
        let r = t.spaceRun(from: i)
        if r.end == t.n || r.lastStart == i { return r.end }
        return r.lastStart
    }
}
