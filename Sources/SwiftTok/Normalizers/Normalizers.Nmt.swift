extension Normalizers {
    /// The NMT cleanup of SentencePiece: drops ASCII control characters and maps other
    /// separators to a space.
    public struct Nmt: Sendable, Equatable {
        /// An NMT normalizer.
        public init() {}

        /// Reads `{"type": "Nmt"}`.
        public init(json fields: JSONFields) throws {}

        /// The tokenizer.json object of this normalizer.
        public var json: JSON { .object(JSONObject([("type", .string("Nmt"))])) }

        static func isRemoved(_ c: UInt32) -> Bool {
            switch c {
            case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0x8F, 0x9F: return true
            default: return false
            }
        }

        static func mapped(_ c: UInt32) -> UInt32 {
            switch c {
            case 0x09, 0x0A, 0x0C, 0x0D, 0x1680, 0x200B...0x200F, 0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD: return 0x20
            default: return c
            }
        }

        /// Normalizes `text` in place (a filter, then a map, as the reference does).
        public func normalize(_ text: inout NormalizedString) {
            text.filter { !Self.isRemoved($0) }
            text.map(Self.mapped)
        }
    }
}
