extension PreTokenizers {
    /// BERT's pre-tokenizer: splits on whitespace (dropped), then isolates each punctuation
    /// character (ASCII punctuation or Unicode P*).
    public struct BertPreTokenizer: Sendable, Equatable {
        /// The pre-tokenizer (it has no settings).
        public init() {}
        /// Reads `{"type": "BertPreTokenizer"}`.
        public init(json f: JSONFields) throws {}
        /// The tokenizer.json object.
        public var json: JSON { .object(JSONObject([("type", .string("BertPreTokenizer"))])) }

        /// Splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            text.split { _, n in n.split(where: PreTokenizers.isWhitespace, behavior: .removed) }
            text.split { _, n in n.split(where: PreTokenizers.isBertPunctuation, behavior: .isolated) }
        }
    }
}
