extension Normalizers {
    /// Unicode normalization form NFKC, with `tokenizers`' Unicode data and alignments.
    public struct NFKC: Sendable, Equatable {
        /// A NFKC normalizer.
        public init() {}

        /// Reads `{"type": "NFKC"}`.
        public init(json fields: JSONFields) throws {}

        /// The tokenizer.json object of this normalizer.
        public var json: JSON { .object(JSONObject([("type", .string("NFKC"))])) }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            text.normalizeLikeReference(.nfkc)
        }
    }
}
