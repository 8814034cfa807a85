#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwiftTok

/// Single-thread throughput of the BPE model stage on gpt2 pieces of English text. Runs only
/// with SWIFTTOK_BENCH=1, in a release build:
/// `SWIFTTOK_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter ModelBenchmark`
@Suite(.enabled(if: ModelTestSupport.hasShared && getenv("SWIFTTOK_BENCH") != nil, "benchmark: set SWIFTTOK_BENCH=1"))
struct ModelBenchmark {
    /// Time to build each model from its parsed JSON (the JSON parse itself excluded).
    @Test func loadTimes() throws {
        let clock = ContinuousClock()
        for name in ["gpt2", "llama3", "qwen", "llama2", "bert-base-uncased"] {
            let root = try JSON.parse(try FileIO.read("\(ModelTestSupport.shared ?? "")/vocab/\(name)/tokenizer.json"))
            guard case .object(let o) = root, let m = o["model"] else { continue }
            let t = try clock.measure { _ = try Model(json: m, path: "$.model") }
            print("load \(name): \(t)")
        }
        let ranks = try Tiktoken.loadRanks(path: "\(ModelTestSupport.shared ?? "")/vocab/o200k_base/o200k_base.tiktoken")
        let t = try clock.measure { _ = try Models.BPE(tiktokenRanks: ranks) }
        print("load o200k_base ranks: \(t)")
    }

    @Test func gpt2EncodeIds() throws {
        guard case .bpe(let bpe) = try ModelTestSupport.model("gpt2"), let view = bpe.byteLevel else { return }
        let text = try FileIO.read("\(ModelTestSupport.shared ?? "")/corpora/en/big.txt")
        let regex = try Regex(#"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#)
        let ranges = try text.withUnsafeBufferPointer { try regex.matches(in: $0) }
        // Pieces in the vocabulary's alphabet (what encodeIds takes) and raw (encodeRawBytes).
        var alphabet: [UInt8] = []
        var alphabetRanges: [Range<Int>] = []
        for r in ranges {
            let s = alphabet.count
            for b in text[r] { alphabet += ByteLevelAlphabet.utf8ForByte[Int(b)] }
            alphabetRanges.append(s..<alphabet.count)
        }
        let clock = ContinuousClock()
        var ids: [UInt32] = []
        ids.reserveCapacity(text.count)
        var best = Duration.seconds(1000)
        for _ in 0..<3 {
            ids.removeAll(keepingCapacity: true)
            let t = try clock.measure {
                try alphabet.withUnsafeBufferPointer { all in
                    for r in alphabetRanges { try bpe.encodeIds(UnsafeBufferPointer(rebasing: all[r]), into: &ids) }
                }
            }
            best = min(best, t)
        }
        var rawIds: [UInt32] = []
        rawIds.reserveCapacity(text.count)
        var bestRaw = Duration.seconds(1000)
        for _ in 0..<3 {
            rawIds.removeAll(keepingCapacity: true)
            let t = clock.measure {
                text.withUnsafeBufferPointer { all in
                    for r in ranges { view.encodeRawBytes(UnsafeBufferPointer(rebasing: all[r]), into: &rawIds) }
                }
            }
            bestRaw = min(bestRaw, t)
        }
        #expect(ids == rawIds)
        var cachedIds: [UInt32] = []
        cachedIds.reserveCapacity(text.count)
        var bestCached = Duration.seconds(1000)
        for _ in 0..<3 {
            cachedIds.removeAll(keepingCapacity: true)
            var cache = Models.BPE.Cache()
            let t = clock.measure {
                text.withUnsafeBufferPointer { all in
                    for r in ranges { view.encodeRawBytes(UnsafeBufferPointer(rebasing: all[r]), into: &cachedIds, cache: &cache) }
                }
            }
            bestCached = min(bestCached, t)
        }
        #expect(cachedIds == ids)
        func mbps(_ d: Duration) -> Double {
            let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            return Double(text.count) / s / 1e6
        }
        var run: [UInt8] = []
        while run.count < 1 << 20 { run += Array("a".utf8) }
        var runIds: [UInt32] = []
        let runTime = try clock.measure { try run.withUnsafeBufferPointer { try bpe.encodeIds($0, into: &runIds) } }
        print("gpt2 1 MB run of 'a': \(runTime), \(runIds.count) ids")
        print("gpt2 model stage, \(text.count) bytes, \(ranges.count) pieces, \(ids.count) ids:",
              "encodeIds \(mbps(best)) MB/s, encodeRawBytes \(mbps(bestRaw)) MB/s (input bytes, one thread, no cache);",
              "encodeRawBytes with a fresh per-call Cache \(mbps(bestCached)) MB/s")
    }
}
