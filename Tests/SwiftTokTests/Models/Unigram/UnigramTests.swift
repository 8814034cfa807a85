import Testing
@testable import SwiftTok

/// Models.Unigram against tokenizers 0.23.3: expected.json (make_expected.py here) holds
/// `model.tokenize(piece)` (ids, values, offsets) for xlnet-base-cased's model and small synthetic
/// models (unknown fusing, byte fallback, no unk_id, ties, repeated pieces); null = the reference raised.
@Suite struct UnigramTests {
    static let folder: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/")
    }()

    static let suites: [JSON] = ((try? FileIO.read(folder + "/expected.json")).flatMap { try? JSON.parse($0) })?
        .objectValue?["suites"]?.arrayValue ?? []

    static func model(_ spec: JSON) throws -> Model? {
        if case .string(let name) = spec {
            guard ModelTestSupport.hasShared else { return nil }
            return try ModelTestSupport.model(name)
        }
        return try Model(json: spec, path: "$.model")
    }

    @Test func fixtureIsPresent() {
        #expect(Self.suites.count >= 7)
    }

    @Test func tokensMatchReference() throws {
        var checked = 0
        var failures: [String] = []
        for suite in Self.suites {
            guard let o = suite.objectValue, let spec = o["model"], let cases = o["cases"]?.arrayValue else { continue }
            guard let model = try Self.model(spec) else { continue }
            guard case .unigram = model else { Issue.record("not a Unigram model"); continue }
            for c in cases {
                guard let pair = c.arrayValue, pair.count == 2, let piece = pair[0].stringValue else { continue }
                checked += 1
                let got: [Token]? = try? model.tokenize(NormalizedString(piece))
                var ids: [UInt32] = []
                let idsError = (try? Array(piece.utf8).withUnsafeBufferPointer { try model.encodeIds($0, into: &ids) }) == nil
                let expected: [Token]? = pair[1].arrayValue.map { list in
                    list.compactMap { t -> Token? in
                        guard let a = t.arrayValue, a.count == 3, let id = a[0].intValue, let v = a[1].stringValue,
                              let r = a[2].arrayValue, r.count == 2, let s = r[0].intValue, let e = r[1].intValue else { return nil }
                        return Token(id: UInt32(id), value: v, offsets: s..<e)
                    }
                }
                if got != expected || (expected == nil) != idsError || (expected != nil && ids != expected!.map(\.id)) {
                    failures.append("\(piece.debugDescription): got \(String(describing: got?.map { ($0.id, $0.value, $0.offsets) })) ids \(ids), expected \(String(describing: expected?.map { ($0.id, $0.value, $0.offsets) }))")
                }
            }
        }
        #expect(checked > (ModelTestSupport.hasShared ? 6000 : 1800))
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5).joined(separator: "\n"))")
    }

    /// The writer gives what tokenizers writes back (scores as serde_json read them, see SerdeFloat).
    @Test func jsonWriterMatchesReference() throws {
        var checked = 0
        for suite in Self.suites {
            guard let spec = suite.objectValue?["model"], case .object = spec, let saved = suite.objectValue?["saved"] else { continue }
            let model = try Model(json: spec, path: "$.model")
            #expect(model.json == saved)
            checked += 1
        }
        #expect(checked >= 7)
    }

    static func loadError(_ text: String) -> TokenizerError? {
        do { _ = try Model(json: try JSON.parse(text), path: "$.model"); return nil } catch let e as TokenizerError { return e } catch { return nil }
    }

    @Test func malformedModelsNameThePath() {
        let empty = Self.loadError(#"{"type":"Unigram","unk_id":null,"vocab":[]}"#)
        #expect(empty?.location == "$.model.vocab")
        let badUnk = Self.loadError(#"{"type":"Unigram","unk_id":3,"vocab":[["a",-1.0]]}"#)
        #expect(badUnk?.location == "$.model.unk_id")
        let negativeUnk = Self.loadError(#"{"type":"Unigram","unk_id":-1,"vocab":[["a",-1.0]]}"#)
        #expect(negativeUnk?.location == "$.model.unk_id")
        let textUnk = Self.loadError(#"{"type":"Unigram","unk_id":"0","vocab":[["a",-1.0]]}"#)
        #expect(textUnk?.location == "$.model.unk_id")
        let badPair = Self.loadError(#"{"type":"Unigram","unk_id":0,"vocab":[["a",-1.0],["b"]]}"#)
        #expect(badPair?.location == "$.model.vocab[1]")
        let badScore = Self.loadError(#"{"type":"Unigram","unk_id":0,"vocab":[["a",-1.0],["b","x"]]}"#)
        #expect(badScore?.location == "$.model.vocab[1][1]")
        let hugeScore = Self.loadError(#"{"type":"Unigram","unk_id":0,"vocab":[["a",-1.0],["b",-1e999]]}"#)
        #expect(hugeScore != nil)
        let noVocab = Self.loadError(#"{"type":"Unigram","unk_id":0}"#)
        #expect(noVocab?.kind == .missingField)
        let fallbackType = Self.loadError(#"{"type":"Unigram","unk_id":0,"vocab":[["a",-1.0]],"byte_fallback":1}"#)
        #expect(fallbackType?.location == "$.model.byte_fallback")
    }

    @Test func nonFiniteScoresAreRejected() {
        #expect(throws: TokenizerError.self) { try Models.Unigram(pieces: [("a", -1), ("b", .nan)], unkId: 0) }
        #expect(throws: TokenizerError.self) { try Models.Unigram(pieces: [("a", -.infinity)], unkId: 0) }
    }

    @Test func longUnsplittableInputIsLinear() throws {
        // One piece per character: a 1 MB run must take one pass, not a quadratic walk.
        let m = try Models.Unigram(pieces: [("<unk>", 0), ("a", -1), ("aa", -1.5), ("aaa", -2.5)], unkId: 0)
        var ids: [UInt32] = []
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        try text.withUnsafeBufferPointer { try m.encodeIds($0, into: &ids) }
        #expect(ids.count == 1 << 19 && ids.allSatisfy { $0 == 2 })
    }
}

/// The model's Viterbi (double-array trie, best path per position) against a plain one written
/// here from `tokenizers`' `encode_optimized`: every substring looked up in a dictionary of the
/// pieces, shortest first, unknown characters and fusing as there. Seeded random inputs built from
/// the vocabulary's own pieces, cut and mixed with characters it lacks.
@Suite struct UnigramViterbiDifferentialTests {
    /// The pieces by their bytes (a repeated piece: the last id, as tokenizers' token map).
    static func index(_ m: Models.Unigram) -> [[UInt8]: Int] {
        var index: [[UInt8]: Int] = [:]
        for (i, p) in m.pieces.enumerated() where !p.isEmpty { index[Array(p.utf8)] = i }
        return index
    }

    static func reference(_ m: Models.Unigram, _ index: [[UInt8]: Int], maxLength: Int, _ text: [UInt8]) -> [UInt32]? {
        let n = text.count
        var score = [Double](repeating: 0, count: n + 1)
        var start = [Int](repeating: -1, count: n + 1)
        var id = [Int](repeating: -1, count: n + 1)
        start[0] = 0
        var at = 0
        while at < n {
            let charLength = UTF8Text.sequenceLength(lead: text[at])
            var single = false
            if maxLength > 0 {
                for length in 1...min(maxLength, n - at) {
                    guard let piece = index[Array(text[at..<(at + length)])] else { continue }
                    let candidate = m.scores[piece] + score[at]
                    if start[at + length] < 0 || candidate > score[at + length] {
                        (score[at + length], start[at + length], id[at + length]) = (candidate, at, piece)
                    }
                    if length == charLength { single = true }
                }
            }
            if !single {
                let end = min(at + charLength, n)
                let candidate = m.minScore - 10 + score[at]
                if start[end] < 0 || candidate > score[end] {
                    guard let unk = m.unkId else { return nil }
                    (score[end], start[end], id[end]) = (candidate, at, unk)
                }
            }
            at += charLength
        }
        var tokens: [(Range<Int>, Int)] = []
        var end = n
        while end > 0 {
            let s = start[end]
            if id[end] == m.unkId, let last = tokens.last, last.1 == -1 {
                tokens[tokens.count - 1].0 = s..<last.0.upperBound
            } else {
                tokens.append((s..<end, id[end] == m.unkId ? -1 : id[end]))
            }
            end = s
        }
        var ids: [UInt32] = []
        for (range, piece) in tokens.reversed() {
            if piece >= 0 { ids.append(UInt32(piece)); continue }
            let run = Array(text[range])
            if let known = index[run] {
                ids.append(UInt32(known))
            } else if m.byteFallback, run.allSatisfy({ m.byteIds[Int($0)] >= 0 }) {
                ids += run.map { UInt32(m.byteIds[Int($0)]) }
            } else {
                guard let unk = m.unkId else { return nil }
                ids.append(UInt32(unk))
            }
        }
        return ids
    }

    static func inputs(_ m: Models.Unigram, count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        let extra = ["\u{2581}", " ", "é", "日本", "🦙", "\u{301}", "x", "<unk>", "\u{10FFFF}", "Ω"].map { Array($0.utf8) }
        var texts: [[UInt8]] = []
        for _ in 0..<count {
            var t: [UInt8] = []
            for _ in 0..<Int(rng.next() % 8) {
                if rng.next() % 4 == 0 {
                    t += extra[Int(rng.next() % UInt64(extra.count))]
                } else {
                    let p = Array(m.pieces[Int(rng.next() % UInt64(m.pieces.count))].utf8)
                    let cut = p.isEmpty ? 0 : Int(rng.next() % UInt64(p.count + 1))
                    t += rng.next() % 2 == 0 ? p : Array(p[..<cut])
                }
            }
            // Cutting pieces may split a character: keep valid UTF-8 only.
            texts.append(Array(String(decoding: t, as: UTF8.self).utf8))
        }
        return texts
    }

    static func compare(_ m: Models.Unigram, _ texts: [[UInt8]]) -> [String] {
        var failures: [String] = []
        var scratch = UnigramScratch()
        let index = Self.index(m)
        let maxLength = index.keys.reduce(0) { max($0, $1.count) }
        for t in texts {
            var ids: [UInt32] = []
            let ok = (try? t.withUnsafeBufferPointer { try m.encodeIds($0, into: &ids, scratch: &scratch) }) != nil
            let expected = reference(m, index, maxLength: maxLength, t)
            if (ok ? ids : nil) != expected {
                failures.append("\(String(decoding: t, as: UTF8.self).debugDescription): \(ok ? "\(ids)" : "error") vs \(String(describing: expected))")
            }
        }
        return failures
    }

    @Test func smallModelsMatchThePlainViterbi() throws {
        let models = [
            try Models.Unigram(pieces: [("<unk>", 0), ("a", -1), ("b", -2), ("ab", -2.5), ("abc", -4), ("c", -3), ("bc", -2.2)], unkId: 0),
            // ties everywhere, a repeated piece, a piece equal to the unknown token's text
            try Models.Unigram(pieces: [("<unk>", -1), ("a", -1), ("aa", -2), ("a", -1), ("b", -1), ("ab", -2), ("<unk>", -1)], unkId: 0),
            try Models.Unigram(pieces: [("x", -1), ("é", -2)], unkId: nil),
            try Models.Unigram(pieces: [("<unk>", 0), ("<0xC3>", -5), ("<0xA9>", -5), ("\u{2581}", -1), ("\u{2581}a", -1.5)], unkId: 0, byteFallback: true),
        ]
        for (i, m) in models.enumerated() {
            var texts = Self.inputs(m, count: 3_000, seed: UInt64(i))
            texts += ["", "a", "aaaa", "éé", "<unk><unk>", "x日x"].map { Array($0.utf8) }
            let failures = Self.compare(m, texts)
            #expect(failures.isEmpty, "model \(i): \(failures.count) differ, first: \(failures.prefix(3))")
        }
    }

    @Test(.enabled(if: ModelTestSupport.hasShared, "needs ../shared"))
    func xlnetMatchesThePlainViterbi() throws {
        guard case .unigram(let m) = try ModelTestSupport.model("xlnet-base-cased") else {
            Issue.record("not a Unigram model")
            return
        }
        let failures = Self.compare(m, Self.inputs(m, count: 10_000, seed: 99))
        #expect(failures.isEmpty, "\(failures.count) differ, first: \(failures.prefix(3))")
    }
}

/// n-best and sampling: properties (the references expose neither for tokenizer.json Unigram models).
@Suite struct UnigramSamplingTests {
    static let model = try? Models.Unigram(pieces: [("<unk>", 0), ("a", -1), ("b", -2), ("ab", -2.5), ("abc", -4), ("c", -3), ("bc", -2.2)], unkId: 0)

    @Test func nBestStartsWithTheViterbiPathAndIsSorted() throws {
        let m = try #require(Self.model)
        for text in ["abc", "abcab", "cabx", "a"] {
            let bytes = Array(text.utf8)
            var ids: [UInt32] = []
            try bytes.withUnsafeBufferPointer { try m.encodeIds($0, into: &ids) }
            let best = try bytes.withUnsafeBufferPointer { try m.nBest($0, 5) }
            #expect(best.first == ids)
            let scores = best.map { $0.reduce(0.0) { $0 + ($1 == 0 ? m.unkScore : m.scores[Int($1)]) } }
            #expect(scores == scores.sorted(by: >))
            #expect(Set(best.map { $0.map(String.init).joined(separator: ",") }).count == best.count)
            for path in best { #expect(path.map { $0 == 0 ? "x" : m.pieces[Int($0)] }.joined().count == text.count) }
        }
        #expect(try Array("abc".utf8).withUnsafeBufferPointer { try m.nBest($0, 100) }.count == 4)
    }

    @Test func samplingIsSeededAndCoversTheLattice() throws {
        let m = try #require(Self.model)
        let bytes = Array("abcabc".utf8)
        let a = try bytes.withUnsafeBufferPointer { try m.sample($0, alpha: 0.5, seed: 42) }
        let b = try bytes.withUnsafeBufferPointer { try m.sample($0, alpha: 0.5, seed: 42) }
        #expect(a == b)
        var seen = Set<[UInt32]>()
        for seed in 0..<200 { seen.insert(try bytes.withUnsafeBufferPointer { try m.sample($0, alpha: 0.1, seed: UInt64(seed)) }) }
        #expect(seen.count > 3)
        for s in seen { #expect(s.map { m.pieces[Int($0)] }.joined() == "abcabc") }
        // A sharp distribution gives the best path.
        var ids: [UInt32] = []
        try bytes.withUnsafeBufferPointer { try m.encodeIds($0, into: &ids) }
        #expect(try bytes.withUnsafeBufferPointer { try m.sample($0, alpha: 200, seed: 7) } == ids)
    }
}
