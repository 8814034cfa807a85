extension Tokenizer {
    /// A tokenizer that encodes and decodes as `sentencepiece` does with this model. The model
    /// stage holds the pieces as a vocabulary (for `tokenToId`, `idToToken`, `vocabSize`); the
    /// other stages are unused.
    public init(sentencePiece: SentencePiece) {
        let entries = (0..<sentencePiece.pieceCount).map { (sentencePiece.pieceStrings[$0], UInt32($0)) }
        let unk = sentencePiece.pieceStrings[Int(sentencePiece.unkId)]
        self.init(model: .wordLevel(Models.WordLevel(vocab: Models.Vocabulary(entries), unkToken: unk)))
        self.sentencePiece = sentencePiece
    }

    /// Ids through the `.model` pipeline, or nil when this is not one (or truncation/padding apply).
    func sentencePieceIds(_ bytes: [UInt8], scratch: inout SentencePiece.Scratch) throws -> [UInt32]? {
        guard let sp = sentencePiece, truncation == nil, padding == nil else { return nil }
        try Tokenizer.validateUTF8(bytes)
        var ids: [UInt32] = []
        ids.reserveCapacity(bytes.count / 3 + 4)
        try bytes.withUnsafeBufferPointer { try sp.encodeIds($0, into: &ids, scratch: &scratch) }
        return ids
    }
}

extension SentencePiece {
    /// Why `save` refuses a `.model` pipeline.
    static let saveRefusal = TokenizerError(.unsupported,
        "a SentencePiece .model cannot be saved as tokenizer.json: no tokenizer.json pipeline reproduces sentencepiece's normalizer and segmentation exactly (tokenizers' converted files disagree with sentencepiece on many inputs); use the .model file itself")

    /// The encoding of one sequence (word ids are 0: spm has no pre-tokens).
    func encoding(_ bytes: [UInt8], typeId: UInt32, offsets: OffsetType) throws -> Encoding {
        try encoding(of: encode(bytes), bytes: bytes, typeId: typeId, offsets: offsets)
    }
}

extension CharOffsetConverter {
    /// The number of scalars before byte offset `b` (a character boundary or the end).
    func scalarIndex(_ b: Int) -> Int {
        if b < map.count { return Int(map[b]) }
        return map.isEmpty ? 0 : Int(map[map.count - 1]) + 1
    }
}
