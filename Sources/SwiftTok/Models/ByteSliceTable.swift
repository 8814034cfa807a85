#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An immutable hash map from byte strings to `UInt32` values, queried with byte slices so that
/// a lookup never builds a `String`. Keys live in one contiguous blob; open addressing.
struct ByteSliceTable: Sendable {
    /// One probe reads one 16-byte slot: the key's hash, where it is in `blob`, its value.
    struct Slot: Sendable {
        var hash: UInt32 = 0
        /// Key length + 1 (0 = empty slot).
        var lengthPlusOne: UInt32 = 0
        var start: UInt32 = 0
        var value: UInt32 = 0
    }

    /// All keys, concatenated.
    private var blob: [UInt8] = []
    /// Start of key `k` in `blob`; `starts[k + 1]` is its end (insertion order, for `forEach`).
    private var starts: [UInt32] = [0]
    private var values: [UInt32] = []
    /// Key index + 1 of each slot (0 = empty), to update values in place while building.
    private var slotKeys: [UInt32] = []
    /// On 2 MB pages when large (a vocabulary): probed at random (see `HugePageBuffer`).
    private var slots = HugePageBuffer(repeating: Slot(), count: 0)
    private var mask = 0

    /// Number of distinct keys.
    var count: Int { values.count }

    /// Builds the table; for a repeated key the last value wins (as a Rust `HashMap` built by
    /// successive inserts).
    init<S: Sequence>(_ entries: S) where S.Element == ([UInt8], UInt32) {
        var keys: [([UInt8], UInt32)] = []
        for e in entries { keys.append(e) }
        var capacity = 16
        while capacity < keys.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = HugePageBuffer(repeating: Slot(), count: capacity)
        slotKeys = [UInt32](repeating: 0, count: capacity)
        blob.reserveCapacity(keys.reduce(0) { $0 + $1.0.count })
        values.reserveCapacity(keys.count)
        for (key, value) in keys {
            key.withUnsafeBufferPointer { insert($0, value) }
        }
        slotKeys = []
    }

    private mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ value: UInt32) {
        let h = ByteSliceTable.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].lengthPlusOne != 0 {
            if slots[i].hash == h && equal(slots[i], key) {
                slots[i].value = value
                values[Int(slotKeys[i] - 1)] = value
                return
            }
            i = (i + 1) & mask
        }
        let start = blob.count
        blob.append(contentsOf: key)
        starts.append(UInt32(truncatingIfNeeded: blob.count))
        values.append(value)
        slots[i] = Slot(hash: h, lengthPlusOne: UInt32(truncatingIfNeeded: key.count + 1),
                        start: UInt32(truncatingIfNeeded: start), value: value)
        slotKeys[i] = UInt32(truncatingIfNeeded: values.count)
    }

    @inline(__always)
    private func equal(_ slot: Slot, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(slot.lengthPlusOne) - 1 == key.count else { return false }
        return blob.withUnsafeBufferPointer { b in
            guard let kb = key.baseAddress, let bb = b.baseAddress else { return key.count == 0 }
            return ByteSliceTable.bytesEqual(bb + Int(slot.start), kb, key.count)
        }
    }

    /// Compares short byte strings inline (a libc call costs more than the comparison).
    @inline(__always)
    static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// The value of `key`, or nil.
    @inline(__always)
    func get(_ key: UnsafeBufferPointer<UInt8>) -> UInt32? {
        get(key, hash: ByteSliceTable.hash(key))
    }

    /// The value of `key` whose `hash(key)` the caller already has.
    @inline(__always)
    func get(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt32) -> UInt32? {
        var i = Int(truncatingIfNeeded: h) & mask
        let slots = self.slots.base
        while true {
            let s = slots[i]
            if s.lengthPlusOne == 0 { return nil }
            if s.hash == h && equal(s, key) { return s.value }
            i = (i + 1) & mask
        }
    }

    /// The value of `key`, or nil.
    func get(_ key: [UInt8]) -> UInt32? {
        key.withUnsafeBufferPointer { get($0) }
    }

    /// The value of `key`, or nil.
    func get(_ key: String) -> UInt32? {
        var k = key
        return k.withUTF8 { get($0) }
    }

    /// Every key (as bytes) with its value, in insertion order of first appearance.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UInt32) -> Void) {
        blob.withUnsafeBufferPointer { b in
            for k in 0..<values.count {
                let s = Int(starts[k])
                let e = Int(starts[k + 1])
                body(UnsafeBufferPointer(rebasing: b[s..<e]), values[k])
            }
        }
    }

    /// A fast hash of a short byte string: 8 bytes per step, multiplicative mixing.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: key.count)
        guard let base = key.baseAddress else { return UInt32(truncatingIfNeeded: h >> 32) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        let n = key.count
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ w) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 31
        }
        h = h &* 0x9E37_79B9_7F4A_7C15
        return UInt32(truncatingIfNeeded: h >> 32)
    }
}
