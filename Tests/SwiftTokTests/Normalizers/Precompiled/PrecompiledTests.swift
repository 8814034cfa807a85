import Testing
@testable import SwiftTok

/// Normalizers.Precompiled against tokenizers 0.23.3 on xlnet-base-cased's charsmap: normalized text
/// and the original byte range of every normalized character (expected.json "cases", from
/// make_expected.py here).
@Suite struct PrecompiledTests {
    static func normalizer() throws -> Normalizers.Precompiled? {
        guard let blob = try CharsMapTests.xlnetBlob() else { return nil }
        return try Normalizers.Precompiled(blob: blob, base64: "")
    }

    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared/vocab/xlnet-base-cased"))
    func textAndAlignmentsMatchReference() throws {
        let n = try #require(try Self.normalizer())
        let cases = try #require(CharsMapTests.expected?["cases"]?.arrayValue)
        #expect(cases.count > 3000)
        var failures: [String] = []
        for c in cases {
            guard let a = c.arrayValue, a.count == 3, let input = a[0].stringValue, let expected = a[1].stringValue,
                  let aligned = a[2].arrayValue else { continue }
            let ranges = aligned.compactMap { p -> Range<Int>? in
                guard let q = p.arrayValue, q.count == 2, let s = q[0].intValue, let e = q[1].intValue else { return nil }
                return s..<e
            }
            var text = NormalizedString(input)
            n.normalize(&text)
            let got = NormalizerTests.characterAlignments(text)
            if text.normalized != Array(expected.utf8) || got != ranges {
                failures.append("\(input.debugDescription): got \(text.normalizedString.debugDescription) \(got), expected \(expected.debugDescription) \(ranges)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5).joined(separator: "\n"))")
    }

    static func error(_ json: String) -> TokenizerError? {
        do { _ = try Normalizer(json: try JSON.parse(json), path: "$.normalizer"); return nil } catch let e as TokenizerError { return e } catch { return nil }
    }

    @Test func badCharsmapsNameThePath() {
        for bad in [#""""#, "null", "3", #""AAAA""#, #""not base64!""#, #""AQAAAA==""#] {
            let e = Self.error(#"{"type":"Precompiled","precompiled_charsmap":\#(bad)}"#)
            #expect(e != nil, "\(bad)")
            #expect(e?.location.hasPrefix("$.normalizer") == true, "\(bad): \(String(describing: e))")
        }
        #expect(Self.error(#"{"type":"Precompiled"}"#)?.kind == .missingField)
    }

    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared/vocab/xlnet-base-cased"))
    func jsonRoundTrip() throws {
        let blob = try #require(try CharsMapTests.xlnetBlob())
        var b64: [UInt8] = []
        // Re-encode from the tokenizer.json text itself.
        let root = try JSON.parse(try FileIO.read(ModelTestSupport.shared! + "/vocab/xlnet-base-cased/tokenizer.json"))
        let item = try #require(root.objectValue?["normalizer"]?.objectValue?["normalizers"]?.arrayValue?.first { $0.objectValue?["type"]?.stringValue == "Precompiled" })
        let n = try Normalizer(json: item, path: "$.normalizer")
        #expect(n.json == item)
        b64 = Array((item.objectValue?["precompiled_charsmap"]?.stringValue ?? "").utf8)
        #expect(Tiktoken.decodeBase64(b64[...]) == blob)
    }
}
