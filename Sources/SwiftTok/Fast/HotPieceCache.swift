/// A small direct-mapped cache of the most recent short pre-tokens and their ids, sized to stay
/// in L1/L2: most pieces of real text (" the", ",", " of") are found here with one load and two
/// word compares, before the large vocabulary tables (whose lookups miss the CPU caches).
///
/// Keys up to 16 bytes and results up to 3 ids are stored inline. A new piece evicts whatever
/// sat in its slot. Results are the model's, so the cache never changes them.
struct HotPieceCache {
    /// 32 bytes: two entries per cache line.
    struct Entry {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var id0: UInt32 = 0
        var id1: UInt32 = 0
        /// The third id (top 8 bits: key length 1...16, 0 = empty) — ids are below 2^24.
        var id2AndLength: UInt32 = 0
        var count: UInt8 = 0
    }

    private var entries: [Entry]
    private let mask: Int

    /// A cache of `1 << log2Size` entries (32 bytes each).
    init(log2Size: Int) {
        entries = [Entry](repeating: Entry(), count: 1 << log2Size)
        mask = (1 << log2Size) - 1
    }

    /// The piece's bytes as two little-endian words, zero padded (pieces of at most 16 bytes).
    /// `readable` is how many bytes may be read from the piece's start (the rest of its text):
    /// with 16 or more, two unaligned loads and masks replace the byte loop.
    @inline(__always)
    static func words(_ p: UnsafeBufferPointer<UInt8>, readable: Int) -> (UInt64, UInt64) {
        let n = p.count
        if readable >= 16 {
            let base = UnsafeRawPointer(p.baseAddress!)  // Safe: callers pass non-empty pieces.
            var w0 = base.loadUnaligned(as: UInt64.self)
            var w1 = base.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            if n < 8 {
                w0 &= (1 << UInt64(n * 8)) &- 1
                w1 = 0
            } else if n < 16 {
                w1 &= (1 << UInt64((n - 8) * 8)) &- 1
            }
            return (w0, w1)
        }
        return words(p)
    }

    @inline(__always)
    static func words(_ p: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        let n = p.count
        let base = UnsafeRawPointer(p.baseAddress!)  // Safe: callers pass non-empty pieces.
        if n >= 8 {
            w0 = base.loadUnaligned(as: UInt64.self)
            if n == 16 {
                w1 = base.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            } else {
                for i in 8..<n { w1 |= UInt64(p[i]) << UInt64((i - 8) * 8) }
            }
        } else {
            for i in 0..<n { w0 |= UInt64(p[i]) << UInt64(i * 8) }
        }
        return (w0, w1)
    }

    @inline(__always)
    func slot(_ w0: UInt64, _ w1: UInt64, _ n: Int) -> Int {
        var h = (w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(n)) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 29
        return Int(truncatingIfNeeded: h >> 20) & mask
    }

    /// Where `piece` (1...16 bytes) lives in the cache.
    struct Key {
        var w0: UInt64
        var w1: UInt64
        var length: Int
        var slot: Int
    }

    @inline(__always)
    func key(_ piece: UnsafeBufferPointer<UInt8>, readable: Int) -> Key {
        let (w0, w1) = HotPieceCache.words(piece, readable: readable)
        return Key(w0: w0, w1: w1, length: piece.count, slot: slot(w0, w1, piece.count))
    }

    /// Appends the cached ids of `key` and returns true, or returns false.
    @inline(__always)
    func lookup(_ key: Key, into out: inout [UInt32]) -> Bool {
        entries.withUnsafeBufferPointer { e in
            let entry = e[key.slot]
            guard Int(entry.id2AndLength >> 24) == key.length && entry.w0 == key.w0 && entry.w1 == key.w1 else { return false }
            out.append(entry.id0)
            if entry.count > 1 { out.append(entry.id1) }
            if entry.count > 2 { out.append(entry.id2AndLength & 0xFF_FFFF) }
            return true
        }
    }

    /// Stores the ids of `key` when there are 1...3 of them.
    @inline(__always)
    mutating func store(_ key: Key, _ ids: ArraySlice<UInt32>) {
        let count = ids.count
        guard count >= 1 && count <= 3 else { return }
        let s = ids.startIndex
        var entry = Entry(w0: key.w0, w1: key.w1, id0: ids[s], id2AndLength: UInt32(key.length) << 24, count: UInt8(count))
        if count > 1 { entry.id1 = ids[s + 1] }
        if count > 2 {
            guard ids[s + 2] < 1 << 24 else { return }
            entry.id2AndLength |= ids[s + 2]
        }
        entries.withUnsafeMutableBufferPointer { $0[key.slot] = entry }
    }
}
