import Testing
@testable import SwiftTok

/// The model stage against `tokenizers` 0.23.3 on real vocabularies: expected tokens are
/// `tok.model.tokenize(piece)` (Fixtures/<name>.json, written by make_expected.py).
@Suite(.enabled(if: ModelTestSupport.hasShared, "needs ../shared/vocab"))
struct ModelsReferenceTests {
    @Test(arguments: ["gpt2", "roberta-base", "gpt-neox-20b", "clip-vit-base", "llama3", "qwen",
                      "bert-base-uncased", "bert-base-cased", "llama2"])
    func matchesReference(_ name: String) throws {
        let model = try ModelTestSupport.model(name)
        let cases = try ModelTestSupport.cases("\(name).json")
        #expect(cases.count > 1000)
        var failures = 0
        var cache = Models.BPE.Cache(capacity: 256)
        var rawCache = Models.BPE.Cache(capacity: 256)
        // A cache that grows (64 → 1024 slots) and then empties itself, on the same pieces.
        var growing = Models.BPE.Cache(capacity: 64, maxCapacity: 1024)
        for c in cases + cases {
            guard c.count == 3, let piece = c[0].stringValue else { continue }
            let ids = ModelTestSupport.ints(c[1]).map { UInt32($0) }
            let flat = ModelTestSupport.ints(c[2])
            let offsets = stride(from: 0, to: flat.count, by: 2).map { flat[$0]..<flat[$0 + 1] }
            let tokens = try model.tokenize(NormalizedString(piece))
            let ok = tokens.map(\.id) == ids && tokens.map(\.offsets) == offsets
                && tokens.allSatisfy { $0.value == model.idToToken($0.id) }
            var fast: [UInt32] = []
            var bytes = Array(piece.utf8)
            try bytes.withUnsafeBufferPointer { try model.encodeIds($0, into: &fast) }
            var raw = fast
            var cached = fast
            var rawCached = fast
            if case .bpe(let bpe) = model {
                cached = []
                try bytes.withUnsafeBufferPointer { try bpe.encodeIds($0, into: &cached, cache: &cache) }
                var grown: [UInt32] = []
                try bytes.withUnsafeBufferPointer { try bpe.encodeIds($0, into: &grown, cache: &growing) }
                if grown != cached { cached = grown }
                if let view = bpe.byteLevel, let rawBytes = ByteLevelAlphabet.decode(piece) {
                    raw = []
                    rawCached = []
                    bytes = rawBytes
                    bytes.withUnsafeBufferPointer { view.encodeRawBytes($0, into: &raw) }
                    bytes.withUnsafeBufferPointer { view.encodeRawBytes($0, into: &rawCached, cache: &rawCache) }
                }
            }
            if !ok || fast != ids || raw != ids || cached != ids || rawCached != ids {
                failures += 1
                if failures <= 5 {
                    Issue.record("\(name) \(piece.debugDescription): expected \(ids) \(offsets), got \(tokens.map { ($0.id, $0.offsets) }) fast \(fast) raw \(raw) cached \(cached) \(rawCached)")
                }
            }
        }
        #expect(failures == 0)
    }

    /// The heap and the linear scan are one function (on gpt2's merges, for every fixture piece).
    @Test func heapEqualsLinearScan() throws {
        guard case .bpe(let bpe) = try ModelTestSupport.model("gpt2") else { return }
        for c in try ModelTestSupport.cases("gpt2.json") {
            guard let piece = c.first?.stringValue else { continue }
            let bytes = Array(piece.utf8)
            var ids = [UInt32](repeating: 0, count: bytes.count + 1)
            let n = try bytes.withUnsafeBufferPointer { b in
                try ids.withUnsafeMutableBufferPointer { try bpe.initialSymbols(b, ids: $0.baseAddress!, lens: nil) }
            }
            var a = Array(ids[..<n])
            var b = a
            var rng = SplitMix64(seed: 1)
            let na = a.withUnsafeMutableBufferPointer { bpe.merges.mergeLinear(ids: $0.baseAddress!, lens: nil, count: n) }
            let nb = b.withUnsafeMutableBufferPointer {
                bpe.merges.mergeHeap(ids: $0.baseAddress!, lens: nil, count: n, dropout: 0, rng: &rng)
            }
            #expect(Array(a[..<na]) == Array(b[..<nb]), "\(piece)")
        }
    }

    /// An unsplittable 1 MB run must not take quadratic time (quadratic would be ~10^12 steps:
    /// hours; the limit is loose for debug builds on a shared machine).
    @Test func megabyteRunIsFast() throws {
        guard case .bpe(let bpe) = try ModelTestSupport.model("gpt2") else { return }
        for unit in ["a", "ab", "Ġ"] {
            var bytes: [UInt8] = []
            while bytes.count < 1 << 20 { bytes += Array(unit.utf8) }
            let clock = ContinuousClock()
            var ids: [UInt32] = []
            let elapsed = try clock.measure {
                try bytes.withUnsafeBufferPointer { try bpe.encodeIds($0, into: &ids) }
            }
            #expect(elapsed < .seconds(120), "\(unit): \(elapsed)")
            #expect(!ids.isEmpty)
        }
    }
}
