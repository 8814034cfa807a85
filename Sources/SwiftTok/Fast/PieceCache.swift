/// A per-thread cache from a pre-token's bytes to its ids: repeated words become one lookup.
///
/// Open addressing over a flat slot array; keys and ids live in two arenas, so a hit allocates
/// nothing. When the table fills up it is cleared (simple, and the next words refill it).
struct PieceCache {
    struct Slot {
        var hash: UInt64 = 0  // 0 = empty
        var keyStart: UInt32 = 0
        var keyLength: UInt32 = 0
        var idsStart: UInt32 = 0
        var idsCount: UInt32 = 0
    }

    private var slots: [Slot]
    private var mask: Int
    private var used = 0
    private(set) var keys: [UInt8] = []
    private(set) var ids: [UInt32] = []
    /// Pieces longer than this are not cached (they rarely repeat).
    static let maxKeyLength = 64

    init(capacity: Int = 1 << 15) {
        var n = 1
        while n < capacity * 2 { n <<= 1 }
        slots = [Slot](repeating: Slot(), count: n)
        mask = n - 1
        keys.reserveCapacity(capacity * 8)
        ids.reserveCapacity(capacity * 2)
    }

    /// A 64-bit hash of `bytes` (never 0).
    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(p.count &+ 1)
        var i = 0
        let n = p.count
        let base = UnsafeRawPointer(p.baseAddress!)  // Safe: callers never pass an empty buffer.
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ w) &* 0xC4CE_B9FE_1A85_EC53
            h ^= h >> 29
        }
        return h | 1
    }

    /// The cached ids of `key`, as a range of `ids`.
    @inline(__always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Range<Int>? {
        var i = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { s in
            while true {
                let slot = s[i]
                if slot.hash == 0 { return nil }
                if slot.hash == hash && Int(slot.keyLength) == key.count {
                    let start = Int(slot.keyStart)
                    let same = keys.withUnsafeBufferPointer { k in
                        memcmpEqual(k.baseAddress! + start, key.baseAddress!, key.count)  // Safe: non-empty arenas.
                    }
                    if same { return Int(slot.idsStart)..<(Int(slot.idsStart) + Int(slot.idsCount)) }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Remembers the ids of `key`.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, ids newIds: ArraySlice<UInt32>) {
        if key.count > PieceCache.maxKeyLength { return }
        if used * 4 >= slots.count * 3 || keys.count > (1 << 30) || ids.count > (1 << 30) { clear() }
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i].hash != 0 { i = (i + 1) & mask }
        slots[i] = Slot(hash: hash, keyStart: UInt32(keys.count), keyLength: UInt32(key.count),
                        idsStart: UInt32(ids.count), idsCount: UInt32(newIds.count))
        keys.append(contentsOf: key)
        ids.append(contentsOf: newIds)
        used += 1
    }

    mutating func clear() {
        for i in slots.indices { slots[i].hash = 0 }
        keys.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
        used = 0
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if UnsafeRawPointer(a).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            != UnsafeRawPointer(b).loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
