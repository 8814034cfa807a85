extension Decoders {
    /// GPT-2's byte-level decoder: maps the "Ġ"-alphabet back to bytes and the bytes to text,
    /// replacing invalid UTF-8 as Rust's `String::from_utf8_lossy` does. Returns one string.
    public struct ByteLevel: Sendable, Equatable {
        /// Kept for round trips (the decoder does not use them).
        public var addPrefixSpace: Bool
        public var trimOffsets: Bool
        public var useRegex: Bool

        /// A decoder with `tokenizers`' defaults.
        public init(addPrefixSpace: Bool = true, trimOffsets: Bool = true, useRegex: Bool = true) {
            self.addPrefixSpace = addPrefixSpace
            self.trimOffsets = trimOffsets
            self.useRegex = useRegex
        }

        init(fields f: JSONFields) throws {
            let flags = try ByteLevelFlags(fields: f)
            self.init(addPrefixSpace: flags.addPrefixSpace, trimOffsets: flags.trimOffsets, useRegex: flags.useRegex)
        }

        /// The tokenizer.json object.
        public var json: JSON {
            ByteLevelFlags(addPrefixSpace: addPrefixSpace, trimOffsets: trimOffsets, useRegex: useRegex).json
        }

        /// A token whose every scalar is in the byte alphabet gives those bytes; any other token
        /// gives its own UTF-8, as `tokenizers` does.
        static func decodeChain(_ tokens: [String]) -> [String] {
            var bytes: [UInt8] = []
            for token in tokens {
                var t = token
                t.withUTF8 { p in
                    let mark = bytes.count
                    var i = 0
                    while i < p.count {
                        let (s, n) = UTF8Text.decode(p, at: i)
                        guard let b = ByteLevelAlphabet.byte(for: s) else {
                            bytes.removeSubrange(mark...)
                            bytes.append(contentsOf: p)
                            return
                        }
                        bytes.append(b)
                        i += n
                    }
                }
            }
            return [lossyString(bytes)]
        }
    }
}

/// Bytes as text, each maximal invalid UTF-8 subpart replaced by one U+FFFD, the policy of
/// Rust's `String::from_utf8_lossy` (and of Swift's own repairing decoder).
func lossyString(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: Unicode.UTF8.self)
}
