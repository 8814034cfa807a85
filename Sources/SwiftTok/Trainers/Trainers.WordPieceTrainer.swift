extension Trainers {
    /// Trains a WordPiece model as `tokenizers`' `WordPieceTrainer` does: a BPE training with
    /// `continuing_subword_prefix` (`##`), whose vocabulary (same ids) becomes the WordPiece vocabulary.
    public struct WordPieceTrainer: ModelTrainer {
        /// The BPE training underneath (its `continuingSubwordPrefix` is WordPiece's prefix).
        public var bpe: BpeTrainer
        /// The model's unknown token (not added to the vocabulary unless it is a special token).
        public var unkToken: String
        public var maxInputCharsPerWord: Int

        public init(vocabSize: Int = 30000, minFrequency: UInt64 = 0, specialTokens: [String] = [],
                    limitAlphabet: Int? = nil, initialAlphabet: [Unicode.Scalar] = [],
                    continuingSubwordPrefix: String = "##", endOfWordSuffix: String? = nil,
                    unkToken: String = "[UNK]", maxInputCharsPerWord: Int = 100, symbolOrder: [String] = []) {
            bpe = BpeTrainer(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specialTokens,
                             limitAlphabet: limitAlphabet, initialAlphabet: initialAlphabet,
                             continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix,
                             symbolOrder: symbolOrder)
            self.unkToken = unkToken
            self.maxInputCharsPerWord = maxInputCharsPerWord
        }

        public func train(_ counts: WordCounts, progress: TrainingProgressHandler?) throws -> TrainedModel {
            let r = try bpe.trainVocabulary(counts, progress: progress)
            let vocab = Models.Vocabulary(r.tokens.enumerated().map { (String(decoding: $1, as: Unicode.UTF8.self), UInt32($0)) })
            let model = Models.WordPiece(vocab: vocab, unkToken: unkToken,
                                         continuingSubwordPrefix: bpe.continuingSubwordPrefix ?? "##",
                                         maxInputCharsPerWord: maxInputCharsPerWord)
            return TrainedModel(json: model.json, specialTokens: bpe.specialTokens, vocabSize: r.tokens.count)
        }
    }

    /// Trains a WordLevel model as `tokenizers`' `WordLevelTrainer` does: the special tokens, then
    /// the words seen at least `minFrequency` times by descending count (ties in byte order), up to
    /// `vocabSize` entries in all.
    public struct WordLevelTrainer: ModelTrainer {
        public var vocabSize: Int
        public var minFrequency: UInt64
        public var specialTokens: [String]
        public var unkToken: String

        public init(vocabSize: Int = 30000, minFrequency: UInt64 = 0, specialTokens: [String] = [], unkToken: String = "<unk>") {
            self.vocabSize = vocabSize
            self.minFrequency = minFrequency
            self.specialTokens = specialTokens
            self.unkToken = unkToken
        }

        /// The vocabulary as (token, id); a word equal to a special token takes the later id, as
        /// `tokenizers`' map building does.
        public func vocabulary(_ counts: WordCounts) -> [(String, UInt32)] {
            let order = (0..<counts.count).filter { counts.counts[$0] >= minFrequency }.sorted { a, b in
                let ca = counts.counts[a], cb = counts.counts[b]
                return ca != cb ? ca > cb : counts.words[a].lexicographicallyPrecedes(counts.words[b])
            }
            var entries: [String] = specialTokens
            for i in order {
                if entries.count >= vocabSize { break }
                entries.append(counts.string(at: i))
            }
            if entries.count > Swift.max(0, vocabSize) { entries.removeLast(entries.count - Swift.max(0, vocabSize)) }
            var idOf: [ExactString: UInt32] = [:]
            for (i, t) in entries.enumerated() { idOf[ExactString(t)] = UInt32(i) }
            return idOf.map { ($0.key.string, $0.value) }.sorted { $0.1 < $1.1 }
        }

        public func train(_ counts: WordCounts, progress: TrainingProgressHandler?) throws -> TrainedModel {
            let entries = vocabulary(counts)
            let model = Models.WordLevel(vocab: Models.Vocabulary(entries), unkToken: unkToken)
            return TrainedModel(json: model.json, specialTokens: specialTokens, vocabSize: entries.count)
        }
    }
}
