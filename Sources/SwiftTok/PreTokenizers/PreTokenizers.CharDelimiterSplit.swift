extension PreTokenizers {
    /// Splits on one delimiter character, dropping it.
    public struct CharDelimiterSplit: Sendable, Equatable {
        /// The delimiter scalar.
        public var delimiter: UInt32

        /// A split on `delimiter`.
        public init(delimiter: UInt32) { self.delimiter = delimiter }

        /// Reads `{"type": "CharDelimiterSplit", "delimiter": "<one character>"}`.
        public init(json f: JSONFields) throws { delimiter = try PreTokenizers.singleScalar(f, "delimiter") }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("CharDelimiterSplit")), ("delimiter", .string(PreTokenizers.scalarString(delimiter))),
            ]))
        }

        /// Splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            let d = delimiter
            text.split { _, n in n.split(where: { $0 == d }, behavior: .removed) }
        }
    }
}
