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

    @Test func sliceKeepsShift() {
        let n = NormalizedString("hello world")
        let s = n.slice(normalized: 6..<11)
        #expect(s?.normalizedString == "world")
        #expect(s?.offsetsOriginal == 6..<11)
    }
}
