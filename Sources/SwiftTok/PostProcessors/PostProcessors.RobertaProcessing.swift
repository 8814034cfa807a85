extension PostProcessors {
    /// RoBERTa's `<s> A </s>` / `<s> A </s></s> B </s>`: every type id is 0; byte-level offsets
    /// are trimmed first when `trimOffsets` is set.
    public struct RobertaProcessing: Sendable, Equatable {
        public var sep: String
        public var sepId: UInt32
        public var cls: String
        public var clsId: UInt32
        public var trimOffsets: Bool
        public var addPrefixSpace: Bool

        /// A processor with the given tokens; `tokenizers`' defaults trim offsets and add a prefix space.
        public init(sep: (String, UInt32), cls: (String, UInt32), trimOffsets: Bool = true, addPrefixSpace: Bool = true) {
            self.sep = sep.0
            self.sepId = sep.1
            self.cls = cls.0
            self.clsId = cls.1
            self.trimOffsets = trimOffsets
            self.addPrefixSpace = addPrefixSpace
        }

        /// True when `f` has all four fields `tokenizers`' untagged reader needs for Roberta.
        static func matchesShape(_ f: JSONFields) -> Bool {
            BertProcessing.matchesShape(f) && f.value("trim_offsets")?.boolValue != nil
                && f.value("add_prefix_space")?.boolValue != nil
        }

        init(fields f: JSONFields) throws {
            self.init(sep: try readTokenIdPair(f, "sep"), cls: try readTokenIdPair(f, "cls"),
                      trimOffsets: try f.bool("trim_offsets"), addPrefixSpace: try f.bool("add_prefix_space"))
        }

        /// Reads a `RobertaProcessing` object.
        public init(json: JSON, path: String) throws {
            try self.init(fields: try JSONFields(json, path: path))
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("RobertaProcessing")),
                ("sep", .array([.string(sep), .int(Int64(sepId))])),
                ("cls", .array([.string(cls), .int(Int64(clsId))])),
                ("trim_offsets", .bool(trimOffsets)),
                ("add_prefix_space", .bool(addPrefixSpace)),
            ]))
        }

        func processEncodings(_ input: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
            var encodings = input
            if trimOffsets {
                for i in encodings.indices {
                    ByteLevel.trimOffsets(&encodings[i], addPrefixSpace: addPrefixSpace)
                    for j in encodings[i].overflowing.indices {
                        ByteLevel.trimOffsets(&encodings[i].overflowing[j], addPrefixSpace: addPrefixSpace)
                    }
                }
            }
            // Only the main parts are reset here; overflowing parts get zeros when wrapped below.
            for i in encodings.indices { encodings[i].setTypeIds(0) }
            guard addSpecialTokens else { return encodings }
            return encodings.enumerated().map { i, e in
                func wrap(_ x: Encoding) -> Encoding {
                    x.wrapped(leading: i == 0 ? (cls, clsId) : (sep, sepId), trailing: (sep, sepId),
                              leadingType: 0, trailingType: 0, allTypeIds: 0, sequence: i == 0 ? 0 : 1)
                }
                var out = wrap(e)
                out.overflowing = e.overflowing.map(wrap)
                return out
            }
        }
    }
}
