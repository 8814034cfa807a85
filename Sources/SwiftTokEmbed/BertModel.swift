#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftTok

/// A BERT encoder (Hugging Face `BertModel` without the pooler): embeddings (word + position +
/// token type, LayerNorm), then `layerCount` layers of multi-head self-attention with an attention
/// mask and a GELU feed-forward, each with a residual and LayerNorm (post-norm). Float32 throughout.
public struct BertModel: Sendable {
    public let config: BertConfig
    /// The word embedding table, `[vocabSize, hiddenSize]` row-major.
    public let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    let tokenTypeEmbeddings: [Float]
    let embeddingNorm: LayerNorm
    let layers: [Layer]
    /// Use the reference (triple loop) matmul everywhere: for differential tests of the fast kernel.
    public var usesReferenceKernel = false

    struct LayerNorm: Sendable {
        let weight: [Float]
        let bias: [Float]
    }

    /// A linear layer `y = x · Wᵀ + b`, with `W` `[out, in]` kept both as loaded and packed.
    struct Linear: Sendable {
        let weight: [Float]
        let packed: PackedMatrix
        let bias: [Float]
        var inFeatures: Int { packed.cols }
        var outFeatures: Int { packed.rows }
    }

    struct Layer: Sendable {
        let query, key, value, attentionOutput: Linear
        let attentionNorm: LayerNorm
        let intermediate, output: Linear
        let outputNorm: LayerNorm
    }

    /// Loads a model directory: `config.json` and `model.safetensors`.
    public init(directory: String) throws {
        let config = try BertConfig(contentsOfFile: directory + "/config.json")
        try self.init(config: config, weights: try SafeTensors(contentsOfFile: directory + "/model.safetensors"))
    }

    /// Builds the model from safetensors weights with Hugging Face names (optionally under `bert.`),
    /// checking every tensor's presence, shape and dtype.
    public init(config: BertConfig, weights: SafeTensors) throws {
        self.config = config
        let prefix = weights.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let h = config.hiddenSize
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] { try weights.floats(prefix + name, shape: shape) }
        func norm(_ name: String) throws -> LayerNorm {
            LayerNorm(weight: try tensor(name + ".weight", [h]), bias: try tensor(name + ".bias", [h]))
        }
        func linear(_ name: String, _ out: Int, _ inp: Int) throws -> Linear {
            let w = try tensor(name + ".weight", [out, inp])
            return Linear(weight: w, packed: PackedMatrix(w, rows: out, cols: inp), bias: try tensor(name + ".bias", [out]))
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [config.vocabSize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [config.maxPositions, h])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [config.typeVocabSize, h])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<config.layerCount).map { i in
            let p = "encoder.layer.\(i)."
            return Layer(
                query: try linear(p + "attention.self.query", h, h),
                key: try linear(p + "attention.self.key", h, h),
                value: try linear(p + "attention.self.value", h, h),
                attentionOutput: try linear(p + "attention.output.dense", h, h),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear(p + "intermediate.dense", config.intermediateSize, h),
                output: try linear(p + "output.dense", h, config.intermediateSize),
                outputNorm: try norm(p + "output.LayerNorm"))
        }
    }

    /// The last hidden state of each sequence (`[length, hiddenSize]` row-major), computed as one
    /// padded batch: sequences shorter than the longest are padded on the right and masked out of
    /// attention, so each result equals that sequence run alone.
    ///
    /// `typeIds` defaults to zeros; `attentionMasks` (1 = attend) defaults to all ones.
    public func hiddenStates(_ ids: [[UInt32]], typeIds: [[UInt32]]? = nil, attentionMasks: [[UInt32]]? = nil) throws -> [[Float]] {
        let b = ids.count
        if b == 0 { return [] }
        let t = ids.map(\.count).max() ?? 0
        let h = config.hiddenSize
        guard t <= config.maxPositions else {
            throw TokenizerError(.invalidArgument, "a sequence of \(t) tokens is longer than the model's \(config.maxPositions) positions")
        }
        if let typeIds, typeIds.count != b || zip(typeIds, ids).contains(where: { $0.count != $1.count }) {
            throw TokenizerError(.invalidArgument, "type ids do not match the ids' shape")
        }
        if let attentionMasks, attentionMasks.count != b || zip(attentionMasks, ids).contains(where: { $0.count != $1.count }) {
            throw TokenizerError(.invalidArgument, "attention masks do not match the ids' shape")
        }
        if t == 0 { return ids.map { _ in [] } }
        // mask[s*t + j] = 1 when token j of sequence s may be attended to.
        var mask = [Float](repeating: 0, count: b * t)
        var x = [Float](repeating: 0, count: b * t * h)
        for s in 0..<b {
            for j in 0..<ids[s].count {
                let id = Int(ids[s][j])
                guard id < config.vocabSize else {
                    throw TokenizerError(.invalidArgument, "token id \(id) is outside the model's vocabulary of \(config.vocabSize)")
                }
                let type = Int(typeIds?[s][j] ?? 0)
                guard type < config.typeVocabSize else {
                    throw TokenizerError(.invalidArgument, "type id \(type) is outside the model's \(config.typeVocabSize) types")
                }
                mask[s * t + j] = (attentionMasks?[s][j] ?? 1) != 0 ? 1 : 0
                let row = (s * t + j) * h
                for c in 0..<h {
                    x[row + c] = wordEmbeddings[id * h + c] + positionEmbeddings[j * h + c] + tokenTypeEmbeddings[type * h + c]
                }
            }
        }
        let rows = b * t
        layerNorm(&x, rows: rows, embeddingNorm)
        for layer in layers {
            let q = apply(layer.query, x, rows: rows)
            let k = apply(layer.key, x, rows: rows)
            let v = apply(layer.value, x, rows: rows)
            let context = attention(q, k, v, mask: mask, batch: b, length: t)
            var attended = apply(layer.attentionOutput, context, rows: rows)
            add(&attended, x)
            layerNorm(&attended, rows: rows, layer.attentionNorm)
            var inner = apply(layer.intermediate, attended, rows: rows)
            activate(&inner)
            var out = apply(layer.output, inner, rows: rows)
            add(&out, attended)
            layerNorm(&out, rows: rows, layer.outputNorm)
            x = out
        }
        return (0..<b).map { s in Array(x[(s * t * h)..<((s * t + ids[s].count) * h)]) }
    }

    func apply(_ l: Linear, _ x: [Float], rows: Int) -> [Float] {
        var y = usesReferenceKernel
            ? Kernels.matmulReference(x, l.weight, m: rows, n: l.outFeatures, k: l.inFeatures)
            : Kernels.matmul(x, m: rows, l.packed)
        let n = l.outFeatures
        y.withUnsafeMutableBufferPointer { yp in
            l.bias.withUnsafeBufferPointer { bp in
                for r in 0..<rows {
                    for c in 0..<n { yp[r * n + c] += bp[c] }
                }
            }
        }
        return y
    }

    func add(_ x: inout [Float], _ y: [Float]) {
        x.withUnsafeMutableBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                for i in 0..<xp.count { xp[i] += yp[i] }
            }
        }
    }

    func layerNorm(_ x: inout [Float], rows: Int, _ norm: LayerNorm) {
        let h = config.hiddenSize
        let eps = config.layerNormEps
        x.withUnsafeMutableBufferPointer { xp in
            for r in 0..<rows {
                let row = xp.baseAddress! + r * h  // Safe: rows > 0 implies a non-empty buffer.
                var mean: Float = 0
                for c in 0..<h { mean += row[c] }
                mean /= Float(h)
                var variance: Float = 0
                for c in 0..<h { let d = row[c] - mean; variance += d * d }
                variance /= Float(h)
                let scale = 1 / (variance + eps).squareRoot()
                for c in 0..<h { row[c] = (row[c] - mean) * scale * norm.weight[c] + norm.bias[c] }
            }
        }
    }

    func activate(_ x: inout [Float]) {
        switch config.activation {
        case .gelu:
            for i in x.indices { let v = x[i]; x[i] = 0.5 * v * (1 + erff(v * 0.70710678118654752)) }
        case .geluTanh:
            for i in x.indices {
                let v = x[i]
                x[i] = 0.5 * v * (1 + tanhf(0.79788456080286536 * (v + 0.044715 * v * v * v)))
            }
        case .relu:
            for i in x.indices where x[i] < 0 { x[i] = 0 }
        }
    }

    /// Scaled dot-product attention per sequence and head; masked keys get weight 0.
    func attention(_ q: [Float], _ k: [Float], _ v: [Float], mask: [Float], batch: Int, length t: Int) -> [Float] {
        let h = config.hiddenSize, heads = config.headCount, d = config.headSize
        let scale = 1 / Float(d).squareRoot()
        var out = [Float](repeating: 0, count: batch * t * h)
        var scores = [Float](repeating: 0, count: t)
        q.withUnsafeBufferPointer { qp in
        k.withUnsafeBufferPointer { kp in
        v.withUnsafeBufferPointer { vp in
        out.withUnsafeMutableBufferPointer { op in
            for s in 0..<batch {
                for head in 0..<heads {
                    let off = head * d
                    for i in 0..<t {
                        let qi = (s * t + i) * h + off
                        var maxScore = -Float.infinity
                        for j in 0..<t where mask[s * t + j] != 0 {
                            let kj = (s * t + j) * h + off
                            var dot: Float = 0
                            for c in 0..<d { dot += qp[qi + c] * kp[kj + c] }
                            scores[j] = dot * scale
                            maxScore = Swift.max(maxScore, scores[j])
                        }
                        var total: Float = 0
                        for j in 0..<t {
                            if mask[s * t + j] != 0 {
                                scores[j] = expf(scores[j] - maxScore)
                                total += scores[j]
                            } else {
                                scores[j] = 0
                            }
                        }
                        if total == 0 { continue }  // nothing to attend to: the context stays zero
                        let inv = 1 / total
                        let oi = (s * t + i) * h + off
                        for j in 0..<t where scores[j] != 0 {
                            let w = scores[j] * inv
                            let vj = (s * t + j) * h + off
                            for c in 0..<d { op[oi + c] += w * vp[vj + c] }
                        }
                    }
                }
            }
        }}}}
        return out
    }
}
