/// Where the Unigram fast path may cut text into stretches that are encoded alone (and cached by
/// their raw bytes), and the ids-only miss path for stretches with non-ASCII bytes.
///
/// A cut is made before a space (U+0020) at byte `i` when the scalar L before it is printable
/// ASCII or "inert" (below), the scalar P before L (if any) is inert, printable ASCII or a space
/// (for an ASCII L also a tab, LF, FF or CR, which no accepted component removes), and the byte after
/// the space is printable ASCII or starts a non-ASCII scalar. Why the two sides are then
/// independent under the components `UnigramFastPath.init?` accepts (per-character normalizers,
/// NF* forms, Precompiled, string `Replace`s without whitespace, the `" {2,}"` replace, a right
/// `Strip`; WhitespaceSplit and/or Metaspace with `split`):
/// - The space maps to itself under every step (checked in `init?`), is a starter (ccc 0) that
///   never composes, so NF* decomposition, canonical reordering and composition stop at it.
/// - `Replace` patterns contain no whitespace, so no match spans the space.
/// - Precompiled works per grapheme cluster. The space starts a cluster unless the scalar before
///   it is Prepend (GB9b); marks after the space join the space, on the right side of the cut,
///   which is fine. L's output has no Prepend scalar (tested), so there is a break before the
///   space. L's output begins a cluster after any non-Prepend scalar (tested against probes of
///   every rule that joins a scalar to what precedes it: Extend/SpacingMark/ZWJ after "a", LF
///   after CR, Hangul jamo and syllables after L/V/T jamo, a conjunct consonant after a virama,
///   an emoji after emoji+ZWJ, a regional indicator after one) and P's output does not end with
///   a Prepend scalar, so L's output is a cluster sequence of its own and normalizes as alone.
/// - Every step's output for L alone is non-empty and has no whitespace, so the text before the
///   cut ends, at every step, with L's output: no space run (`" {2,}"`) reaches across, a right
///   `Strip` of the left part alone removes nothing, and WhitespaceSplit / Metaspace `split`
///   cut at the space in the whole text too (the right part starts with the space, hence with
///   the replacement: nothing is prepended to it).
/// - As a last check the whole normalizer is run on probes around L and must give the pieces'
///   outputs side by side (this catches canonical reordering with marks before L).
/// Metaspace without `split` and without WhitespaceSplit keeps the text one piece: no non-ASCII
/// cuts then (`nonASCIICuts` is false).
///
/// Inertness is decided per scalar the first time it is seen by a worker (`FastScratch.unigramScalars`),
/// by running the tokenizer's own normalizer components on it: no Unicode tables of our own.
extension UnigramFastPath {
    /// Bits of `FastScratch.unigramScalars`: each property with a bit saying it is decided.
    static let scalarInert: UInt8 = 0x01
    static let scalarStable: UInt8 = 0x04

    /// Whether `scalar` (below 0x110000) has `property` (`scalarInert` or `scalarStable`),
    /// decided on first use by this worker.
    @inline(__always)
    func scalarHas(_ property: UInt8, _ scalar: UInt32, _ scratch: inout FastScratch) -> Bool {
        // Pages of 256 scalars, made when a scalar of theirs is first seen: a flat table of every
        // scalar would zero 1.1 MB on a worker's first non-ASCII byte.
        let page = Int(scalar >> 8)
        let index = Int(scalar & 0xFF)
        if scratch.unigramScalars.isEmpty { scratch.unigramScalars = [[UInt8]](repeating: [], count: 0x1100) }
        if scratch.unigramScalars[page].isEmpty { scratch.unigramScalars[page] = [UInt8](repeating: 0, count: 256) }
        let flags = scratch.unigramScalars[page][index]
        if flags & (property << 1) != 0 { return flags & property != 0 }
        let has = property == Self.scalarInert ? computeInert(scalar) : computeStable(scalar)
        scratch.unigramScalars[page][index] = flags | (property << 1) | (has ? property : 0)
        return has
    }

    /// Whether the text may be cut before the byte `i` (see the type's comment).
    @inline(__always)
    func isCut(_ t: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ scratch: inout FastScratch) -> Bool {
        guard t[i] == 0x20, i > 0, i + 1 < n else { return false }
        let r = t[i + 1]
        guard Self.isGraphic(r) || (r >= 0xC0 && nonASCIICuts) else { return false }
        let l = t[i - 1]
        if l < 0x80 {
            guard Self.isGraphic(l) else { return false }
            guard i >= 2 else { return true }
            // A non-ASCII P could be Prepend (joined to L in one cluster); an ASCII control P could
            // normalize to nothing (Nmt), leaving a Prepend scalar before L.
            let p = t[i - 2]
            if p >= 0x80 { return nonASCIICuts && isInert(endingAt: i - 1, t, &scratch) != nil }
            return p &- 0x20 < 0x5F || (p >= 0x09 && p <= 0x0D && p != 0x0B)
        }
        guard nonASCIICuts, let k = isInert(endingAt: i, t, &scratch) else { return false }
        // An ASCII P is printable or a space: its output is not empty (checked in `init?`), so
        // the scalar before L's output is P's, and it is not Prepend.
        if k == 0 { return true }
        if t[k - 1] < 0x80 { return t[k - 1] &- 0x20 < 0x5F }
        return isInert(endingAt: k, t, &scratch) != nil
    }

    /// The start of the scalar that ends just before `end`, if that scalar is inert.
    @inline(__always)
    func isInert(endingAt end: Int, _ t: UnsafePointer<UInt8>, _ scratch: inout FastScratch) -> Int? {
        var k = end - 1
        // Valid UTF-8 (checked on input): at most 3 continuation bytes before the lead.
        while k > 0 && t[k] & 0xC0 == 0x80 && end - k < 4 { k -= 1 }
        guard t[k] >= 0xC0 else { return nil }
        let (scalar, length) = UTF8Text.decode(UnsafeBufferPointer(start: t + k, count: end - k), at: 0)
        guard length == end - k else { return nil }
        guard scalar < 0x110000 else { return nil }
        return scalarHas(Self.scalarInert, scalar, &scratch) ? k : nil
    }

    /// Probes that join a following scalar to their last cluster under some grapheme rule.
    static let clusterProbes: [String] = ["a", "\r", "\u{1100}", "\u{1161}", "\u{11A8}", "\u{AC00}", "\u{0915}\u{094D}",
                                          "\u{1F600}\u{200D}", "\u{1F1E6}"]

    /// Whether `s` is one or more clusters of its own after any non-Prepend text, and ends in a
    /// scalar after which a space and a letter start new clusters (not Prepend).
    static func isSelfContained(_ s: String) -> Bool {
        let count = s.count
        for q in clusterProbes where (q + s).count != q.count + count { return false }
        return (s + " ").count == count + 1 && (s + "a").count == count + 1
    }

    /// Decides whether `scalar` is inert (see the type's comment) by running the components.
    func computeInert(_ scalar: UInt32) -> Bool {
        var bytes: [UInt8] = []
        UTF8Text.appendScalar(scalar, to: &bytes)
        func check(_ b: [UInt8]) -> Bool {
            !b.isEmpty && !Self.hasWhitespace(b) && Self.isSelfContained(String(decoding: b, as: UTF8.self))
        }
        guard check(bytes) else { return false }
        var current = bytes
        for component in components {
            var s = NormalizedString(current)
            guard (try? component.normalize(&s)) != nil else { return false }
            current = s.normalized
            guard check(current) else { return false }
        }
        func whole(_ b: [UInt8]) -> [UInt8]? {
            var s = NormalizedString(b)
            guard let normalizer else { return b }
            guard (try? normalizer.normalize(&s)) != nil else { return nil }
            return s.normalized
        }
        let tail = Array(" x".utf8)
        guard let after = whole(tail) else { return false }
        for probe in ["a", "a\u{0316}", "\u{0915}", "\u{4E00}"] {
            let q = Array(probe.utf8)
            guard let joined = whole(q + bytes + tail), let before = whole(q) else { return false }
            if joined != before + current + after { return false }
        }
        return true
    }
}
