extension Decoders {
    /// CTC (speech models): collapses repeated tokens, drops the pad token and, with cleanup,
    /// turns the word delimiter into a space.
    public struct CTC: Sendable, Equatable {
        public var padToken: String
        public var wordDelimiterToken: String
        public var cleanup: Bool

        /// A decoder with `tokenizers`' defaults (`<pad>`, `|`, cleanup on).
        public init(padToken: String = "<pad>", wordDelimiterToken: String = "|", cleanup: Bool = true) {
            self.padToken = padToken
            self.wordDelimiterToken = wordDelimiterToken
            self.cleanup = cleanup
        }

        init(fields f: JSONFields) throws {
            self.init(padToken: try f.string("pad_token"), wordDelimiterToken: try f.string("word_delimiter_token"),
                      cleanup: try f.bool("cleanup"))
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("CTC")), ("pad_token", .string(padToken)),
                ("word_delimiter_token", .string(wordDelimiterToken)), ("cleanup", .bool(cleanup)),
            ]))
        }

        func decodeChain(_ tokens: [String]) -> [String] {
            var out: [String] = []
            var previous: String?
            for token in tokens {
                if let previous, previous.utf8.elementsEqual(token.utf8) { continue }
                previous = token
                var t = rustReplace(token, padToken, "")
                if cleanup { t = rustReplace(WordPiece.cleanup(t), wordDelimiterToken, " ") }
                if !t.isEmpty { out.append(t) }
            }
            return out
        }
    }
}
