import SwiftTok

/// The fields of a BERT `config.json` the encoder needs (Hugging Face `BertConfig` names).
public struct BertConfig: Sendable, Equatable {
    /// The feed-forward activation (`hidden_act`).
    public enum Activation: String, Sendable {
        /// The exact erf form, `0.5·x·(1 + erf(x/√2))` (`gelu`).
        case gelu
        /// The tanh approximation (`gelu_new`, `gelu_pytorch_tanh`).
        case geluTanh = "gelu_new"
        case relu
    }

    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var vocabSize: Int
    public var maxPositions: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var activation: Activation
    public var padTokenId: Int

    public var headSize: Int { hiddenSize / headCount }

    public init(hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int, vocabSize: Int,
                maxPositions: Int = 512, typeVocabSize: Int = 2, layerNormEps: Float = 1e-12,
                activation: Activation = .gelu, padTokenId: Int = 0) throws {
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.vocabSize = vocabSize
        self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.activation = activation
        self.padTokenId = padTokenId
        try validate(at: "config")
    }

    /// Reads a `config.json`; a missing or inconsistent field is an error naming it.
    public init(json: JSON, path: String = "config.json") throws {
        let f = try JSONFields(json, path: "\(path): $")
        if let type = try f.optionalString("model_type"), type != "bert" {
            throw TokenizerError(.unsupported, "model_type '\(type)' is not supported (only 'bert')", at: f.childPath("model_type"))
        }
        if let kind = try f.optionalString("position_embedding_type"), kind != "absolute" {
            throw TokenizerError(.unsupported, "position_embedding_type '\(kind)' is not supported (only 'absolute')",
                                 at: f.childPath("position_embedding_type"))
        }
        let act = try f.optionalString("hidden_act") ?? "gelu"
        switch act {
        case "gelu": activation = .gelu
        case "gelu_new", "gelu_pytorch_tanh": activation = .geluTanh
        case "relu": activation = .relu
        default: throw TokenizerError(.unsupported, "hidden_act '\(act)' is not supported", at: f.childPath("hidden_act"))
        }
        hiddenSize = try f.int("hidden_size")
        layerCount = try f.int("num_hidden_layers")
        headCount = try f.int("num_attention_heads")
        intermediateSize = try f.int("intermediate_size")
        vocabSize = try f.int("vocab_size")
        maxPositions = try f.optionalInt("max_position_embeddings") ?? 512
        typeVocabSize = try f.optionalInt("type_vocab_size") ?? 2
        layerNormEps = Float(try f.optionalDouble("layer_norm_eps") ?? 1e-12)
        padTokenId = try f.optionalInt("pad_token_id") ?? 0
        try validate(at: f.path)
    }

    /// Reads `config.json` from a file.
    public init(contentsOfFile path: String) throws {
        try self.init(json: try JSON.parse(try FileIO.read(path)), path: path)
    }

    func validate(at path: String) throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw TokenizerError(.invalidField, message, at: path) }
        }
        try check(hiddenSize > 0 && layerCount >= 0 && headCount > 0 && intermediateSize > 0, "sizes must be positive")
        try check(hiddenSize % headCount == 0, "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
        try check(vocabSize > 0 && maxPositions > 0 && typeVocabSize > 0, "vocabulary, position and type counts must be positive")
        try check(layerNormEps >= 0 && layerNormEps.isFinite, "layer_norm_eps must be a non-negative number")
    }
}
