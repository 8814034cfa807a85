extension Trainers.UnigramTrainer {
    /// Counts the words of `text` as `tokenizers` sees them when it trains the `t5` preset from a
    /// file: lines keep their line ending, go through the preset's normalizer (Nmt, NFKC, spaces
    /// collapsed) and Metaspace pre-tokenizer. Lines that are not valid UTF-8 are skipped and counted.
    ///
    /// Words come back sorted by their UTF-8 bytes, so training from them is deterministic.
    /// (The general trainers' word counting will replace this when it lands.)
    public static func countWords(text: [UInt8], threads: Int = 0, fastPath: Bool = true) throws
        -> (words: [(word: String, count: UInt64)], invalidLines: Int)
    {
        let normalizer = try Normalizer(json: normalizerJSON, path: "$.normalizer")
        let preTokenizer = try PreTokenizer(json: metaspaceJSON, path: "$.pre_tokenizer")
        // Chunks of about 256 KB, cut after a newline.
        var bounds: [Int] = [0]
        var p = 0
        while p < text.count {
            var q = Swift.min(text.count, p + (1 << 18))
            while q < text.count, text[q - 1] != 0x0A { q += 1 }
            bounds.append(q)
            p = q
        }
        let chunks = bounds.count - 1
        let cuts = bounds
        let results = SharedBuffer<[String: UInt64]>(repeating: [:], count: chunks)
        let invalid = SharedBuffer<Int>(repeating: 0, count: chunks)
        let failure = SharedBuffer<TokenizerError?>(repeating: nil, count: chunks)
        Parallel.forEach(chunks, threads: threads) { c in
            var counts: [String: UInt64] = [:]
            var bad = 0
            var start = cuts[c]
            let end = cuts[c + 1]
            do {
                while start < end {
                    var stop = start
                    while stop < end, text[stop] != 0x0A { stop += 1 }
                    if stop < end { stop += 1 }
                    let line = Array(text[start..<stop])
                    start = stop
                    if fastPath, let words = asciiWords(line) {
                        for w in words { counts[w, default: 0] += 1 }
                        continue
                    }
                    guard String(validating: line, as: Unicode.UTF8.self) != nil else { bad += 1; continue }
                    var pre = PreTokenizedString(line)
                    try pre.normalize { try normalizer.normalize(&$0) }
                    try preTokenizer.preTokenize(&pre)
                    for s in pre.splits {
                        counts[String(decoding: s.normalized.normalized, as: Unicode.UTF8.self), default: 0] += 1
                    }
                }
            } catch {
                failure[c] = error as? TokenizerError ?? TokenizerError(.invalidArgument, "\(error)")
            }
            results[c] = counts
            invalid[c] = bad
        }
        var total: [String: UInt64] = [:]
        var bad = 0
        for c in 0..<chunks {
            if let e = failure[c] { throw e }
            for (w, n) in results[c] { total[w, default: 0] += n }
            bad += invalid[c]
        }
        let words = total.map { (word: $0.key, count: $0.value) }
            .sorted { $0.word.utf8.lexicographicallyPrecedes($1.word.utf8) }
        return (words, bad)
    }

    /// The words of a line of printable ASCII (plus tab, CR, LF, FF) under the preset's pipeline,
    /// or nil for any other line: Nmt turns those controls into spaces, NFKC leaves ASCII alone,
    /// space runs become one, and Metaspace starts a word at each space (and at the start).
    static func asciiWords(_ line: [UInt8]) -> [String]? {
        var words: [String] = []
        var current: [UInt8] = [0xE2, 0x96, 0x81]
        var lastSpace = false
        var any = false
        for b in line {
            var c = b
            if c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D { c = 0x20 }
            guard c >= 0x20, c < 0x7F else { return nil }
            if c == 0x20 {
                if lastSpace { continue }
                lastSpace = true
                if any {
                    words.append(String(decoding: current, as: Unicode.UTF8.self))
                    current.removeSubrange(3...)
                }
                any = true
            } else {
                lastSpace = false
                any = true
                current.append(c)
            }
        }
        if any { words.append(String(decoding: current, as: Unicode.UTF8.self)) }
        return words
    }
}
