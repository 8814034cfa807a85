extension Models {
    /// WordLevel (tokenizer.json `"type": "WordLevel"`): each piece is one token, looked up
    /// whole, or the unknown token.
    public struct WordLevel: Sendable {
        /// Token strings ↔ ids.
        public let vocab: Vocabulary
        public let unkToken: String

        /// Builds a model from a vocabulary.
        public init(vocab: Vocabulary, unkToken: String = "<unk>") {
            self.vocab = vocab
            self.unkToken = unkToken
        }

        /// Reads a tokenizer.json WordLevel model.
        public init(json: JSON, path: String) throws {
            let f = try JSONFields(json, path: path)
            let vocab = try Vocabulary(json: try f.required("vocab"), path: f.childPath("vocab"))
            self.init(vocab: vocab, unkToken: try f.string("unk_token"))
        }

        /// The model as tokenizer.json writes it.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("WordLevel")),
                ("vocab", vocab.json),
                ("unk_token", .string(unkToken)),
            ]))
        }

        /// The one token of a piece: the piece itself, or the unknown token over all of it.
        public func tokenize(_ piece: NormalizedString) throws -> [Token] {
            try piece.normalized.withUnsafeBufferPointer { input in
                if let id = vocab.id(input) {
                    return [Token(id: id, value: piece.normalizedString, offsets: 0..<input.count)]
                }
                return [Token(id: try unkId(), value: unkToken, offsets: 0..<input.count)]
            }
        }

        /// Appends the id of the piece with UTF-8 `bytes` to `out`.
        public func encodeIds(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) throws {
            out.append(try vocab.id(bytes) ?? unkId())
        }

        func unkId() throws -> UInt32 {
            guard let id = vocab.id(unkToken) else {
                throw TokenizerError(.unknownToken, "WordLevel: unknown token '\(unkToken)' is not in the vocabulary")
            }
            return id
        }

        /// The id of `token`.
        public func tokenToId(_ token: String) -> UInt32? { vocab.id(token) }
        /// The token of `id`.
        public func idToToken(_ id: UInt32) -> String? { vocab.token(id) }
    }
}
