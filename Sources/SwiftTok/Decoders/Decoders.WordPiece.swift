extension Decoders {
    /// WordPiece: joins `##` continuations to the previous token, puts a space before other
    /// tokens, and optionally cleans up tokenization spaces (" ." → ".", " n't" → "n't", ...).
    public struct WordPiece: Sendable, Equatable {
        public var prefix: String
        public var cleanup: Bool

        /// A decoder with `tokenizers`' defaults (`##`, cleanup on).
        public init(prefix: String = "##", cleanup: Bool = true) {
            self.prefix = prefix
            self.cleanup = cleanup
        }

        init(fields f: JSONFields) throws {
            self.init(prefix: try f.string("prefix"), cleanup: try f.bool("cleanup"))
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([("type", .string("WordPiece")), ("prefix", .string(prefix)), ("cleanup", .bool(cleanup))]))
        }

        func decodeChain(_ tokens: [String]) -> [String] {
            tokens.enumerated().map { i, token in
                var t = token
                if i != 0 {
                    t = t.hasPrefixBytes(prefix) ? rustReplace(t, prefix, "", limit: 1) : " " + t
                }
                return cleanup ? WordPiece.cleanup(t) : t
            }
        }

        /// `tokenizers`' `wordpiece::cleanup`, also used by CTC.
        static func cleanup(_ s: String) -> String {
            var t = s
            for (from, to) in cleanupRules { t = rustReplace(t, from, to) }
            return t
        }

        static let cleanupRules: [(String, String)] = [
            (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
            (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
        ]
    }
}

extension String {
    /// Byte-wise prefix test, as Rust's `starts_with` (Swift's `hasPrefix` compares characters).
    func hasPrefixBytes(_ prefix: String) -> Bool { utf8.starts(with: prefix.utf8) }
    /// Byte-wise suffix test, as Rust's `ends_with`.
    func hasSuffixBytes(_ suffix: String) -> Bool {
        let a = utf8, b = suffix.utf8
        return a.count >= b.count && a.suffix(b.count).elementsEqual(b)
    }
}
