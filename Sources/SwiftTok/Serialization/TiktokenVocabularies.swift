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

    static let r50kPattern =
        #"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"#
    static let cl100kPattern =
        #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"#
    static let o200kPattern = [
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
        #"\p{N}{1,3}"#,
        #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#,
        #"\s*[\r\n]+"#,
        #"\s+(?!\S)"#,
        #"\s+"#,
    ].joined(separator: "|")
    static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
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
