extension Normalizers {
    /// BERT's normalizer: cleans control characters and whitespace, spaces out CJK ideographs,
    /// strips accents and lowercases, with `tokenizers`' own character classes.
    public struct BertNormalizer: Sendable, Equatable {
        /// Removes control characters and maps whitespace to a space.
        public var cleanText: Bool
        /// Surrounds CJK ideographs with spaces.
        public var handleChineseChars: Bool
        /// NFD then removal of nonspacing marks; nil follows `lowercase`.
        public var stripAccents: Bool?
        /// Lowercases.
        public var lowercase: Bool

        /// A BERT normalizer (defaults as `tokenizers`).
        public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
            self.cleanText = cleanText
            self.handleChineseChars = handleChineseChars
            self.stripAccents = stripAccents
            self.lowercase = lowercase
        }

        /// Reads the tokenizer.json object; `strip_accents` may be null or absent.
        public init(json fields: JSONFields) throws {
            cleanText = try fields.bool("clean_text")
            handleChineseChars = try fields.bool("handle_chinese_chars")
            lowercase = try fields.bool("lowercase")
            if fields.value("strip_accents") != nil {
                stripAccents = try fields.bool("strip_accents")
            } else {
                stripAccents = nil
            }
        }

        /// The tokenizer.json object of this normalizer.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("BertNormalizer")), ("clean_text", .bool(cleanText)),
                ("handle_chinese_chars", .bool(handleChineseChars)),
                ("strip_accents", stripAccents.map { .bool($0) } ?? .null), ("lowercase", .bool(lowercase)),
            ]))
        }

        /// `tokenizers`' `is_chinese_char`: the CJK ideograph blocks.
        static func isChineseChar(_ c: UInt32) -> Bool {
            switch c {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
                 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
                return true
            default:
                return false
            }
        }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) {
            let strip = stripAccents ?? lowercase
            if text.isASCII && asciiFastPath(&text) { return }
            if cleanText {
                text.filter { NormalizerTables.flags($0) & NormalizerTables.bertRemove == 0 }
                text.map { NormalizerTables.flags($0) & NormalizerTables.whitespace != 0 ? 0x20 : $0 }
            }
            if handleChineseChars { spaceChineseChars(&text) }
            if strip {
                text.normalizeLikeReference(.nfd)
                text.filter { NormalizerTables.flags($0) & NormalizerTables.bertNonspacingMark == 0 }
            }
            if lowercase { text.lowercaseLikeReference() }
        }

        /// On ASCII text without removable controls every step is a byte-for-byte map (NFD and
        /// accent stripping change nothing), which keeps alignments. False when it does not apply.
        private func asciiFastPath(_ text: inout NormalizedString) -> Bool {
            let lower = lowercase
            let clean = cleanText
            if clean {
                for b in text.normalized where (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F {
                    return false
                }
            }
            text.normalized.withUnsafeMutableBufferPointer { p in
                for i in p.indices {
                    let b = p[i]
                    if clean && (b == 0x09 || b == 0x0A || b == 0x0D) { p[i] = 0x20 }
                    if lower && b >= 0x41 && b <= 0x5A { p[i] = b | 0x20 }
                }
            }
            return true
        }

        private func spaceChineseChars(_ text: inout NormalizedString) {
            let all = text.scalars
            guard all.contains(where: Self.isChineseChar) else { return }
            var changes: NormalizedString.Changes = []
            changes.reserveCapacity(all.count + 16)
            for s in all {
                if Self.isChineseChar(s) {
                    changes.append((0x20, 0))
                    changes.append((s, 1))
                    changes.append((0x20, 1))
                } else {
                    changes.append((s, 0))
                }
            }
            text.transform(changes, initialOffset: 0)
        }
    }
}
