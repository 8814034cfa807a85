extension Normalizers {
    /// Rewrites every UTF-8 byte as its GPT-2 byte-level character.
    public struct ByteLevel: Sendable, Equatable {
        /// A byte-level normalizer.
        public init() {}

        /// Reads `{"type": "ByteLevel"}`.
        public init(json fields: JSONFields) throws {}

        /// The tokenizer.json object of this normalizer.
        public var json: JSON { .object(JSONObject([("type", .string("ByteLevel"))])) }

        /// Normalizes `text` in place: a scalar's first byte replaces it, the others are inserted.
        public func normalize(_ text: inout NormalizedString) {
            if text.isEmpty { return }
            let table = ByteLevelAlphabet.scalarForByte
            var changes: NormalizedString.Changes = []
            changes.reserveCapacity(text.normalized.count)
            for b in text.normalized {
                changes.append((table[Int(b)], b & 0xC0 == 0x80 ? 1 : 0))
            }
            text.transform(changes, initialOffset: 0)
        }
    }
}
