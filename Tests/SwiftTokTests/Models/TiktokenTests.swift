import Testing
@testable import SwiftTok

/// `.tiktoken` rank files: parsing errors, and ids against tiktoken 0.14 on pre-split pieces
/// (Fixtures/tiktoken-<name>.json: `tiktoken.Encoding(name, pat_str, mergeable_ranks,
/// special_tokens={})._encode_single_piece(piece)`).
@Suite struct TiktokenTests {
    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared/vocab"),
          arguments: [("cl100k_base", "cl100k_base/cl100k_base.tiktoken"), ("o200k_base", "o200k_base/o200k_base.tiktoken"),
                      ("r50k_base", "r50k_base/r50k_base.tiktoken"), ("qwen", "qwen/qwen.tiktoken")])
    func matchesTiktoken(_ name: String, _ file: String) throws {
        let ranks = try Tiktoken.loadRanks(path: "\(ModelTestSupport.shared ?? "")/vocab/\(file)")
        let bpe = try Models.BPE(tiktokenRanks: ranks)
        let view = try #require(bpe.byteLevel)
        var failures = 0
        for c in try ModelTestSupport.cases("tiktoken-\(name).json") {
            guard c.count == 2, let piece = c[0].stringValue else { continue }
            let expected = ModelTestSupport.ints(c[1]).map { UInt32($0) }
            var raw: [UInt32] = []
            Array(piece.utf8).withUnsafeBufferPointer { view.encodeRawBytes($0, into: &raw) }
            var viaAlphabet: [UInt32] = []
            try Array(ByteLevelAlphabet.encode(piece.utf8).utf8).withUnsafeBufferPointer {
                try bpe.encodeIds($0, into: &viaAlphabet)
            }
            if raw != expected || viaAlphabet != expected {
                failures += 1
                if failures <= 5 { Issue.record("\(name) \(piece.debugDescription): expected \(expected), got \(raw) / \(viaAlphabet)") }
            }
        }
        #expect(failures == 0)
        #expect(bpe.vocab.count == ranks.count)
    }

    @Test func parsesRanks() throws {
        let text = "IQ== 0\nIg== 1\n\n  aGk=   7  \r\nYWJj 9"
        let ranks = try Tiktoken.parseRanks(bytes: Array(text.utf8))
        #expect(ranks.map(\.0) == [[0x21], [0x22], Array("hi".utf8), Array("abc".utf8)])
        #expect(ranks.map(\.1) == [0, 1, 7, 9])
    }

    @Test(arguments: [
        ("IQ== 0\nI@== 1", "f.tiktoken:2", "invalid base64"),
        ("IQ== 0\nIQ 1", "f.tiktoken:2", "invalid base64"),
        ("IQ== 0\nIg== x1", "f.tiktoken:2", "invalid rank"),
        ("IQ== 0\nIg== 4294967296", "f.tiktoken:2", "invalid rank"),
        ("IQ== 0\nIg==", "f.tiktoken:2", "field"),
        ("IQ== 0\n\nIQ== 1", "f.tiktoken:3", "token given twice (first on line 1)"),
        ("IQ== 0\nIg== 0", "f.tiktoken:2", "rank 0 given twice"),
    ])
    func rejectsBadLines(_ text: String, _ location: String, _ message: String) {
        do {
            _ = try Tiktoken.parseRanks(bytes: Array(text.utf8), source: "f.tiktoken")
            Issue.record("no error for \(text.debugDescription)")
        } catch let e as TokenizerError {
            #expect(e.location == location)
            #expect(e.message.contains(message), "\(e)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Merges follow ranks of the concatenation; a piece that is a token is taken whole.
    @Test func mergesByConcatenationRank() throws {
        // Tokens: a b c (0-2), "bc" 3, "ab" 4, "abc" 5. tiktoken on "abc": (b,c)->3 beats (a,b)->4,
        // then (a,bc) -> "abc" 5 -- but "abc" is a token, so the whole piece is 5 directly.
        let ranks: [([UInt8], UInt32)] = [([97], 0), ([98], 1), ([99], 2), ([98, 99], 3), ([97, 98], 4), ([97, 98, 99], 5)]
        let bpe = try Models.BPE(tiktokenRanks: ranks)
        func ids(_ s: String) throws -> [UInt32] {
            var out: [UInt32] = []
            try Array(s.utf8).withUnsafeBufferPointer { try bpe.encodeIds($0, into: &out) }
            return out
        }
        #expect(try ids("abc") == [5])
        #expect(try ids("abca") == [5, 0])
        #expect(try ids("aab") == [0, 4])
        #expect(try ids("abbc") == [4, 3])
    }
}
