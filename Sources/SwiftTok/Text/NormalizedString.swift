/// Text being normalized, with an alignment from every normalized byte back to the original.
///
/// This is the one primitive through which every text edit goes, so that offsets into the
/// original input are right by construction. It follows the semantics of Hugging Face
/// `tokenizers`' `NormalizedString` exactly (including its `transform_range` alignment rules),
/// because encodings' offsets must match it byte for byte. All positions are UTF-8 byte offsets.
public struct NormalizedString: Sendable, Equatable {
    /// One normalized byte's span in `original`.
    public struct Alignment: Sendable, Equatable {
        public var start: UInt32
        public var end: UInt32
        @inline(__always) init(_ start: Int, _ end: Int) {
            self.start = UInt32(truncatingIfNeeded: start)
            self.end = UInt32(truncatingIfNeeded: end)
        }
    }

    /// The original text of this piece (valid UTF-8).
    public internal(set) var original: [UInt8]
    /// The normalized text (valid UTF-8).
    public internal(set) var normalized: [UInt8]
    /// For each byte of `normalized`, the original range it came from (relative to `original`).
    public internal(set) var alignments: [Alignment]
    /// Where `original` starts in the whole input.
    public internal(set) var originalShift: Int

    /// A piece of text, not yet normalized; `bytes` must be valid UTF-8.
    public init(_ bytes: [UInt8], originalShift: Int = 0) {
        original = bytes
        normalized = bytes
        self.originalShift = originalShift
        var alignments: [Alignment] = []
        alignments.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let n = Swift.min(UTF8Text.sequenceLength(lead: bytes[i]), bytes.count - i)
            let a = Alignment(i, i + n)
            for _ in 0..<n { alignments.append(a) }
            i += n
        }
        self.alignments = alignments
    }

    public init(_ text: String) { self.init(Array(text.utf8)) }

    init(original: [UInt8], normalized: [UInt8], alignments: [Alignment], originalShift: Int) {
        self.original = original
        self.normalized = normalized
        self.alignments = alignments
        self.originalShift = originalShift
    }

    public var isEmpty: Bool { normalized.isEmpty }
    public var normalizedString: String { String(decoding: normalized, as: Unicode.UTF8.self) }
    public var originalString: String { String(decoding: original, as: Unicode.UTF8.self) }

    /// The span of this piece in the whole input.
    public var offsetsOriginal: Range<Int> { originalShift..<(originalShift + original.count) }

    /// The normalized text's scalars.
    public var scalars: [UInt32] { UTF8Text.scalars(normalized) }

    // MARK: Offsets

    /// Maps a byte range of `normalized` to the byte range of `original` it came from.
    public func originalRange(ofNormalized target: Range<Int>) -> Range<Int>? {
        if target.isEmpty { return target }
        if normalized.isEmpty && target == 0..<0 { return 0..<original.count }
        guard target.lowerBound >= 0, target.upperBound <= alignments.count else { return nil }
        return Int(alignments[target.lowerBound].start)..<Int(alignments[target.upperBound - 1].end)
    }

    /// Maps a byte range of `original` to the byte range of `normalized` aligned with it.
    public func normalizedRange(ofOriginal target: Range<Int>) -> Range<Int>? {
        if target.isEmpty { return target }
        if original.isEmpty && target == 0..<0 { return 0..<normalized.count }
        var start: Int?
        var end: Int?
        for (i, a) in alignments.enumerated() {
            if target.upperBound < Int(a.end) { break }
            if start == nil && target.lowerBound <= Int(a.start) && a.start != a.end { start = i }
            if target.upperBound >= Int(a.end) { end = i + 1 }
        }
        switch (start, end) {
        case let (s?, e?): return s..<e
        case let (s?, nil): return s..<s
        case let (nil, e?): return e..<e
        case (nil, nil): return nil
        }
    }

    // MARK: Slicing and splitting

    /// The sub-piece covering normalized bytes `range`, or nil when the range is out of bounds.
    public func slice(normalized range: Range<Int>) -> NormalizedString? {
        guard range.lowerBound >= 0, range.upperBound <= normalized.count,
              let r = originalRange(ofNormalized: range) else { return nil }
        guard r.lowerBound <= r.upperBound, r.upperBound <= original.count else { return nil }
        let shift = UInt32(truncatingIfNeeded: r.lowerBound)
        var sliced: [Alignment] = []
        sliced.reserveCapacity(range.count)
        for a in alignments[range] {
            sliced.append(Alignment(Int(a.start &- shift), Int(a.end &- shift)))
        }
        return NormalizedString(
            original: Array(original[r]), normalized: Array(normalized[range]),
            alignments: sliced, originalShift: originalShift + r.lowerBound)
    }

    /// Splits along `matches`, which must cover `normalized` in order: each is a byte range and
    /// whether it is a match of the split pattern. Empty pieces are kept (callers drop them).
    public func split(matches: [(range: Range<Int>, isMatch: Bool)], behavior: SplitDelimiterBehavior) -> [NormalizedString] {
        var pieces: [(range: Range<Int>, remove: Bool)] = []
        pieces.reserveCapacity(matches.count)
        switch behavior {
        case .isolated:
            for m in matches { pieces.append((m.range, false)) }
        case .removed:
            for m in matches { pieces.append((m.range, m.isMatch)) }
        case .contiguous:
            var previous = false
            for m in matches {
                if m.isMatch == previous, let last = pieces.last {
                    pieces[pieces.count - 1] = (last.range.lowerBound..<m.range.upperBound, false)
                } else {
                    pieces.append((m.range, false))
                }
                previous = m.isMatch
            }
        case .mergedWithPrevious:
            var previous = false
            for m in matches {
                if m.isMatch && !previous, let last = pieces.last {
                    pieces[pieces.count - 1] = (last.range.lowerBound..<m.range.upperBound, false)
                } else {
                    pieces.append((m.range, false))
                }
                previous = m.isMatch
            }
        case .mergedWithNext:
            var previous = false
            for m in matches.reversed() {
                if m.isMatch && !previous, let last = pieces.last {
                    pieces[pieces.count - 1] = (m.range.lowerBound..<last.range.upperBound, false)
                } else {
                    pieces.append((m.range, false))
                }
                previous = m.isMatch
            }
            pieces.reverse()
        }
        var result: [NormalizedString] = []
        result.reserveCapacity(pieces.count)
        for p in pieces where !p.remove {
            if let s = slice(normalized: p.range) { result.append(s) }
        }
        return result
    }

    // MARK: Transformations

    /// Replaces normalized bytes `range` by `changes`: each new scalar with `change` = 1 when it is
    /// inserted, 0 when it replaces one old scalar, and -n when it replaces one and removes the n
    /// scalars after it. `initialOffset` old scalars at the start of the range are removed first.
    /// Alignment rules are those of `tokenizers`' `transform_range`.
    public mutating func transformRange(_ range: Range<Int>, _ changes: [(scalar: UInt32, change: Int)], initialOffset: Int) {
        var offset = range.lowerBound
        // Skip `initialOffset` removed scalars.
        var removed = 0
        while removed < initialOffset && offset < range.upperBound {
            offset += UTF8Text.sequenceLength(lead: normalized[offset])
            removed += 1
        }
        var newBytes: [UInt8] = []
        var newAlignments: [Alignment] = []
        newBytes.reserveCapacity(range.count)
        newAlignments.reserveCapacity(range.count)
        let count = normalized.count
        for (scalar, change) in changes {
            let idx = offset
            let align: Alignment
            if change > 0 {
                align = idx < 1 ? Alignment(0, 0) : alignments[Swift.min(idx, count) - 1]
            } else {
                align = idx < count ? alignments[idx] : (count > 0 ? alignments[count - 1] : Alignment(0, 0))
            }
            if change <= 0 && idx < count {
                offset += UTF8Text.sequenceLength(lead: normalized[idx])
            }
            if change < 0 {
                var k = 0
                while k < -change && offset < range.upperBound {
                    offset += UTF8Text.sequenceLength(lead: normalized[offset])
                    k += 1
                }
            }
            let before = newBytes.count
            UTF8Text.appendScalar(scalar, to: &newBytes)
            for _ in before..<newBytes.count { newAlignments.append(align) }
        }
        normalized.replaceSubrange(range, with: newBytes)
        alignments.replaceSubrange(range, with: newAlignments)
    }

    /// `transformRange` over the image of the whole original text, as `tokenizers`' `transform`
    /// (which skips leading normalized bytes aligned to nothing).
    public mutating func transform(_ changes: [(scalar: UInt32, change: Int)], initialOffset: Int) {
        if original.isEmpty {
            transformRange(0..<0, changes, initialOffset: initialOffset)
            return
        }
        if normalized.isEmpty { return }
        var start = 0
        while start < alignments.count && alignments[start].start == alignments[start].end { start += 1 }
        transformRange(start..<normalized.count, changes, initialOffset: initialOffset)
    }

    /// Maps every scalar through `f` (one for one); nothing changes when `f` changes nothing.
    public mutating func map(_ f: (UInt32) -> UInt32) {
        var changes: [(scalar: UInt32, change: Int)] = []
        changes.reserveCapacity(normalized.count)
        var changed = false
        for s in scalars {
            let m = f(s)
            changed = changed || m != s
            changes.append((m, 0))
        }
        guard changed else { return }
        transform(changes, initialOffset: 0)
    }

    /// Keeps only the scalars for which `keep` is true.
    public mutating func filter(_ keep: (UInt32) -> Bool) {
        let all = scalars
        guard all.contains(where: { !keep($0) }) else { return }
        var removed = 0
        var removedStart = 0
        var changes: [(scalar: UInt32, change: Int)] = []
        changes.reserveCapacity(normalized.count)
        var last: UInt32?
        for s in all {
            if keep(s) {
                if let l = last { changes.append((l, -removed)) } else { removedStart = removed }
                last = s
                removed = 0
            } else {
                removed += 1
            }
        }
        if let l = last {
            changes.append((l, -removed))
        } else {
            removedStart = removed
        }
        transform(changes, initialOffset: removedStart)
    }

    /// Prepends `text` (aligned with the first scalar); does nothing on empty text.
    public mutating func prepend(_ text: [UInt8]) {
        guard !normalized.isEmpty else { return }
        let firstLength = UTF8Text.sequenceLength(lead: normalized[0])
        let first = UTF8Text.scalars(Array(normalized[0..<firstLength]))[0]
        var changes: [(scalar: UInt32, change: Int)] = []
        for (i, s) in UTF8Text.scalars(text).enumerated() { changes.append((s, i == 0 ? 0 : 1)) }
        changes.append((first, 1))
        transformRange(0..<firstLength, changes, initialOffset: 0)
    }

    /// Appends `text` (aligned with the last scalar); does nothing on empty text.
    public mutating func append(_ text: [UInt8]) {
        guard !normalized.isEmpty else { return }
        var start = normalized.count - 1
        while start > 0 && normalized[start] & 0xC0 == 0x80 { start -= 1 }
        let last = UTF8Text.scalars(Array(normalized[start...]))[0]
        var changes: [(scalar: UInt32, change: Int)] = [(last, 0)]
        for s in UTF8Text.scalars(text) { changes.append((s, 1)) }
        transformRange(start..<normalized.count, changes, initialOffset: 0)
    }
}

/// What a split does with the delimiters it finds (`tokenizers`' `SplitDelimiterBehavior`).
public enum SplitDelimiterBehavior: String, Sendable, CaseIterable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"
}
