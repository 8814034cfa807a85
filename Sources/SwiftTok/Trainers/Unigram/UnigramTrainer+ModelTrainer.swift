extension Trainers.UnigramTrainer: ModelTrainer {
    /// Trains on word counts (from `WordCounter` or counts files); words are taken in UTF-8 byte
    /// order, so the result does not depend on how the counts were made or merged.
    public func train(_ counts: WordCounts, progress: TrainingProgressHandler?) throws -> TrainedModel {
        let order = (0..<counts.count).sorted { counts.words[$0].lexicographicallyPrecedes(counts.words[$1]) }
        let words = order.map { (word: counts.string(at: $0), count: counts.counts[$0]) }
        let trained = try train(words, progress: progress)
        return TrainedModel(json: trained.modelJSON, specialTokens: specialTokens, vocabSize: trained.vocab.count)
    }
}
