extension PreTokenizers {
    /// Splits numeric characters (Rust's `char::is_numeric`: Nd, Nl, No) from the rest: each
    /// alone, or runs of them together.
    public struct Digits: Sendable, Equatable {
        /// One piece per digit instead of one per run.
        public var individualDigits: Bool

        /// A digit split.
        public init(individualDigits: Bool = false) { self.individualDigits = individualDigits }

        /// Reads `{"type": "Digits", "individual_digits"}`.
        public init(json f: JSONFields) throws { individualDigits = try f.bool("individual_digits") }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([("type", .string("Digits")), ("individual_digits", .bool(individualDigits))]))
        }

        /// Splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            let behavior: SplitDelimiterBehavior = individualDigits ? .isolated : .contiguous
            text.split { _, n in n.split(where: ReferenceUnicode.isNumber, behavior: behavior) }
        }
    }
}
