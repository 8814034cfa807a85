extension Decoders {
    /// Removes up to `start` leading and `stop` trailing occurrences of `content` from each token.
    public struct Strip: Sendable, Equatable {
        /// One Unicode scalar.
        public var content: Unicode.Scalar
        public var start: Int
        public var stop: Int

        /// A decoder stripping `content` (`start` times at the front, `stop` at the back).
        public init(content: Unicode.Scalar, start: Int, stop: Int) {
            self.content = content
            self.start = start
            self.stop = stop
        }

        init(fields f: JSONFields) throws {
            let start = try f.int("start"), stop = try f.int("stop")
            guard start >= 0 else { throw f.invalid("start", "expected a non-negative integer") }
            guard stop >= 0 else { throw f.invalid("stop", "expected a non-negative integer") }
            self.init(content: try readScalar(f, "content"), start: start, stop: stop)
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("Strip")), ("content", .string(String(Character(content)))),
                ("start", .int(Int64(start))), ("stop", .int(Int64(stop))),
            ]))
        }

        func decodeChain(_ tokens: [String]) throws -> [String] {
            try tokens.map { token in
                let chars = Array(token.unicodeScalars)
                var startCut = 0
                for i in 0..<Swift.min(start, chars.count) {
                    if chars[i] == content { startCut = i + 1 } else { break }
                }
                var stopCut = chars.count
                for i in 0..<stop {
                    // `tokenizers` panics (index underflow or reversed slice) in these cases.
                    guard i < chars.count else {
                        throw TokenizerError(.invalidArgument, "Strip decoder: stop (\(stop)) exceeds the token length (\(chars.count))")
                    }
                    let index = chars.count - i - 1
                    if chars[index] == content { stopCut = index } else { break }
                }
                guard startCut <= stopCut else {
                    throw TokenizerError(.invalidArgument, "Strip decoder: start and stop overlap in token \"\(token)\"")
                }
                var out = String.UnicodeScalarView()
                out.append(contentsOf: chars[startCut..<stopCut])
                return String(out)
            }
        }
    }
}
