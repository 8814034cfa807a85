/// The match lists that `tokenizers`' `Pattern::find_matches` builds for the non-regex
/// patterns, and small helpers shared by the pre-tokenizers.
extension NormalizedString {
    /// One match per scalar for which `isMatch` holds, plus the gaps between them, covering all
    /// of `normalized` (`Pattern for Fn(char) -> bool`). Empty text gives one empty non-match.
    func scalarMatches(_ isMatch: (UInt32) -> Bool) -> [(range: Range<Int>, isMatch: Bool)] {
        if normalized.isEmpty { return [(0..<0, false)] }
        var result: [(range: Range<Int>, isMatch: Bool)] = []
        normalized.withUnsafeBufferPointer { p in
            var lastOffset = 0
            var i = 0
            while i < p.count {
                let (s, n) = UTF8Text.decode(p, at: i)
                if isMatch(s) {
                    if lastOffset < i { result.append((lastOffset..<i, false)) }
                    result.append((i..<(i + n), true))
                    lastOffset = i + n
                }
                i += n
            }
            if p.count > lastOffset { result.append((lastOffset..<p.count, false)) }
        }
        return result
    }

    /// `split(pattern, behavior)` with a per-scalar predicate as the pattern.
    func split(where isMatch: (UInt32) -> Bool, behavior: SplitDelimiterBehavior) -> [NormalizedString] {
        split(matches: scalarMatches(isMatch), behavior: behavior)
    }

    /// `split(pattern, behavior)` with a regex as the pattern, flags flipped when `invert`.
    func split(regex: Regex, behavior: SplitDelimiterBehavior, invert: Bool = false) throws -> [NormalizedString] {
        var matches = try normalized.withUnsafeBufferPointer { try regex.findMatches(in: $0) }
        if invert {
            for i in matches.indices { matches[i].isMatch.toggle() }
        }
        return split(matches: matches, behavior: behavior)
    }
}

extension PreTokenizers {
    /// Rust's `char::is_ascii_punctuation || char::is_punctuation` (BERT's notion of punctuation).
    @inline(__always)
    static func isBertPunctuation(_ s: UInt32) -> Bool { ReferenceUnicode.isBertPunctuation(s) }

    /// Rust's `char::is_whitespace` (White_Space, Unicode 16).
    @inline(__always)
    static func isWhitespace(_ s: UInt32) -> Bool { ReferenceUnicode.isWhitespace(s) }

    /// The single scalar of a one-character string field, or a field error.
    static func singleScalar(_ f: JSONFields, _ key: String) throws -> UInt32 {
        let s = try f.string(key)
        let scalars = Array(s.unicodeScalars)
        guard scalars.count == 1 else {
            throw f.invalid(key, "expected a single character, found \"\(s)\"")
        }
        return scalars[0].value
    }

    /// A `SplitDelimiterBehavior` field (`"Isolated"`, ...).
    static func behavior(_ f: JSONFields, _ key: String) throws -> SplitDelimiterBehavior {
        let s = try f.string(key)
        guard let b = SplitDelimiterBehavior(rawValue: s) else {
            throw f.invalid(key, "unknown split behavior '\(s)' (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)")
        }
        return b
    }

    /// A JSON string holding one scalar.
    static func scalarString(_ s: UInt32) -> String {
        var out: [UInt8] = []
        UTF8Text.appendScalar(s, to: &out)
        return String(decoding: out, as: Unicode.UTF8.self)
    }
}
