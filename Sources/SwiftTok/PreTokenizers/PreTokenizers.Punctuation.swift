extension PreTokenizers {
    /// Splits on each punctuation character (ASCII punctuation or Unicode P*).
    public struct Punctuation: Sendable, Equatable {
        /// What happens to the punctuation.
        public var behavior: SplitDelimiterBehavior

        /// A punctuation split (`tokenizers`' default behavior is `.isolated`).
        public init(behavior: SplitDelimiterBehavior = .isolated) { self.behavior = behavior }

        /// Reads `{"type": "Punctuation", "behavior"?}`.
        public init(json f: JSONFields) throws {
            behavior = f.value("behavior") == nil ? .isolated : try PreTokenizers.behavior(f, "behavior")
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([("type", .string("Punctuation")), ("behavior", .string(behavior.rawValue))]))
        }

        /// Splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            text.split { _, n in n.split(where: PreTokenizers.isBertPunctuation, behavior: behavior) }
        }
    }
}
