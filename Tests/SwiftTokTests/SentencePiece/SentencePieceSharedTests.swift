import Testing
@testable import SwiftTok

/// `.model` files from ../shared: corrupt copies never crash, and the ids-only path equals the
/// full encoding (the reference) on corpus text. Parity with sentencepiece is in Tests/oracle.
@Suite(.enabled(if: ModelTestSupport.hasShared, "needs ../shared (vocab/ and corpora/) beside the checkout"))
struct SentencePieceSharedTests {
    static let models = ["t5/spiece.model", "albert-base-v2/spiece.model", "xlnet-base-cased/spiece.model",
                         "llama2/tokenizer.model", "mistral-7b-v0.1/tokenizer.model", "mistral-v3/tokenizer.model",
                         "sentencepiece-test/test_model.model", "sentencepiece-test/test_ja_model.model"]

    func path(_ m: String) -> String { "\(ModelTestSupport.shared ?? "")/vocab/\(m)" }

    @Test(arguments: ["t5/spiece.model", "llama2/tokenizer.model"])
    func truncatedAt64thsIsAnError(_ m: String) throws {
        let bytes = try FileIO.read(path(m))
        for k in 1..<64 {
            let cut = Array(bytes[0..<(bytes.count * k / 64)])
            #expect(throws: TokenizerError.self, "cut at \(k)/64") { try Tokenizer(data: cut) }
        }
    }

    @Test func flippedBytesNeverCrash() throws {
        let bytes = try FileIO.read(path("xlnet-base-cased/spiece.model"))
        var rng = SplitMix(seed: 42)
        for _ in 0..<30 {
            var d = bytes
            for _ in 0..<Int(rng.next() % 8 + 1) {
                let i = Int(rng.next() % UInt64(d.count))
                d[i] ^= UInt8(1 << (rng.next() % 8))
            }
            if let t = try? Tokenizer(data: d) {
                _ = try? t.encode("Hello wörld ① ﬁ 中文", addSpecialTokens: false)
                _ = try? t.decode(Array(0..<64))
            }
        }
    }

    @Test(arguments: models)
    func idsPathEqualsFullEncoding(_ m: String) throws {
        let t = try Tokenizer(contentsOfFile: path(m))
        let corpus = "\(ModelTestSupport.shared ?? "")/corpora"
        var docs: [[UInt8]] = []
        for f in ["en/big.txt", "multi/udhr_selected_25langs.txt", "multi/ja_wagahaiwa_nekodearu.txt"] where ModelTestSupport.exists("\(corpus)/\(f)") {
            let text = try FileIO.read("\(corpus)/\(f)")
            var start = 0
            // Documents of ~1 KB cut at line ends, spread over the file (the debug build is slow).
            let step = Swift.max(1, text.count / 60)
            while start < text.count && docs.count < 120 {
                var end = Swift.min(text.count, start + 1024)
                while end < text.count && text[end - 1] != 0x0A { end += 1 }
                docs.append(Array(text[start..<end]))
                start += step
                while start < text.count && text[start - 1] != 0x0A { start += 1 }
            }
        }
        docs += ["", " ", "  a  b ", "ｈｅｌｌｏ", "€€", "中文字 ☃☄", "<s>", "[MASK]"].map { Array($0.utf8) }
        let batch = try t.encodeIdsBatch(docs, threads: 2)
        for (i, d) in docs.enumerated() {
            let full = try t.encode(bytes: d, addSpecialTokens: false).ids
            #expect(batch[i] == full, "document \(i)")
            if batch[i] != full { break }
        }
    }
}

/// A tiny seeded generator for tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
