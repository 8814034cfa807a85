import Testing
@testable import SwiftTok

/// The fast ids paths against the general pipeline (the reference implementation) on real
/// vocabularies and real text from ../shared; skipped when ../shared is absent.
@Suite struct FastPathTests {
    static let shared: String? = {
        var dir = #filePath
        for _ in 0..<4 { dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)]) }
        for candidate in ["\(dir)/../shared", "\(dir)/../../shared"] {
            if (try? FileIO.read("\(candidate)/README.md")) != nil { return candidate }
        }
        return nil
    }()

    /// Documents: paragraphs of every corpus file (a bounded sample of each), plus edge cases.
    static let documents: [[UInt8]] = {
        guard let shared else { return [] }
        let files = ["corpora/en/big.txt", "corpora/en/botchan.txt", "corpora/en/pg2600_war_and_peace.txt", "corpora/multi/udhr_selected_25langs.txt",
                     "corpora/multi/emoji.txt", "corpora/multi/ja_wagahaiwa_nekodearu.txt",
                     "corpora/multi/utf8_sequence_0x10ffff.txt", "corpora/code/cpython311_lib.py.txt",
                     "corpora/code/c_headers.h.txt"]
        var docs: [[UInt8]] = []
        for f in files {
            guard let bytes = try? FileIO.read("\(shared)/\(f)") else { continue }
            var start = 0
            var taken = 0
            var i = 0
            while i < bytes.count && taken < 120_000 {
                if bytes[i] == 0x0A && (i + 1 == bytes.count || bytes[i + 1] == 0x0A || i - start > 2000) {
                    let doc = Array(bytes[start...i])
                    if String(validating: doc, as: UTF8.self) != nil { docs.append(doc); taken += doc.count }
                    start = i + 1
                }
                i += 1
            }
        }
        let edge = ["", " ", "  a", "\t\n\r", "[CLS] x [SEP]", "<|endoftext|>hi<|endoftext|>", "A\u{0B}B\u{7F}c",
                    "ÀÉÎõü naïve café", "a\u{301}b Ａ “q” — x… ‘y’ ǅ ß Ǆ", "中文字符 and ﬁ ligature", "   trailing   ", "'s 'S 'll 'LL", "12345678 ١٢٣",
                    "<mask> <s></s>", "x\u{A0}y\u{2028}z\u{3000}w", String(repeating: "a", count: 5000)]
        return docs + edge.map { Array($0.utf8) }
    }()

    static let vocabularies: [(file: String, fast: Bool)] = [
        ("vocab/gpt2/tokenizer.json", true), ("vocab/roberta-base/tokenizer.json", true),
        ("vocab/gpt-neox-20b/tokenizer.json", false), ("vocab/llama3/tokenizer.json", true),
        ("vocab/cl100k_base/cl100k_base.tiktoken", true), ("vocab/o200k_base/o200k_base.tiktoken", true),
        ("vocab/r50k_base/r50k_base.tiktoken", true), ("vocab/bert-base-uncased/tokenizer.json", true),
        ("vocab/bert-base-cased/tokenizer.json", true), ("vocab/clip-vit-base/tokenizer.json", false),
        ("vocab/xlnet-base-cased/tokenizer.json", true),
    ]

    @Test(arguments: vocabularies.map(\.file))
    func fastEqualsGeneral(_ file: String) throws {
        guard let shared = FastPathTests.shared else {
            print("skipped: ../shared not found (FastPathTests needs the real vocabularies)")
            return
        }
        let fast = try Tokenizer(contentsOfFile: "\(shared)/\(file)")
        let expectFast = FastPathTests.vocabularies.first { $0.file == file }?.fast ?? false
        #expect((fast.fastPath != nil) == expectFast, "fast path taken for \(file)")
        var general = fast
        general.allowsFastPath = false
        #expect(general.fastPath == nil)
        let docs = FastPathTests.documents
        let a = try fast.encodeIdsBatch(docs, threads: 2)
        let b = try general.encodeIdsBatch(docs, threads: 2)
        var mismatches = 0
        for i in docs.indices where a[i] != b[i] {
            mismatches += 1
            if mismatches <= 3 {
                let text = String(decoding: docs[i].prefix(200), as: UTF8.self)
                let first = zip(a[i], b[i]).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a[i].count, b[i].count)
                Issue.record("\(file): document \(i) differs at token \(first): fast \(a[i].dropFirst(first).prefix(5)) general \(b[i].dropFirst(first).prefix(5)) in \(text.debugDescription)")
            }
        }
        #expect(mismatches == 0, "\(file): \(mismatches) of \(docs.count) documents differ")
        // Single calls (small caches) agree too, and so do ids with the post-processor's specials.
        for d in docs.prefix(50) { #expect(try fast.encodeIds(bytes: d) == general.encodeIds(bytes: d)) }
        let withSpecials = try fast.encodeIdsBatch(Array(docs.prefix(300)), addSpecialTokens: true, threads: 2)
        for (i, d) in docs.prefix(300).enumerated() {
            #expect(withSpecials[i] == (try general.encode(bytes: d, addSpecialTokens: true).ids), "\(file): specials, document \(i)")
        }
    }
}
