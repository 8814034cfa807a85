import Testing
@testable import SwiftTok

/// The fixture written by make_expected.py from `tokenizers` 0.23.3
/// (`pre_tokenizers.X(...).pre_tokenize_str(s)`: pieces with char offsets into `s`).
enum PreTokenizerFixture {
    static let directory: String = {
        let file = "\(#filePath)"
        return String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)])
    }()

    static let json: JSONFields? = {
        guard let bytes = try? FileIO.read(directory + "/expected.json"),
              let j = try? JSON.parse(bytes) else { return nil }
        return try? JSONFields(j, path: "$")
    }()

    static let strings: [String] = (json?.value("strings")?.arrayValue ?? []).compactMap(\.stringValue)

    /// Pieces of `text` under `pre` as (piece, char start, char end).
    static func pieces(_ pre: PreTokenizer, _ text: String) throws -> [(String, Int, Int)] {
        let bytes = Array(text.utf8)
        // Byte i's char index; the char count at the end.
        var charIndex = [Int](repeating: 0, count: bytes.count + 1)
        var c = -1
        for (i, b) in bytes.enumerated() {
            if b & 0xC0 != 0x80 { c += 1 }
            charIndex[i] = c
        }
        charIndex[bytes.count] = c + 1
        return try pre.preTokenize(text).map { ($0.piece, charIndex[$0.offsets.lowerBound], charIndex[$0.offsets.upperBound]) }
    }

    static func describe(_ p: [(String, Int, Int)]) -> String {
        p.map { "(\(String(reflecting: $0.0)), \($0.1), \($0.2))" }.joined(separator: " ")
    }
}

@Suite struct PreTokenizerFixtureTests {
    @Test func fixturePresent() throws {
        #expect(PreTokenizerFixture.json != nil, "expected.json missing or unreadable")
        #expect(PreTokenizerFixture.strings.count >= 2000)
    }

    /// Regex splits (GPT-2, cl100k/llama3, qwen, o200k, clip, Whitespace, ByteLevel) on every
    /// shared random string.
    @Test func regexSplits() throws {
        let f = try #require(PreTokenizerFixture.json)
        let strings = PreTokenizerFixture.strings
        for (k, item) in try f.array("regexSplits").enumerated() {
            let g = try JSONFields(item, path: "$.regexSplits[\(k)]")
            let pre = try PreTokenizer(json: try g.required("pre_tokenizer"), path: g.childPath("pre_tokenizer"))
            var failures = 0
            if let ends = try g.optionalArray("ends") {
                for (i, e) in ends.enumerated() {
                    let expected = (e.arrayValue ?? []).compactMap(\.intValue)
                    let got = try PreTokenizerFixture.pieces(pre, strings[i]).map(\.2)
                    if got != expected {
                        failures += 1
                        if failures <= 5 {
                            Issue.record("\(pre.json.serialized(pretty: false)) on \(String(reflecting: strings[i])): expected ends \(expected), got \(got)")
                        }
                    }
                }
            } else {
                for (i, e) in try g.array("offsets").enumerated() {
                    let expected = (e.arrayValue ?? []).compactMap(\.intValue)
                    let got = try PreTokenizerFixture.pieces(pre, strings[i]).flatMap { [$0.1, $0.2] }
                    if got != expected {
                        failures += 1
                        if failures <= 5 {
                            Issue.record("\(pre.json.serialized(pretty: false)) on \(String(reflecting: strings[i])): expected \(expected), got \(got)")
                        }
                    }
                }
            }
            #expect(failures == 0, "\(failures) strings differ for \(pre.json.serialized(pretty: false))")
        }
    }

    static func checkCases(_ pre: PreTokenizer, _ cases: [JSON], firstString: Int, label: String) throws -> Int {
        var failures = 0
        for (i, c) in cases.enumerated() {
            let flat = c.arrayValue ?? []
            var expected: [(String, Int, Int)] = []
            var k = 0
            while k + 2 < flat.count {
                expected.append((flat[k].stringValue ?? "", flat[k + 1].intValue ?? -1, flat[k + 2].intValue ?? -1))
                k += 3
            }
            let text = PreTokenizerFixture.strings[firstString + i]
            let got = try PreTokenizerFixture.pieces(pre, text)
            let same = got.count == expected.count && zip(got, expected).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 }
            if !same {
                failures += 1
                if failures <= 3 {
                    Issue.record("""
                        \(label) on \(String(reflecting: text)):
                          expected \(PreTokenizerFixture.describe(expected))
                          got      \(PreTokenizerFixture.describe(got))
                        """)
                }
            }
        }
        return failures
    }

    /// Every component and option, with pieces' text and offsets.
    @Test func components() throws {
        let f = try #require(PreTokenizerFixture.json)
        for (k, item) in try f.array("components").enumerated() {
            let g = try JSONFields(item, path: "$.components[\(k)]")
            let pre = try PreTokenizer(json: try g.required("pre_tokenizer"), path: g.childPath("pre_tokenizer"))
            let label = pre.json.serialized(pretty: false)
            let failures = try Self.checkCases(pre, try g.array("cases"), firstString: 0, label: label)
            #expect(failures == 0, "\(failures) strings differ for \(label)")
        }
    }

    /// The pre_tokenizer objects of real tokenizer.json files.
    @Test func vocabularies() throws {
        let f = try #require(PreTokenizerFixture.json)
        for (k, item) in try f.array("vocabularies").enumerated() {
            let g = try JSONFields(item, path: "$.vocabularies[\(k)]")
            let pre = try PreTokenizer(json: try g.required("pre_tokenizer"), path: g.childPath("pre_tokenizer"))
            let label = try g.string("name")
            let failures = try Self.checkCases(pre, try g.array("cases"), firstString: 250, label: label)
            #expect(failures == 0, "\(failures) strings differ for \(label)")
        }
    }

    /// One subject holding every scalar but NUL, and the scalar starting at each byte.
    static let allScalars: ([UInt8], [UInt32]) = {
        var bytes: [UInt8] = []
        var scalarAt: [UInt32] = []
        for c in UInt32(1)..<0x110000 where !(0xD800..<0xE000).contains(c) {
            let before = bytes.count
            UTF8Text.appendScalar(c, to: &bytes)
            for _ in before..<bytes.count { scalarAt.append(c) }
        }
        return (bytes, scalarAt)
    }()

    /// Oniguruma's classes (as `tokenizers` compiles them) against our translation to PCRE2,
    /// over every code point.
    @Test func oniguruma_classes() throws {
        let f = try #require(PreTokenizerFixture.json)
        for item in try f.array("classes") {
            let g = try JSONFields(item, path: "$.classes")
            let pattern = try g.string("pattern")
            let flat = try g.array("ranges").compactMap(\.intValue)
            var expected = [Bool](repeating: false, count: 0x110000)
            var k = 0
            while k + 1 < flat.count {
                for c in flat[k]...flat[k + 1] { expected[c] = true }
                k += 2
            }
            let re = try Regex(pattern)
            let (bytes, scalarAt) = Self.allScalars
            var got = [Bool](repeating: false, count: 0x110000)
            for m in try bytes.withUnsafeBufferPointer({ try re.matches(in: $0) }) where !m.isEmpty {
                got[Int(scalarAt[m.lowerBound])] = true
            }
            var differing: [String] = []
            for c in 1..<0x110000 where got[c] != expected[c] && !(0xD800..<0xE000).contains(c) {
                differing.append("U+" + String(c, radix: 16, uppercase: true) + (expected[c] ? "(onig only)" : "(pcre2 only)"))
            }
            #expect(differing.isEmpty, "/\(pattern)/ → \(re.compiledPattern): \(differing.count) code points differ: \(differing.prefix(12))")
        }
    }
}
