extension Normalizers {
    /// Unicode normalization form NFKD, with `tokenizers`' Unicode data and alignments.
    public struct NFKD: Sendable, Equatable {
        /// A NFKD normalizer.
        public init() {}

        /// Reads `{"type": "NFKD"}`.
        public init(json fields: JSONFields) throws {}

        /// The tokenizer.json object of this normalizer.
        public var json: JSON { .object(JSONObject([("type", .string("NFKD"))])) }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            text.normalizeLikeReference(.nfkd)
        }
    }
}
