extension Normalizers {
    /// SentencePiece's compiled character map (`"type": "Precompiled"`), with `tokenizers`'
    /// semantics: text is cut into extended grapheme clusters; a cluster shorter than 6 bytes is
    /// replaced as a whole when the map has a key that is a prefix of it (the shortest such key),
    /// otherwise each of its characters is replaced by its own match, if any.
    public struct Precompiled: Sendable, Equatable {
        /// The charsmap as tokenizer.json stores it (base64).
        public let base64: String
        let map: CharsMap

        /// A normalizer from a charsmap blob.
        public init(blob: [UInt8], base64: String, path: String = "$.normalizer.precompiled_charsmap") throws {
            self.base64 = base64
            self.map = try CharsMap(blob: blob, path: path)
        }

        /// Reads `{"type": "Precompiled", "precompiled_charsmap": "<base64>"}`; like `tokenizers`,
        /// a null, empty or undecodable charsmap is an error.
        public init(json fields: JSONFields) throws {
            let text = try fields.string("precompiled_charsmap")
            let path = fields.childPath("precompiled_charsmap")
            guard let blob = Tiktoken.decodeBase64(Array(text.utf8)[...]) else {
                throw TokenizerError(.invalidField, "precompiled charsmap: not valid base64", at: path)
            }
            try self.init(blob: blob, base64: text, path: path)
        }

        /// The tokenizer.json object of this normalizer.
        public var json: JSON {
            .object(JSONObject([("type", .string("Precompiled")), ("precompiled_charsmap", .string(base64))]))
        }

        /// Appends `tokenizers`' changes for replacing `oldCount` characters by `new`: one entry
        /// per new character; when there are more new characters the last ones are insertions,
        /// when fewer the last entry (which may be an earlier character's) removes the rest.
        static func replace(_ changes: inout [(scalar: UInt32, change: Int)], oldCount: Int, new: UnsafeBufferPointer<UInt8>) {
            var newCount = 0
            var i = 0
            while i < new.count {
                let (s, len) = UTF8Text.decode(new, at: i)
                changes.append((s, 0))
                newCount += 1
                i += len
            }
            let diff = newCount - oldCount
            if diff > 0 {
                for k in (changes.count - diff)..<changes.count { changes[k].change = 1 }
            } else if diff < 0, !changes.isEmpty {
                changes[changes.count - 1].change += diff
            }
        }

        /// Normalizes `text` in place, keeping alignments.
        public func normalize(_ text: inout NormalizedString) {
            let bytes = text.normalized
            // Quick check: nothing to do when no key of the map starts at any character (a
            // grapheme match needs a key at its start; keys of replaced graphemes are < 6 bytes).
            let anyMatch = bytes.withUnsafeBufferPointer { b -> Bool in
                var i = 0
                while i < b.count {
                    let len = UTF8Text.sequenceLength(lead: b[i])
                    if map.firstMatch(UnsafeBufferPointer(rebasing: b[i..<Swift.min(i + 6, b.count)])) != nil { return true }
                    i += len
                }
                return false
            }
            guard anyMatch else { return }
            var changes: [(scalar: UInt32, change: Int)] = []
            changes.reserveCapacity(bytes.count)
            var modified = false
            map.normalized.withUnsafeBufferPointer { strings in
                bytes.withUnsafeBufferPointer { b in
                    var pos = 0
                    for grapheme in text.normalizedString {
                        let len = grapheme.utf8.count
                        let g = UnsafeBufferPointer(rebasing: b[pos..<(pos + len)])
                        defer { pos += len }
                        if len < 6, let r = map.firstMatch(g) {
                            modified = true
                            Self.replace(&changes, oldCount: grapheme.unicodeScalars.count, new: UnsafeBufferPointer(rebasing: strings[r]))
                            continue
                        }
                        var i = 0
                        while i < len {
                            let (s, n) = UTF8Text.decode(g, at: i)
                            if let r = map.firstMatch(UnsafeBufferPointer(rebasing: g[i..<(i + n)])) {
                                modified = true
                                Self.replace(&changes, oldCount: 1, new: UnsafeBufferPointer(rebasing: strings[r]))
                            } else {
                                changes.append((s, 0))
                            }
                            i += n
                        }
                    }
                }
            }
            if modified { text.transform(changes, initialOffset: 0) }
        }
    }
}
