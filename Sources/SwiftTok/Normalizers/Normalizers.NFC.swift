extension Normalizers {
    /// Unicode normalization form NFC, with `tokenizers`' Unicode data and alignments.
    public struct NFC: Sendable, Equatable {
        /// A NFC normalizer.
        public init() {}

        /// Reads `{"type": "NFC"}`.
        public init(json fields: JSONFields) throws {}

        /// The tokenizer.json object of this normalizer.
        public var json: JSON { .object(JSONObject([("type", .string("NFC"))])) }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            text.normalizeLikeReference(.nfc)
        }
    }
}
