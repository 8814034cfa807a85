import Testing
@testable import SwiftTok

/// `SentencePiece.Trie` lookups (binary search over long edge lists) against a dictionary of the
/// same keys: every key, every one-byte extension and truncation of it, and prefixes.
struct SentencePieceTrieTests {
    /// Keys with a node of 200 children ("▁" followed by every byte 0x20...0xE7), short lists,
    /// repeated keys (the first id wins) and nested prefixes.
    static func keys() -> [([UInt8], Int32)] {
        var keys: [([UInt8], Int32)] = []
        let blank: [UInt8] = [0xE2, 0x96, 0x81]
        var id: Int32 = 0
        keys.append((blank, id)); id += 1
        for b in UInt8(0x20)...UInt8(0xE7) { keys.append((blank + [b], id)); id += 1 }
        for b in stride(from: UInt8(0x30), through: UInt8(0x7A), by: 3) { keys.append((blank + [0x61, b], id)); id += 1 }
        for w in ["a", "ab", "abc", "abd", "b", "ba", "zz", "z", "ab"] { keys.append((Array(w.utf8), id)); id += 1 }
        return keys
    }

    @Test func lookupsMatchADictionary() {
        let keys = Self.keys()
        let trie = SentencePiece.Trie(keys)
        var reference: [[UInt8]: Int32] = [:]
        for (k, v) in keys where reference[k] == nil { reference[k] = v }
        var probes: [[UInt8]] = [[], [0xE2], [0xE2, 0x96], [0x00], [0xFF]]
        for (k, _) in keys {
            probes.append(k)
            probes.append(Array(k.dropLast()))
            for b: UInt8 in [0x00, 0x1F, 0x20, 0x61, 0x62, 0x7A, 0xE7, 0xE8, 0xFF] { probes.append(k + [b]) }
        }
        for p in probes {
            let got = p.withUnsafeBufferPointer { trie.id($0) }
            #expect(got == reference[p], "key \(p)")
            // Every key that is a prefix of p, shortest first.
            var prefixes: [(Int, Int32)] = []
            p.withUnsafeBufferPointer { buf in trie.forEachPrefix(buf, from: 0) { prefixes.append(($0, $1)) } }
            let want = (0...p.count).compactMap { n in reference[Array(p.prefix(n))].map { (n, $0) } }.filter { $0.0 > 0 }
            #expect(prefixes.map(\.0) == want.map(\.0) && prefixes.map(\.1) == want.map(\.1), "prefixes of \(p)")
        }
    }
}
