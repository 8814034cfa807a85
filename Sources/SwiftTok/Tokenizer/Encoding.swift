/// The result of encoding one input (or a pair): ids and everything aligned with them.
///
/// Mirrors `tokenizers`' `Encoding`, including how pairs merge, how truncation produces
/// overflowing parts and how padding fills.
public struct Encoding: Sendable, Equatable {
    public var ids: [UInt32] = []
    public var typeIds: [UInt32] = []
    public var tokens: [String] = []
    /// The index of the word (pre-token) each token came from; nil for special and padding tokens.
    public var wordIds: [UInt32?] = []
    /// (start, end) in the original input: UTF-8 bytes or scalars, as requested when encoding.
    public var offsets: [(Int, Int)] = []
    public var specialTokensMask: [UInt32] = []
    public var attentionMask: [UInt32] = []
    /// The parts cut off by truncation, each a full encoding.
    public var overflowing: [Encoding] = []
    /// For each sequence id (0 for the first input, 1 for the pair), its range of tokens.
    public var sequenceRanges: [Int: Range<Int>] = [:]
    /// The unit `offsets` count in (set when the encoding is made from text; not compared).
    public internal(set) var offsetUnit: OffsetType = .byte

    public init() {}

    public var count: Int { ids.count }
    public var isEmpty: Bool { ids.isEmpty }

    public static func == (a: Encoding, b: Encoding) -> Bool {
        a.ids == b.ids && a.typeIds == b.typeIds && a.tokens == b.tokens && a.wordIds == b.wordIds
            && a.offsets.elementsEqual(b.offsets, by: { $0 == $1 })
            && a.specialTokensMask == b.specialTokensMask && a.attentionMask == b.attentionMask
            && a.overflowing == b.overflowing && a.sequenceRanges == b.sequenceRanges
    }

    /// The number of sequences (1 when no ranges are recorded, as in `tokenizers`).
    public var sequenceCount: Int { sequenceRanges.isEmpty ? 1 : sequenceRanges.count }

    /// Sequence id of every token, as `tokenizers`' `sequence_ids`: sequences 0..<sequenceCount,
    /// a sequence without a recorded range covering every token.
    public var sequenceIds: [Int?] {
        var out = [Int?](repeating: nil, count: ids.count)
        for seq in 0..<sequenceCount {
            let r = sequenceRanges[seq] ?? 0..<ids.count
            for i in r where i < out.count { out[i] = seq }
        }
        return out
    }

    /// Marks the whole encoding as sequence `id`.
    public mutating func setSequenceId(_ id: Int) {
        sequenceRanges[id] = 0..<ids.count
    }

    /// Sets every type id to `typeId`.
    public mutating func setTypeIds(_ typeId: UInt32) {
        typeIds = [UInt32](repeating: typeId, count: ids.count)
    }

    func slice(_ r: Range<Int>) -> Encoding {
        var e = Encoding()
        e.offsetUnit = offsetUnit
        e.ids = Array(ids[r])
        e.typeIds = Array(typeIds[r])
        e.tokens = Array(tokens[r])
        e.wordIds = Array(wordIds[r])
        e.offsets = Array(offsets[r])
        e.specialTokensMask = Array(specialTokensMask[r])
        e.attentionMask = Array(attentionMask[r])
        return e
    }

    /// Appends `pair` to this encoding; overflowing parts are combined as `tokenizers` does.
    public mutating func merge(with pair: Encoding, growingOffsets: Bool) {
        var overflowings: [Encoding] = []
        for mine in overflowing {
            var n = mine
            n.merge(with: pair, growingOffsets: growingOffsets)
            overflowings.append(n)
            for other in pair.overflowing {
                var m = mine
                m.merge(with: other, growingOffsets: growingOffsets)
                overflowings.append(m)
            }
        }
        for other in pair.overflowing {
            var n = self
            n.merge(with: other, growingOffsets: growingOffsets)
            overflowings.append(n)
        }
        let originalLength = ids.count
        for (seq, r) in pair.sequenceRanges {
            sequenceRanges[seq] = (originalLength + r.lowerBound)..<(originalLength + r.upperBound)
        }
        ids += pair.ids
        typeIds += pair.typeIds
        tokens += pair.tokens
        let startingOffset = growingOffsets ? (offsets.last?.1 ?? 0) : 0
        for o in pair.offsets { offsets.append((o.0 + startingOffset, o.1 + startingOffset)) }
        wordIds += pair.wordIds
        specialTokensMask += pair.specialTokensMask
        attentionMask += pair.attentionMask
        overflowing = overflowings
    }

    /// The concatenation of `encodings`.
    public static func merged(_ encodings: [Encoding], growingOffsets: Bool) -> Encoding {
        var e = Encoding()
        for sub in encodings { e.merge(with: sub, growingOffsets: growingOffsets) }
        return e
    }

    /// Keeps at most `maxLength` tokens; the rest become `overflowing` parts that overlap by `stride`.
    /// `stride` must be less than `maxLength` (checked by the caller).
    public mutating func truncate(maxLength: Int, stride: Int, direction: TruncationDirection) {
        let length = ids.count
        if maxLength >= length { return }
        if maxLength == 0 {
            let all = self
            self = Encoding()
            offsetUnit = all.offsetUnit
            overflowing.append(all)
            return
        }
        sequenceRanges.removeAll()
        let step = Swift.max(1, maxLength - stride)
        var parts: [Range<Int>] = []
        switch direction {
        case .right:
            var start = 0
            while start < length {
                let stop = Swift.min(start + maxLength, length)
                parts.append(start..<stop)
                if stop == length { break }
                start += step
            }
        case .left:
            var last = length - 1
            while last >= 0 {
                let stop = last + 1
                let start = Swift.max(0, stop - maxLength)
                parts.append(start..<stop)
                if start == 0 { break }
                last -= step
            }
        }
        var result = slice(parts[0])
        for p in parts.dropFirst() { result.overflowing.append(slice(p)) }
        self = result
    }

    /// Pads to `length` tokens (and every overflowing part too).
    public mutating func pad(to length: Int, id: UInt32, typeId: UInt32, token: String, direction: PaddingDirection) {
        for i in overflowing.indices {
            overflowing[i].pad(to: length, id: id, typeId: typeId, token: token, direction: direction)
        }
        if ids.count >= length { return }
        let n = length - ids.count
        switch direction {
        case .left:
            ids = [UInt32](repeating: id, count: n) + ids
            typeIds = [UInt32](repeating: typeId, count: n) + typeIds
            tokens = [String](repeating: token, count: n) + tokens
            wordIds = [UInt32?](repeating: nil, count: n) + wordIds
            attentionMask = [UInt32](repeating: 0, count: n) + attentionMask
            specialTokensMask = [UInt32](repeating: 1, count: n) + specialTokensMask
            offsets = [(Int, Int)](repeating: (0, 0), count: n) + offsets
            for (seq, r) in sequenceRanges { sequenceRanges[seq] = (r.lowerBound + n)..<(r.upperBound + n) }
        case .right:
            ids += [UInt32](repeating: id, count: n)
            typeIds += [UInt32](repeating: typeId, count: n)
            tokens += [String](repeating: token, count: n)
            wordIds += [UInt32?](repeating: nil, count: n)
            attentionMask += [UInt32](repeating: 0, count: n)
            specialTokensMask += [UInt32](repeating: 1, count: n)
            offsets += [(Int, Int)](repeating: (0, 0), count: n)
        }
    }
}

/// Which end truncation cuts from.
public enum TruncationDirection: String, Sendable { case left = "Left", right = "Right" }
/// Which end padding fills.
public enum PaddingDirection: String, Sendable { case left = "Left", right = "Right" }
