extension PostProcessors {
    /// BERT's `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]`, with type ids 0 for A and 1 for B.
    public struct BertProcessing: Sendable, Equatable {
        public var sep: String
        public var sepId: UInt32
        public var cls: String
        public var clsId: UInt32

        /// A processor with the given separator and classifier tokens.
        public init(sep: (String, UInt32), cls: (String, UInt32)) {
            self.sep = sep.0
            self.sepId = sep.1
            self.cls = cls.0
            self.clsId = cls.1
        }

        /// True when `f` has `sep` and `cls` as `tokenizers`' untagged reader accepts them.
        static func matchesShape(_ f: JSONFields) -> Bool {
            (try? readTokenIdPair(f, "sep")) != nil && (try? readTokenIdPair(f, "cls")) != nil
        }

        init(fields f: JSONFields) throws {
            self.init(sep: try readTokenIdPair(f, "sep"), cls: try readTokenIdPair(f, "cls"))
        }

        /// Reads a `BertProcessing` object.
        public init(json: JSON, path: String) throws {
            try self.init(fields: try JSONFields(json, path: path))
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("BertProcessing")),
                ("sep", .array([.string(sep), .int(Int64(sepId))])),
                ("cls", .array([.string(cls), .int(Int64(clsId))])),
            ]))
        }

        /// The first input becomes `[CLS] A [SEP]`, any other `B [SEP]`; overflowing parts too.
        func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
            guard addSpecialTokens else { return encodings }
            return encodings.enumerated().map { i, e in
                func wrap(_ x: Encoding) -> Encoding {
                    i == 0
                        ? x.wrapped(leading: (cls, clsId), trailing: (sep, sepId), leadingType: 0, trailingType: 0,
                                    allTypeIds: nil, sequence: 0)
                        : x.wrapped(leading: nil, trailing: (sep, sepId), leadingType: 1, trailingType: 1,
                                    allTypeIds: nil, sequence: 1)
                }
                var out = wrap(e)
                out.overflowing = e.overflowing.map(wrap)
                return out
            }
        }
    }
}
