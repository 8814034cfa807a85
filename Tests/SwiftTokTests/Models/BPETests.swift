import Testing
@testable import SwiftTok

/// BPE behaviour on small models; expected values come from tokenizers 0.23.3
/// (`tokenizers.models.BPE(...).tokenize(word)`, probed in Python) or its own unit tests.
@Suite struct BPETests {
    static func vocab(_ entries: [(String, UInt32)]) -> Models.Vocabulary { Models.Vocabulary(entries) }

    static func tuples(_ tokens: [Token]) -> [String] {
        tokens.map { "\($0.id) \($0.value) \($0.offsets.lowerBound)-\($0.offsets.upperBound)" }
    }

    func tokenize(_ bpe: Models.BPE, _ s: String) throws -> [String] {
        BPETests.tuples(try bpe.tokenize(NormalizedString(s)))
    }

    static let fallbackVocab = vocab([("<unk>", 0), ("<0x61>", 1), ("<0xC3>", 2), ("<0xA9>", 3), ("b", 4), ("##b", 5), ("<0x23>", 6)])

    /// Python: BPE(vocab=V, merges=[], unk_token="<unk>", fuse_unk=True, byte_fallback=True)
    @Test func byteFallbackAndFusedUnknown() throws {
        let bpe = try Models.BPE(vocab: BPETests.fallbackVocab, merges: [], unkToken: "<unk>", fuseUnk: true, byteFallback: true)
        #expect(try tokenize(bpe, "xa") == ["1 <0x61> 0-1", "0 <unk> 1-2"])
        #expect(try tokenize(bpe, "xxaxb") == ["1 <0x61> 0-1", "0 <unk> 1-4", "4 b 4-5"])
        #expect(try tokenize(bpe, "é") == ["2 <0xC3> 0-1", "3 <0xA9> 1-2"])
        #expect(try tokenize(bpe, "xéb") == ["2 <0xC3> 0-1", "3 <0xA9> 1-2", "0 <unk> 2-3", "4 b 3-4"])
    }

    /// Python: same vocabulary, fuse_unk=False, byte_fallback=True, continuing_subword_prefix="##"
    @Test func byteFallbackSpellsThePrefix() throws {
        let bpe = try Models.BPE(vocab: BPETests.fallbackVocab, merges: [], unkToken: "<unk>",
                                 continuingSubwordPrefix: "##", byteFallback: true)
        #expect(try tokenize(bpe, "bb") == ["4 b 0-1", "5 ##b 1-2"])
        #expect(try tokenize(bpe, "ba") == ["4 b 0-1", "6 <0x23> 1-2", "6 <0x23> 2-3", "1 <0x61> 3-4"])
        #expect(try tokenize(bpe, "xxaxb") == ["0 <unk> 0-1", "6 <0x23> 1-2", "6 <0x23> 2-3", "1 <0x61> 3-4",
                                               "0 <unk> 4-5", "0 <unk> 5-6", "5 ##b 6-7"])
    }

    /// Python: an unknown character with unk_token "<zz>" missing from the vocabulary raises
    /// "Unk token `<zz>` not found in the vocabulary"; without unk_token it is dropped.
    @Test func unknownTokenMissing() throws {
        let bad = try Models.BPE(vocab: BPETests.fallbackVocab, merges: [], unkToken: "<zz>")
        #expect(try tokenize(bad, "b") == ["4 b 0-1"])
        #expect(throws: TokenizerError.self) { try bad.tokenize(NormalizedString("bx")) }
        let none = try Models.BPE(vocab: BPETests.fallbackVocab, merges: [])
        #expect(try tokenize(none, "xbx") == ["4 b 0-1"])
    }

    static let unrelated = vocab([("u", 0), ("n", 1), ("r", 2), ("e", 3), ("l", 4), ("a", 5), ("t", 6), ("d", 7),
                                  ("re", 8), ("at", 9), ("ed", 10), ("un", 11), ("ated", 12), ("rel", 13),
                                  ("related", 14), ("unrelated", 15)])
    static let unrelatedMerges = [("r", "e"), ("a", "t"), ("e", "d"), ("u", "n"), ("at", "ed"), ("re", "l"),
                                  ("rel", "ated"), ("un", "related")].map { Models.BPE.MergeRule($0.0, $0.1) }

    /// tokenizers' test_tokenize_with_and_without_dropout.
    @Test func dropout() throws {
        for d: Float? in [nil, 0] {
            let bpe = try Models.BPE(vocab: BPETests.unrelated, merges: BPETests.unrelatedMerges, dropout: d)
            #expect(try tokenize(bpe, "unrelated") == ["15 unrelated 0-9"])
        }
        let all = try Models.BPE(vocab: BPETests.unrelated, merges: BPETests.unrelatedMerges, dropout: 1)
        #expect(try all.tokenize(NormalizedString("unrelated")).map(\.value) == ["u", "n", "r", "e", "l", "a", "t", "e", "d"])
        var half = try Models.BPE(vocab: BPETests.unrelated, merges: BPETests.unrelatedMerges, dropout: 0.5)
        half.dropoutSeed = 42
        let a = try half.tokenize(NormalizedString("unrelated"))
        let b = try half.tokenize(NormalizedString("unrelated"))
        #expect(a == b)
        #expect(!a.isEmpty && a.count <= 9)
        #expect(a.map(\.value).joined() == "unrelated")
        #expect(throws: TokenizerError.self) { try Models.BPE(vocab: BPETests.unrelated, merges: [], dropout: 1.5) }
    }

    /// tokenizers' test_ignore_merges.
    @Test func ignoreMerges() throws {
        let v = BPETests.vocab([(".:.:", 0), ("Ġbelirtilen", 1), (".", 2), (":", 3), ("bel", 4), ("irtilen", 5), ("Ġ", 6),
                                (".:", 7), ("belirtilen", 8), (".:.", 9), ("be", 10), ("l", 11), ("ir", 12), ("ti", 13),
                                ("en", 14), ("irtil", 15), ("irti", 16), ("i", 17), ("r", 18), ("t", 19), ("b", 20),
                                ("e", 21), ("n", 22)])
        let merges = [(".", ":"), ("b", "e"), ("be", "l"), ("i", "r"), ("t", "i"), ("ir", "ti"), ("e", "n"), ("irti", "l")]
            .map { Models.BPE.MergeRule($0.0, $0.1) }
        let on = try Models.BPE(vocab: v, merges: merges, ignoreMerges: true)
        #expect(try tokenize(on, ".:.:") == ["0 .:.: 0-4"])
        #expect(try tokenize(on, "Ġbelirtilen") == ["1 Ġbelirtilen 0-12"])
        let off = try Models.BPE(vocab: v, merges: merges, ignoreMerges: false)
        #expect(try tokenize(off, ".:.:") == ["7 .: 0-2", "7 .: 2-4"])
        #expect(try tokenize(off, "Ġbelirtilen") == ["6 Ġ 0-2", "4 bel 2-5", "15 irtil 5-10", "14 en 10-12"])
    }

    /// tokenizers' test_bpe_with_continuing_subword_prefix.
    @Test func continuingSubwordPrefix() throws {
        let v = BPETests.vocab([("a", 0), ("##b", 1), ("##c", 2), ("ab", 3), ("abc", 4)])
        let bpe = try Models.BPE(vocab: v, merges: [.init("a", "##b"), .init("ab", "##c")], unkToken: "[UNK]",
                                 continuingSubwordPrefix: "##")
        #expect(try tokenize(bpe, "ab") == ["3 ab 0-2"])
        #expect(try tokenize(bpe, "abc") == ["4 abc 0-3"])
    }

    /// Merge order: lowest rank first, leftmost on ties ("aaa" with merge a a → "aa a").
    @Test func leftmostOnTies() throws {
        let v = BPETests.vocab([("a", 0), ("aa", 1), ("aaaa", 2)])
        let bpe = try Models.BPE(vocab: v, merges: [.init("a", "a"), .init("aa", "aa")])
        #expect(try tokenize(bpe, "aaa") == ["1 aa 0-2", "0 a 2-3"])
        #expect(try tokenize(bpe, "aaaaa") == ["2 aaaa 0-4", "0 a 4-5"])
        let long = String(repeating: "a", count: 101)
        #expect(try bpe.tokenize(NormalizedString(long)).map(\.id) == Array(repeating: 2, count: 25) + [0])
    }
}
