extension Normalizers {
    /// Unicode normalization form NFD, with `tokenizers`' Unicode data and alignments.
    public struct NFD: Sendable, Equatable {
        /// A NFD normalizer.
        public init() {}

        /// Reads `{"type": "NFD"}`.
        public init(json fields: JSONFields) throws {}

        /// The tokenizer.json object of this normalizer.
        public var json: JSON { .object(JSONObject([("type", .string("NFD"))])) }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            text.normalizeLikeReference(.nfd)
        }
    }
}
