import Testing
@testable import SwiftTok

/// The Unigram fast path against the general pipeline on the pipeline shapes of the t5 and albert
/// files that transformers' converter writes (built here from xlnet-base-cased's vocabulary and
/// charsmap, as those files are made only by the Python oracle), plus shapes it must refuse.
@Suite struct UnigramFastPathTests {
    static func tokenizer(normalizer: String, preTokenizer: String) throws -> Tokenizer? {
        guard let shared = ModelTestSupport.shared else { return nil }
        guard case .object(var root) = try JSON.parse(try FileIO.read(shared + "/vocab/xlnet-base-cased/tokenizer.json")) else { return nil }
        let items = root["normalizer"]?.objectValue?["normalizers"]?.arrayValue ?? []
        let charsmap = items.first { $0.objectValue?["type"]?.stringValue == "Precompiled" }?.objectValue?["precompiled_charsmap"]?.stringValue ?? ""
        let n = normalizer.replacing("CHARSMAP", with: charsmap)
        root["normalizer"] = try JSON.parse(n)
        root["pre_tokenizer"] = try JSON.parse(preTokenizer)
        return try Tokenizer(json: .object(root))
    }

    static let precompiled = #"{"type":"Precompiled","precompiled_charsmap":"CHARSMAP"}"#
    static let shapes: [(String, String, Bool)] = [
        // t5 (converted)
        (#"{"type":"Sequence","normalizers":[\#(precompiled),{"type":"Strip","strip_left":false,"strip_right":true},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":"\u2581"}]}"#,
         #"{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"never","split":true}"#, true),
        // albert (converted)
        (#"{"type":"Sequence","normalizers":[{"type":"Replace","pattern":{"String":"``"},"content":"\""},{"type":"Replace","pattern":{"String":"''"},"content":"\""},{"type":"NFKD"},{"type":"StripAccents"},{"type":"Lowercase"},\#(precompiled),{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}"#,
         #"{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"always","split":true}"#, true),
        // no split, Nmt + NFKC
        (#"{"type":"Sequence","normalizers":[{"type":"Nmt"},{"type":"NFKC"}]}"#,
         #"{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"always","split":false}"#, true),
        // refused: Strip left, prepend first, a regex other than " {2,}"
        (#"{"type":"Strip","strip_left":true,"strip_right":true}"#, #"{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"always","split":true}"#, false),
        (#"{"type":"NFKC"}"#, #"{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"first","split":true}"#, false),
        (#"{"type":"Replace","pattern":{"Regex":"\\s+"},"content":" "}"#, #"{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"always","split":true}"#, false),
    ]

    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared"), arguments: shapes.indices)
    func fastEqualsGeneral(_ index: Int) throws {
        let (n, p, expectFast) = Self.shapes[index]
        let fast = try #require(try Self.tokenizer(normalizer: n, preTokenizer: p))
        #expect((fast.fastPath != nil) == expectFast)
        guard expectFast else { return }
        var general = fast
        general.allowsFastPath = false
        let docs = FastPathTests.documents.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) + [" x", "x ", "a  b", "a `` b '' c", "A  B\r\nC", "é a b", "a b é", "a\u{301} b", " \u{301}",
                                              "\u{2581}a b", "a\u{2581} b", "x \t y", "\t", "   ", "ab  ", "a\u{0}b c"].map { Array($0.utf8) }
        let a = try fast.encodeIdsBatch(docs, threads: 2)
        let b = try general.encodeIdsBatch(docs, threads: 2)
        var mismatches: [String] = []
        for i in docs.indices where a[i] != b[i] {
            mismatches.append("\(String(decoding: docs[i].prefix(120), as: UTF8.self).debugDescription): fast \(a[i].prefix(12)) general \(b[i].prefix(12))")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(docs.count) differ: \(mismatches.prefix(3))")
    }
}
