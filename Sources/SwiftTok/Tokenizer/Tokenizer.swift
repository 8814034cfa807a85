/// A complete tokenizer: normalizer → pre-tokenizer → model → post-processor, plus a decoder,
/// added tokens, truncation and padding. Immutable once built and safe to share across threads.
public struct Tokenizer: Sendable {
    public var normalizer: Normalizer? { didSet { refreshFastPath() } }
    public var preTokenizer: PreTokenizer? { didSet { refreshFastPath() } }
    public var model: Model { didSet { refreshFastPath() } }
    public var postProcessor: PostProcessor?
    public var decoder: TokenDecoder?
    public var addedVocabulary: AddedVocabulary { didSet { refreshFastPath() } }
    public var truncation: TruncationParams?
    public var padding: PaddingParams?
    /// The optimized ids-only encoder for this configuration, if one applies.
    private(set) var fastPath: FastPath?
    /// Warm caches for the fast path, shared by copies of this tokenizer.
    private(set) var scratchPool = ScratchPool()
    /// Set to false to force the general pipeline everywhere (for differential tests).
    public var allowsFastPath = true { didSet { refreshFastPath() } }
    /// A SentencePiece `.model` pipeline: when set, it replaces normalizer, pre-tokenizer, model and decoder.
    public internal(set) var sentencePiece: SentencePiece? = nil

    mutating func refreshFastPath() {
        fastPath = allowsFastPath ? FastPath.make(for: self) : nil
        scratchPool = ScratchPool()
        if let normalizer, normalizer.readsUnicodeTables { NormalizerTables.prepare() }
    }

    public init(model: Model, normalizer: Normalizer? = nil, preTokenizer: PreTokenizer? = nil,
                postProcessor: PostProcessor? = nil, decoder: TokenDecoder? = nil,
                addedVocabulary: AddedVocabulary = AddedVocabulary(),
                truncation: TruncationParams? = nil, padding: PaddingParams? = nil) {
        self.model = model
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        self.decoder = decoder
        self.addedVocabulary = addedVocabulary
        self.truncation = truncation
        self.padding = padding
        refreshFastPath()
    }

    // MARK: Vocabulary

    /// The id of `token`, looking at added tokens first, as `tokenizers` does.
    public func tokenToId(_ token: String) -> UInt32? {
        addedVocabulary.tokenToId(token) ?? model.tokenToId(token)
    }

    /// The token of `id`, looking at added tokens first.
    public func idToToken(_ id: UInt32) -> String? {
        addedVocabulary.idToToken(id) ?? model.idToToken(id)
    }

    /// The vocabulary size, with added tokens (`get_vocab_size(with_added_tokens=True)`).
    public var vocabSize: Int { addedVocabulary.vocabSize(model: model) }

    // MARK: Encoding

    /// Encodes `text` (and an optional `pair`); offsets are UTF-8 byte offsets unless `.char` is asked.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true,
                       offsets: OffsetType = .byte) throws -> Encoding {
        try encode(bytes: Array(text.utf8), pair: pair.map { Array($0.utf8) },
                   addSpecialTokens: addSpecialTokens, offsets: offsets)
    }

    /// Encodes UTF-8 bytes; invalid UTF-8 is an error (`.invalidUTF8`) that names the byte offset.
    public func encode(bytes: [UInt8], pair: [UInt8]? = nil, addSpecialTokens: Bool = true,
                       offsets: OffsetType = .byte) throws -> Encoding {
        try Tokenizer.validateUTF8(bytes)
        if let pair { try Tokenizer.validateUTF8(pair) }
        var first = try encodeSequence(bytes, typeId: 0, offsets: offsets)
        var second = try pair.map { try encodeSequence($0, typeId: 1, offsets: offsets) }
        return try postProcess(&first, &second, addSpecialTokens: addSpecialTokens)
    }

    /// Throws `.invalidUTF8` naming the first bad byte.
    static func validateUTF8(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try validateUTF8($0) }
    }

    /// Throws `.invalidUTF8` naming the first bad byte.
    static func validateUTF8(_ text: UnsafeBufferPointer<UInt8>) throws {
        if let bad = UTF8Text.firstInvalid(text) {
            throw TokenizerError(.invalidUTF8, "input is not valid UTF-8 (at byte \(bad))")
        }
    }

    /// One sequence through added tokens, normalizer, pre-tokenizer and model.
    func encodeSequence(_ bytes: [UInt8], typeId: UInt32, offsets: OffsetType) throws -> Encoding {
        if let sentencePiece { return try sentencePiece.encoding(bytes, typeId: typeId, offsets: offsets) }
        var p = try addedVocabulary.extractAndNormalize(bytes, normalizer: normalizer)
        if let preTokenizer { try preTokenizer.preTokenize(&p) }
        try p.tokenize { try model.tokenize($0) }
        return try p.encoding(typeId: typeId, offsets: offsets)
    }

    /// Truncation, post-processing and padding, as `tokenizers`' `post_process`.
    func postProcess(_ encoding: inout Encoding, _ pair: inout Encoding?, addSpecialTokens: Bool) throws -> Encoding {
        if var t = truncation {
            let added = postProcessor?.addedTokenCount(isPair: pair != nil) ?? 0
            if addSpecialTokens && added > 0 { t.maxLength = Swift.max(0, t.maxLength - added) }
            try t.truncate(&encoding, &pair)
        }
        var result: Encoding
        if let postProcessor {
            result = try postProcessor.process(encoding, pair: pair, addSpecialTokens: addSpecialTokens)
        } else {
            result = PostProcessor.defaultProcess(encoding, pair: pair)
        }
        if let padding {
            var one = [result]
            padding.pad(&one)
            result = one[0]
        }
        return result
    }

    // MARK: Decoding

    /// The text of `ids`; unknown ids are skipped, as in `tokenizers`.
    public func decode(_ ids: [UInt32], skipSpecialTokens: Bool = true) throws -> String {
        if let sentencePiece { return try sentencePiece.decode(ids) }
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            guard let t = idToToken(id) else { continue }
            if skipSpecialTokens && addedVocabulary.isSpecial(t) { continue }
            tokens.append(t)
        }
        if let decoder { return try decoder.decode(tokens) }
        return tokens.joined(separator: " ")
    }
}
