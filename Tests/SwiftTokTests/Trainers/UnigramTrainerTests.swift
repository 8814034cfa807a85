import Testing
@testable import SwiftTok

/// The Unigram trainer's parts against independent truths (brute force, known constants, the
/// general pipeline); its output against `tokenizers` and `sentencepiece` is checked by
/// Tests/oracle/test_train_unigram.py.
@Suite struct UnigramTrainerTests {
    /// A small deterministic generator, so failures reproduce.
    struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// The suffix array equals sorting the suffixes; the LCP array equals direct comparison.
    @Test func suffixArrayMatchesSorting() {
        var rng = Rng(state: 7)
        for round in 0..<300 {
            let n = 1 + rng.next(60)
            let k = 1 + rng.next(round % 3 == 0 ? 2 : 6)
            let text = (0..<n).map { _ in UInt32(rng.next(k)) }
            let sa = SuffixArray(text, alphabetSize: k)
            let expected = (0..<n).sorted { text[$0...].lexicographicallyPrecedes(text[$1...]) }
            #expect(sa.sa.map(Int.init) == expected, "text \(text)")
            for i in 1..<n {
                let a = text[expected[i - 1]...], b = text[expected[i]...]
                let common = zip(a, b).prefix { $0 == $1 }.count
                #expect(Int(sa.lcp[i]) == common)
            }
        }
    }

    /// The repeats are exactly the substrings occurring twice or more that are right-branching
    /// (followed by two different symbols, or one occurrence at the end), with their counts.
    @Test func repeatsAreTheSuffixTreeNodes() {
        var rng = Rng(state: 11)
        for _ in 0..<200 {
            let n = 1 + rng.next(40)
            let text = (0..<n).map { _ in UInt32(rng.next(3)) }
            let sa = SuffixArray(text, alphabetSize: 3)
            var found: [[UInt32]: Int] = [:]
            sa.forEachRepeat { depth, lb, rb in
                let p = Int(sa.sa[lb])
                found[Array(text[p..<(p + depth)])] = rb - lb + 1
            }
            var expected: [[UInt32]: Int] = [:]
            for len in 1...n {
                var occ: [[UInt32]: [Int]] = [:]
                for p in 0...(n - len) { occ[Array(text[p..<(p + len)]), default: []].append(p) }
                for (s, ps) in occ where ps.count >= 2 {
                    let next = Set(ps.map { $0 + len < n ? Int(text[$0 + len]) : -1 })
                    if next.count > 1 || next.contains(-1) { expected[s] = ps.count }
                }
            }
            #expect(found == expected, "text \(text)")
        }
    }

    /// digamma(1) = −γ, digamma(0.5) = −γ − 2 ln 2, and the recurrence ψ(x+1) = ψ(x) + 1/x.
    @Test func digamma() {
        let gamma = 0.57721566490153286
        #expect(abs(UnigramMath.digamma(1) + gamma) < 1e-9)
        #expect(abs(UnigramMath.digamma(0.5) + gamma + 2 * 0.69314718055994531) < 1e-9)
        for x in [0.7, 3.2, 12.5, 1000.0] {
            #expect(abs(UnigramMath.digamma(x + 1) - UnigramMath.digamma(x) - 1 / x) < 1e-9)
        }
    }

    static let words: [(word: String, count: UInt64)] = {
        var rng = Rng(state: 3)
        let syllables = ["ka", "to", "ri", "sen", "mo", "ul", "ba", "é", "中", "ng", "q"]
        return (0..<600).map { i in
            let w = "\u{2581}" + (0..<(1 + rng.next(4))).map { _ in syllables[rng.next(syllables.count)] }.joined()
            return (w + String(i % 7), UInt64(1 + rng.next(50)))
        }
    }()

    /// Byte-identical output for 1, 2 and 3 threads.
    @Test func deterministicAcrossThreads() throws {
        let outputs = try [1, 2, 3].map { threads in
            try Trainers.UnigramTrainer(vocabSize: 120, specialTokens: ["<unk>"], unkToken: "<unk>", threads: threads)
                .train(Self.words).tokenizerJSON().serialized()
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
    }

    /// Size, special tokens, unknown id, every character kept, byte pieces, scores sorted.
    @Test func vocabularyShape() throws {
        let trained = try Trainers.UnigramTrainer(vocabSize: 400, specialTokens: ["<pad>", "</s>"], initialAlphabet: ["€uro"],
                                                  unkToken: "<unk>", byteFallback: true).train(Self.words)
        #expect(trained.vocab.count == 400)
        #expect(trained.vocab.prefix(3).map(\.piece) == ["<unk>", "<pad>", "</s>"])
        #expect(trained.unkId == 0)
        #expect(trained.vocab[3].piece == "<0x00>" && trained.vocab[258].piece == "<0xFF>")
        let pieces = Set(trained.vocab.map(\.piece))
        #expect(pieces.count == 400)
        for w in Self.words { for c in w.word { #expect(pieces.contains(String(c))) } }
        #expect(pieces.contains("€"))
        let scores = trained.vocab.dropFirst(259).map(\.score)
        #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
        // The JSON loads back as a tokenizer.json model.
        let json = trained.tokenizerJSON()
        guard case .object(let o) = json, case .object(let model)? = o["model"] else { Issue.record("no model"); return }
        #expect(model["type"] == .string("Unigram") && model["byte_fallback"] == .bool(true))
    }

    /// As a `ModelTrainer` on `WordCounts` (any input order), the same model as training on the
    /// words in byte order.
    @Test func modelTrainerOnWordCounts() throws {
        var merged: [String: UInt64] = [:]
        for w in Self.words { merged[w.word, default: 0] += w.count }
        let sorted = merged.map { (word: $0.key, count: $0.value) }.sorted { $0.word.utf8.lexicographicallyPrecedes($1.word.utf8) }
        let trainer = Trainers.UnigramTrainer(vocabSize: 150, specialTokens: ["<pad>", "<unk>"], unkToken: "<unk>")
        let counts = try WordCounts(sorted.reversed().map { (Array($0.word.utf8), $0.count) })
        let model = try trainer.train(counts, progress: nil)
        #expect(model.json == (try trainer.train(sorted)).modelJSON)
        #expect(model.specialTokens == ["<pad>", "<unk>"] && model.vocabSize == 150)
    }

    @Test func badInputIsAClearError() throws {
        #expect(throws: TokenizerError.self) { try Trainers.UnigramTrainer().train([]) }
        #expect(throws: TokenizerError.self) { try Trainers.UnigramTrainer().train([("", 3), ("x", 0)]) }
        do {
            _ = try Trainers.UnigramTrainer(vocabSize: 5, specialTokens: ["<s>"]).train([("abcdef", 2)])
            Issue.record("expected an error")
        } catch let e as TokenizerError {
            #expect(e.kind == .invalidArgument && e.message.contains("required characters"))
        }
        #expect(throws: TokenizerError.self) { try Trainers.UnigramTrainer(vocabSize: 257, byteFallback: true).train([("ab", 1)]) }
        #expect(throws: TokenizerError.self) { try Trainers.UnigramTrainer(shrinkingFactor: 1).train([("ab", 1)]) }
        #expect(throws: TokenizerError.self) { try Trainers.UnigramTrainer(maxPieceLength: 0).train([("ab", 1)]) }
    }
}
