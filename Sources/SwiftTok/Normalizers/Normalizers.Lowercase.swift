extension Normalizers {
    /// Lowercases each scalar with Rust's `char::to_lowercase` (no context: Σ is always σ).
    public struct Lowercase: Sendable, Equatable {
        /// A lowercasing normalizer.
        public init() {}

        /// Reads `{"type": "Lowercase"}`.
        public init(json fields: JSONFields) throws {}

        /// The tokenizer.json object of this normalizer.
        public var json: JSON { .object(JSONObject([("type", .string("Lowercase"))])) }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            text.lowercaseLikeReference()
        }
    }
}
