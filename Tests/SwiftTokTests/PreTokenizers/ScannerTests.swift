import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SwiftTok

/// The hand-written scanners against the reference (`tokenizers` 0.23.3's piece ends in
/// expected.json) and against the PCRE2 translation of their pattern (random strings, corpora).
@Suite struct ScannerTests {
    static func scannerEnds(_ k: KnownScanner, _ bytes: [UInt8]) -> [Int] {
        var ends: [Int] = []
        bytes.withUnsafeBufferPointer { p in k.forEachPieceEnd(in: p) { ends.append($0) } }
        return ends
    }

    static func regexEnds(_ re: Regex, _ bytes: [UInt8]) throws -> [Int] {
        try bytes.withUnsafeBufferPointer { p in try re.findMatches(in: p) }.filter { !$0.range.isEmpty }.map(\.range.upperBound)
    }

    /// First differing piece, for messages.
    static func firstDifference(_ a: [Int], _ b: [Int], _ bytes: [UInt8]) -> String {
        var i = 0
        while i < min(a.count, b.count) && a[i] == b[i] { i += 1 }
        let start = i == 0 ? 0 : a[i - 1]
        let lo = max(0, start - 20), hi = min(bytes.count, start + 40)
        var s = lo
        while s > 0 && bytes[s] & 0xC0 == 0x80 { s -= 1 }
        var e = hi
        while e < bytes.count && bytes[e] & 0xC0 == 0x80 { e += 1 }
        let context = String(decoding: bytes[s..<e], as: Unicode.UTF8.self)
        return "at byte \(start): scanner \(i < a.count ? a[i] : -1), regex \(i < b.count ? b[i] : -1), near \(String(reflecting: context))"
    }

    @Test(arguments: KnownScanner.allCases)
    func matchesReferenceOnFixture(_ k: KnownScanner) throws {
        let f = try #require(PreTokenizerFixture.json)
        let strings = PreTokenizerFixture.strings
        var checked = 0
        for item in try f.array("regexSplits") {
            guard let o = item.objectValue, case .object(let pt)? = o["pre_tokenizer"],
                  case .object(let pattern)? = pt["pattern"], pattern["Regex"] == .string(k.pattern),
                  let ends = o["ends"]?.arrayValue else { continue }
            for (i, e) in ends.enumerated() {
                let bytes = Array(strings[i].utf8)
                var charEnd: [Int] = []  // char index → byte offset
                for (j, b) in bytes.enumerated() where b & 0xC0 != 0x80 { charEnd.append(j) }
                charEnd.append(bytes.count)
                let expected = (e.arrayValue ?? []).compactMap(\.intValue).map { charEnd[$0] }
                let got = Self.scannerEnds(k, bytes)
                #expect(got == expected, "\(k) on \(String(reflecting: strings[i])): \(Self.firstDifference(got, expected, bytes))")
                checked += 1
            }
        }
        #expect(checked >= 2000, "\(k): \(checked) strings checked")
    }

    /// Tricky scalars for these patterns, mixed at random.
    static let pool: [String] = [
        " ", " ", "  ", "\t", "\n", "\r", "\r\n", "\u{a0}", "\u{2028}", "\u{3000}", "\u{0b}", "\u{0c}", "\u{1c}",
        "\u{1f}", "\u{85}", "\u{200b}", "\u{2009}", "a", "b", "s", "t", "S", "T", "E", "e", "L", "l", "m", "M",
        "d", "D", "r", "R", "v", "V", "ſ", "K", "\u{212a}", "'", "'", "''", "x", "Z", "é", "e\u{301}", "\u{301}",
        "\u{20dd}", "\u{903}", "Ω", "ω", "ǅ", "ʰ", "ª", "漢", "か", "カ", "ー", "한", "ا", "ب", "ह", "\u{94d}",
        "1", "2", "9", "٣", "३", "３", "²", "Ⅷ", "½", "𝟙", ".", ",", "!", "?", "-", "/", "//", "\\", "_", "(",
        "€", "©", "😀", "👍🏽", "\u{200d}", "\u{fe0f}", "🇫", "\u{0}", "\u{7f}", "\u{378}", "\u{ffff}", "\u{e000}",
        "\u{10ffff}", "\u{1c89}", "\u{10d40}", "\u{139e5}", "\u{1a995}", "ABC", "abc", "HELLO", "The", "don't",
        "I'M", "WE'LL", "'S", "'Re", "'vE", "/\n", "!\r\n",
    ]

    @Test(arguments: KnownScanner.allCases)
    func matchesRegexOnRandomStrings(_ k: KnownScanner) throws {
        let re = try Regex(k.pattern)
        var rng = ScannerTestRandom(seed: 7 &+ UInt64(k.pattern.utf8.count))
        var failures = 0
        for _ in 0..<20000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 24) {
                if rng.next() % 10 == 0 {
                    var c = UInt32(rng.next() % 0x110000)
                    if (0xD800..<0xE000).contains(c) { c = 0x41 }
                    s.unicodeScalars.append(Unicode.Scalar(c) ?? "A")
                } else {
                    s += Self.pool[Int(rng.next() % UInt64(Self.pool.count))]
                }
            }
            let bytes = Array(s.utf8)
            let got = Self.scannerEnds(k, bytes)
            let expected = try Self.regexEnds(re, bytes)
            if got != expected {
                failures += 1
                if failures <= 5 { Issue.record("\(k) on \(String(reflecting: s)): \(Self.firstDifference(got, expected, bytes))") }
            }
        }
        #expect(failures == 0)
    }

    /// Every corpus file (skipped when /work/shared/corpora is absent).
    @Test(arguments: KnownScanner.allCases)
    func matchesRegexOnCorpora(_ k: KnownScanner) throws {
        // The shared corpora sit beside the checkout (`../shared`); look upwards for them.
        var dir = PreTokenizerFixture.directory
        var files: [String] = []
        while files.isEmpty, let slash = dir.lastIndex(of: "/") {
            dir = String(dir[..<slash])
            files = Self.listFiles(dir + "/shared/corpora")
        }
        if files.isEmpty { return }
        let re = try Regex(k.pattern)
        var total = 0
        for path in files {
            let bytes = try FileIO.read(path)
            guard bytes.withUnsafeBufferPointer({ UTF8Text.isValid($0) }) else { continue }
            let got = Self.scannerEnds(k, bytes)
            let expected = try Self.regexEnds(re, bytes)
            #expect(got == expected, "\(k) on \(path): \(Self.firstDifference(got, expected, bytes))")
            total += bytes.count
        }
        #expect(total > 1_000_000)
    }

    static func listFiles(_ root: String) -> [String] {
        // Foundation-free directory walk through the test process's shell-free libc.
        var out: [String] = []
        var stack = [root]
        while let dir = stack.popLast() {
            guard let d = opendir(dir) else { continue }
            while let entry = readdir(d) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: Unicode.UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let path = dir + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) { stack.append(path) } else { out.append(path) }
            }
            closedir(d)
        }
        return out.sorted()
    }
}

/// A small deterministic generator for test inputs.
struct ScannerTestRandom {
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
