extension Decoders {
    /// Classic BPE (subword-nmt style): the end-of-word `suffix` becomes a space, except on
    /// the last token where it is removed.
    public struct BPEDecoder: Sendable, Equatable {
        public var suffix: String

        /// A decoder with `tokenizers`' default suffix `</w>`.
        public init(suffix: String = "</w>") { self.suffix = suffix }

        init(fields f: JSONFields) throws { self.init(suffix: try f.string("suffix")) }

        /// The tokenizer.json object.
        public var json: JSON { .object(JSONObject([("type", .string("BPEDecoder")), ("suffix", .string(suffix))])) }

        func decodeChain(_ tokens: [String]) -> [String] {
            let last = tokens.count - 1
            return tokens.enumerated().map { i, t in rustReplace(t, suffix, i == last ? "" : " ") }
        }
    }
}
