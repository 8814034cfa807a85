import Testing
@testable import SwiftTok

/// The charsmap reader against tokenizers 0.23.3 (expected.json, from make_expected.py here): every
/// scalar that the reference's Precompiled normalizer changes, on xlnet-base-cased's charsmap.
@Suite struct CharsMapTests {
    static let folder: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/")
    }()

    static let expected: JSONObject? = (try? FileIO.read(folder + "/expected.json")).flatMap { try? JSON.parse($0) }?.objectValue

    /// xlnet-base-cased's charsmap, or nil (with the reason) when ../shared is absent.
    static func xlnetBlob() throws -> [UInt8]? {
        guard let shared = ModelTestSupport.shared else { return nil }
        let root = try JSON.parse(try FileIO.read(shared + "/vocab/xlnet-base-cased/tokenizer.json"))
        let items = root.objectValue?["normalizer"]?.objectValue?["normalizers"]?.arrayValue ?? []
        for item in items where item.objectValue?["type"]?.stringValue == "Precompiled" {
            if let b64 = item.objectValue?["precompiled_charsmap"]?.stringValue {
                return Tiktoken.decodeBase64(Array(b64.utf8)[...])
            }
        }
        return nil
    }

    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared/vocab/xlnet-base-cased"))
    func everyScalarMatchesReference() throws {
        let blob = try #require(try Self.xlnetBlob())
        let map = try CharsMap(blob: blob, path: "$")
        let list = try #require(Self.expected?["scalars"]?.arrayValue)
        var changed: [UInt32: String] = [:]
        for item in list {
            guard let a = item.arrayValue, a.count == 2, let c = a[0].intValue, let s = a[1].stringValue else { continue }
            changed[UInt32(c)] = s
        }
        #expect(changed.count > 4000)
        var failures: [String] = []
        var scalar: UInt32 = 0
        while scalar < 0x110000 {
            defer { scalar += 1 }
            if (0xD800..<0xE000).contains(scalar) { continue }
            var bytes: [UInt8] = []
            UTF8Text.appendScalar(scalar, to: &bytes)
            let got: String? = bytes.withUnsafeBufferPointer { key in
                map.firstMatch(key).map { r in String(decoding: map.normalized[r], as: Unicode.UTF8.self) }
            }
            let own = String(decoding: bytes, as: Unicode.UTF8.self)
            let expected = changed[scalar] ?? own
            if (got ?? own) != expected { failures.append("U+\(String(scalar, radix: 16)): got \(String(describing: got)), expected \(expected.debugDescription)") }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches: \(failures.prefix(5))")
    }

    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared/vocab/xlnet-base-cased"))
    func longestMatchTakesTheLongestKey() throws {
        let map = try CharsMap(blob: try #require(try Self.xlnetBlob()), path: "$")
        // Every match reported by the prefix walk is a real key: the longest is the last one.
        let text = Array("ｶﾞ①ﬁ".utf8)
        text.withUnsafeBufferPointer { key in
            var lengths: [Int] = []
            map.forEachPrefix(of: key, stopAtNul: false) { length, _ in lengths.append(length); return true }
            #expect(lengths == lengths.sorted())
            #expect(map.longestMatch(key)?.length == lengths.last)
            #expect(!lengths.isEmpty)
        }
    }

    static func error(_ blob: [UInt8]) -> TokenizerError? {
        do { _ = try CharsMap(blob: blob, path: "$.normalizer.precompiled_charsmap"); return nil } catch let e as TokenizerError { return e } catch { return nil }
    }

    @Test func corruptBlobsAreClearErrors() throws {
        #expect(Self.error([])?.location == "$.normalizer.precompiled_charsmap")
        #expect(Self.error([1, 0])?.message.contains("fewer than the 4") == true)
        #expect(Self.error([0xFF, 0xFF, 0, 0, 1, 2, 3, 4])?.message.contains("larger than") == true)
        #expect(Self.error([0, 0, 0, 0])?.message.contains("empty") == true)
        // A root (offset 1) whose child for byte 3 (unit 2) points far outside the array.
        #expect(Self.error([16, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0x03, 0xFC, 0xFF, 0x7F, 0, 0, 0, 0])?.message.contains("outside") == true)
        // A root (offset 1) whose NUL edge (unit 1, a leaf) leads to unit 0, whose value 1024 is
        // past the (empty) strings: lookups treat NUL as a key byte, so it must be checked too.
        #expect(Self.error([8, 0, 0, 0, 0x00, 0x04, 0, 0, 0x00, 0x05, 0, 0])?.message.contains("past the end") == true)
        // Strings that are not UTF-8.
        #expect(Self.error([4, 0, 0, 0, 0, 0, 0, 0, 0xFF])?.message.contains("UTF-8") == true)
        // Truncating or flipping bytes of a real blob never crashes.
        if let blob = try Self.xlnetBlob() {
            for cut in [5, 100, 1000, blob.count / 2] { _ = Self.error(Array(blob.prefix(cut))) }
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<20 {
                var b = blob
                for _ in 0..<50 { b[Int.random(in: 4..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                if let map = try? CharsMap(blob: b, path: "$") {
                    Array("ｶﾞ①ﬁabc".utf8).withUnsafeBufferPointer { _ = map.longestMatch($0); _ = map.firstMatch($0) }
                }
            }
        }
    }
}
