extension PreTokenizers {
    /// Splits on a literal string or a regex (Oniguruma syntax, as in tokenizer.json), with one
    /// of the five delimiter behaviors; `invert` swaps matches and gaps.
    public struct Split: Sendable {
        /// What `Split` looks for.
        public enum Pattern: Sendable, Equatable {
            /// A literal string (`{"String": s}`).
            case string(String)
            /// A regex (`{"Regex": r}`).
            case regex(String)
        }

        /// The pattern as written in tokenizer.json.
        public let pattern: Pattern
        /// What happens to the matches.
        public let behavior: SplitDelimiterBehavior
        /// Treat the gaps as the matches.
        public let invert: Bool
        /// The compiled pattern (a literal is compiled as its escaped regex, as `tokenizers` does).
        let regex: Regex

        /// A split; throws `.regex` for a pattern that does not compile.
        public init(pattern: Pattern, behavior: SplitDelimiterBehavior, invert: Bool = false) throws {
            self.pattern = pattern
            self.behavior = behavior
            self.invert = invert
            switch pattern {
            case .string(let s): regex = try Regex(Regex.escape(s), syntax: .pcre2)
            case .regex(let r): regex = try Regex(r)
            }
        }

        /// Reads `{"type": "Split", "pattern": {"String"|"Regex": ...}, "behavior", "invert"}`.
        public init(json f: JSONFields) throws {
            let p = try f.fields("pattern")
            guard p.object.count == 1, let key = p.object.keys.first else {
                throw f.invalid("pattern", "expected an object with a single key, String or Regex")
            }
            let parsed: Pattern
            switch key {
            case "String": parsed = .string(try p.string("String"))
            case "Regex": parsed = .regex(try p.string("Regex"))
            default: throw p.invalid(key, "unknown pattern kind '\(key)' (expected String or Regex)")
            }
            let behavior = try PreTokenizers.behavior(f, "behavior")
            let invert = try f.bool("invert")
            do {
                try self.init(pattern: parsed, behavior: behavior, invert: invert)
            } catch var e as TokenizerError {
                e.location = p.childPath(key)
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
            return .object(JSONObject([
                ("type", .string("Split")), ("pattern", p),
                ("behavior", .string(behavior.rawValue)), ("invert", .bool(invert)),
            ]))
        }

        /// The known scanner whose pieces equal this split's, if any: the pattern is one of the
        /// known ones, kept in place (`Isolated`, not inverted).
        public var scanner: KnownScanner? {
            guard case .regex(let r) = pattern, behavior == .isolated, !invert else { return nil }
            return KnownScanner(pattern: r)
        }

        /// Splits the pieces of `text` without tokens (with the hand-written scanner when one is
        /// known to equal the pattern).
        public func preTokenize(_ text: inout PreTokenizedString) throws {
            if let k = scanner {
                text.split { _, n in n.split(matches: n.normalized.withUnsafeBufferPointer { k.findMatches(in: $0) }, behavior: .isolated) }
                return
            }
            try text.split { _, n in try n.split(regex: regex, behavior: behavior, invert: invert) }
        }
    }
}

extension PreTokenizers.Split: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        a.pattern == b.pattern && a.behavior == b.behavior && a.invert == b.invert
    }
}
