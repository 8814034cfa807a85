import Testing
@testable import SwiftTok
#if canImport(Glibc)
import Glibc
#endif

/// Normalizers against tokenizers 0.23.3: normalizers_expected.json holds, for every
/// configuration and input, `normalizer.normalize_str(s)` and the original byte range of every
/// normalized character (PreTokenizedString split per character, `get_splits(offset_referential=
/// "original", offset_type="byte")`), written by make_expected.py in this folder.
@Suite struct NormalizerTests {
    struct Case {
        let config: JSON
        let input: String
        let normalized: String
        let alignments: [Range<Int>]
    }

    static let cases: [Case] = load(String(#filePath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        .dropLast().map { String(decoding: $0, as: Unicode.UTF8.self) }.joined(separator: "/")) + "/normalizers_expected.json")

    static func load(_ path: String) -> [Case] {
        guard let bytes = try? FileIO.read(path), let root = try? JSON.parse(bytes),
              let list = root.objectValue?["cases"]?.arrayValue else { return [] }
        return list.compactMap { item in
            guard let o = item.objectValue, let config = o["normalizer"], let input = o["input"]?.stringValue,
                  let normalized = o["normalized"]?.stringValue, let aligned = o["alignments"]?.arrayValue else { return nil }
            let ranges = aligned.compactMap { pair -> Range<Int>? in
                guard let a = pair.arrayValue, a.count == 2, let s = a[0].intValue, let e = a[1].intValue else { return nil }
                return s..<e
            }
            return Case(config: config, input: input, normalized: normalized, alignments: ranges)
        }
    }

    /// Original range of each normalized character, as the fixture records it.
    static func characterAlignments(_ n: NormalizedString) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < n.normalized.count {
            let len = UTF8Text.sequenceLength(lead: n.normalized[i])
            out.append(n.originalRange(ofNormalized: i..<(i + len)) ?? -1..<(-1))
            i += len
        }
        return out
    }

    @Test func fixtureIsPresent() {
        #expect(Self.cases.count > 3000)
    }

    @Test func textAndAlignmentsMatchReference() throws {
        try Self.check(Self.cases)
    }

    /// A larger differential run from `make_expected.py --random N --out FILE`, when
    /// SWIFTTOK_NORMALIZER_FUZZ names that file.
    @Test func fuzzFromEnvironment() throws {
        guard let path = getenv("SWIFTTOK_NORMALIZER_FUZZ").map({ String(cString: $0) }) else { return }
        let cases = Self.load(path)
        #expect(!cases.isEmpty)
        try Self.check(cases)
    }

    static func check(_ cases: [Case]) throws {
        var failures: [String] = []
        for c in cases {
            let normalizer = try Normalizer(json: c.config, path: "$.normalizer")
            var n = NormalizedString(c.input)
            try normalizer.normalize(&n)
            let aligned = Self.characterAlignments(n)
            if n.normalizedString != c.normalized || aligned != c.alignments {
                failures.append("\(c.config.serialized(pretty: false)) on \(c.input.debugDescription): got "
                    + "\(n.normalizedString.debugDescription) \(aligned), expected \(c.normalized.debugDescription) \(c.alignments)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5).joined(separator: "\n"))")
    }

    @Test func jsonRoundTrip() throws {
        var seen = Set<String>()
        for c in Self.cases where seen.insert(c.config.serialized(pretty: false)).inserted {
            let normalizer = try Normalizer(json: c.config, path: "$.normalizer")
            #expect(normalizer.json == c.config)
            let again = try Normalizer(json: normalizer.json, path: "$.normalizer")
            #expect(again.json == c.config)
        }
        #expect(seen.count >= 30)
    }

    static func loadError(_ text: String) -> TokenizerError? {
        do {
            _ = try Normalizer(json: try JSON.parse(text), path: "$.normalizer")
            return nil
        } catch let e as TokenizerError {
            return e
        } catch {
            return nil
        }
    }

    @Test func bertStripAccentsMayBeAbsent() throws {
        // tokenizers reads a missing `strip_accents` as null (serde Option).
        let n = try Normalizer(json: try JSON.parse(#"{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"lowercase":true}"#), path: "$")
        guard case .bert(let b) = n else { Issue.record("not a BertNormalizer"); return }
        #expect(b.stripAccents == nil)
    }

    @Test func malformedJSONNamesThePath() {
        let unknown = Self.loadError(#"{"type":"Foo"}"#)
        #expect(unknown?.kind == .unsupported)
        #expect(unknown?.location == "$.normalizer.type")

        let wrongType = Self.loadError(#"{"type":"Strip","strip_left":1,"strip_right":true}"#)
        #expect(wrongType?.kind == .invalidField)
        #expect(wrongType?.location == "$.normalizer.strip_left")

        let missing = Self.loadError(#"{"type":"Replace","pattern":{"String":"a"}}"#)
        #expect(missing?.kind == .missingField)
        #expect(missing?.location == "$.normalizer")
        #expect(missing?.message.contains("content") == true)

        let badRegex = Self.loadError(#"{"type":"Replace","pattern":{"Regex":"(unclosed"},"content":""}"#)
        #expect(badRegex?.kind == .regex)
        #expect(badRegex?.location == "$.normalizer.pattern.Regex")

        let badPattern = Self.loadError(#"{"type":"Replace","pattern":{"Glob":"*"},"content":""}"#)
        #expect(badPattern?.kind == .invalidField)
        #expect(badPattern?.location == "$.normalizer.pattern")

        let nested = Self.loadError(#"{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Prepend","prepend":false}]}"#)
        #expect(nested?.kind == .invalidField)
        #expect(nested?.location == "$.normalizer.normalizers[1].prepend")

        let notObject = Self.loadError(#"{"type":"Sequence","normalizers":[3]}"#)
        #expect(notObject?.location == "$.normalizer.normalizers[0]")

        let precompiled = Self.loadError(#"{"type":"Precompiled","precompiled_charsmap":""}"#)
        #expect(precompiled?.kind == .invalidField)
        #expect(precompiled?.location == "$.normalizer.precompiled_charsmap")

        let bert = Self.loadError(#"{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":"yes","lowercase":true}"#)
        #expect(bert?.location == "$.normalizer.handle_chinese_chars")
    }

    @Test func generatedTablesAreConsistent() {
        // BertNormalizer maps to a space exactly the Rust whitespace it does not remove
        // (make_normalizer_tables.py probed both sets independently from the reference).
        let spaces = NormalizerTables.data.flags.indices.filter { c in
            let f = NormalizerTables.data.flags[c]
            return c != 0x20 && f & NormalizerTables.whitespace != 0 && f & NormalizerTables.bertRemove == 0
        }
        var probed: [Int] = []
        for r in NormalizerTables.ranges(NormalizerTables.bertSpaceSource) { for c in r { probed.append(Int(c)) } }
        #expect(spaces == probed)
    }
}
