import Testing
@testable import SwiftTok

/// The SentencePiece-style BPE fast path (Llama 2, Mistral) against the general pipeline (the
/// reference implementation) on the real vocabularies of ../shared: corpus documents and
/// adversarial strings, every Metaspace form; and the load-time safety check on a small vocabulary
/// where a merge does cross a "▁" boundary. Skipped when ../shared is absent.
@Suite struct SentencePieceBPEFastPathTests {
    static let files = ["vocab/llama2/tokenizer.json", "vocab/mistral-7b-v0.1/tokenizer.json",
                        "vocab/mistral-v3/tokenizer.json"]

    /// Strings that stress word cutting: runs of spaces, tabs and newlines, literal "▁", byte
    /// fallback (characters outside the vocabulary), added tokens between words, very long words.
    static let adversarial: [[UInt8]] = {
        var texts = ["", " ", "  ", "   ", "\t", "\t\t x", "\n", "\n\n\n", " \n \n", "a", " a", "  a", "a ", "a  ",
                     "a  b   c    d", "   leading", "trailing   ", "\u{2581}", "\u{2581}\u{2581}x", " \u{2581} \u{2581}",
                     "x\u{2581}y \u{2581}z", "\u{2581}hello", "<s>", "<s>hello</s> world<s> x", "</s>  </s>",
                     "hi<unk>  there", " <s> ", "[INST] hi [/INST] ok", "[INST][/INST]", "\u{0}\u{1}\u{7F}",
                     "🦙 llamas 🦙🦙", "日本語のテキスト", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{10FFFF}\u{E000}", "a\u{301}\u{302} e\u{308}",
                     "Hello, world! It's 3.14159 — naïve café", "\u{FEFF}x\u{200B}y", "tab\tsep\tvalues\n1\t2\t3",
                     "    def f(x):\n        return x  # comment\n", "\r\n\r\n", "word.\u{A0}Next\u{3000}one"]
        texts.append(String(repeating: "a", count: 20_000))
        texts.append(String(repeating: "ab", count: 5_000))
        texts.append(String(repeating: " ", count: 5_000))
        texts.append(String(repeating: "\t", count: 3_000))
        texts.append(String(repeating: "\u{2581}", count: 2_000) + "x")
        texts.append(String(repeating: "日", count: 3_000))
        texts.append(String(repeating: "🦙", count: 1_000))
        texts.append(String(repeating: "supercalifragilistic", count: 200))
        texts.append(String(repeating: "the cat  sat\u{2581}on \t the mat.\n", count: 300))
        // Seeded random strings over the same hard alphabet.
        let alphabet = [" ", " ", "  ", "\u{2581}", "\t", "\n", "a", "b", "e", "th", "the", "ing", "é", "ß", "日", "🦙",
                        "\u{FFFD}", "\u{10FFFF}", "<s>", "</s>", "[INST]", "0", "12", ".", ",", "'", "ǅ", "\u{301}"]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 40) { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            texts.append(s)
        }
        return texts.map { Array($0.utf8) }
    }()

    static func compare(_ fast: Tokenizer, _ label: String, _ docs: [[UInt8]]) throws {
        var general = fast
        general.allowsFastPath = false
        let a = try fast.encodeIdsBatch(docs, threads: 2)
        let b = try general.encodeIdsBatch(docs, threads: 2)
        var mismatches = 0
        for i in docs.indices where a[i] != b[i] {
            mismatches += 1
            if mismatches <= 3 {
                let text = String(decoding: docs[i].prefix(120), as: UTF8.self)
                let first = zip(a[i], b[i]).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a[i].count, b[i].count)
                Issue.record("\(label): input \(i) differs at token \(first): fast \(a[i].dropFirst(first).prefix(5)) general \(b[i].dropFirst(first).prefix(5)) in \(text.debugDescription)")
            }
        }
        #expect(mismatches == 0, "\(label): \(mismatches) of \(docs.count) inputs differ")
        // Single calls (small caches) and ids with the template's specials agree too.
        for d in docs.prefix(100) {
            #expect(try fast.encodeIds(bytes: d) == general.encodeIds(bytes: d), "\(label): single call")
            #expect(try fast.encodeIds(bytes: d, addSpecialTokens: true) == general.encode(bytes: d, addSpecialTokens: true).ids,
                    "\(label): with specials")
        }
    }

    static func load(_ file: String) throws -> Tokenizer? {
        guard let shared = FastPathTests.shared else {
            print("skipped: ../shared not found (SentencePieceBPEFastPathTests needs the real vocabularies)")
            return nil
        }
        return try Tokenizer(contentsOfFile: "\(shared)/\(file)")
    }

    @Test(arguments: files)
    func fastEqualsGeneral(_ file: String) throws {
        guard let t = try SentencePieceBPEFastPathTests.load(file) else { return }
        guard case .sentencePieceBPE? = t.fastPath else {
            Issue.record("\(file): the SentencePiece BPE fast path is not taken")
            return
        }
        try SentencePieceBPEFastPathTests.compare(t, file, SentencePieceBPEFastPathTests.adversarial + FastPathTests.documents)
    }

    /// Every Metaspace form (prepend first / always / never, split or not) on Mistral's vocabulary,
    /// and Llama 2's normalizers in the other order.
    @Test func metaspaceForms() throws {
        guard let mistral = try SentencePieceBPEFastPathTests.load(SentencePieceBPEFastPathTests.files[1]),
              let llama = try SentencePieceBPEFastPathTests.load(SentencePieceBPEFastPathTests.files[0]) else { return }
        let docs = SentencePieceBPEFastPathTests.adversarial + FastPathTests.documents.prefix(300)
        for scheme in PreTokenizers.Metaspace.PrependScheme.allCases {
            for split in [false, true] {
                var t = mistral
                t.preTokenizer = .metaspace(PreTokenizers.Metaspace(prependScheme: scheme, split: split))
                #expect(t.fastPath != nil, "Metaspace \(scheme) split \(split): fast path taken")
                try SentencePieceBPEFastPathTests.compare(t, "Metaspace \(scheme) split \(split)", docs)
            }
        }
        var swapped = llama
        guard case .sequence(let items)? = llama.normalizer else {
            Issue.record("llama2's normalizer is not a Sequence")
            return
        }
        swapped.normalizer = .sequence(items.reversed())
        #expect(swapped.fastPath != nil)
        try SentencePieceBPEFastPathTests.compare(swapped, "llama2 Replace then Prepend", docs)
    }

    /// A vocabulary where a merge joins "a" to "▁b": cutting before "▁" would change the result, so
    /// the fast path must be refused (unless Metaspace splits there anyway).
    @Test func refusesUnsafeBoundaries() throws {
        var entries: [(String, UInt32)] = (0..<256).map { (Models.BPE.byteFallbackToken(UInt8($0)), UInt32($0)) }
        for t in ["a", "b", "\u{2581}", "\u{2581}b", "a\u{2581}b", "<unk>"] { entries.append((t, UInt32(entries.count))) }
        let vocab = Models.Vocabulary(entries)
        func tokenizer(_ merges: [(String, String)], split: Bool) throws -> Tokenizer {
            let bpe = try Models.BPE(vocab: vocab, merges: merges.map { Models.BPE.MergeRule($0.0, $0.1) },
                                     unkToken: "<unk>", fuseUnk: true, byteFallback: true)
            return Tokenizer(model: .bpe(bpe), preTokenizer: .metaspace(PreTokenizers.Metaspace(prependScheme: .first, split: split)))
        }
        let crossing = try tokenizer([("\u{2581}", "b"), ("a", "\u{2581}b")], split: false)
        #expect(crossing.fastPath == nil)
        // The general pipeline does merge across the boundary: the refusal is needed.
        let tokens = try crossing.encode(bytes: Array("xa b".utf8), addSpecialTokens: false).tokens
        #expect(tokens.contains("a\u{2581}b"), "general pipeline: \(tokens)")
        let split = try tokenizer([("\u{2581}", "b"), ("a", "\u{2581}b")], split: true)
        #expect(split.fastPath != nil)
        try SentencePieceBPEFastPathTests.compare(split, "split vocabulary", [Array("xa b ab  a b".utf8), Array("a b".utf8)])
        let safe = try tokenizer([("\u{2581}", "b")], split: false)
        #expect(safe.fastPath != nil)
        try SentencePieceBPEFastPathTests.compare(safe, "safe vocabulary", [Array("xa b ab  a b\u{2581}b".utf8), Array("日 a b".utf8)])
    }
}

/// tokenizer.json keys are exact strings: canonically equivalent tokens ("ύ" U+1F7B and "ύ" U+03CD,
/// both in Llama 2's vocabulary) are two entries, not one.
@Suite struct ExactJSONKeyTests {
    @Test func canonicallyEquivalentKeysStayApart() throws {
        let json = try JSON.parse(Array("{\"\u{1F7B}\": 1, \"\u{3CD}\": 2, \"e\u{301}\": 3, \"\u{E9}\": 4}".utf8))
        guard case .object(let o) = json else {
            Issue.record("not an object")
            return
        }
        #expect(o.count == 4)
        let vocab = try Models.Vocabulary(json: json, path: "$")
        #expect(vocab.count == 4)
        #expect(vocab.token(1).map { Array($0.unicodeScalars) } == ["\u{1F7B}"])
        #expect(vocab.token(2).map { Array($0.unicodeScalars) } == ["\u{3CD}"])
        #expect(vocab.id("e\u{301}") == 3 && vocab.id("\u{E9}") == 4)
    }

    @Test func llama2KeepsEveryToken() throws {
        guard let t = try SentencePieceBPEFastPathTests.load(SentencePieceBPEFastPathTests.files[0]) else { return }
        guard case .bpe(let bpe) = t.model else {
            Issue.record("llama2 is not BPE")
            return
        }
        #expect(bpe.vocab.count == 32000)
        for id in UInt32(0)..<32000 where bpe.vocab.token(id) == nil { Issue.record("id \(id) has no token") }
    }
}
