import Testing
@testable import SwiftTok

/// The `.model` stretch fast path (`SentencePieceModelFastPath.swift`) against the reference ids
/// path (`referenceEncodeIds`, the whole text at once, which Tests/oracle checks against
/// sentencepiece): random strings built to attack the cuts, long texts (score rebasing), the
/// load-time checks.
@Suite(.enabled(if: ModelTestSupport.hasShared, "needs ../shared (vocab/ and corpora/) beside the checkout"))
struct SentencePieceFastPathTests {
    static let models = SentencePieceSharedTests.models

    func load(_ m: String) throws -> SentencePiece {
        try SentencePiece(bytes: try FileIO.read("\(ModelTestSupport.shared ?? "")/vocab/\(m)"))
    }

    /// Fragments that meet at the cuts: spaces and other whitespace (NBSP, ideographic space, en
    /// space, which the charsmaps map to a space), full-width forms, ligatures, circled digits,
    /// combining marks, user-defined and control symbols, unknown characters, CJK, emoji, NUL.
    static let fragments: [String] = [
        "a", "b", "the", "Hello", "world", "x.", "(", ")", "-", ".", "\"", "–", "£", "€", "{", "}", "~", "`", "|",
        " ", " ", " ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\u{A0}", "\u{3000}", "\u{2002}", "\u{200B}", "\u{FEFF}",
        "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}",
        "ｈｅｌｌｏ", "Ａ", "！", "ﬁ", "①", "㍿", "e\u{301}", "\u{301}", "\u{308}", "¨", "´", "ǅ", "Å",
        "中", "文字", "日本語", "한국어", "☃", "🤗", "👍🏽", "\u{E000}", "\u{10FFFD}", "𝔘", "\u{0}",
        "<s>", "</s>", "<unk>", "<pad>", "<extra_id_0>", "<extra_id_99>", "<eop>", "<sep>", "[MASK]", "▁", "▁▁", "<0x41>",
        "1", "2023", "3.14", "ñ", "ß", "İ",
    ]

    /// Compares the two paths on one input: equal ids, or both errors.
    func check(_ sp: SentencePiece, _ bytes: [UInt8], _ s: inout SentencePiece.Scratch, _ what: String) -> Bool {
        var fast: [UInt32] = [], reference: [UInt32] = []
        var r = SentencePiece.Scratch()
        let a = Result { try bytes.withUnsafeBufferPointer { try sp.encodeIds($0, into: &fast, scratch: &s) } }
        let b = Result { try bytes.withUnsafeBufferPointer { try sp.referenceEncodeIds($0, into: &reference, scratch: &r) } }
        switch (a, b) {
        case (.success, .success):
            if fast == reference { return true }
            let at = zip(fast, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? Swift.min(fast.count, reference.count)
            Issue.record("\(what): ids differ at \(at) of \(reference.count) (fast \(fast[at...].prefix(8)), reference \(reference[at...].prefix(8))) on \(String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription)")
            return false
        case (.failure, .failure):
            return true
        default:
            Issue.record("\(what): one path failed: fast \(a), reference \(b)")
            return false
        }
    }

    /// `count` strings of up to `fragments` random fragments through one scratch (so later
    /// strings hit stretches cached by earlier ones), stopping at the first difference.
    func randomStrings(_ sp: SentencePiece, seed: UInt64, count: Int, fragments: Int,
                       scratch s: inout SentencePiece.Scratch, _ what: String) {
        var rng = SplitMix(seed: seed)
        let f = Self.fragments
        for k in 0..<count {
            var text = ""
            for _ in 0..<Int(rng.next() % UInt64(fragments)) { text += f[Int(rng.next() % UInt64(f.count))] }
            if !check(sp, Array(text.utf8), &s, "\(what) #\(k)") { return }
        }
    }

    @Test(arguments: models)
    func everySharedModelTakesTheFastPath(_ m: String) throws {
        #expect(try load(m).fastCuts != nil)
    }

    @Test(arguments: models)
    func randomStringsAttackingTheCuts(_ m: String) throws {
        let sp = try load(m)
        #expect(sp.fastCuts != nil)
        var s = SentencePiece.Scratch()
        randomStrings(sp, seed: 7, count: 1500, fragments: 40, scratch: &s, m)
        for text in ["", " ", "  ", "\n", " \t\n ", "a", " a", "a ", "a b", " a b ", "a  b", "a \u{A0}b", "a\u{3000} b",
                     "a b\n", "a b  ", "<s> <s>", "a <extra_id_1> b", "a . b", "a ( b", "{ } { }", "a ① b", "ａ ｂ"] {
            _ = check(sp, Array(text.utf8), &s, "\(m) fixed")
        }
    }

    /// Documents of every corpus (English, many scripts, code) through one scratch per model, so
    /// later documents reuse the stretches cached from earlier ones.
    @Test(arguments: models)
    func corpusDocuments(_ m: String) throws {
        let sp = try load(m)
        let corpus = "\(ModelTestSupport.shared ?? "")/corpora"
        let files = ["en/big.txt", "en/tinyshakespeare.txt", "en/nltk_webtext.txt", "multi/udhr_selected_25langs.txt",
                     "multi/ja_wagahaiwa_nekodearu.txt", "multi/emoji.txt", "code/cpython311_lib.py.txt",
                     "code/c_headers.h.txt"]
        var s = SentencePiece.Scratch()
        var compared = 0
        for f in files where ModelTestSupport.exists("\(corpus)/\(f)") {
            let text = try FileIO.read("\(corpus)/\(f)")
            // 25 documents of ~2 KB spread over the file, cut at character boundaries (inside
            // words and lines: the ids path takes valid UTF-8).
            let step = Swift.max(1, text.count / 25)
            for s0 in stride(from: 0, to: text.count, by: step) {
                var start = s0, end = Swift.min(text.count, s0 + 2048)
                while start < end && text[start] & 0xC0 == 0x80 { start += 1 }
                while end < text.count && end > start && text[end] & 0xC0 == 0x80 { end -= 1 }
                let doc = Array(text[start..<end])
                compared += 1
                if !check(sp, doc, &s, "\(m) \(f) at \(start)") { return }
            }
        }
        #expect(compared >= 150, "too few corpus documents found (\(compared))")
    }

    /// The other normalizer settings (space removal and dummy prefix on or off).
    @Test(arguments: ["t5/spiece.model", "xlnet-base-cased/spiece.model", "sentencepiece-test/test_model.model",
                      "llama2/tokenizer.model"],
          [(false, true), (true, false), (false, false), (true, true)])
    func otherNormalizerSettings(_ m: String, _ settings: (Bool, Bool)) throws {
        var proto = try load(m).proto
        proto.normalizerSpec.removeExtraWhitespaces = settings.0
        proto.normalizerSpec.addDummyPrefix = settings.1
        let sp = try SentencePiece(proto: proto)
        #expect(sp.fastCuts != nil)
        var s = SentencePiece.Scratch()
        randomStrings(sp, seed: 11, count: 400, fragments: 30, scratch: &s, "\(m) \(settings)")
    }

    /// Texts long enough that spm rebases its Viterbi scores (past ±100,000) several times, and
    /// the cached stretches are reused at large scores (where rounding is coarse).
    @Test(arguments: ["t5/spiece.model", "xlnet-base-cased/spiece.model", "albert-base-v2/spiece.model", "llama2/tokenizer.model"])
    func longTexts(_ m: String) throws {
        let sp = try load(m)
        let text = try FileIO.read("\(ModelTestSupport.shared ?? "")/corpora/en/big.txt")
        var s = SentencePiece.Scratch()
        for (start, length) in [(0, 120_000), (1_000_000, 200_000)] {
            let doc = Array(text[start..<Swift.min(text.count, start + length)])
            _ = check(sp, doc, &s, "\(m) long at \(start)")
        }
    }

    @Test func modelsBreakingAnAssumptionTakeTheReferencePath() throws {
        let base = try load("sentencepiece-test/test_model.model").proto
        var internalSpace = base
        internalSpace.pieces.append(.init(piece: "a▁b", score: -1, type: .normal))
        #expect(try SentencePiece(proto: internalSpace).fastCuts == nil)
        var spacedSymbol = base
        spacedSymbol.pieces.append(.init(piece: "a b", score: 0, type: .userDefined))
        #expect(try SentencePiece(proto: spacedSymbol).fastCuts == nil)
        var suffix = base
        suffix.trainerSpec.treatWhitespaceAsSuffix = true
        #expect(try SentencePiece(proto: suffix).fastCuts == nil)
        var nanScore = base
        nanScore.pieces.append(.init(piece: "zq", score: .nan, type: .normal))
        #expect(try SentencePiece(proto: nanScore).fastCuts == nil)
        var noEscape = base
        noEscape.normalizerSpec.escapeWhitespaces = false
        #expect(try SentencePiece(proto: noEscape).fastCuts == nil)
        var leading = base
        leading.pieces.append(.init(piece: "▁▁x", score: -1, type: .normal))
        #expect(try SentencePiece(proto: leading).fastCuts != nil)
    }

    @Test func pieceSpaceRule() {
        #expect(SentencePiece.FastCuts.spaceOnlyLeading(Array("▁the".utf8)))
        #expect(SentencePiece.FastCuts.spaceOnlyLeading(Array("▁▁▁".utf8)))
        #expect(SentencePiece.FastCuts.spaceOnlyLeading(Array("abc".utf8)))
        #expect(!SentencePiece.FastCuts.spaceOnlyLeading(Array("a▁".utf8)))
        #expect(!SentencePiece.FastCuts.spaceOnlyLeading(Array("▁a▁b".utf8)))
    }

    /// Words whose best path under spm's float Viterbi changes with the score reaching them
    /// (found by probing big.txt's stretches at a few seeds): why stretches are seeded.
    static let seedDependent: [(model: String, word: String, seed: Float)] = [
        ("t5/spiece.model", " unionists", -20000.37),
        ("xlnet-base-cased/spiece.model", " sedentary", -20000.37),
        ("xlnet-base-cased/spiece.model", " morocco", -70000.13),
    ]

    @Test func someStretchesDependOnTheScoreReachingThem() throws {
        for (m, word, seed) in Self.seedDependent {
            let sp = try load(m)
            guard case .unigram(let u) = sp.algorithm else { Issue.record("\(m) is not Unigram"); continue }
            var norm: [UInt8] = [], map: [Int32] = [], nodes: [SentencePiece.Unigram.Node] = []
            var a: [(Int, Int, Int32)] = [], b: [(Int, Int, Int32)] = []
            Array(word.utf8).withUnsafeBufferPointer {
                sp.normalizer.normalize($0, into: &norm, normToOrig: &map, offsets: false, continuation: true)
            }
            norm.withUnsafeBufferPointer { t in
                u.encode(t, seed: 0, nodes: &nodes, into: &a)
                u.encode(t, seed: seed, nodes: &nodes, into: &b)
            }
            #expect(a.map(\.2) != b.map(\.2), "\(m) \(word.debugDescription)")
        }
    }

    /// Those words again and again over a long text, so spm meets them at many running scores
    /// (and rebases several times) while the cache holds their first result.
    @Test(arguments: ["t5/spiece.model", "xlnet-base-cased/spiece.model"])
    func seedDependentWordsAtManyScores(_ m: String) throws {
        let sp = try load(m)
        let words = Self.seedDependent.map(\.word).joined() + " imbecile Endell ALEXANDER"
        var text = "Start"
        var k = 0
        while text.utf8.count < 150_000 {
            text += words + String(repeating: " the cat sat", count: k % 7) + " on a mat."
            k += 1
        }
        var s = SentencePiece.Scratch()
        _ = check(sp, Array(text.utf8), &s, "\(m) repeated")
    }
}
