/// An immutable hash table from byte strings to ids, for hot paths that look tokens up by the raw
/// bytes of the input (no `String` per lookup).
struct ByteVocabulary: Sendable {
    private struct Slot: Sendable {
        var hash: UInt64 = 0
        var keyStart: UInt32 = 0
        var keyLength: UInt32 = 0
        var id: UInt32 = 0
    }

    private let slots: [Slot]
    private let keys: [UInt8]
    private let mask: Int
    /// The longest key, in bytes.
    let maxKeyLength: Int
    let count: Int

    /// Builds the table; later duplicates of a key are ignored.
    init(_ entries: some Sequence<([UInt8], UInt32)>) {
        let list = Array(entries)
        var n = 16
        while n < list.count * 2 { n <<= 1 }
        var slots = [Slot](repeating: Slot(), count: n)
        var keys: [UInt8] = []
        var longest = 0
        var count = 0
        let mask = n - 1
        for (key, id) in list where !key.isEmpty {
            let h = key.withUnsafeBufferPointer { PieceCache.hash($0) }
            var i = Int(truncatingIfNeeded: h) & mask
            var duplicate = false
            while slots[i].hash != 0 {
                if slots[i].hash == h && Int(slots[i].keyLength) == key.count
                    && keys[Int(slots[i].keyStart)..<(Int(slots[i].keyStart) + key.count)].elementsEqual(key) {
                    duplicate = true
                    break
                }
                i = (i + 1) & mask
            }
            if duplicate { continue }
            slots[i] = Slot(hash: h, keyStart: UInt32(keys.count), keyLength: UInt32(key.count), id: id)
            keys += key
            longest = Swift.max(longest, key.count)
            count += 1
        }
        self.slots = slots
        self.keys = keys
        self.mask = mask
        self.maxKeyLength = longest
        self.count = count
    }

    /// The id of `key`, or nil.
    @inline(__always)
    func id(_ key: UnsafeBufferPointer<UInt8>) -> UInt32? {
        if key.isEmpty || key.count > maxKeyLength { return nil }
        let h = PieceCache.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { s in
            keys.withUnsafeBufferPointer { k in
                while true {
                    let slot = s[i]
                    if slot.hash == 0 { return nil }
                    if slot.hash == h && Int(slot.keyLength) == key.count
                        && memcmpEqual(k.baseAddress! + Int(slot.keyStart), key.baseAddress!, key.count) {  // Safe: non-empty.
                        return slot.id
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// The id of `key` given as an array.
    func id(_ key: [UInt8]) -> UInt32? { key.withUnsafeBufferPointer { id($0) } }
}
