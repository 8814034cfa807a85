extension PostProcessors {
    /// Adds special tokens following a template per input shape, e.g. `[CLS] $A [SEP]` and
    /// `[CLS] $A [SEP] $B:1 [SEP]:1`, as `tokenizers`' `TemplateProcessing`.
    public struct TemplateProcessing: Sendable, Equatable {
        /// Which input a template piece stands for.
        public enum SequenceId: String, Sendable, Equatable { case a = "A", b = "B" }

        /// One element of a template: an input sequence or a special token, each with its type id.
        public enum Piece: Sendable, Equatable {
            case sequence(SequenceId, typeId: UInt32)
            case specialToken(String, typeId: UInt32)
        }

        /// What a special-token piece expands to: one or more ids with their tokens.
        public struct SpecialToken: Sendable, Equatable {
            public var id: String
            public var ids: [UInt32]
            public var tokens: [String]

            /// A special token `id` that expands to `ids`/`tokens` (same length).
            public init(id: String, ids: [UInt32], tokens: [String]) throws {
                guard ids.count == tokens.count else {
                    throw TokenizerError(.invalidArgument, "SpecialToken: ids and tokens must be of the same length")
                }
                self.id = id
                self.ids = ids
                self.tokens = tokens
            }

            /// The usual single-token case: `token` with id `id`.
            public init(_ token: String, id: UInt32) {
                self.id = token
                self.ids = [id]
                self.tokens = [token]
            }
        }

        public var single: [Piece]
        public var pair: [Piece]
        /// Keyed by `SpecialToken.id`, compared exactly (as Rust's `HashMap<String, _>`).
        public var specialTokens: [ExactString: SpecialToken]

        /// A processor from parsed templates; every special-token piece must be in `specialTokens`.
        public init(single: [Piece], pair: [Piece], specialTokens: [ExactString: SpecialToken]) throws {
            self.single = single
            self.pair = pair
            self.specialTokens = specialTokens
            if let missing = missingSpecialTokens() {
                throw TokenizerError(.invalidArgument, "Missing SpecialToken(s) with id(s) `\(missing)`")
            }
        }

        /// A processor from template strings, as `tokenizers.processors.TemplateProcessing(...)`:
        /// pieces separated by single spaces, each `$A`, `$B`, `$<type id>` or a special token
        /// id, optionally followed by `:<type id>`. The pair template must use both sequences.
        public init(single: String = "$0", pair: String = "$A:0 $B:1", specialTokens: [SpecialToken] = []) throws {
            let singlePieces = try TemplateProcessing.parseTemplate(single)
            let pairPieces = try TemplateProcessing.parseTemplate(pair)
            let hasA = pairPieces.contains { if case .sequence(.a, _) = $0 { return true }; return false }
            let hasB = pairPieces.contains { if case .sequence(.b, _) = $0 { return true }; return false }
            guard hasA && hasB else { throw TokenizerError(.invalidArgument, "Template for `pair` must use both sequences") }
            var map: [ExactString: SpecialToken] = [:]
            for t in specialTokens { map[ExactString(t.id)] = t }
            try self.init(single: singlePieces, pair: pairPieces, specialTokens: map)
        }

        /// Parses a template string (pieces split on single spaces).
        public static func parseTemplate(_ template: String) throws -> [Piece] {
            try template.split(separator: " ", omittingEmptySubsequences: false).map { try parsePiece(String($0)) }
        }

        /// Parses one piece: `$A`, `$b:1`, `$1`, `$`, `[CLS]`, `[SEP]:1`, ...
        public static func parsePiece(_ text: String) throws -> Piece {
            let bad = TokenizerError(.invalidArgument, "Cannot build Piece from string \"\(text)\"")
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let idPart = parts.first else { throw bad }
            var typeId: UInt32 = 0
            if parts.count == 2 {
                guard let t = parseRustUInt32(parts[1]) else { throw bad }
                typeId = t
            }
            guard idPart.hasPrefix("$") else { return .specialToken(String(idPart), typeId: typeId) }
            let rest = idPart.dropFirst()
            switch rest {
            case "", "A", "a": return .sequence(.a, typeId: parts.count == 2 ? typeId : 0)
            case "B", "b": return .sequence(.b, typeId: typeId)
            default:
                guard let n = parseRustUInt32(rest) else { throw bad }
                return .sequence(.a, typeId: parts.count == 2 ? typeId : n)
            }
        }

        /// Rust's `str::parse::<u32>`: ASCII digits with an optional leading '+'.
        static func parseRustUInt32(_ s: Substring) -> UInt32? {
            var digits = s
            if digits.hasPrefix("+") { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return UInt32(digits)
        }

        func missingSpecialTokens() -> String? {
            var missing: [String] = []
            for piece in single + pair {
                if case .specialToken(let id, _) = piece, specialTokens[ExactString(id)] == nil,
                   !missing.contains(where: { $0.utf8.elementsEqual(id.utf8) }) {
                    missing.append(id)
                }
            }
            return missing.isEmpty ? nil : missing.joined(separator: ", ")
        }

        // MARK: JSON

        /// True when `f` has the three fields of a template (the reader ignores `"type"`).
        static func matchesShape(_ f: JSONFields) -> Bool {
            f.value("single") != nil && f.value("pair") != nil && f.value("special_tokens") != nil
        }

        init(fields f: JSONFields) throws {
            single = try TemplateProcessing.readTemplate(f, "single")
            pair = try TemplateProcessing.readTemplate(f, "pair")
            let tokensFields = try f.fields("special_tokens")
            var map: [ExactString: SpecialToken] = [:]
            for key in tokensFields.object.keys {
                let t = try tokensFields.fields(key)
                let ids = try t.array("ids").enumerated().map { i, v in try readUInt32(v, at: "\(t.childPath("ids"))[\(i)]") }
                let tokens = try t.array("tokens").enumerated().map { i, v -> String in
                    guard case .string(let s) = v else {
                        throw TokenizerError(.invalidField, "expected a string, found \(v.kindName)", at: "\(t.childPath("tokens"))[\(i)]")
                    }
                    return s
                }
                // `tokenizers` would accept the mismatch and build inconsistent encodings.
                guard ids.count == tokens.count else {
                    throw TokenizerError(.invalidField, "ids and tokens must be of the same length", at: t.path)
                }
                map[ExactString(key)] = SpecialToken(unchecked: try t.string("id"), ids: ids, tokens: tokens)
            }
            specialTokens = map
            // `tokenizers` loads such a template but panics when it uses the missing token.
            for (key, pieces) in [("single", single), ("pair", pair)] {
                for (i, piece) in pieces.enumerated() {
                    if case .specialToken(let id, _) = piece, specialTokens[ExactString(id)] == nil {
                        throw TokenizerError(.invalidField, "special token '\(id)' is not in special_tokens",
                                             at: "\(f.childPath(key))[\(i)].SpecialToken.id")
                    }
                }
            }
        }

        /// Reads a `TemplateProcessing` object.
        public init(json: JSON, path: String) throws {
            try self.init(fields: try JSONFields(json, path: path))
        }

        static func readTemplate(_ f: JSONFields, _ key: String) throws -> [Piece] {
            try f.array(key).enumerated().map { i, item in
                let path = "\(f.childPath(key))[\(i)]"
                let o = try JSONFields(item, path: path)
                guard o.object.count == 1, let tag = o.object.keys.first else {
                    throw TokenizerError(.invalidField, "expected an object with one key, Sequence or SpecialToken", at: path)
                }
                let body = try o.fields(tag)
                let typeId = try readUInt32(try body.required("type_id"), at: body.childPath("type_id"))
                switch tag {
                case "Sequence":
                    let id = try body.string("id")
                    guard let seq = SequenceId(rawValue: id) else {
                        throw TokenizerError(.invalidField, "unknown sequence '\(id)', expected A or B", at: body.childPath("id"))
                    }
                    return .sequence(seq, typeId: typeId)
                case "SpecialToken":
                    return .specialToken(try body.string("id"), typeId: typeId)
                default:
                    throw TokenizerError(.invalidField, "unknown template piece '\(tag)', expected Sequence or SpecialToken", at: path)
                }
            }
        }

        /// The tokenizer.json object; special tokens sorted by id, as `tokenizers` writes them.
        public var json: JSON {
            func pieces(_ list: [Piece]) -> JSON {
                .array(list.map { piece in
                    switch piece {
                    case .sequence(let s, let t):
                        return .object(JSONObject([("Sequence", .object(JSONObject([
                            ("id", .string(s.rawValue)), ("type_id", .int(Int64(t))),
                        ])))]))
                    case .specialToken(let id, let t):
                        return .object(JSONObject([("SpecialToken", .object(JSONObject([
                            ("id", .string(id)), ("type_id", .int(Int64(t))),
                        ])))]))
                    }
                })
            }
            var tokens = JSONObject()
            for key in specialTokens.keys.sorted(by: { $0.string.utf8.lexicographicallyPrecedes($1.string.utf8) }) {
                guard let t = specialTokens[key] else { continue }
                tokens[key.string] = .object(JSONObject([
                    ("id", .string(t.id)),
                    ("ids", .array(t.ids.map { .int(Int64($0)) })),
                    ("tokens", .array(t.tokens.map { .string($0) })),
                ]))
            }
            return .object(JSONObject([
                ("type", .string("TemplateProcessing")),
                ("single", pieces(single)),
                ("pair", pieces(pair)),
                ("special_tokens", .object(tokens)),
            ]))
        }

        // MARK: Processing

        /// Special tokens a template adds (ids of special tokens missing from the map count 0).
        public func addedTokenCount(isPair: Bool) -> Int {
            (isPair ? pair : single).reduce(0) { n, piece in
                if case .specialToken(let id, _) = piece { return n + (specialTokens[ExactString(id)]?.ids.count ?? 0) }
                return n
            }
        }

        /// The template's parts in order; the caller merges them. An input keeps its overflowing
        /// parts, so merging gives each of them the template's special tokens too.
        func processEncodings(_ input: [Encoding], addSpecialTokens: Bool) throws -> [Encoding] {
            var encodings = input
            let template: [Piece]
            switch encodings.count {
            case 1: template = single
            case 2: template = pair
            default:
                throw TokenizerError(.invalidArgument, "TemplateProcessing takes 1 or 2 encodings, got \(encodings.count)")
            }
            var parts: [Encoding] = []
            parts.reserveCapacity(template.count)
            for piece in template {
                switch piece {
                case .sequence(let seq, let typeId):
                    let i = seq == .a ? 0 : 1
                    guard i < encodings.count else {
                        throw TokenizerError(.invalidArgument, "template uses $B but there is no pair sequence")
                    }
                    encodings[i].setTypeIds(typeId)
                    encodings[i].setSequenceId(i)
                    parts.append(encodings[i])
                case .specialToken(let id, let typeId):
                    guard addSpecialTokens else { continue }
                    guard let token = specialTokens[ExactString(id)] else {
                        throw TokenizerError(.invalidArgument, "Missing SpecialToken(s) with id(s) `\(id)`")
                    }
                    parts.append(Encoding.specialTokens(ids: token.ids, tokens: token.tokens, typeId: typeId))
                }
            }
            return parts
        }
    }
}

extension PostProcessors.TemplateProcessing.SpecialToken {
    init(unchecked id: String, ids: [UInt32], tokens: [String]) {
        self.id = id
        self.ids = ids
        self.tokens = tokens
    }
}
