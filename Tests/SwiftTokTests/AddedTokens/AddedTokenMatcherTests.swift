import Testing
@testable import SwiftTok

/// The matcher against the definition of leftmost-longest non-overlapping matching (the
/// `aho-corasick` crate's `MatchKind::LeftmostLongest` `find_iter`), computed naively.
@Suite struct AddedTokenMatcherTests {
    /// Naive reference: at each position from the end of the last match, the longest pattern
    /// starting there (first of equal patterns); otherwise move one byte on.
    static func reference(_ patterns: [[UInt8]], _ text: [UInt8]) -> [AddedTokenMatcher.Match] {
        var result: [AddedTokenMatcher.Match] = []
        var p = 0
        while p < text.count {
            var best: (length: Int, index: Int)?
            for (i, pattern) in patterns.enumerated() where !pattern.isEmpty && pattern.count <= text.count - p {
                if Array(text[p..<(p + pattern.count)]) == pattern, pattern.count > (best?.length ?? 0) {
                    best = (pattern.count, i)
                }
            }
            if let best {
                result.append(.init(start: p, end: p + best.length, pattern: best.index))
                p += best.length
            } else {
                p += 1
            }
        }
        return result
    }

    static func run(_ m: AddedTokenMatcher, _ text: [UInt8]) -> [AddedTokenMatcher.Match] {
        text.withUnsafeBufferPointer { m.matches(in: $0) }
    }

    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    @Test func agreesWithNaiveLeftmostLongest() {
        var rng = Random(state: 42)
        let alphabet: [UInt8] = Array("abc".utf8)
        for _ in 0..<400 {
            let patterns: [[UInt8]] = (0..<(1 + rng.next(6))).map { _ in
                (0..<(1 + rng.next(5))).map { _ in alphabet[rng.next(alphabet.count)] }
            }
            let text: [UInt8] = (0..<rng.next(40)).map { _ in alphabet[rng.next(alphabet.count)] }
            let m = AddedTokenMatcher(patterns: patterns)
            #expect(Self.run(m, text) == Self.reference(patterns, text), "\(patterns) \(text)")
        }
    }

    @Test func wideStatesAgreeWithNaive() {
        // Many patterns sharing their last byte: states with dozens of edges.
        var rng = Random(state: 3)
        let alphabet: [UInt8] = Array(0x21...0x7E)
        let patterns: [[UInt8]] = (0..<300).map { _ in
            (0..<(1 + rng.next(3))).map { _ in alphabet[rng.next(alphabet.count)] } + [UInt8(ascii: "!")]
        }
        let m = AddedTokenMatcher(patterns: patterns)
        for _ in 0..<50 {
            let text: [UInt8] = (0..<200).map { _ in rng.next(3) == 0 ? UInt8(ascii: "!") : alphabet[rng.next(alphabet.count)] }
            #expect(Self.run(m, text) == Self.reference(patterns, text))
        }
    }

    @Test func knownCases() {
        let m = AddedTokenMatcher(patterns: ["ab", "abcd", "bc", "c"].map { Array($0.utf8) })
        // "abce": "abcd" fails at 'e'; the leftmost match is "ab".
        #expect(Self.run(m, Array("abce".utf8)) == [.init(start: 0, end: 2, pattern: 0), .init(start: 2, end: 3, pattern: 3)])
        #expect(Self.run(m, Array("xabcd".utf8)) == [.init(start: 1, end: 5, pattern: 1)])
        #expect(Self.run(m, Array("".utf8)).isEmpty)
        #expect(AddedTokenMatcher(patterns: []).isEmpty)
        // Equal patterns: the first is reported.
        let d = AddedTokenMatcher(patterns: ["x", "x"].map { Array($0.utf8) })
        #expect(Self.run(d, Array("x".utf8)) == [.init(start: 0, end: 1, pattern: 0)])
    }

    @Test func emptyPatternMatchesBetweenCharacters() {
        let m = AddedTokenMatcher(patterns: [[], Array("ab".utf8)])
        #expect(Self.run(m, Array("xabé".utf8)) == [
            .init(start: 0, end: 0, pattern: 0), .init(start: 1, end: 3, pattern: 1),
            .init(start: 3, end: 3, pattern: 0), .init(start: 5, end: 5, pattern: 0),
        ])
    }

    /// 6,415 added tokens (special-token style, and runs of newlines and spaces as code models
    /// add) on a long input full of newlines and near-misses: the automaton's work must stay
    /// linear in the input (each byte is one step, plus failure links that never outnumber them).
    @Test func manyTokensStayLinear() {
        var patterns: [[UInt8]] = []
        for i in 0..<6_000 { patterns.append(Array("<|extra_token_\(i)|>".utf8)) }
        for n in 1...215 { patterns.append([UInt8](repeating: 0x0A, count: n)) }
        for n in 1...200 { patterns.append([UInt8](repeating: 0x20, count: n) + [0x0A]) }
        #expect(patterns.count == 6_415)
        let m = AddedTokenMatcher(patterns: patterns)

        var text: [UInt8] = []
        var rng = Random(state: 7)
        while text.count < 1_000_000 {
            switch rng.next(6) {
            case 0: text += Array("<|extra_token_\(rng.next(7_000))|>".utf8)
            case 1: text += Array("<|extra_token_\(rng.next(100))".utf8)  // no closing: a near miss
            case 2: text += [UInt8](repeating: 0x0A, count: 1 + rng.next(300))
            case 3: text += [UInt8](repeating: 0x20, count: 1 + rng.next(250))
            default: text += Array("plain words, then more words ".utf8)
            }
        }
        var steps = 0
        let found = text.withUnsafeBufferPointer { m.matches(in: $0, steps: &steps) }
        #expect(steps <= 2 * text.count)
        #expect(!found.isEmpty)

        // Same answer as the naive scan on a slice (the naive scan is too slow for all of it).
        let head = Array(text[0..<4_000])
        let naive = Self.naiveByTrieWalk(patterns, head)
        #expect(Self.run(m, head) == naive)
    }

    /// Leftmost-longest by walking a plain trie from every position (independent of the automaton).
    static func naiveByTrieWalk(_ patterns: [[UInt8]], _ text: [UInt8]) -> [AddedTokenMatcher.Match] {
        var children: [[UInt8: Int]] = [[:]]
        var terminal: [Int] = [-1]
        for (i, p) in patterns.enumerated() {
            var s = 0
            for b in p {
                if let t = children[s][b] { s = t } else {
                    children.append([:])
                    terminal.append(-1)
                    children[s][b] = children.count - 1
                    s = children.count - 1
                }
            }
            if terminal[s] < 0 { terminal[s] = i }
        }
        var result: [AddedTokenMatcher.Match] = []
        var p = 0
        while p < text.count {
            var s = 0
            var best: (end: Int, index: Int)?
            var q = p
            while q < text.count, let t = children[s][text[q]] {
                s = t
                q += 1
                if terminal[s] >= 0 { best = (q, terminal[s]) }
            }
            if let best {
                result.append(.init(start: p, end: best.end, pattern: best.index))
                p = best.end
            } else {
                p += 1
            }
        }
        return result
    }
}
