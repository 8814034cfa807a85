/// The tiktoken vocabularies swifttok recognizes by their rank files, with the split pattern and
/// special tokens that go with each (facts from tiktoken's `openai_public.py`, Meta's Llama 3
/// tokenizer and Qwen's `tokenization_qwen.py`).
public struct TiktokenVocabulary: Sendable {
    public var name: String
    /// The pre-tokenization regex.
    public var pattern: String
    /// Special tokens and their ids.
    public var specialTokens: [(String, UInt32)]

    public init(name: String, pattern: String, specialTokens: [(String, UInt32)]) {
        self.name = name
        self.pattern = pattern
        self.specialTokens = specialTokens
    }

    // tiktoken writes r50k's and cl100k's patterns with possessive quantifiers and `\s++$`; these
    // are the forms tokenizer.json files use, which split identically (the parity tests check
    // against tiktoken itself) and which the hand-written scanners implement.
    static let r50kPattern = PreTokenizers.ByteLevel.gpt2Pattern
    static let cl100kPattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let o200kPattern = [
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
        #"\p{N}{1,3}"#,
        #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#,
        #"\s*[\r\n]+"#,
        #"\s+(?!\S)"#,
        #"\s+"#,
    ].joined(separator: "|")
    static let llama3Pattern = cl100kPattern
    static let qwenPattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The known vocabulary whose rank file has `rankCount` entries, if any.
    public static func known(rankCount: Int) -> TiktokenVocabulary? {
        switch rankCount {
        case 50256:
            return TiktokenVocabulary(name: "r50k_base", pattern: r50kPattern, specialTokens: [("<|endoftext|>", 50256)])
        case 50280:
            return TiktokenVocabulary(name: "p50k_base", pattern: r50kPattern, specialTokens: [("<|endoftext|>", 50256)])
        case 100256:
            return TiktokenVocabulary(name: "cl100k_base", pattern: cl100kPattern, specialTokens: [
                ("<|endoftext|>", 100257), ("<|fim_prefix|>", 100258), ("<|fim_middle|>", 100259),
                ("<|fim_suffix|>", 100260), ("<|endofprompt|>", 100276),
            ])
        case 199998:
            return TiktokenVocabulary(name: "o200k_base", pattern: o200kPattern, specialTokens: [
                ("<|endoftext|>", 199999), ("<|endofprompt|>", 200018),
            ])
        case 128000:
            var specials = [
                "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
                "<|finetune_right_pad_id|>", "<|step_id|>", "<|start_header_id|>", "<|end_header_id|>",
                "<|eom_id|>", "<|eot_id|>", "<|python_tag|>", "<|image|>",
            ]
            for i in 2..<(256 - 10) { specials.append("<|reserved_special_token_\(i)|>") }
            return TiktokenVocabulary(name: "llama3", pattern: llama3Pattern,
                                      specialTokens: specials.enumerated().map { ($1, UInt32(128000 + $0)) })
        case 151643:
            var specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
            for i in 0..<205 { specials.append("<|extra_\(i)|>") }
            return TiktokenVocabulary(name: "qwen", pattern: qwenPattern,
                                      specialTokens: specials.enumerated().map { ($1, UInt32(151643 + $0)) })
        default:
            return nil
        }
    }
}

extension Tokenizer {
    /// A tokenizer from tiktoken ranks: `Split(pattern, Isolated)` then byte-level BPE with
    /// tiktoken's merge order, the special tokens as added tokens, and a ByteLevel decoder —
    /// giving `tiktoken`'s ids (special tokens recognized, as `allowed_special="all"`).
    public init(tiktokenRanks ranks: [([UInt8], UInt32)], vocabulary: TiktokenVocabulary) throws {
        let model = Model.bpe(try Models.BPE(tiktokenRanks: ranks))
        let preTokenizer = try PreTokenizer(json: .object(JSONObject([
            ("type", .string("Sequence")),
            ("pretokenizers", .array([
                .object(JSONObject([
                    ("type", .string("Split")), ("pattern", .object(JSONObject([("Regex", .string(vocabulary.pattern))]))),
                    ("behavior", .string("Isolated")), ("invert", .bool(false)),
                ])),
                .object(JSONObject([
                    ("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)),
                    ("trim_offsets", .bool(false)), ("use_regex", .bool(false)),
                ])),
            ])),
        ])), path: "$.pre_tokenizer")
        let decoder = try TokenDecoder(json: .object(JSONObject([
            ("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)),
            ("trim_offsets", .bool(false)), ("use_regex", .bool(false)),
        ])), path: "$.decoder")
        let specials = vocabulary.specialTokens.map {
            AddedToken(id: $0.1, content: $0.0, normalized: false, special: true)
        }
        let added = try AddedVocabulary(tokens: specials, model: model, keepingIds: true)
        self.init(model: model, preTokenizer: preTokenizer, decoder: decoder, addedVocabulary: added)
        for (content, id) in vocabulary.specialTokens where tokenToId(content) != id {
            throw TokenizerError(.invalidVocabulary,
                "special token \(content) would get id \(tokenToId(content).map(String.init) ?? "none"), expected \(id): the rank file does not fit \(vocabulary.name)")
        }
    }

    /// Whether `data` looks like a tiktoken rank file (base64, a space, a number on each line).
    static func looksLikeTiktoken(_ data: [UInt8]) -> Bool {
        var i = 0
        var sawSpace = false
        while i < data.count && i < 256 {
            let b = data[i]
            if b == 0x0A { return sawSpace }
            if b == 0x20 { sawSpace = true } else if sawSpace ? !(0x30...0x39).contains(b)
                : !((0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2B || b == 0x2F || b == 0x3D) {
                return false
            }
            i += 1
        }
        return sawSpace
    }
}
