/// A double-array trie over UTF-8 bytes (flat `base`/`check` arrays, one load each per byte), for
/// the common-prefix searches of the Unigram model.
///
/// The child of node `s` for byte `c` is `t = base[s] + c` when `check[t] == s`. The arrays are
/// padded by 256 so `t` is always in bounds. Node 0 is the root.
struct DoubleArrayTrie: Sendable {
    private(set) var base: [Int32]
    private(set) var check: [Int32]
    /// Value at each node (the id stored for the key ending there), or -1.
    private(set) var value: [Int32]

    /// Builds the trie of `keys`; `values[i]` is stored for `keys[i]` (for a repeated key, the
    /// last value wins). Empty keys are not stored (a prefix search never reports them).
    init(keys: [[UInt8]], values: [Int32]) {
        var order = Array(keys.indices).filter { !keys[$0].isEmpty }
        order.sort { a, b in
            let x = keys[a], y = keys[b]
            return x.lexicographicallyPrecedes(y) || (x == y && a < b)
        }
        base = [Int32](repeating: 0, count: 512)
        check = [Int32](repeating: -1, count: 512)
        value = [Int32](repeating: -1, count: 512)
        check[0] = 0
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
                    value[node] = values[order[i]]  // sorted by index among equal keys: the last wins
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
                    free.grow(&self, by: Swift.max(check.count, 512))
                    p = free.first
                    continue
                }
                b = p - Int(labels[0])
                if b >= 1 {
                    if b + 256 >= check.count { free.grow(&self, by: b + 257 - check.count + check.count / 2) }
                    var ok = true
                    for c in labels where check[b + Int(c)] >= 0 {
                        ok = false
                        break
                    }
                    if ok { break search }
                }
                p = free.next[p]
            }
            base[node] = Int32(b)
            for c in labels { free.take(b + Int(c)) }
            for c in labels { check[b + Int(c)] = Int32(node) }
            for (j, c) in labels.enumerated() {
                let end = j + 1 < starts.count ? starts[j + 1] : hi
                work.append((b + Int(c), starts[j], end, depth + 1))
            }
        }
        // Padding: any base + 255 stays in bounds.
        var maxBase = 0
        for b in base { maxBase = Swift.max(maxBase, Int(b)) }
        if maxBase + 256 > check.count { grow(to: maxBase + 256) }
    }

    fileprivate mutating func grow(to size: Int) {
        let n = Swift.max(size, check.count * 2)
        base.append(contentsOf: repeatElement(0, count: n - base.count))
        check.append(contentsOf: repeatElement(-1, count: n - check.count))
        value.append(contentsOf: repeatElement(-1, count: n - value.count))
    }

    /// Calls `body(end, value)` for each stored key that is a prefix of `bytes[start...]`,
    /// shortest first (`end` is the exclusive end position in `bytes`).
    @inline(__always)
    func forEachPrefix(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (Int, Int32) throws -> Void) rethrows {
        try base.withUnsafeBufferPointer { base in
            try check.withUnsafeBufferPointer { check in
                try value.withUnsafeBufferPointer { value in
                    var s = 0
                    var i = start
                    let n = bytes.count
                    while i < n {
                        let t = Int(base[s]) &+ Int(bytes[i])  // Safe: arrays are padded by 256.
                        guard check[t] == Int32(truncatingIfNeeded: s) else { return }
                        s = t
                        i += 1
                        let v = value[s]
                        if v >= 0 { try body(i, v) }
                    }
                }
            }
        }
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
    mutating func grow(_ trie: inout DoubleArrayTrie, by: Int) {
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
