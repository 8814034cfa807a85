extension PreTokenizers {
    /// GPT-2's byte-level pre-tokenizer: optionally adds a leading space, splits with the GPT-2
    /// pattern, then rewrites every byte as its `ByteLevelAlphabet` scalar.
    public struct ByteLevel: Sendable, Equatable {
        /// The pattern GPT-2 splits with (hard-wired in `tokenizers`).
        public static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

        /// Prepend a space to a piece that does not start with one.
        public var addPrefixSpace: Bool
        /// Used by the post-processor and decoder halves; kept for the JSON round trip.
        public var trimOffsets: Bool
        /// Split with the GPT-2 pattern (off when an earlier `Split` already did).
        public var useRegex: Bool

        /// A byte-level pre-tokenizer with `tokenizers`' defaults (all true).
        public init(addPrefixSpace: Bool = true, trimOffsets: Bool = true, useRegex: Bool = true) {
            self.addPrefixSpace = addPrefixSpace
            self.trimOffsets = trimOffsets
            self.useRegex = useRegex
        }

        /// Reads `{"type": "ByteLevel", "add_prefix_space", "trim_offsets", "use_regex"?}`.
        public init(json f: JSONFields) throws {
            let flags = try ByteLevelFlags(fields: f)
            self.init(addPrefixSpace: flags.addPrefixSpace, trimOffsets: flags.trimOffsets, useRegex: flags.useRegex)
        }

        /// The tokenizer.json object.
        public var json: JSON {
            ByteLevelFlags(addPrefixSpace: addPrefixSpace, trimOffsets: trimOffsets, useRegex: useRegex).json
        }

        /// The known scanner equal to the split this component does, if it splits at all.
        public var scanner: KnownScanner? { useRegex ? .gpt2 : nil }

        /// Splits and byte-maps the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            text.split { _, piece in
                var n = piece
                if addPrefixSpace && n.normalized.first != 0x20 { n.prepend([0x20]) }
                guard useRegex else { return [n] }
                // The GPT-2 scanner equals the pattern (ScannerTests prove it against PCRE2 and
                // the reference).
                return n.split(matches: n.normalized.withUnsafeBufferPointer { KnownScanner.gpt2.findMatches(in: $0) }, behavior: .isolated)
            }
            text.normalize { ByteLevel.mapBytes(&$0) }
        }

        /// Rewrites every byte of `n.normalized` as its alphabet scalar. Alignments are those of
        /// `transform` with change 0 for a scalar's first byte and +1 for the others.
        static func mapBytes(_ n: inout NormalizedString) {
            let old = n.normalized
            let oldAlignments = n.alignments
            var bytes: [UInt8] = []
            var alignments: [NormalizedString.Alignment] = []
            bytes.reserveCapacity(old.count * 2)
            alignments.reserveCapacity(old.count * 2)
            let table = ByteLevelAlphabet.utf8ForByte
            var i = 0
            while i < old.count {
                let length = Swift.min(UTF8Text.sequenceLength(lead: old[i]), old.count - i)
                for k in 0..<length {
                    // A scalar's first byte replaces it; the others are insertions, aligned
                    // with the byte before them.
                    let a = k == 0 ? oldAlignments[i] : oldAlignments[i + length - 1]
                    let encoded = table[Int(old[i + k])]
                    bytes.append(contentsOf: encoded)
                    for _ in 0..<encoded.count { alignments.append(a) }
                }
                i += length
            }
            n.normalized = bytes
            n.alignments = alignments
        }
    }
}
