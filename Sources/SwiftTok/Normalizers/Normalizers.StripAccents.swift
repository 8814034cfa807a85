extension Normalizers {
    /// Removes combining marks (general category M in `tokenizers`' Unicode 9 tables); usually
    /// placed after NFD or NFKD.
    public struct StripAccents: Sendable, Equatable {
        /// An accent-stripping normalizer.
        public init() {}

        /// Reads `{"type": "StripAccents"}`.
        public init(json fields: JSONFields) throws {}

        /// The tokenizer.json object of this normalizer.
        public var json: JSON { .object(JSONObject([("type", .string("StripAccents"))])) }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            if text.isASCII { return }
            text.filter { NormalizerTables.flags($0) & NormalizerTables.combiningMark == 0 }
        }
    }
}
