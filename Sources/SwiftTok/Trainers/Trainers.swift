/// Namespace for the trainers, named as `tokenizers`' trainer types (`BpeTrainer`, `WordPieceTrainer`,
/// `WordLevelTrainer`, `UnigramTrainer`).
///
/// Training goes in two steps, as in `tokenizers`: the corpus is counted into `WordCounts` (each
/// sequence through the tokenizer's own normalizer and pre-tokenizer, exactly as `Tokenizer.train`
/// feeds its trainers), then a trainer turns the counts into a model. Counts are mergeable: the sum
/// of the counts of shards trains exactly like the counts of their concatenation.
public enum Trainers {}

/// Where a training run is, for progress bars and logs.
public struct TrainingProgress: Sendable {
    /// The phase, such as "count", "merge", "prune".
    public var phase: String
    /// Work done in this phase (bytes read, merges made, ...).
    public var done: Int
    /// Total work of this phase, or 0 when unknown.
    public var total: Int

    public init(phase: String, done: Int, total: Int) {
        self.phase = phase
        self.done = done
        self.total = total
    }
}

/// Receives progress reports; called from the training thread, often (throttle in the callee).
public typealias TrainingProgressHandler = @Sendable (TrainingProgress) -> Void
