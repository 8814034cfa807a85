/// A suffix array and its LCP array over a text of small integers, and the repeated substrings
/// (the internal nodes of the suffix tree, as lcp-intervals) they define — what esaxx gives
/// `tokenizers` and SentencePiece for seeding a Unigram vocabulary.
struct SuffixArray {
    /// Suffix start positions in lexicographic order (a shorter suffix before its extensions).
    let sa: [Int32]
    /// `lcp[i]` = longest common prefix of suffixes `sa[i-1]` and `sa[i]`; `lcp[0]` = 0.
    let lcp: [Int32]

    /// Builds the arrays by prefix doubling with radix sorts; `text` values lie in `0..<alphabetSize`.
    init(_ text: [UInt32], alphabetSize: Int) {
        let n = text.count
        if n == 0 { sa = []; lcp = []; return }
        var sa = [Int32](repeating: 0, count: n)
        var rank = text.map { Int32(truncatingIfNeeded: $0) }
        var newRank = [Int32](repeating: 0, count: n)
        var tmp = [Int32](repeating: 0, count: n)
        var classes = Swift.max(alphabetSize, 1)
        var counts = [Int](repeating: 0, count: Swift.max(classes, n) + 1)
        // Initial order: by first symbol.
        for i in 0..<n { counts[Int(rank[i])] += 1 }
        var sum = 0
        for c in 0..<classes { let v = counts[c]; counts[c] = sum; sum += v }
        for i in 0..<n { let r = Int(rank[i]); sa[counts[r]] = Int32(i); counts[r] += 1 }
        // Dense ranks for the first symbol.
        var r: Int32 = 0
        newRank[Int(sa[0])] = 0
        for j in 1..<n {
            if rank[Int(sa[j])] != rank[Int(sa[j - 1])] { r += 1 }
            newRank[Int(sa[j])] = r
        }
        swap(&rank, &newRank)
        classes = Int(r) + 1
        var k = 1
        while classes < n {
            // Order by the second key: suffixes without one first, then by the current order.
            var p = 0
            for i in Swift.max(0, n - k)..<n { tmp[p] = Int32(i); p += 1 }
            for j in 0..<n where Int(sa[j]) >= k { tmp[p] = sa[j] - Int32(k); p += 1 }
            // Stable counting sort by the first key.
            for c in 0...classes { counts[c] = 0 }
            for i in 0..<n { counts[Int(rank[i])] += 1 }
            sum = 0
            for c in 0..<classes { let v = counts[c]; counts[c] = sum; sum += v }
            for j in 0..<n {
                let i = Int(tmp[j])
                let c = Int(rank[i])
                sa[counts[c]] = Int32(i)
                counts[c] += 1
            }
            r = 0
            newRank[Int(sa[0])] = 0
            for j in 1..<n {
                let a = Int(sa[j - 1]), b = Int(sa[j])
                let sa2: Int32 = a + k < n ? rank[a + k] : -1
                let sb2: Int32 = b + k < n ? rank[b + k] : -1
                if rank[a] != rank[b] || sa2 != sb2 { r += 1 }
                newRank[b] = r
            }
            swap(&rank, &newRank)
            classes = Int(r) + 1
            k *= 2
        }
        // Kasai's LCP.
        var lcp = [Int32](repeating: 0, count: n)
        var inverse = [Int32](repeating: 0, count: n)
        for i in 0..<n { inverse[Int(sa[i])] = Int32(i) }
        var h = 0
        text.withUnsafeBufferPointer { t in
            for i in 0..<n {
                let ri = Int(inverse[i])
                if ri == 0 { h = 0; continue }
                let j = Int(sa[ri - 1])
                while i + h < n, j + h < n, t[i + h] == t[j + h] { h += 1 }
                lcp[ri] = Int32(h)
                if h > 0 { h -= 1 }
            }
        }
        self.sa = sa
        self.lcp = lcp
    }

    /// Calls `body(depth, lb, rb)` for every lcp-interval `[lb, rb]` (at least two suffixes sharing
    /// exactly `depth` ≥ 1 leading symbols, and not all sharing more): the suffix tree's internal nodes.
    func forEachRepeat(_ body: (_ depth: Int, _ lb: Int, _ rb: Int) -> Void) {
        let n = sa.count
        if n < 2 { return }
        var stack: [(depth: Int32, lb: Int)] = [(0, 0)]
        for i in 1...n {
            let cur: Int32 = i < n ? lcp[i] : -1
            var lb = i - 1
            while let top = stack.last, cur < top.depth {
                stack.removeLast()
                if top.depth > 0 { body(Int(top.depth), top.lb, i - 1) }
                lb = top.lb
            }
            let topDepth: Int32 = stack.last?.depth ?? -1
            if i != n && cur > topDepth { stack.append((cur, lb)) }
        }
    }
}
