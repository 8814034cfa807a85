extension PostProcessors {
    /// GPT-2's byte-level post-processor: trims the offsets of tokens that start or end with
    /// "Ġ" (the space byte) or whitespace, so they cover the word only. Adds no tokens.
    public struct ByteLevel: Sendable, Equatable {
        public var addPrefixSpace: Bool
        public var trimOffsets: Bool
        /// Kept for round trips; the post-processor does not use it.
        public var useRegex: Bool

        /// A processor with `tokenizers`' defaults (all true).
        public init(addPrefixSpace: Bool = true, trimOffsets: Bool = true, useRegex: Bool = true) {
            self.addPrefixSpace = addPrefixSpace
            self.trimOffsets = trimOffsets
            self.useRegex = useRegex
        }

        init(fields f: JSONFields) throws {
            let flags = try ByteLevelFlags(fields: f)
            self.init(addPrefixSpace: flags.addPrefixSpace, trimOffsets: flags.trimOffsets, useRegex: flags.useRegex)
        }

        /// Reads a `ByteLevel` post-processor object.
        public init(json: JSON, path: String) throws {
            try self.init(fields: try JSONFields(json, path: path))
        }

        /// The tokenizer.json object.
        public var json: JSON {
            ByteLevelFlags(addPrefixSpace: addPrefixSpace, trimOffsets: trimOffsets, useRegex: useRegex).json
        }

        func processEncodings(_ input: [Encoding]) -> [Encoding] {
            var encodings = input
            if trimOffsets {
                for i in encodings.indices {
                    ByteLevel.trimOffsets(&encodings[i], addPrefixSpace: addPrefixSpace)
                    for j in encodings[i].overflowing.indices {
                        ByteLevel.trimOffsets(&encodings[i].overflowing[j], addPrefixSpace: addPrefixSpace)
                    }
                }
            }
            for i in encodings.indices { encodings[i].setSequenceId(i) }
            return encodings
        }

        /// `tokenizers`' `process_offsets`: moves each token's start past its leading spaces and its
        /// end before its trailing spaces. With scalar offsets (what tokenizers' Python API gives)
        /// it counts scalars, as tokenizers does; with UTF-8 byte offsets it moves by the bytes
        /// those scalars stand for ("Ġ" is one space byte), so byte offsets name the same spans.
        /// One leading space of a first token is kept when `addPrefixSpace`, because the
        /// pre-tokenizer added it and it maps to no input.
        static func trimOffsets(_ encoding: inout Encoding, addPrefixSpace: Bool) {
            let bytes = encoding.offsetUnit == .byte
            for i in encoding.tokens.indices where i < encoding.offsets.count {
                var token = encoding.tokens[i]
                let runs = token.withUTF8 { spaceRuns($0) }
                if runs.leading == 0 && runs.trailing == 0 { continue }
                var (start, end) = encoding.offsets[i]
                var leading = bytes ? runs.leadingBytes : runs.leading
                let trailing = bytes ? runs.trailingBytes : runs.trailing
                if leading > 0 {
                    let isFirst = i == 0 || start == 0
                    if isFirst && addPrefixSpace && runs.leading == 1 { leading = 0 }
                    start = Swift.min(start + leading, end)
                }
                if trailing > 0 && end >= trailing {
                    end = Swift.max(end - trailing, start)
                }
                encoding.offsets[i] = (start, end)
            }
        }

        /// Scalars at the start and at the end of `bytes` that are "Ġ" or Unicode white space, and
        /// the input bytes they stand for ("Ġ" stands for one space byte).
        static func spaceRuns(_ bytes: UnsafeBufferPointer<UInt8>) -> (leading: Int, trailing: Int, leadingBytes: Int, trailingBytes: Int) {
            @inline(__always) func isSpace(_ s: UInt32) -> Bool { s == 0x120 || UnicodeProperties.isWhitespace(s) }
            var leading = 0
            var leadingBytes = 0
            var i = 0
            while i < bytes.count {
                let (s, n) = UTF8Text.decode(bytes, at: i)
                if !isSpace(s) { break }
                leading += 1
                leadingBytes += s == 0x120 ? 1 : n
                i += n
            }
            var trailing = 0
            var trailingBytes = 0
            var end = bytes.count
            while end > 0 {
                var start = end - 1
                while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
                let (s, n) = UTF8Text.decode(bytes, at: start)
                if !isSpace(s) { break }
                trailing += 1
                trailingBytes += s == 0x120 ? 1 : n
                end = start
            }
            return (leading, trailing, leadingBytes, trailingBytes)
        }
    }
}
