#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Models.BPE {
    /// A piece → ids cache owned by one caller (one thread or one call): repeated words cost
    /// one hash lookup. It never changes results; it is bypassed while dropout is active.
    ///
    /// Bounded: when half full it doubles, up to `maxCapacity` slots, and past that it is emptied,
    /// so memory stays near `maxCapacity` entries. Use one
    /// cache with one entry point only (`encodeIds` takes alphabet text, `encodeRawBytes` raw
    /// bytes: the same bytes mean different pieces).
    public struct Cache: Sendable {
        struct Slot {
            var hash: UInt32 = 0
            /// Start of the key in `keys` + 1 (0 = empty slot).
            var keyStart: UInt32 = 0
            var keyLength: UInt16 = 0
            var valueLength: UInt16 = 0
            var valueStart: UInt32 = 0
        }

        /// On 2 MB pages when large: probed at random (see `HugePageBuffer`).
        private var slots: HugePageBuffer<Slot>
        private var keys: [UInt8] = []
        private var values: [UInt32] = []
        private var count = 0
        /// The most slots it grows to.
        private let maxSlots: Int
        /// Pieces longer than this are not cached.
        static let maxPieceLength = 64

        /// An empty cache with room for about `capacity` / 2 pieces, growing to room for about
        /// `maxCapacity` / 2 (by default it does not grow).
        public init(capacity: Int = 1 << 16, maxCapacity: Int = 0) {
            var n = 64
            while n < capacity { n <<= 1 }
            slots = HugePageBuffer(repeating: Slot(), count: n)
            var m = n
            while m < maxCapacity { m <<= 1 }
            maxSlots = m
        }

        /// Appends the cached ids of `piece` to `out`; false when absent.
        @inline(__always)
        func lookup(_ piece: UnsafeBufferPointer<UInt8>, hash h: UInt32, into out: inout [UInt32]) -> Bool {
            let mask = slots.count - 1
            var i = Int(h) & mask
            let s = slots.base
            while true {
                let slot = s[i]
                if slot.keyStart == 0 { return false }
                if slot.hash == h && Int(slot.keyLength) == piece.count {
                    let start = Int(slot.keyStart - 1)
                    let equal = keys.withUnsafeBufferPointer { k in
                        guard let kb = k.baseAddress, let pb = piece.baseAddress else { return piece.isEmpty }
                        return ByteSliceTable.bytesEqual(kb + start, pb, piece.count)
                    }
                    if equal {
                        values.withUnsafeBufferPointer { v in
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: v[Int(slot.valueStart)..<(Int(slot.valueStart) + Int(slot.valueLength))]))
                        }
                        return true
                    }
                }
                i = (i + 1) & mask
            }
        }

        mutating func insert(_ piece: UnsafeBufferPointer<UInt8>, hash h: UInt32, ids: ArraySlice<UInt32>) {
            if ids.count > Int(UInt16.max) || piece.count > Int(UInt16.max) { return }  // not cached
            if keys.count + piece.count >= Int(UInt32.max) || values.count + ids.count >= Int(UInt32.max) {
                clear()
            } else if (count + 1) * 2 > slots.count {
                if slots.count < maxSlots { grow() } else { clear() }
            }
            if !isKnownUniquelyReferenced(&slots) { slots = HugePageBuffer(copying: slots) }
            let mask = slots.count - 1
            var i = Int(h) & mask
            while slots[i].keyStart != 0 { i = (i + 1) & mask }
            slots[i] = Slot(hash: h, keyStart: UInt32(keys.count + 1), keyLength: UInt16(piece.count),
                            valueLength: UInt16(ids.count), valueStart: UInt32(values.count))
            keys.append(contentsOf: piece)
            values.append(contentsOf: ids)
            count += 1
        }

        /// Twice the slots, the entries placed again by their stored hashes (keys and values stay).
        private mutating func grow() {
            let old = slots
            slots = HugePageBuffer(repeating: Slot(), count: old.count * 2)
            let mask = slots.count - 1
            for j in 0..<old.count where old[j].keyStart != 0 {
                let slot = old[j]
                var i = Int(slot.hash) & mask
                while slots[i].keyStart != 0 { i = (i + 1) & mask }
                slots[i] = slot
            }
        }

        /// Empties the cache, keeping its memory.
        public mutating func clear() {
            if isKnownUniquelyReferenced(&slots) {
                slots.base.update(repeating: Slot(), count: slots.count)
            } else {
                slots = HugePageBuffer(repeating: Slot(), count: slots.count)
            }
            keys.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            count = 0
        }
    }

    /// `encodeIds` through a caller-owned cache of pieces (results are the same).
    public func encodeIds(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], cache: inout Cache) throws {
        if dropoutActive || bytes.count > Cache.maxPieceLength || bytes.isEmpty {
            try encodeIds(bytes, into: &out)
            return
        }
        let h = ByteSliceTable.hash(bytes)
        if cache.lookup(bytes, hash: h, into: &out) { return }
        let start = out.count
        try encodeIds(bytes, into: &out)
        cache.insert(bytes, hash: h, ids: out[start...])
    }
}

extension Models.BPE.ByteLevelView {
    /// `encodeRawBytes` through a caller-owned cache of pieces (results are the same).
    public func encodeRawBytes(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], cache: inout Models.BPE.Cache) {
        if raw.count > Models.BPE.Cache.maxPieceLength || raw.isEmpty {
            encodeRawBytes(raw, into: &out)
            return
        }
        let h = ByteSliceTable.hash(raw)
        // Most pieces are whole tokens: one lookup, nothing to cache.
        if let rawVocab, let id = rawVocab.get(raw, hash: h) {
            out.append(id)
            return
        }
        if cache.lookup(raw, hash: h, into: &out) { return }
        let start = out.count
        encodeMerging(raw, into: &out)
        cache.insert(raw, hash: h, ids: out[start...])
    }
}
