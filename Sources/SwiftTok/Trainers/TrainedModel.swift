/// What a trainer produces: the model (its tokenizer.json object) and the special tokens to add
/// to the tokenizer, as `tokenizers`' `Trainer::train` returns them.
public struct TrainedModel: Sendable {
    /// The model object of tokenizer.json (`"type": "BPE"`, `"WordPiece"`, `"WordLevel"`, `"Unigram"`).
    public var json: JSON
    /// The special tokens, in order (added to the tokenizer as special added tokens).
    public var specialTokens: [String]
    /// Vocabulary size of the model.
    public var vocabSize: Int

    public init(json: JSON, specialTokens: [String], vocabSize: Int) {
        self.json = json
        self.specialTokens = specialTokens
        self.vocabSize = vocabSize
    }
}

/// A trainer: word counts in, a model out. The Unigram trainer (Trainers/Unigram) conforms too.
public protocol ModelTrainer: Sendable {
    func train(_ counts: WordCounts, progress: TrainingProgressHandler?) throws -> TrainedModel
}
