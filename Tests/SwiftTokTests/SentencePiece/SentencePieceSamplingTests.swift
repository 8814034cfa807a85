import Testing
@testable import SwiftTok

/// N-best and sampling for `.model` files: the properties that hold by definition (the first of
/// an n-best list is `encode`, lists are sorted and distinct, seeds reproduce, degenerate
/// settings are `encode`). Exactness against sentencepiece is in Tests/oracle/test_sentencepiece_sampling.py.
@Suite(.enabled(if: ModelTestSupport.hasShared, "needs ../shared (vocab/) beside the checkout"))
struct SentencePieceSamplingTests {
    func load(_ m: String) throws -> SentencePiece {
        try SentencePiece(bytes: try FileIO.read("\(ModelTestSupport.shared ?? "")/vocab/\(m)"))
    }

    static let texts = ["Hello world", "  New   York ", "ｈｅｌｌｏ① ☃ 中文字", "tokenization is fun", "", "a"]

    @Test(arguments: ["t5/spiece.model", "xlnet-base-cased/spiece.model", "sentencepiece-test/test_model.model"])
    func nBestStartsWithEncodeAndIsSortedAndDistinct(_ m: String) throws {
        let sp = try load(m)
        for t in Self.texts {
            let bytes = Array(t.utf8)
            let list = try sp.nBestEncode(bytes, 16)
            #expect(!list.isEmpty)
            #expect(list[0].pieces == (try sp.encode(bytes)), "\(t)")
            for i in list.indices.dropFirst() { #expect(list[i - 1].score >= list[i].score) }
            if !t.contains("☃") { #expect(Set(list.map(\.ids)).count == list.count, "\(t)") }
        }
    }

    @Test func samplingIsSeededAndDegenerateSettingsEncode() throws {
        let sp = try load("t5/spiece.model")
        let bytes = Array("Hello world, tokenization".utf8)
        let a = try (0..<20).map { try sp.sampleEncode(bytes, alpha: 0.1, seed: UInt64($0)).map(\.id) }
        let b = try (0..<20).map { try sp.sampleEncode(bytes, alpha: 0.1, seed: UInt64($0)).map(\.id) }
        #expect(a == b)
        #expect(Set(a).count > 1)
        #expect(try sp.sampleEncode(bytes, alpha: 0.5, nbestSize: 1, seed: 3) == (try sp.encode(bytes)))
        // Every sample spells the normalized text.
        let normal = try sp.encode(bytes).map(\.piece).joined()
        for ids in a { #expect(ids.map { sp.idToPiece($0) ?? "" }.joined() == normal) }
    }

    @Test func bpeDropout() throws {
        let sp = try load("llama2/tokenizer.model")
        let bytes = Array("Hello tokenization".utf8)
        #expect(try sp.sampleEncode(bytes, alpha: 0, seed: 1) == (try sp.encode(bytes)))
        let none = try sp.sampleEncode(bytes, alpha: 1, seed: 1)
        #expect(none.count == "▁Hello▁tokenization".unicodeScalars.count)
        #expect(throws: TokenizerError.self) { try sp.nBestEncode(bytes, 4) }
    }
}
