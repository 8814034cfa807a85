extension Models.BPE {
    /// A byte-level vocabulary keyed by raw bytes, built at load: encodes the raw UTF-8 bytes
    /// of a pre-token straight to ids, without rewriting them into the GPT-2 "Ġ" alphabet.
    ///
    /// `encodeRawBytes(raw)` gives the ids `encodeIds(ByteLevelAlphabet.encode(raw))` gives.
    public struct ByteLevelView: Sendable {
        /// Token id of each byte's alphabet character.
        let byteIds: [UInt32]
        /// Whole tokens keyed by their raw bytes: every token with `ignore_merges`, else the
        /// tokens whose string encodes to themselves; nil when there are none.
        let rawVocab: ByteSliceTable?
        let merges: MergeTable
        let linearScan: Bool

        /// Nil unless every byte's alphabet character is a token.
        init?(vocab: Models.Vocabulary, merges: MergeTable, ignoreMerges: Bool, wholeTokenBits: [UInt64]) {
            var ids = [UInt32](repeating: 0, count: 256)
            for b in 0..<256 {
                guard let id = vocab.table.get(ByteLevelAlphabet.utf8ForByte[b]) else { return nil }
                ids[b] = id
            }
            byteIds = ids
            self.merges = merges
            linearScan = !vocab.hasSharedIds
            if ignoreMerges || !wholeTokenBits.isEmpty {
                var raw: [([UInt8], UInt32)] = []
                raw.reserveCapacity(vocab.count)
                vocab.table.forEach { key, id in
                    let whole = ignoreMerges
                        || (Int(id) >> 6 < wholeTokenBits.count && wholeTokenBits[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0)
                    if whole, let bytes = ByteLevelView.decodeAlphabet(key) { raw.append((bytes, id)) }
                }
                rawVocab = ByteSliceTable(raw)
            } else {
                rawVocab = nil
            }
        }

        /// The raw bytes of an alphabet-form token, or nil when a character is outside it.
        static func decodeAlphabet(_ key: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
            var out: [UInt8] = []
            out.reserveCapacity(key.count)
            var i = 0
            while i < key.count {
                let n = UTF8Text.sequenceLength(lead: key[i])
                guard n <= 2, i + n <= key.count else { return nil }
                let (scalar, _) = UTF8Text.decode(key, at: i)
                guard let b = ByteLevelAlphabet.byte(for: scalar) else { return nil }
                out.append(b)
                i += n
            }
            return out
        }

        /// Appends the ids of the piece whose raw bytes are `raw` (deterministic: dropout is
        /// not applied here).
        public func encodeRawBytes(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) {
            let n = raw.count
            if n == 0 { return }
            if let rawVocab, let id = rawVocab.get(raw) {
                out.append(id)
                return
            }
            encodeMerging(raw, into: &out)
        }

        /// BPE merges over the piece's byte tokens (no whole-token shortcut).
        @inline(__always)
        func encodeMerging(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) {
            let n = raw.count
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: n) { buffer in
                guard let ids = buffer.baseAddress else { return }
                byteIds.withUnsafeBufferPointer { table in
                    for i in 0..<n { ids[i] = table[Int(raw[i])] }
                }
                var rng = SplitMix64(seed: 0)
                let count = merges.merge(ids: ids, lens: nil, count: n, dropout: 0, linearScan: linearScan, rng: &rng)
                out.append(contentsOf: UnsafeBufferPointer(start: ids, count: count))
            }
        }
    }
}
