extension Normalizers {
    /// Removes leading and/or trailing whitespace (Rust's `char::is_whitespace`).
    public struct Strip: Sendable, Equatable {
        /// Whether leading whitespace is removed.
        public var stripLeft: Bool
        /// Whether trailing whitespace is removed.
        public var stripRight: Bool

        /// A strip normalizer for the given sides.
        public init(stripLeft: Bool = true, stripRight: Bool = true) {
            self.stripLeft = stripLeft
            self.stripRight = stripRight
        }

        /// Reads `{"type": "Strip", "strip_left": Bool, "strip_right": Bool}` (both required).
        public init(json fields: JSONFields) throws {
            stripLeft = try fields.bool("strip_left")
            stripRight = try fields.bool("strip_right")
        }

        /// The tokenizer.json object of this normalizer.
        public var json: JSON {
            .object(JSONObject([("type", .string("Strip")), ("strip_left", .bool(stripLeft)),
                                ("strip_right", .bool(stripRight))]))
        }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            if stripLeft || stripRight { text.stripLikeReference(left: stripLeft, right: stripRight) }
        }
    }
}
