extension Decoders {
    /// SentencePiece's metaspace decoder: the replacement character (default "▁") becomes a
    /// space; in the first token it is dropped unless the prepend scheme is `never`.
    public struct Metaspace: Sendable, Equatable {
        /// When the pre-tokenizer prepends the replacement (the decoder only cares about `never`).
        public enum PrependScheme: String, Sendable { case always, never, first }

        /// One Unicode scalar.
        public var replacement: Unicode.Scalar
        public var prependScheme: PrependScheme
        /// Kept for round trips (a pre-tokenizer setting).
        public var split: Bool

        /// A decoder with `tokenizers`' defaults.
        public init(replacement: Unicode.Scalar = "\u{2581}", prependScheme: PrependScheme = .always, split: Bool = true) {
            self.replacement = replacement
            self.prependScheme = prependScheme
            self.split = split
        }

        init(fields f: JSONFields) throws {
            replacement = try readScalar(f, "replacement")
            if let s = try f.optionalString("prepend_scheme") {
                guard let scheme = PrependScheme(rawValue: s) else {
                    throw f.invalid("prepend_scheme", "unknown prepend scheme '\(s)', expected always, never or first")
                }
                prependScheme = scheme
            } else {
                prependScheme = .always
            }
            // Legacy field: `false` is only consistent with `never`, as `tokenizers` checks.
            if let legacy = f.value("add_prefix_space") {
                guard case .bool(let add) = legacy else { throw f.invalid("add_prefix_space", "expected a boolean, found \(legacy.kindName)") }
                if !add && prependScheme != .never {
                    throw f.invalid("add_prefix_space", "add_prefix_space does not match declared prepend_scheme")
                }
            }
            if let legacy = f.value("str_rep"), legacy.stringValue == nil {
                throw f.invalid("str_rep", "expected a string, found \(legacy.kindName)")
            }
            split = try f.bool("split", default: true)
        }

        /// The tokenizer.json object.
        public var json: JSON {
            .object(JSONObject([
                ("type", .string("Metaspace")),
                ("replacement", .string(String(Character(replacement)))),
                ("prepend_scheme", .string(prependScheme.rawValue)),
                ("split", .bool(split)),
            ]))
        }

        func decodeChain(_ tokens: [String]) -> [String] {
            tokens.enumerated().map { i, token in
                let drop = i == 0 && prependScheme != .never
                var out = String.UnicodeScalarView()
                for s in token.unicodeScalars {
                    if s == replacement {
                        if !drop { out.append(" ") }
                    } else {
                        out.append(s)
                    }
                }
                return String(out)
            }
        }
    }
}

/// A field holding exactly one Unicode scalar (a Rust `char`).
func readScalar(_ f: JSONFields, _ key: String) throws -> Unicode.Scalar {
    let s = try f.string(key)
    var it = s.unicodeScalars.makeIterator()
    guard let first = it.next(), it.next() == nil else {
        throw f.invalid(key, "expected a single character, found \"\(s)\"")
    }
    return first
}
