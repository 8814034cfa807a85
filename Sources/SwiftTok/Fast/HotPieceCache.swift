/// A small direct-mapped cache of the most recent short pre-tokens and their ids, sized to stay
/// in L1/L2: most pieces of real text (" the", ",", " of") are found here with one load and two
/// word compares, before the large vocabulary tables (whose lookups miss the CPU caches).
///
/// Keys up to 16 bytes and results up to 3 ids are stored inline. A new piece evicts whatever
/// sat in its slot. Results are the model's, so the cache never changes them.
struct HotPieceCache {
    /// Up to 3 ids (32-byte entries: two per cache line).
    struct Ids {
        var id0: UInt32 = 0
        var id1: UInt32 = 0
        var id2: UInt32 = 0
        var count: UInt8 = 0
    }

    private var slots: HotSlots<Ids>
    private let mask: Int

    /// A cache of `1 << log2Size` entries (32 bytes each).
    init(log2Size: Int) {
        slots = HotSlots(log2Size: log2Size, empty: Ids())
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

    /// Where `piece` (1...16 bytes) lives in a cache: its words, length and slot (masked by the
    /// cache that uses it, so other direct-mapped caches of short keys share the key).
    struct Key {
        var w0: UInt64
        var w1: UInt64
        var length: Int
        var slot: Int

        init(w0: UInt64, w1: UInt64, length: Int, slot: Int) {
            self.w0 = w0
            self.w1 = w1
            self.length = length
            self.slot = slot
        }

        /// The key of `piece` (`readable`: bytes readable from its start), with an unmasked slot.
        @inline(__always)
        init(_ piece: UnsafeBufferPointer<UInt8>, readable: Int) {
            let (w0, w1) = HotPieceCache.words(piece, readable: readable)
            var h = (w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(piece.count)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            self.init(w0: w0, w1: w1, length: piece.count, slot: Int(truncatingIfNeeded: h >> 20))
        }
    }

    @inline(__always)
    func key(_ piece: UnsafeBufferPointer<UInt8>, readable: Int) -> Key {
        var k = Key(piece, readable: readable)
        k.slot &= mask
        return k
    }

    /// Appends the cached ids of `key` and returns true, or returns false.
    @inline(__always)
    func lookup(_ key: Key, into out: inout [UInt32]) -> Bool {
        guard let ids = slots.find(key) else { return false }
        out.append(ids.id0)
        if ids.count > 1 { out.append(ids.id1) }
        if ids.count > 2 { out.append(ids.id2) }
        return true
    }

    /// Stores the ids of `key` when there are 1...3 of them.
    @inline(__always)
    mutating func store(_ key: Key, _ ids: ArraySlice<UInt32>) {
        let count = ids.count
        guard count >= 1 && count <= 3 else { return }
        let s = ids.startIndex
        var entry = Ids(id0: ids[s], count: UInt8(count))
        if count > 1 { entry.id1 = ids[s + 1] }
        if count > 2 { entry.id2 = ids[s + 2] }
        slots.store(key, entry)
    }
}

/// A direct-mapped table from short keys (1...16 bytes, as `HotPieceCache.Key`) to a payload
/// stored inline beside the key: one load and two word compares find an entry. A new key evicts
/// whatever sat in its slot.
struct HotSlots<Payload> {
    struct Entry {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var payload: Payload
        /// Key length, 0 = empty slot.
        var length: UInt8 = 0
    }

    private var entries: [Entry]
    private let mask: Int

    /// `1 << log2Size` empty entries; `empty` fills their payloads.
    init(log2Size: Int, empty: Payload) {
        entries = [Entry](repeating: Entry(payload: empty), count: 1 << log2Size)
        mask = (1 << log2Size) - 1
    }

    /// The payload stored for `key`, or nil.
    @inline(__always)
    func find(_ key: HotPieceCache.Key) -> Payload? {
        entries.withUnsafeBufferPointer { e in
            let entry = e[key.slot & mask]
            guard Int(entry.length) == key.length && entry.w0 == key.w0 && entry.w1 == key.w1 else { return nil }
            return entry.payload
        }
    }

    @inline(__always)
    mutating func store(_ key: HotPieceCache.Key, _ payload: Payload) {
        let entry = Entry(w0: key.w0, w1: key.w1, payload: payload, length: UInt8(key.length))
        let slot = key.slot & mask
        entries.withUnsafeMutableBufferPointer { $0[slot] = entry }
    }
}

extension HotSlots: Sendable where Payload: Sendable {}
extension HotSlots.Entry: Sendable where Payload: Sendable {}
