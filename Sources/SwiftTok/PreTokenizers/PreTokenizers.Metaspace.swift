extension PreTokenizers {
    /// SentencePiece-style spaces: replaces every space with `replacement` ("▁"), may prepend
    /// one, then may split so each piece starts with the replacement.
    public struct Metaspace: Sendable, Equatable {
        /// When a replacement is prepended to a piece.
        public enum PrependScheme: String, Sendable, CaseIterable {
            /// Never.
            case never
            /// To the piece at the start of the input only.
            case first
            /// To every piece.
            case always
        }

        /// The scalar that stands for a space.
        public var replacement: UInt32
        /// When to prepend `replacement`.
        public var prependScheme: PrependScheme
        /// Split before each replacement.
        public var split: Bool

        /// A metaspace pre-tokenizer with `tokenizers`' defaults.
        public init(replacement: UInt32 = 0x2581, prependScheme: PrependScheme = .always, split: Bool = true) {
            self.replacement = replacement
            self.prependScheme = prependScheme
            self.split = split
        }

        /// Reads `{"type": "Metaspace", "replacement", "prepend_scheme"?, "split"?}` and the
        /// legacy `add_prefix_space` (true: always; false is only valid with "never").
        public init(json f: JSONFields) throws {
            replacement = try PreTokenizers.singleScalar(f, "replacement")
            if let s = try f.optionalString("prepend_scheme") {
                guard let p = PrependScheme(rawValue: s) else {
                    throw f.invalid("prepend_scheme", "unknown prepend scheme '\(s)' (expected first, never or always)")
                }
                prependScheme = p
            } else {
                prependScheme = .always
            }
            if f.value("add_prefix_space") != nil {
                let add = try f.bool("add_prefix_space")
                if !add && prependScheme != .never {
                    throw f.invalid("add_prefix_space", "add_prefix_space does not match declared prepend_scheme")
                }
            }
            split = try f.bool("split", default: true)
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("Metaspace")), ("replacement", .string(PreTokenizers.scalarString(replacement))),
                ("prepend_scheme", .string(prependScheme.rawValue)), ("split", .bool(split)),
            ]))
        }

        /// Rewrites and splits the pieces of `text` without tokens.
        public func preTokenize(_ text: inout PreTokenizedString) {
            var rep: [UInt8] = []
            UTF8Text.appendScalar(replacement, to: &rep)
            let replacement = self.replacement
            text.split { _, piece in
                var n = piece
                Metaspace.replaceSpaces(&n, with: rep)
                let startsWithReplacement = n.normalized.starts(with: rep)
                switch prependScheme {
                case .always where !startsWithReplacement: n.prepend(rep)
                case .first where !startsWithReplacement && n.originalShift == 0: n.prepend(rep)
                default: break
                }
                guard split else { return [n] }
                return n.split(where: { $0 == replacement }, behavior: .mergedWithNext)
            }
        }

        /// `replace(' ', rep)`: each space becomes `rep`, aligned with the space it replaces.
        static func replaceSpaces(_ n: inout NormalizedString, with rep: [UInt8]) {
            guard n.normalized.contains(0x20) else { return }
            var bytes: [UInt8] = []
            var alignments: [NormalizedString.Alignment] = []
            bytes.reserveCapacity(n.normalized.count + rep.count * 4)
            alignments.reserveCapacity(n.normalized.count + rep.count * 4)
            for (i, b) in n.normalized.enumerated() {
                if b == 0x20 {
                    bytes.append(contentsOf: rep)
                    for _ in rep { alignments.append(n.alignments[i]) }
                } else {
                    bytes.append(b)
                    alignments.append(n.alignments[i])
                }
            }
            n.normalized = bytes
            n.alignments = alignments
        }
    }
}
