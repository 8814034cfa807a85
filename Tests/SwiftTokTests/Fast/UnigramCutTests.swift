#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwiftTok

/// The Unigram fast path's cuts beside non-ASCII scalars (`UnigramFastPath.isCut`) and its
/// ids-only miss path for non-ASCII stretches, against the general pipeline (the reference
/// implementation), on random multilingual strings built to attack the cuts: spaces next to
/// combining marks, Prepend characters, Hangul jamo, ZWJ and emoji, regional indicators,
/// full-width forms, NBSP and ideographic spaces, ligatures, characters whose NFKD or charsmap
/// output is empty or has a space (´ ¨ ˘, soft hyphen, ZWSP), `` and '' next to spaces, CR/LF.
/// Vocabularies: the real xlnet-base-cased tokenizer.json, the t5/albert pipeline shapes on its
/// vocabulary (`UnigramFastPathTests.shapes`), and the t5 and albert tokenizer.json files that
/// the oracle converts from their .model files (its cache, `Tests/oracle/oracle/vocabs.py`),
/// when that cache exists. Skipped when ../shared is absent.
@Suite struct UnigramCutTests {
    /// The oracle's converted tokenizer.json for `name` ("t5", "albert-base-v2"), if built.
    static func converted(_ name: String) -> String? {
        let path = "/tmp/swifttok-oracle-converted-\(getuid())/\(name) (converted)/tokenizer.json"
        return ModelTestSupport.exists(path) ? path : nil
    }

    static let hasConverted = converted("t5") != nil && converted("albert-base-v2") != nil

    static func tokenizer(_ index: Int) throws -> Tokenizer? {
        guard let shared = ModelTestSupport.shared else { return nil }
        switch index {
        case 0: return try Tokenizer(contentsOfFile: shared + "/vocab/xlnet-base-cased/tokenizer.json")
        case 1, 2:
            let (n, p, _) = UnigramFastPathTests.shapes[index - 1]
            return try UnigramFastPathTests.tokenizer(normalizer: n, preTokenizer: p)
        case 3: return try converted("t5").map { try Tokenizer(contentsOfFile: $0) }
        default: return try converted("albert-base-v2").map { try Tokenizer(contentsOfFile: $0) }
        }
    }

    /// Fragments: words of several scripts, then characters that interact with their neighbours.
    static let fragments = [
        "привет", "мир", "Ελληνικά", "ά", "مرحبا", "بالعالم", "שלום", "日本語", "中文", "한국어", "각", "가",
        "नमस्ते", "है", "क्ष", "क", "\u{094D}", "\u{093F}", "สวัสดี", "ำ", "தமிழ்", "ö", "é", "e\u{301}", "ß", "İ",
        "\u{301}", "\u{316}", "\u{327}", "\u{345}", "\u{600}", "\u{605}", "\u{6DD}", "\u{110BD}", "\u{D4E}",
        "\u{1100}", "\u{1161}", "\u{11A8}", "\u{200D}", "👨", "👨\u{200D}👩", "🦙", "🇦", "🇧", "🇦🇧",
        "Ａ", "ｱ", "ﾞ", "ﬁ", "ﬀ", "①", "㍿", "…", "Ω", "ℌ", "\u{A0}", "\u{3000}", "\u{2009}", "\u{202F}", "\u{1680}",
        "´", "¨", "˘", "\u{AD}", "\u{200B}", "\u{FEFF}", "\u{2581}", "``", "''", "`", "'", "\r\n", "\r", "\n",
        "a", "the", "x1", ".", ",", "\u{10FFFF}", "\u{E000}", "\u{1}", "\u{7F}", "\u{85}",
        "ｶﾞ", "\u{3099}", "か\u{3099}", "Ⅻ", "Ä", "ﬃ", "\u{1E9E}", "Σ", "x\u{0334}", "\u{0334}", "a\u{093F}",
    ]
    static let separators = [" ", " ", " ", " ", " ", "", "", "  ", "\t", " \u{301}", " \u{600}"]

    static let inputs: [[UInt8]] = {
        var rng = SplitMix64(seed: 2026)
        var texts: [[UInt8]] = []
        for _ in 0..<10_000 {
            var s = ""
            for _ in 0..<Int(1 + rng.next() % 12) {
                s += fragments[Int(rng.next() % UInt64(fragments.count))]
                s += separators[Int(rng.next() % UInt64(separators.count))]
            }
            texts.append(Array(s.utf8))
        }
        // Each fragment beside a space on either side, and between two words.
        for f in fragments {
            for t in ["\(f) a", "a \(f)", "a\(f) b", "мир\(f) мир", "мир \(f) мир", "\(f) \(f) \(f)", "日\(f) 日", "\(f)  x", "x \(f)"] {
                texts.append(Array(t.utf8))
            }
        }
        return texts + FastPathTests.documents.enumerated().filter { $0.offset % 5 == 0 }.map(\.element)
    }()

    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared"), arguments: 0..<3)
    func fastEqualsGeneral(_ index: Int) throws { try check(index) }

    @Test(.enabled(if: ModelTestSupport.hasShared && hasConverted,
                   "needs ../shared and the oracle's converted t5/albert files (run the oracle tests once)"),
          arguments: 3..<5)
    func fastEqualsGeneralConverted(_ index: Int) throws { try check(index) }

    func check(_ index: Int) throws {
        let fast = try #require(try Self.tokenizer(index))
        guard case .unigram(let f)? = fast.fastPath else {
            Issue.record("tokenizer \(index): no Unigram fast path")
            return
        }
        // The cuts this test attacks are made at all (else it would test nothing new).
        var scratch = FastScratch()
        for (text, cut) in [("мир мир", true), ("日本 語", true), ("a\u{600} b", false), ("a\u{301} b", false), ("мир\u{600}мир b", true)] {
            let bytes = Array(text.utf8)
            let at = try #require(bytes.firstIndex(of: 0x20))
            let got = bytes.withUnsafeBufferPointer { f.isCut($0.baseAddress!, $0.count, at, &scratch) }
            #expect(got == cut, "tokenizer \(index): cut in \(text.debugDescription)")
        }
        // The alignment-free normalize, where it applies, gives the normalizer's bytes; it applies
        // to plain words of other scripts.
        var applied = 0
        for text in Self.fragments.map({ [$0, "мир \($0)", "\($0)мир", "a\($0)", "\($0) a"] }).joined() + ["мир", "日本語 中文"] {
            let bytes = Array(text.utf8)
            var a: [UInt8] = []
            var b: [UInt8] = []
            guard bytes.withUnsafeBufferPointer({ f.normalizeStable($0, &a, &b, &scratch) }) else { continue }
            applied += 1
            var s = NormalizedString(bytes)
            if let n = fast.normalizer { try n.normalize(&s) }
            #expect(a == s.normalized, "tokenizer \(index): normalizeStable of \(text.debugDescription)")
        }
        #expect(applied > 20, "tokenizer \(index): normalizeStable applied \(applied) times")
        var general = fast
        general.allowsFastPath = false
        let docs = Self.inputs
        let a = try fast.encodeIdsBatch(docs, addSpecialTokens: false, threads: 2)
        let b = try general.encodeIdsBatch(docs, addSpecialTokens: false, threads: 2)
        var mismatches: [String] = []
        for i in docs.indices where a[i] != b[i] {
            mismatches.append("\(String(decoding: docs[i].prefix(120), as: UTF8.self).debugDescription): fast \(a[i].prefix(16)) general \(b[i].prefix(16))")
        }
        #expect(mismatches.isEmpty, "tokenizer \(index): \(mismatches.count) of \(docs.count) differ: \(mismatches.prefix(4))")
        // Warm caches (the second copy comes from the stretch and word caches).
        let twice = try fast.encodeIdsBatch(docs + docs, addSpecialTokens: false, threads: 1)
        let warm = docs.indices.filter { twice[docs.count + $0] != b[$0] }.count
        #expect(warm == 0, "tokenizer \(index): \(warm) of \(docs.count) differ with warm caches")
    }
}
