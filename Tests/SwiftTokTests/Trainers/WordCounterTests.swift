#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwiftTok

/// Word counting: the byte-level route against the general pipeline (the reference), thread
/// counts, shards, the counts file, and bad input. Real text comes from ../shared.
@Suite struct WordCounterTests {
    static let shared: String? = {
        var dir = #filePath
        for _ in 0..<4 { dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)]) }
        for candidate in ["\(dir)/../shared", "\(dir)/../../shared"] {
            if (try? FileIO.read("\(candidate)/README.md")) != nil { return candidate }
        }
        return nil
    }()

    /// A sample of English, many scripts, emoji, every scalar, and code (about 200 KB each).
    static func sampleFile(_ name: String = #function) throws -> String? {
        guard let shared else { return nil }
        var all: [UInt8] = []
        for f in ["corpora/en/big.txt", "corpora/multi/udhr_selected_25langs.txt", "corpora/multi/emoji.txt",
                  "corpora/multi/utf8_sequence_0x10ffff.txt", "corpora/code/cpython311_lib.py.txt"] {
            let bytes = try FileIO.read("\(shared)/\(f)")
            var part = Array(bytes.prefix(200_000))
            if let nl = part.lastIndex(of: 0x0A) { part.removeSubrange((nl + 1)...) }
            all += part
        }
        // Edge cases: CRLF, a line without spaces, a last line without a newline.
        all += Array("windows line\r\n  leading spaces\n\t\ttabs and  double  spaces \n\nno newline at end".utf8)
        let path = "/tmp/swifttok-wordcounter-\(getpid())-\(name.prefix { $0 != "(" }).txt"
        try FileIO.write(all, to: path)
        return path
    }

    @Test func byteLevelRouteEqualsGeneralPipeline() throws {
        guard let path = try WordCounterTests.sampleFile() else {
            print("skipped: ../shared not found (WordCounterTests needs its corpora)")
            return
        }
        defer { unlink(path) }
        for prefixSpace in [false, true] {
            var counter = WordCounter(normalizer: nil, preTokenizer: .byteLevel(.init(addPrefixSpace: prefixSpace)))
            let input = try TrainerInput([path])
            let fast = try counter.count(input, threads: 2)
            counter.allowsFastPath = false
            let general = try counter.count(input, threads: 1)
            #expect(fast.count > 1000)
            #expect(fast == general, "prefix space \(prefixSpace): \(fast.count) vs \(general.count) words")
        }
    }

    @Test func bertASCIIRouteEqualsGeneralPipeline() throws {
        guard let path = try WordCounterTests.sampleFile() else {
            print("skipped: ../shared not found (WordCounterTests needs its corpora)")
            return
        }
        defer { unlink(path) }
        // Every ASCII byte, controls included, in and between words.
        let ascii = (0..<128).map { UInt8($0) }
        var extra = try FileIO.read(path)
        for k in 0..<128 { extra += Array("Word\(k)".utf8) + [ascii[k]] + Array("Next, THE end.".utf8) + [ascii[(k * 7) % 128], 0x0A] }
        try FileIO.write(extra, to: path)
        for lowercase in [true, false] {
            var counter = WordCounter(normalizer: .bert(.init(lowercase: lowercase)), preTokenizer: .bert(.init()))
            let input = try TrainerInput([path])
            let fast = try counter.count(input, threads: 2)
            counter.allowsFastPath = false
            let general = try counter.count(input, threads: 2)
            #expect(fast.count > 1000)
            #expect(fast == general, "lowercase \(lowercase): \(fast.count) vs \(general.count) words")
        }
    }

    @Test func threadCountsAndShardsAgree() throws {
        guard let path = try WordCounterTests.sampleFile() else {
            print("skipped: ../shared not found (WordCounterTests needs its corpora)")
            return
        }
        defer { unlink(path) }
        let counter = try TrainerPreset.bert.wordCounter()
        let one = try counter.count(try TrainerInput([path]), threads: 1)
        let three = try counter.count(try TrainerInput([path]), threads: 3)
        #expect(one == three)
        let bytes = try FileIO.read(path)
        let cut = (bytes[(bytes.count / 2)...].firstIndex(of: 0x0A) ?? bytes.count - 1) + 1
        try FileIO.write(Array(bytes[..<cut]), to: path + ".a")
        try FileIO.write(Array(bytes[cut...]), to: path + ".b")
        defer { unlink(path + ".a"); unlink(path + ".b") }
        let a = try counter.count(try TrainerInput([path + ".a"]), threads: 2)
        let b = try counter.count(try TrainerInput([path + ".b"]), threads: 2)
        #expect(try a.merged(with: b) == one)
        // Through the file format.
        let reread = try WordCounts(fileBytes: one.fileBytes())
        #expect(reread == one)
    }

    @Test func invalidUTF8LinesAreSkippedAndCounted() throws {
        let path = "/tmp/swifttok-wordcounter-bad-\(getpid()).txt"
        try FileIO.write(Array("good words\n".utf8) + [0xC3, 0x28, 0x0A] + Array("more good\n".utf8) + [0xFF], to: path)
        defer { unlink(path) }
        let counts = try TrainerPreset.gpt2.wordCounter().count(try TrainerInput([path]))
        #expect(counts.skippedSequences == 2)
        #expect(counts.sequences == 2)
        #expect(counts.words.map { String(decoding: $0, as: UTF8.self) } == ["good", "more", "Ċ", "Ġgood", "Ġwords"])
    }

    @Test func badCountsFilesAreErrors() {
        let cases: [String] = [
            "",
            "not counts\n",
            "swifttok-counts 1\n{\"words\": 2}\n3 1 a\n",
            "swifttok-counts 1\n{\"words\": 1}\n3 9 a\n",
            "swifttok-counts 1\n{\"words\": 1}\nx 1 a\n",
            "swifttok-counts 1\nnot json\n",
            "swifttok-counts 1\n{\"words\": 1}\n99999999999999999999999 1 a\n",
        ]
        for text in cases {
            #expect(throws: TokenizerError.self, "\(text.debugDescription)") { try WordCounts(fileBytes: Array(text.utf8)) }
        }
        #expect(throws: TokenizerError.self) { try WordCounts(fileBytes: Array("swifttok-counts 1\n{\"words\": 1}\n1 2 ".utf8) + [0xFF, 0xFE, 0x0A]) }
    }

    @Test func missingInputsAreErrors() {
        #expect(throws: TokenizerError.self) { try TrainerInput(["/nonexistent/file.txt"]) }
        #expect(throws: TokenizerError.self) { try TrainerInput(["/nonexistent/*.txt"]) }
        #expect(throws: TokenizerError.self) { try TrainerInput([]) }
    }
}
