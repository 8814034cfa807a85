extension Decoders {
    /// Replaces every match of a literal string or a regex in each token by `content`.
    public struct Replace: Sendable, Equatable {
        /// What to look for; written as `{"String": ...}` or `{"Regex": ...}`.
        public enum Pattern: Sendable, Equatable {
            case string(String)
            case regex(String)
        }

        public var pattern: Pattern
        public var content: String
        let regex: Regex

        /// A decoder replacing `pattern` by `content`; throws when a regex does not compile.
        public init(pattern: Pattern, content: String) throws {
            self.pattern = pattern
            self.content = content
            switch pattern {
            case .string(let s): regex = try Regex(Regex.escape(s))
            case .regex(let r): regex = try Regex(r)
            }
        }

        public static func == (a: Replace, b: Replace) -> Bool { a.pattern == b.pattern && a.content == b.content }

        init(fields f: JSONFields) throws {
            let p = try f.fields("pattern")
            guard p.object.count == 1, let tag = p.object.keys.first else {
                throw TokenizerError(.invalidField, "expected an object with one key, String or Regex", at: p.path)
            }
            let value = try p.string(tag)
            let pattern: Pattern
            switch tag {
            case "String": pattern = .string(value)
            case "Regex": pattern = .regex(value)
            default: throw TokenizerError(.invalidField, "unknown pattern kind '\(tag)', expected String or Regex", at: p.path)
            }
            do {
                try self.init(pattern: pattern, content: try f.string("content"))
            } catch var e as TokenizerError where e.kind == .regex {
                e.location = p.childPath(tag)
                throw e
            }
        }

        /// The tokenizer.json object.
        public var json: JSON {
            let p: JSON
            switch pattern {
            case .string(let s): p = .object(JSONObject([("String", .string(s))]))
            case .regex(let r): p = .object(JSONObject([("Regex", .string(r))]))
            }
            return .object(JSONObject([("type", .string("Replace")), ("pattern", p), ("content", .string(content))]))
        }

        func decodeChain(_ tokens: [String]) throws -> [String] {
            try tokens.map { token in
                let bytes = Array(token.utf8)
                if bytes.isEmpty { return token }
                let found = try bytes.withUnsafeBufferPointer { try regex.matches(in: $0) }
                var out: [UInt8] = []
                out.reserveCapacity(bytes.count)
                var previousEnd = -1
                var copied = 0
                for m in found {
                    // Oniguruma's iterator (used by tokenizers) never reports an empty match right
                    // where the previous match ended; `Regex.matches` does.
                    if m.isEmpty && m.lowerBound == previousEnd { continue }
                    out.append(contentsOf: bytes[copied..<m.lowerBound])
                    out.append(contentsOf: content.utf8)
                    copied = m.upperBound
                    previousEnd = m.upperBound
                }
                out.append(contentsOf: bytes[copied...])
                return String(decoding: out, as: Unicode.UTF8.self)
            }
        }
    }
}
