extension Models.BPE {
    /// The merges keyed by a pair of ids, `(left, right) → (rank, new id)`, in a flat
    /// open-addressing table: the merge loop hashes two integers, never a string.
    struct MergeTable: Sendable {
        struct Entry {
            /// `left << 32 | right`.
            var key: UInt64
            var rank: UInt32
            var newId: UInt32
        }

        static let absent = UInt32.max

        /// On 2 MB pages: first-seen words probe it at random (see `HugePageBuffer`).
        private var entries: HugePageBuffer<Entry>
        private var shift: UInt64
        /// Number of distinct pairs.
        private(set) var count = 0

        init(capacityFor n: Int) {
            var bits: UInt64 = 4
            while (1 << bits) < Swift.max(16, n * 2) { bits += 1 }
            shift = 64 - bits
            entries = HugePageBuffer(repeating: Entry(key: 0, rank: MergeTable.absent, newId: 0), count: 1 << Int(bits))
        }

        @inline(__always)
        static func key(_ left: UInt32, _ right: UInt32) -> UInt64 { UInt64(left) << 32 | UInt64(right) }

        @inline(__always)
        private func slot(_ key: UInt64) -> Int {
            Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        }

        /// Sets the merge of a pair; a pair given again takes its new rank (the last one wins).
        mutating func set(_ left: UInt32, _ right: UInt32, rank: UInt32, newId: UInt32) {
            if !isKnownUniquelyReferenced(&entries) { entries = HugePageBuffer(copying: entries) }
            let k = MergeTable.key(left, right)
            let mask = entries.count - 1
            var i = slot(k)
            while entries[i].rank != MergeTable.absent {
                if entries[i].key == k {
                    entries[i].rank = rank
                    entries[i].newId = newId
                    return
                }
                i = (i + 1) & mask
            }
            entries[i] = Entry(key: k, rank: rank, newId: newId)
            count += 1
        }

        /// Inserts only when the pair has no merge yet (the first one wins).
        mutating func setIfAbsent(_ left: UInt32, _ right: UInt32, rank: UInt32, newId: UInt32) {
            if lookup(left, right).rank == MergeTable.absent { set(left, right, rank: rank, newId: newId) }
        }

        /// The `(rank, newId)` of a pair; `rank == absent` when the pair has no merge.
        @inline(__always)
        func lookup(_ left: UInt32, _ right: UInt32) -> (rank: UInt32, newId: UInt32) {
            let k = MergeTable.key(left, right)
            let e = entries.base
            let mask = entries.count - 1
            var i = slot(k)
            while true {
                let entry = e[i]
                if entry.rank == MergeTable.absent { return (MergeTable.absent, 0) }
                if entry.key == k { return (entry.rank, entry.newId) }
                i = (i + 1) & mask
            }
        }

        /// Calls `body(left, right)` for every merge, in no particular order.
        func forEachPair(_ body: (UInt32, UInt32) -> Void) {
            for i in 0..<entries.count where entries[i].rank != MergeTable.absent {
                let e = entries[i]
                body(UInt32(truncatingIfNeeded: e.key >> 32), UInt32(truncatingIfNeeded: e.key))
            }
        }

        /// Every merge as `(left, right, rank)`, ordered by rank then ids.
        var sortedPairs: [(left: UInt32, right: UInt32, rank: UInt32)] {
            var out: [(left: UInt32, right: UInt32, rank: UInt32)] = []
            out.reserveCapacity(count)
            for i in 0..<entries.count where entries[i].rank != MergeTable.absent {
                let e = entries[i]
                out.append((UInt32(truncatingIfNeeded: e.key >> 32), UInt32(truncatingIfNeeded: e.key), e.rank))
            }
            out.sort { ($0.rank, $0.left, $0.right) < ($1.rank, $1.left, $1.right) }
            return out
        }
    }
}
