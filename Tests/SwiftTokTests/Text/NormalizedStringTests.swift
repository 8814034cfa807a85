import Testing
@testable import SwiftTok

/// Alignment rules checked against the reference: expected spans come from tokenizers 0.23's Python
/// API, e.g. `PreTokenizedString("abc").split(lambda i, ns: (ns.prepend("▁"), ns.append("!"),
/// [ns[0:1], ns[4:5]])[-1])` then `get_splits()` → `[("▁", (0, 1)), ("!", (2, 3))]`.
@Suite struct NormalizedStringTests {
    @Test func identityAlignments() {
        let n = NormalizedString("é a")
        #expect(n.alignments.map { [Int($0.start), Int($0.end)] } == [[0, 2], [0, 2], [2, 3], [3, 4]])
    }

    @Test func filterRemovesAndKeepsAlignment() {
        // Reference: filter(lambda c: c != "l") then ns[0:3] → ("Heo", (0, 5)).
        var n = NormalizedString("Hello friend")
        n.filter { $0 != UInt32(UInt8(ascii: "l")) }
        #expect(n.normalizedString == "Heo friend")
        #expect(n.originalRange(ofNormalized: 0..<3) == 0..<5)
    }

    @Test func prependAndAppend() {
        var n = NormalizedString("abc")
        n.prepend(Array("▁".utf8))
        n.append(Array("!".utf8))
        #expect(n.normalizedString == "▁abc!")
        #expect(n.originalRange(ofNormalized: 0..<3) == 0..<1)
        #expect(n.originalRange(ofNormalized: 6..<7) == 2..<3)
    }

    /// The one-pass `replaceLikeReference` against `replaceMatchByMatch` (the reference's edit per
    /// match, whose alignments the oracle checks against tokenizers through llama2's and
    /// Mistral's Replace): same text and alignments on random texts, after edits that make the
    /// alignments uneven, for literal and regex patterns, empty matches, and empty or multi-byte content.
    @Test func replaceInOnePassMatchesReplaceMatchByMatch() throws {
        let alphabet = ["a", "b", " ", "  ", "é", "▁", "e\u{301}", "ß", "\t", "x"]
        let patterns: [String] = [Regex.escape(" "), Regex.escape("  "), Regex.escape("é"), " {2,}", "a*", "(?=b)", "[ab]+", "^", "$"]
        let contents: [[UInt32]] = [UTF8Text.scalars(Array("▁".utf8)), [], UTF8Text.scalars(Array("XY".utf8)), [0xE9]]
        var rng = SystemRandomNumberGenerator()
        var compared = 0
        for pattern in patterns {
            let regex = try Regex(pattern)
            for content in contents {
                for _ in 0..<60 {
                    let text = (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                    var a = NormalizedString(text)
                    if Bool.random(using: &rng) { a.lowercaseLikeReference() }
                    if Bool.random(using: &rng) { a.prepend(Array("▁".utf8)) }
                    if Bool.random(using: &rng) { a.filter { $0 != UInt32(UInt8(ascii: "x")) } }
                    var b = a
                    try a.replaceLikeReference(regex, content: content)
                    try b.replaceMatchByMatch(regex, content: content)
                    #expect(a.normalized == b.normalized, "\(pattern) in \(text.debugDescription)")
                    #expect(a.alignments == b.alignments, "\(pattern) in \(text.debugDescription)")
                    compared += 1
                }
            }
        }
        #expect(compared == patterns.count * contents.count * 60)
    }

    @Test func sliceKeepsShift() {
        let n = NormalizedString("hello world")
        let s = n.slice(normalized: 6..<11)
        #expect(s?.normalizedString == "world")
        #expect(s?.offsetsOriginal == 6..<11)
    }
}
