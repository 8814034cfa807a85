/// A double-array trie over UTF-8 bytes, for the common-prefix searches of the Unigram model.
///
/// The child of node `s` for byte `c` is `t = base[s] + c` when `check[t] == s`. A node's check and
/// base share one 8-byte unit (the base shifted left by one, its low bit set when a key ends at the
/// node), so a step of a search is one load and twice as many nodes fit in the CPU caches as with
/// the score in the unit too (a vocabulary larger than the caches makes every step wait on memory).
/// The score and value live in side arrays read only where a key ends. The units are padded by 256
/// so `t` is always in bounds. Node 0 is the root.
struct DoubleArrayTrie: Sendable {
    struct Unit: Sendable {
        var check: Int32
        /// `base << 1 | 1` when a key ends at this node, else `base << 1`.
        var baseAndEnd: UInt32
    }

    private(set) var units: [Unit]
    /// The score of the key ending at each node (0 where none does).
    private(set) var keyScores: [Double]
    /// The value of the key ending at each node, or -1.
    private(set) var value: [Int32]

    /// Builds the trie of `keys`; `values[i]` and `scores[i]` (finite; none given: 0) are stored for
    /// `keys[i]` (for a repeated key, the last wins). Empty keys are not stored (a prefix search
    /// never reports them).
    init(keys: [[UInt8]], values: [Int32], scores: [Double] = []) {
        var a = Arrays()
        var order = Array(keys.indices).filter { !keys[$0].isEmpty }
        order.sort { a, b in
            let x = keys[a], y = keys[b]
            return x.lexicographicallyPrecedes(y) || (x == y && a < b)
        }
        a.base = [Int32](repeating: 0, count: 512)
        a.check = [Int32](repeating: -1, count: 512)
        a.value = [Int32](repeating: -1, count: 512)
        a.score = [Double](repeating: 0, count: 512)
        a.check[0] = 0
        var free = FreeList(count: 512)
        free.take(0)
        // Work items: node, key range in `order`, depth.
        var work: [(node: Int, lo: Int, hi: Int, depth: Int)] = [(0, 0, order.count, 0)]
        var labels: [UInt8] = []
        var starts: [Int] = []
        while let (node, lo, hi, depth) = work.popLast() {
            labels.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            var i = lo
            while i < hi {
                let k = keys[order[i]]
                if k.count == depth {
                    a.value[node] = values[order[i]]  // sorted by index among equal keys: the last wins
                    a.score[node] = scores.isEmpty ? 0 : scores[order[i]]
                    i += 1
                    continue
                }
                let c = k[depth]
                if labels.last != c {
                    labels.append(c)
                    starts.append(i)
                }
                i += 1
            }
            guard !labels.isEmpty else { continue }
            // Smallest base with all child slots free, trying the free slots in order (a linked
            // list of them, as darts does) for the first label.
            var p = free.first
            var b = 0
            search: while true {
                if p < 0 {
                    free.grow(&a, by: Swift.max(a.check.count, 512))
                    p = free.first
                    continue
                }
                b = p - Int(labels[0])
                if b >= 1 {
                    if b + 256 >= a.check.count { free.grow(&a, by: b + 257 - a.check.count + a.check.count / 2) }
                    var ok = true
                    for c in labels where a.check[b + Int(c)] >= 0 {
                        ok = false
                        break
                    }
                    if ok { break search }
                }
                p = free.next[p]
            }
            a.base[node] = Int32(b)
            for c in labels { free.take(b + Int(c)) }
            for c in labels { a.check[b + Int(c)] = Int32(node) }
            for (j, c) in labels.enumerated() {
                let end = j + 1 < starts.count ? starts[j + 1] : hi
                work.append((b + Int(c), starts[j], end, depth + 1))
            }
        }
        // Padding: any base + 255 stays in bounds.
        var maxBase = 0
        for b in a.base { maxBase = Swift.max(maxBase, Int(b)) }
        if maxBase + 256 > a.check.count { a.grow(to: maxBase + 256) }
        // Every base is below the unit count, itself below 2^31 (Int32 checks), so `base << 1` fits.
        units = (0..<a.check.count).map { i in
            Unit(check: a.check[i], baseAndEnd: UInt32(truncatingIfNeeded: a.base[i]) << 1 | (a.value[i] >= 0 ? 1 : 0))
        }
        keyScores = (0..<a.check.count).map { a.value[$0] >= 0 ? a.score[$0] : 0 }
        value = a.value
    }

    /// Calls `body(end, value)` for each stored key that is a prefix of `bytes[start...]`,
    /// shortest first (`end` is the exclusive end position in `bytes`).
    @inline(__always)
    func forEachPrefix(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (Int, Int32) throws -> Void) rethrows {
        try value.withUnsafeBufferPointer { value in
            try forEachScoredPrefix(bytes, from: start) { end, node, _ in try body(end, value[node]) }
        }
    }

    /// Calls `body(end, node, score)` for each stored key that is a prefix of `bytes[start...]`,
    /// shortest first: the node where it ends (its value is `value[node]`) and its score.
    @inline(__always)
    func forEachScoredPrefix(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                             _ body: (Int, Int, Double) throws -> Void) rethrows {
        guard let input = bytes.baseAddress else { return }
        try units.withUnsafeBufferPointer { u in
            try keyScores.withUnsafeBufferPointer { sc in
                guard let u = u.baseAddress, let sc = sc.baseAddress else { return }
                var s = 0
                var b = Int(u[0].baseAndEnd >> 1)
                var i = start
                let n = bytes.count
                while i < n {
                    let t = b &+ Int(input[i])  // Safe: the units are padded by 256.
                    let unit = u[t]
                    guard unit.check == Int32(truncatingIfNeeded: s) else { return }
                    s = t
                    b = Int(unit.baseAndEnd >> 1)
                    i += 1
                    if unit.baseAndEnd & 1 != 0 { try body(i, t, sc[t]) }
                }
            }
        }
    }
}

/// The arrays of a double array under construction.
private struct Arrays {
    var base: [Int32] = []
    var check: [Int32] = []
    var value: [Int32] = []
    var score: [Double] = []

    mutating func grow(to size: Int) {
        let n = Swift.max(size, check.count * 2)
        base.append(contentsOf: repeatElement(0, count: n - base.count))
        check.append(contentsOf: repeatElement(-1, count: n - check.count))
        value.append(contentsOf: repeatElement(-1, count: n - value.count))
        score.append(contentsOf: repeatElement(0, count: n - score.count))
    }
}

/// The free slots of a double array under construction, as a doubly linked list in slot order.
private struct FreeList {
    var next: [Int]
    var prev: [Int]
    var first: Int
    var last: Int

    init(count: Int) {
        next = (0..<count).map { $0 + 1 < count ? $0 + 1 : -1 }
        prev = (0..<count).map { $0 - 1 }
        first = 0
        last = count - 1
    }

    mutating func take(_ i: Int) {
        let n = next[i], p = prev[i]
        if p >= 0 { next[p] = n } else { first = n }
        if n >= 0 { prev[n] = p } else { last = p }
        next[i] = -1
        prev[i] = -1
    }

    /// Adds `by` new free slots at the end of the array.
    mutating func grow(_ trie: inout Arrays, by: Int) {
        let old = next.count
        trie.grow(to: old + by)
        let new = trie.check.count
        next.append(contentsOf: repeatElement(-1, count: new - old))
        prev.append(contentsOf: repeatElement(-1, count: new - old))
        for i in old..<new {
            prev[i] = last
            if last >= 0 { next[last] = i } else { first = i }
            last = i
        }
    }
}
