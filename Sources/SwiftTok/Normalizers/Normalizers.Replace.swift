extension Normalizers {
    /// Replaces every match of a literal string or a regex with fixed content (no `$1`
    /// expansion: tokenizers 0.23 inserts the content as is).
    public struct Replace: Sendable {
        /// What to look for.
        public enum Pattern: Sendable, Equatable {
            /// A literal string.
            case string(String)
            /// A regular expression.
            case regex(String)
        }

        /// What is replaced.
        public let pattern: Pattern
        /// The replacement text.
        public let content: String
        let regex: Regex
        let contentScalars: [UInt32]

        /// A replace normalizer; throws `.regex` when the pattern does not compile.
        public init(pattern: Pattern, content: String) throws {
            self.pattern = pattern
            self.content = content
            switch pattern {
            case .string(let s): regex = try Regex(Regex.escape(s))
            case .regex(let r): regex = try Regex(r)
            }
            contentScalars = UTF8Text.scalars(Array(content.utf8))
        }

        /// Reads `{"type": "Replace", "pattern": {"String": s} | {"Regex": r}, "content": c}`.
        public init(json fields: JSONFields) throws {
            let p = try fields.fields("pattern")
            let parsed: Pattern
            if p.object.count != 1 {
                throw fields.invalid("pattern", "expected an object with one key, 'String' or 'Regex'")
            } else if p.value("String") != nil {
                parsed = .string(try p.string("String"))
            } else if p.value("Regex") != nil {
                parsed = .regex(try p.string("Regex"))
            } else {
                throw fields.invalid("pattern", "expected an object with one key, 'String' or 'Regex'")
            }
            let content = try fields.string("content")
            do {
                try self.init(pattern: parsed, content: content)
            } catch let error as TokenizerError where error.location.isEmpty {
                throw TokenizerError(error.kind, error.message, at: p.childPath("Regex"))
            }
        }

        /// The tokenizer.json object of this normalizer.
        public var json: JSON {
            let p: JSONObject
            switch pattern {
            case .string(let s): p = JSONObject([("String", .string(s))])
            case .regex(let r): p = JSONObject([("Regex", .string(r))])
            }
            return .object(JSONObject([("type", .string("Replace")), ("pattern", .object(p)), ("content", .string(content))]))
        }

        /// Normalizes `text` in place.
        public func normalize(_ text: inout NormalizedString) throws {
            try text.replaceLikeReference(regex, content: contentScalars)
        }
    }
}
