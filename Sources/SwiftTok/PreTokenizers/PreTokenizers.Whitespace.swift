extension PreTokenizers {
    /// Keeps the runs of word characters and the runs of other non-space characters (the
    /// `\w+|[^\w\s]+` of Rust's `regex` crate, whose classes are Unicode's) and drops the spaces.
    public struct Whitespace: Sendable, Equatable {
        /// The pre-tokenizer (it has no settings).
        public init() {}
        /// Reads `{"type": "Whitespace"}` (other fields are ignored, as `tokenizers` does).
        public init(json f: JSONFields) throws {}
        /// The tokenizer.json object.
        public var json: JSON { .object(JSONObject([("type", .string("Whitespace"))])) }

        /// Rust `regex`'s `\w`: Alphabetic, marks, decimal digits, connector punctuation, joiners.
        @inline(__always)
        static func isWord(_ s: UInt32) -> Bool {
            if s < 0x80 {
                return (s >= 0x30 && s <= 0x39) || (s >= 0x41 && s <= 0x5A) || (s >= 0x61 && s <= 0x7A) || s == 0x5F
            }
            return ReferenceUnicode.isRustWord(s)
        }

        /// The runs as `find_matches` of the regex, inverted: word runs and symbol runs are
        /// non-matches, space runs are matches (so `.removed` drops them).
        static func matches(_ bytes: [UInt8]) -> [(range: Range<Int>, isMatch: Bool)] {
            if bytes.isEmpty { return [(0..<0, false)] }
            var result: [(range: Range<Int>, isMatch: Bool)] = []
            bytes.withUnsafeBufferPointer { p in
                var start = 0
                var kind = -1  // 0 word, 1 other, 2 space
                var i = 0
                while i < p.count {
                    let (s, n) = UTF8Text.decode(p, at: i)
                    let k = isWord(s) ? 0 : PreTokenizers.isWhitespace(s) ? 2 : 1
                    if k != kind {
                        if kind >= 0 { result.append((start..<i, kind == 2)) }
                        start = i
                        kind = k
                    }
                    i += n
                }
                result.append((start..<p.count, kind == 2))
            }
            return result
        }

        /// Splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            text.split { _, n in n.split(matches: Whitespace.matches(n.normalized), behavior: .removed) }
        }
    }

    /// Splits on Unicode whitespace, dropping it.
    public struct WhitespaceSplit: Sendable, Equatable {
        /// The pre-tokenizer (it has no settings).
        public init() {}
        /// Reads `{"type": "WhitespaceSplit"}`.
        public init(json f: JSONFields) throws {}
        /// The tokenizer.json object.
        public var json: JSON { .object(JSONObject([("type", .string("WhitespaceSplit"))])) }

        /// Splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            text.split { _, n in n.split(where: PreTokenizers.isWhitespace, behavior: .removed) }
        }
    }
}
