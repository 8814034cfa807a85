import Testing
@testable import SwiftTok

/// The Unigram fast path's word and stretch paths (whole words looked up by their raw bytes)
/// against the general pipeline (the reference implementation): pipeline shapes built on
/// xlnet-base-cased's vocabulary and charsmap (see `UnigramFastPathTests.tokenizer`), on corpus
/// documents and seeded random strings over an alphabet that hits every byte class (separators,
/// controls, CR, combining marks, literal "▁", full-width forms, ligatures, non-ASCII spaces).
/// Skipped when ../shared is absent.
@Suite struct UnigramWordPathTests {
    enum Path { case word, stretch, cut }

    static let precompiled = UnigramFastPathTests.precompiled
    static let xlnetNormalizer = #"{"type":"Sequence","normalizers":[{"type":"Replace","pattern":{"String":"``"},"content":"\""},{"type":"Replace","pattern":{"String":"''"},"content":"\""},{"type":"NFKD"},{"type":"StripAccents"},\#(precompiled),{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}"#
    static let whitespaceSplit = #"{"type":"Sequence","pretokenizers":[{"type":"WhitespaceSplit"},{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"PREPEND","split":SPLIT}]}"#

    static func ws(_ prepend: String, _ split: Bool) -> String {
        whitespaceSplit.replacing("PREPEND", with: prepend).replacing("SPLIT", with: split ? "true" : "false")
    }

    /// (normalizer, pre-tokenizer, the path expected).
    static let shapes: [(String, String, Path)] = [
        // xlnet-base-cased
        (xlnetNormalizer, ws("always", true), .word),
        (xlnetNormalizer, ws("never", false), .word),
        // Nmt maps some controls to spaces and removes others; Lowercase; a replace inside words
        (#"{"type":"Sequence","normalizers":[{"type":"Nmt"},{"type":"Lowercase"},{"type":"Replace","pattern":{"String":"ab"},"content":"x"},{"type":"Strip","strip_left":false,"strip_right":true}]}"#,
         ws("always", true), .word),
        // space runs become "▁" (not a space): words may join, so the word path is off
        (#"{"type":"Sequence","normalizers":[\#(precompiled),{"type":"Replace","pattern":{"Regex":" {2,}"},"content":"\u2581"}]}"#,
         ws("always", true), .cut),
        // t5 and albert (converted): Metaspace alone
        (UnigramFastPathTests.shapes[0].0, UnigramFastPathTests.shapes[0].1, .stretch),
        (UnigramFastPathTests.shapes[1].0, UnigramFastPathTests.shapes[1].1, .stretch),
        (#"{"type":"Lowercase"}"#, #"{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"never","split":true}"#, .stretch),
    ]

    static let alphabet = [" ", " ", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{1}", "\u{7F}",
                           "a", "b", "ab", "the", "The", "THE", "of", "``", "''", "'", "`", ".", ",", "-", "\"", "é", "e\u{301}",
                           "\u{301}", "\u{2581}", "Ａ", "ﬁ", "①", "日", "\u{A0}", "\u{3000}", "\u{2028}", "x", "123",
                           "supercalifragilisticexpialidocious", "tokenization", "<unk>", "🦙", "\u{10FFFF}"]

    static let inputs: [[UInt8]] = {
        var rng = SplitMix64(seed: 31)
        var texts: [[UInt8]] = []
        for _ in 0..<4_000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 30) { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            texts.append(Array(s.utf8))
        }
        let edge = ["", " ", "a", " a", "a ", "  a  b  ", "\t", "\n", "a\tb\nc", "a\u{0B}b", "a\u{1}b c", "word", " word",
                    "a b c d e f", "The cat sat on the mat.", "x\r\ny z", "é b c", "a b é", "a \u{301}b c", String(repeating: "ab ", count: 3_000),
                    String(repeating: "x", count: 300) + " y", "abcdefghijklmnop abcdefghijklmnopq"]
        texts += edge.map { Array($0.utf8) }
        return texts + FastPathTests.documents.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
    }()

    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared"), arguments: shapes.indices)
    func fastEqualsGeneral(_ index: Int) throws {
        let (n, p, path) = Self.shapes[index]
        let fast = try #require(try UnigramFastPathTests.tokenizer(normalizer: n, preTokenizer: p))
        guard case .unigram(let f)? = fast.fastPath else {
            Issue.record("shape \(index): no Unigram fast path")
            return
        }
        #expect(f.byteClass.isEmpty == (path != .word), "shape \(index): word path")
        var general = fast
        general.allowsFastPath = false
        let docs = Self.inputs
        let a = try fast.encodeIdsBatch(docs, threads: 2)
        let b = try general.encodeIdsBatch(docs, threads: 2)
        var mismatches: [String] = []
        for i in docs.indices where a[i] != b[i] {
            mismatches.append("\(String(decoding: docs[i].prefix(120), as: UTF8.self).debugDescription): fast \(a[i].prefix(12)) general \(b[i].prefix(12))")
        }
        #expect(mismatches.isEmpty, "shape \(index): \(mismatches.count) of \(docs.count) differ: \(mismatches.prefix(3))")
        // The same documents twice in one worker: the second time words and stretches (those with
        // non-ASCII bytes or CR too) come from the caches.
        let twice = try fast.encodeIdsBatch(docs + docs, threads: 1)
        let warmMismatches = docs.indices.filter { twice[docs.count + $0] != b[$0] }.count
        #expect(warmMismatches == 0, "shape \(index): \(warmMismatches) of \(docs.count) differ with warm caches")
        // Single calls (small caches: evictions on every word) agree too.
        for d in docs.prefix(300) { #expect(try fast.encodeIds(bytes: d) == general.encodeIds(bytes: d), "shape \(index): single call") }
    }
}
