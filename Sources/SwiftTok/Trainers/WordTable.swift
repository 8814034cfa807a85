/// A count per distinct byte string, in one arena with open addressing (no allocation per word).
/// One table belongs to one thread; tables are merged by `add(_:)`.
struct WordTable {
    /// The words' bytes, back to back.
    private(set) var arena: [UInt8] = []
    /// Per entry: start in `arena`, length, count.
    private(set) var starts: [Int] = []
    private(set) var lengths: [Int32] = []
    private(set) var counts: [UInt64] = []
    private var hashes: [UInt64] = []
    /// Slot → entry index + 1 (0 = empty).
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 1 << 12) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [Int32](repeating: 0, count: n)
        mask = n - 1
    }

    var count: Int { counts.count }

    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: p.count)
        var i = 0
        let n = p.count
        guard let base = p.baseAddress else { return h }
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(base[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// Adds `count` to the entry of `word`.
    @inline(__always)
    mutating func add(_ word: UnsafeBufferPointer<UInt8>, count: UInt64 = 1) {
        add(word, hash: WordTable.hash(word), count: count)
    }

    mutating func add(_ word: UnsafeBufferPointer<UInt8>, hash h: UInt64, count: UInt64) {
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[s])
            if e == 0 { break }
            let i = e - 1
            if hashes[i] == h && Int(lengths[i]) == word.count && equal(i, word) {
                counts[i] &+= count  // Safe: counts of a real corpus stay far below 2^64.
                return
            }
            s = (s + 1) & mask
        }
        starts.append(arena.count)
        lengths.append(Int32(truncatingIfNeeded: word.count))
        counts.append(count)
        hashes.append(h)
        arena.append(contentsOf: word)
        slots[s] = Int32(truncatingIfNeeded: counts.count)
        if counts.count * 2 > slots.count { grow() }
    }

    @inline(__always)
    private func equal(_ i: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { a in
            guard let wb = word.baseAddress, let ab = a.baseAddress else { return word.isEmpty }
            return memcmp(ab + starts[i], wb, word.count) == 0
        }
    }

    private mutating func grow() {
        let n = slots.count * 2
        var fresh = [Int32](repeating: 0, count: n)
        let m = n - 1
        for i in 0..<counts.count {
            var s = Int(truncatingIfNeeded: hashes[i]) & m
            while fresh[s] != 0 { s = (s + 1) & m }
            fresh[s] = Int32(truncatingIfNeeded: i + 1)
        }
        slots = fresh
        mask = m
    }

    /// The bytes of entry `i`.
    func word(_ i: Int) -> ArraySlice<UInt8> { arena[starts[i]..<(starts[i] + Int(lengths[i]))] }

    /// Adds every entry of `other`.
    mutating func add(_ other: WordTable) {
        other.arena.withUnsafeBufferPointer { a in
            for i in 0..<other.count {
                let w = UnsafeBufferPointer(rebasing: a[other.starts[i]..<(other.starts[i] + Int(other.lengths[i]))])
                add(w, hash: other.hashes[i], count: other.counts[i])
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
