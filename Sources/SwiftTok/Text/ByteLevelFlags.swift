/// The three flags of `tokenizers`' one `ByteLevel` struct, which serves as pre-tokenizer,
/// post-processor and decoder: each stage uses some of them and keeps the rest for the JSON round
/// trip. Read and written in one place so that the three stages accept exactly what `tokenizers`
/// accepts: `add_prefix_space` and `trim_offsets` required, `use_regex` defaulting to true when
/// absent (a `null` is an error, as serde's `bool` gives).
struct ByteLevelFlags: Sendable, Equatable {
    var addPrefixSpace: Bool
    var trimOffsets: Bool
    var useRegex: Bool

    init(addPrefixSpace: Bool, trimOffsets: Bool, useRegex: Bool) {
        self.addPrefixSpace = addPrefixSpace
        self.trimOffsets = trimOffsets
        self.useRegex = useRegex
    }

    init(fields f: JSONFields) throws {
        addPrefixSpace = try f.bool("add_prefix_space")
        trimOffsets = try f.bool("trim_offsets")
        if let v = f.object["use_regex"], v == .null {
            throw f.invalid("use_regex", "expected a boolean, found null")
        }
        useRegex = try f.bool("use_regex", default: true)
    }

    /// `{"type": "ByteLevel", …}` as `tokenizers` writes it.
    var json: JSON {
        .object(JSONObject([
            ("type", .string("ByteLevel")),
            ("add_prefix_space", .bool(addPrefixSpace)),
            ("trim_offsets", .bool(trimOffsets)),
            ("use_regex", .bool(useRegex)),
        ]))
    }
}
