#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwiftTok

/// The Swift training API as the README shows it; the trained byte-level tokenizer must be
/// lossless (decode(encode(text)) == text) on real text. Exactness against `tokenizers` is
/// checked by Tests/oracle/test_train.py.
@Suite struct TrainerAPITests {
    @Test func readmeExampleTrainsALosslessByteLevelTokenizer() throws {
        guard let shared = WordCounterTests.shared else {
            print("skipped: ../shared not found (TrainerAPITests needs its corpora)")
            return
        }
        var text = Array(try FileIO.read("\(shared)/corpora/multi/udhr_selected_25langs.txt").prefix(60_000))
        if let nl = text.lastIndex(of: 0x0A) { text.removeSubrange((nl + 1)...) }
        let path = "/tmp/swifttok-trainer-api-\(getpid()).txt"
        try FileIO.write(text, to: path)
        defer { unlink(path) }

        let counter = try TrainerPreset.gpt2.wordCounter()
        let counts = try counter.count(try TrainerInput([path]), threads: 0)
        let trainer = Trainers.BpeTrainer(vocabSize: 1200, specialTokens: ["<|endoftext|>"],
                                          initialAlphabet: TrainerPreset.gpt2.initialAlphabet)
        let trained = try trainer.train(counts, progress: nil)
        let tokenizer = try Tokenizer.assemble(model: trained.json, preset: .gpt2, pipeline: counts.pipeline,
                                               specialTokens: trained.specialTokens)
        #expect(tokenizer.vocabSize == 1200)
        #expect(tokenizer.tokenToId("<|endoftext|>") == 0)
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n").prefix(200)
        for line in lines {
            let ids = try tokenizer.encode(String(line)).ids
            #expect(try tokenizer.decode(ids) == String(line))
        }
    }

    @Test func parallelMergeStepsEqualSequentialOnes() throws {
        guard let shared = WordCounterTests.shared else {
            print("skipped: ../shared not found (TrainerAPITests needs its corpora)")
            return
        }
        let text = Array(try FileIO.read("\(shared)/corpora/en/big.txt").prefix(400_000))
        let lines = text.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) + "\n" }
        for preset in [TrainerPreset.gpt2, .bert] {
            let counts = try preset.wordCounter().count(sequences: lines)
            for maxLength in [nil, 5] {
                var t = Trainers.BpeTrainer(vocabSize: 3000, initialAlphabet: preset.initialAlphabet,
                                            continuingSubwordPrefix: preset == .bert ? "##" : nil, maxTokenLength: maxLength)
                t.threads = 1
                let sequential = try t.trainVocabulary(counts)
                t.threads = 3
                t.parallelThreshold = 1
                let parallel = try t.trainVocabulary(counts)
                #expect(sequential.tokens == parallel.tokens)
                #expect(sequential.merges.map { [$0.0, $0.1] } == parallel.merges.map { [$0.0, $0.1] })
                #expect(sequential.merges.count > 1000)
            }
        }
    }

    @Test func vocabularyBelowSpecialTokensStillTrainsTheSpecials() throws {
        let pairs: [([UInt8], UInt64)] = [(Array("ab".utf8), 3), (Array("abc".utf8), 2)]
        let counts = try WordCounts(pairs)
        let r = try Trainers.BpeTrainer(vocabSize: 1, specialTokens: ["<s>", "</s>"]).trainVocabulary(counts)
        // As tokenizers: specials and the alphabet always go in, no merge past the size.
        #expect(r.tokens.map { String(decoding: $0, as: UTF8.self) } == ["<s>", "</s>", "a", "b", "c"])
        #expect(r.merges.isEmpty)
        // Out-of-range options and invalid words are no crash.
        #expect(try Trainers.BpeTrainer(vocabSize: -5, limitAlphabet: -1).trainVocabulary(counts).tokens.isEmpty)
        #expect(try Trainers.WordLevelTrainer(vocabSize: -1).vocabulary(counts).isEmpty)
        let bad: [([UInt8], UInt64)] = [([0xFF, 0x41], 1)]
        #expect(throws: TokenizerError.self) { try WordCounts(bad) }
    }
}
