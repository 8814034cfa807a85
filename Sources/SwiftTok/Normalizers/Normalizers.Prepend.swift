extension Normalizers {
    /// Prepends a fixed string to non-empty text (aligned with the first character).
    public struct Prepend: Sendable, Equatable {
        /// The text prepended.
        public var prepend: String

        /// A normalizer prepending `prepend`.
        public init(_ prepend: String) { self.prepend = prepend }

        /// Reads `{"type": "Prepend", "prepend": String}`.
        public init(json fields: JSONFields) throws {
            prepend = try fields.string("prepend")
        }

        /// The tokenizer.json object of this normalizer.
        public var json: JSON {
            .object(JSONObject([("type", .string("Prepend")), ("prepend", .string(prepend))]))
        }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            if !text.isEmpty { text.prepend(Array(prepend.utf8)) }
        }
    }
}
