extension Models.BPE.MergeTable {
    /// Words up to this many symbols merge by a linear scan; longer ones use the heap.
    static let linearScanLimit = 48

    /// Applies the merges to the `count` symbols in `ids` (with their byte lengths in `lens`,
    /// when given) in place; returns the new symbol count.
    ///
    /// The result is `tokenizers`' `Word::merge_all`: repeatedly merge the pair with the lowest
    /// rank, the leftmost on ties. `linearScan` allows the quadratic scan for short words, which
    /// is the same function when no two vocabulary strings share an id.
    @inline(__always)
    func merge<R: RandomNumberGenerator>(ids: UnsafeMutablePointer<UInt32>, lens: UnsafeMutablePointer<Int32>?,
                                         count: Int, dropout: Float, linearScan: Bool, rng: inout R) -> Int {
        if count < 2 { return count }
        if dropout <= 0 && linearScan && count <= Self.linearScanLimit {
            return mergeLinear(ids: ids, lens: lens, count: count)
        }
        return mergeHeap(ids: ids, lens: lens, count: count, dropout: dropout, rng: &rng)
    }

    /// Lowest-rank pair by scanning; ranks of adjacent pairs are kept and updated per merge.
    func mergeLinear(ids: UnsafeMutablePointer<UInt32>, lens: UnsafeMutablePointer<Int32>?, count: Int) -> Int {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { buffer in
            // pairs[i] = rank << 32 | newId for (ids[i], ids[i+1]); UInt64.max when no merge.
            guard let pairs = buffer.baseAddress else { return count }
            var n = count
            for i in 0..<(n - 1) {
                let m = lookup(ids[i], ids[i + 1])
                pairs[i] = m.rank == Self.absent ? UInt64.max : UInt64(m.rank) << 32 | UInt64(m.newId)
            }
            while n > 1 {
                var best = UInt64.max
                var at = -1
                for i in 0..<(n - 1) where pairs[i] < best {
                    best = pairs[i]
                    at = i
                }
                // Ranks differ per pair, so comparing packed (rank, newId) keeps the leftmost
                // lowest rank: equal keys are equal pairs.
                if at < 0 { break }
                ids[at] = UInt32(truncatingIfNeeded: best)
                if let lens { lens[at] += lens[at + 1] }
                let tail = n - at - 2
                if tail > 0 {
                    (ids + at + 1).update(from: ids + at + 2, count: tail)
                    if let lens { (lens + at + 1).update(from: lens + at + 2, count: tail) }
                    if tail > 1 { (pairs + at + 1).update(from: pairs + at + 2, count: tail - 1) }
                }
                n -= 1
                if at > 0 {
                    let m = lookup(ids[at - 1], ids[at])
                    pairs[at - 1] = m.rank == Self.absent ? UInt64.max : UInt64(m.rank) << 32 | UInt64(m.newId)
                }
                if at < n - 1 {
                    let m = lookup(ids[at], ids[at + 1])
                    pairs[at] = m.rank == Self.absent ? UInt64.max : UInt64(m.rank) << 32 | UInt64(m.newId)
                }
            }
            return n
        }
    }

    /// `Word::merge_all` step for step: a min-heap of (rank, position) over a linked list of
    /// symbols with lazy invalidation, and dropout skipping entries as `tokenizers` does.
    func mergeHeap<R: RandomNumberGenerator>(ids: UnsafeMutablePointer<UInt32>, lens: UnsafeMutablePointer<Int32>?,
                                             count n: Int, dropout: Float, rng: inout R) -> Int {
        var prev = [Int32](repeating: -1, count: n)
        var next = [Int32](repeating: -1, count: n)
        var alive = [Bool](repeating: true, count: n)
        for i in 0..<n {
            prev[i] = Int32(i - 1)
            next[i] = i + 1 < n ? Int32(i + 1) : -1
        }
        var heap = MergeHeap()
        heap.reserve(n)
        for i in 0..<(n - 1) {
            let m = lookup(ids[i], ids[i + 1])
            if m.rank != Self.absent { heap.push(rank: m.rank, pos: UInt32(i), newId: m.newId) }
        }
        var skipped: [MergeHeap.Item] = []
        while let top = heap.pop() {
            if dropout > 0 && Self.nextFloat(&rng) < dropout {
                skipped.append(top)
                continue
            }
            for s in skipped { heap.push(s) }
            skipped.removeAll(keepingCapacity: true)
            let pos = Int(top.pos)
            if !alive[pos] { continue }
            let np = Int(next[pos])
            if np < 0 { continue }
            let m = lookup(ids[pos], ids[np])
            if m.rank == Self.absent || m.newId != top.newId { continue }
            ids[pos] = top.newId
            if let lens { lens[pos] += lens[np] }
            alive[np] = false
            let after = next[np]
            next[pos] = after
            if after >= 0 { prev[Int(after)] = Int32(pos) }
            let p = Int(prev[pos])
            if p >= 0 {
                let m = lookup(ids[p], ids[pos])
                if m.rank != Self.absent { heap.push(rank: m.rank, pos: UInt32(p), newId: m.newId) }
            }
            if after >= 0 {
                let m = lookup(ids[pos], ids[Int(after)])
                if m.rank != Self.absent { heap.push(rank: m.rank, pos: UInt32(pos), newId: m.newId) }
            }
        }
        var out = 0
        for i in 0..<n where alive[i] {
            ids[out] = ids[i]
            if let lens { lens[out] = lens[i] }
            out += 1
        }
        return out
    }

    /// A uniform float in [0, 1) (24 random bits), as Rust's `random::<f32>()`.
    @inline(__always)
    static func nextFloat<R: RandomNumberGenerator>(_ rng: inout R) -> Float {
        Float(rng.next() >> 40) * (1.0 / 16_777_216.0)
    }
}

/// A binary min-heap of merge candidates ordered by (rank, position).
struct MergeHeap {
    struct Item {
        /// `rank << 32 | pos`: the order key.
        var key: UInt64
        var newId: UInt32
        var pos: UInt32 { UInt32(truncatingIfNeeded: key) }
    }

    private var items: [Item] = []

    mutating func reserve(_ n: Int) { items.reserveCapacity(n) }

    mutating func push(rank: UInt32, pos: UInt32, newId: UInt32) {
        push(Item(key: UInt64(rank) << 32 | UInt64(pos), newId: newId))
    }

    mutating func push(_ item: Item) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if items[parent].key <= item.key { break }
            items[i] = items[parent]
            i = parent
        }
        items[i] = item
    }

    mutating func pop() -> Item? {
        guard let last = items.popLast() else { return nil }
        if items.isEmpty { return last }
        let top = items[0]
        let n = items.count
        var i = 0
        while true {
            var child = 2 * i + 1
            if child >= n { break }
            if child + 1 < n && items[child + 1].key < items[child].key { child += 1 }
            if last.key <= items[child].key { break }
            items[i] = items[child]
            i = child
        }
        items[i] = last
        return top
    }
}

/// A small seedable generator (SplitMix64) for reproducible BPE dropout.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
