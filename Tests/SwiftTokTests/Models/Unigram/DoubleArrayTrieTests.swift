import Testing
@testable import SwiftTok

/// DoubleArrayTrie's prefix searches against a plain dictionary of the keys: every prefix of the
/// query that is a key is reported, shortest first, with that key's value and score (the last of a
/// repeated key), and nothing else.
@Suite struct DoubleArrayTrieTests {
    /// Keys over a small alphabet (many shared prefixes), plus bytes 0x00, 0x80 and 0xFF at the ends
    /// of the label range; some keys repeated, some empty.
    static func randomKeys(_ rng: inout SplitMix, count: Int) -> [[UInt8]] {
        let alphabet: [UInt8] = [0x00, 0x61, 0x62, 0x63, 0x80, 0xE2, 0xFF]
        var keys: [[UInt8]] = []
        for _ in 0..<count {
            if !keys.isEmpty && rng.below(10) == 0 {
                keys.append(keys[rng.below(keys.count)])
                continue
            }
            let length = rng.below(7)
            keys.append((0..<length).map { _ in alphabet[rng.below(alphabet.count)] })
        }
        return keys
    }

    @Test func prefixesMatchDictionary() {
        var rng = SplitMix(seed: 12345)  // Deterministic, so a failure reproduces.
        var checkedHits = 0
        for round in 0..<40 {
            let keys = Self.randomKeys(&rng, count: 1 + rng.below(round < 20 ? 30 : 600))
            let values = keys.indices.map { Int32($0) }
            let scores = keys.indices.map { _ in -Double(rng.below(1_000_000)) / 1000.0 - 0.5 }
            let trie = DoubleArrayTrie(keys: keys, values: values, scores: scores)
            var expected: [[UInt8]: (Int32, Double)] = [:]
            for i in keys.indices where !keys[i].isEmpty { expected[keys[i]] = (values[i], scores[i]) }
            for _ in 0..<200 {
                // A query that starts with a key half of the time.
                var query: [UInt8] = rng.below(2) == 0 ? keys[rng.below(keys.count)] : []
                let tail = Self.randomKeys(&rng, count: 1)[0]
                query += tail
                let start = query.isEmpty ? 0 : rng.below(query.count)
                var want: [(Int, Int32, Double)] = []
                if start < query.count {
                    for end in (start + 1)...query.count {
                        if let (v, s) = expected[Array(query[start..<end])] { want.append((end, v, s)) }
                    }
                }
                var got: [(Int, Int32, Double)] = []
                var gotValues: [(Int, Int32)] = []
                query.withUnsafeBufferPointer { q in
                    trie.forEachScoredPrefix(q, from: start) { end, node, score in
                        got.append((end, trie.value[node], score))
                    }
                    trie.forEachPrefix(q, from: start) { end, value in gotValues.append((end, value)) }
                }
                checkedHits += want.count
                #expect(got.map(\.0) == want.map(\.0), "query \(query) from \(start)")
                #expect(got.map(\.1) == want.map(\.1), "query \(query) from \(start)")
                #expect(got.map(\.2) == want.map(\.2), "query \(query) from \(start)")
                #expect(gotValues.map(\.0) == want.map(\.0) && gotValues.map(\.1) == want.map(\.1))
            }
        }
        #expect(checkedHits > 1000)
    }
}

private extension SplitMix {
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
