import SwiftTok
import Testing
@testable import SwiftTokEmbed

/// all-MiniLM-L6-v2 through swifttok (tokenizer.json → ids → encoder → pooling) against the
/// model's reference outputs in ../shared/models/all-MiniLM-L6-v2/reference: a float64 numpy forward
/// pass (embeddings.json), TEI's candle backend (tei/*.snap) and fastembed's published values.
@Suite(.enabled(if: EmbedTestSupport.hasModel, "needs ../shared/models/all-MiniLM-L6-v2 beside the repository"))
struct ReferenceTests {
    static let teiA = "What is Deep Learning?", teiB = "Deep Learning is..."

    struct Item {
        let text: String
        let ids: [UInt32]
        let embedding: [Float]
    }

    static func items() throws -> [Item] {
        let root = try EmbedTestSupport.json("reference/embeddings.json")
        return (root.objectValue?["items"]?.arrayValue ?? []).compactMap { o in
            guard let text = o.objectValue?["text"]?.stringValue else { return nil }
            let ids = o.objectValue?["input_ids"]?.arrayValue?.compactMap { $0.intValue.map { UInt32($0) } } ?? []
            return Item(text: text, ids: ids, embedding: EmbedTestSupport.floats(o.objectValue?["sentence_embedding"]))
        }
    }

    @Test func fifteenSentencesMatchTheFloat64Reference() throws {
        let embedder = try EmbedTestSupport.embedder.get()
        let items = try ReferenceTests.items()
        #expect(items.count == 15)
        #expect(embedder.pooling == Pooling(mode: .mean, normalize: true))
        // All 15 in one call: padded batches of sentences of different lengths.
        let ids = try embedder.ids(items.map(\.text))
        let vectors = try embedder.embed(items.map(\.text))
        var worst = 0.0, worstCosine = 1.0
        for (i, item) in items.enumerated() {
            #expect(ids[i] == item.ids, "ids of \(item.text)")
            #expect(vectors[i].count == 384)
            let d = EmbedTestSupport.maxAbsDiff(vectors[i], item.embedding)
            let c = EmbedTestSupport.cosine(vectors[i], item.embedding)
            #expect(d <= 1e-5, "max |Δ| \(d) for \(item.text)")
            #expect(c >= 0.99999, "cosine \(c) for \(item.text)")
            worst = max(worst, d)
            worstCosine = min(worstCosine, c)
        }
        print("embeddings.json: 15 sentences, max |Δ| = \(worst), min cosine = \(worstCosine)")
        // One at a time (no padding) gives the same vectors as the padded batch, to float32 rounding.
        for (i, item) in items.enumerated() {
            let alone = try embedder.embed([item.text], threads: 1)[0]
            #expect(EmbedTestSupport.maxAbsDiff(alone, vectors[i]) <= 1e-6)
        }
    }

    @Test func teiTokenStatesAndPooling() throws {
        let embedder = try EmbedTestSupport.embedder.get()
        let ids = try embedder.ids([ReferenceTests.teiA, ReferenceTests.teiB])
        #expect(ids[0] == [101, 2054, 2003, 2784, 4083, 1029, 102])
        #expect(ids[1] == [101, 2784, 4083, 2003, 1012, 1012, 1012, 102])
        // [A, B, A] as one padded batch, as TEI's test runs it.
        let states = try embedder.hiddenStates(ids: [ids[0], ids[1], ids[0]])
        let h = 384
        func rows(_ s: [Float]) -> [[Float]] { stride(from: 0, to: s.count, by: h).map { Array(s[$0..<($0 + h)]) } }
        let ours = rows(states[0]) + rows(states[1]) + rows(states[2])
        let tei = try EmbedTestSupport.snapshot("test_bert__bert_batch_raw.snap")
        let single = try EmbedTestSupport.snapshot("test_bert__bert_single_raw.snap")
        #expect(tei.count == 22 && single.count == 7)
        var worst = 0.0, worstCosine = 1.0
        for (a, b) in Array(zip(ours, tei)) + Array(zip(Array(ours[0..<7]), single)) {
            worst = max(worst, EmbedTestSupport.maxAbsDiff(a, b))
            worstCosine = min(worstCosine, EmbedTestSupport.cosine(a, b))
        }
        // TEI (candle, float32) agrees with the float64 numpy pass to ~3e-3 on these states
        // (reference/tei/README.txt); cosine is the measure TEI itself tests with.
        #expect(worst <= 5e-3, "max |Δ| \(worst) against TEI token states")
        #expect(worstCosine >= 0.99999, "min cosine \(worstCosine) against TEI token states")
        print("TEI token states: 29 rows, max |Δ| = \(worst), min cosine = \(worstCosine)")

        let mean = Pooling(mode: .mean, normalize: false), cls = Pooling(mode: .cls, normalize: false)
        let pooledChecks: [(String, [[Float]])] = [
            ("test_bert__bert_single.snap", [mean.pool(states[0], dim: h)]),
            ("test_bert__bert_batch.snap", states.map { mean.pool($0, dim: h) }),
            ("test_bert__bert_single_pooled.snap", [cls.pool(states[0], dim: h)]),
            ("test_bert__bert_batch_pooled.snap", states.map { cls.pool($0, dim: h) }),
        ]
        for (file, vectors) in pooledChecks {
            let reference = try EmbedTestSupport.snapshot(file)
            #expect(reference.count == vectors.count, "\(file)")
            for (a, b) in zip(vectors, reference) {
                let d = EmbedTestSupport.maxAbsDiff(a, b), c = EmbedTestSupport.cosine(a, b)
                #expect(d <= 5e-3 && c >= 0.99999, "\(file): max |Δ| \(d), cosine \(c)")
            }
        }
    }

    @Test func fastembedCanonicalHelloWorld() throws {
        let embedder = try EmbedTestSupport.embedder.get()
        let root = try EmbedTestSupport.json("reference/fastembed_canonical.json").objectValue
        let published = EmbedTestSupport.floats(root?["mean_pool_l2_first5"])
        let publishedCLS = EmbedTestSupport.floats(root?["older_fastembed_cls_pool_l2_first5"])
        #expect(published.count == 5 && publishedCLS.count == 5)
        let mean = try embedder.embed(["hello world"])[0]
        // fastembed compares these with atol = 1e-3 (its own test).
        #expect(EmbedTestSupport.maxAbsDiff(Array(mean.prefix(5)), published) <= 1e-3)
        let clsEmbedder = try SentenceEmbedder(tokenizer: embedder.tokenizer, model: embedder.model,
                                               pooling: Pooling(mode: .cls, normalize: true), maxLength: 256)
        let cls = try clsEmbedder.embed(["hello world"])[0]
        #expect(EmbedTestSupport.maxAbsDiff(Array(cls.prefix(5)), publishedCLS) <= 1e-3)
    }

    @Test func referenceKernelGivesTheSameStates() throws {
        let embedder = try EmbedTestSupport.embedder.get()
        var plain = embedder.model
        plain.usesReferenceKernel = true
        let ids = try embedder.ids(["Tokenizers split text: naïve café, 東京!", "short"])
        let fast = try embedder.model.hiddenStates(ids)
        let slow = try plain.hiddenStates(ids)
        for (a, b) in zip(fast, slow) { #expect(EmbedTestSupport.maxAbsDiff(a, b) <= 1e-4) }
    }

    @Test func badInputsAreErrors() throws {
        let embedder = try EmbedTestSupport.embedder.get()
        #expect(throws: TokenizerError.self) { try embedder.model.hiddenStates([[101, 40_000, 102]]) }
        #expect(throws: TokenizerError.self) { try embedder.model.hiddenStates([Array(repeating: 1000, count: 513)]) }
        #expect(throws: TokenizerError.self) { try embedder.model.hiddenStates([[101, 102]], typeIds: [[0, 5]]) }
        #expect(throws: TokenizerError.self) { try embedder.model.hiddenStates([[101, 102]], typeIds: [[0]]) }
        // Long texts are truncated to max_seq_length (256), as sentence-transformers does.
        let long = String(repeating: "word ", count: 1000)
        #expect(try embedder.ids([long])[0].count == 256)
        #expect(try embedder.embed([long, ""]).allSatisfy { $0.count == 384 })
    }
}
