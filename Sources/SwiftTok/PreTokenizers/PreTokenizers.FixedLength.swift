extension PreTokenizers {
    /// Cuts every piece into chunks of `length` scalars.
    public struct FixedLength: Sendable, Equatable {
        /// Scalars per chunk.
        public var length: Int

        /// A chunker (`tokenizers`' default length is 5).
        public init(length: Int = 5) { self.length = length }

        /// Reads `{"type": "FixedLength", "length"?}`; a negative length is rejected.
        public init(json f: JSONFields) throws {
            length = try f.optionalInt("length") ?? 5
            guard length >= 0 else { throw f.invalid("length", "expected a non-negative integer, found \(length)") }
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([("type", .string("FixedLength")), ("length", .int(Int64(length)))]))
        }

        /// Splits the pieces of `text` without tokens; a length of 0 fails on non-empty text (the
        /// reference panics there).
        public func preTokenize(_ text: inout PreTokenizedString) throws {
            let length = self.length
            try text.split { _, n in
                if n.normalized.isEmpty { return [] }
                guard length > 0 else {
                    throw TokenizerError(.invalidArgument, "FixedLength pre-tokenizer length must be greater than 0")
                }
                var pieces: [NormalizedString] = []
                var start = 0
                var count = 0
                var i = 0
                let bytes = n.normalized
                while i < bytes.count {
                    i += Swift.min(UTF8Text.sequenceLength(lead: bytes[i]), bytes.count - i)
                    count += 1
                    if count == length || i == bytes.count {
                        if let s = n.slice(normalized: start..<i) { pieces.append(s) }
                        start = i
                        count = 0
                    }
                }
                return pieces
            }
        }
    }
}
