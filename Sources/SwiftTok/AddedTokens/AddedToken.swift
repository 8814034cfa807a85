/// A token added on top of the model's vocabulary (one entry of tokenizer.json `added_tokens`).
public struct AddedToken: Sendable, Equatable {
    /// The token's id (in a file, only a hint: `tokenizers` assigns ids itself when loading).
    public var id: UInt32
    /// The text of the token.
    public var content: String
    /// Matches only when not glued to word characters (regex `\w`) on either side.
    public var singleWord: Bool
    /// Takes the whitespace on its left into the match.
    public var lstrip: Bool
    /// Takes the whitespace on its right into the match.
    public var rstrip: Bool
    /// Matches the normalized text (its content normalized too) instead of the original text.
    public var normalized: Bool
    /// Special: skipped when decoding with `skipSpecialTokens`.
    public var special: Bool

    /// A token with `tokenizers`' defaults (normalized, not special).
    public init(id: UInt32, content: String, singleWord: Bool = false, lstrip: Bool = false,
                rstrip: Bool = false, normalized: Bool = true, special: Bool = false) {
        self.id = id
        self.content = content
        self.singleWord = singleWord
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized
        self.special = special
    }

    /// Reads one `added_tokens` entry; every field is required, as in `tokenizers`.
    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        let id = try f.int("id")
        guard let id32 = UInt32(exactly: id) else {
            throw f.invalid("id", "expected an id between 0 and \(UInt32.max), found \(id)")
        }
        self.init(id: id32, content: try f.string("content"), singleWord: try f.bool("single_word"),
                  lstrip: try f.bool("lstrip"), rstrip: try f.bool("rstrip"),
                  normalized: try f.bool("normalized"), special: try f.bool("special"))
    }

    /// The entry as `tokenizers` writes it (`id` first, then the token's fields).
    public var json: JSON {
        .object(JSONObject([
            ("id", .int(Int64(id))),
            ("content", .string(content)),
            ("single_word", .bool(singleWord)),
            ("lstrip", .bool(lstrip)),
            ("rstrip", .bool(rstrip)),
            ("normalized", .bool(normalized)),
            ("special", .bool(special)),
        ]))
    }

    /// Equality of everything but the id (`tokenizers`' `AddedToken` carries no id).
    func sameOptions(as other: AddedToken) -> Bool {
        content == other.content && singleWord == other.singleWord && lstrip == other.lstrip
            && rstrip == other.rstrip && normalized == other.normalized && special == other.special
    }
}
