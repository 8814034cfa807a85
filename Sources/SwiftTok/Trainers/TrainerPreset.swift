/// The pipelines `swifttok train --preset` builds around a trained model: the normalizer and
/// pre-tokenizer used to count the corpus, and the post-processor and decoder of the result.
public enum TrainerPreset: String, Sendable, CaseIterable {
    /// GPT-2: byte-level pre-tokenizer (no prefix space), byte-level BPE seeded with all 256
    /// byte symbols, ByteLevel post-processor and decoder, `<|endoftext|>`.
    case gpt2
    /// BERT (uncased): BertNormalizer, BertPreTokenizer, WordPiece with `##`, the
    /// `[CLS] $A [SEP]` template and the WordPiece decoder; [PAD] [UNK] [CLS] [SEP] [MASK].
    case bert
    /// T5-like SentencePiece Unigram: Nmt + NFKC + collapsed spaces, Metaspace (`▁`, always
    /// prepended) pre-tokenizer and decoder; `<pad>` `</s>` `<unk>`.
    case t5

    /// The model a preset trains unless another is asked for.
    public var defaultModel: String {
        switch self {
        case .gpt2: return "bpe"
        case .bert: return "wordpiece"
        case .t5: return "unigram"
        }
    }

    /// The special tokens a preset adds unless others are given.
    public var defaultSpecialTokens: [String] {
        switch self {
        case .gpt2: return ["<|endoftext|>"]
        case .bert: return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        case .t5: return ["<pad>", "</s>", "<unk>"]
        }
    }

    /// The unknown token of the model (WordPiece, WordLevel, Unigram).
    public var unkToken: String {
        switch self {
        case .gpt2: return "<unk>"
        case .bert: return "[UNK]"
        case .t5: return "<unk>"
        }
    }

    /// Symbols every vocabulary of this preset starts with (BPE's `initial_alphabet`).
    public var initialAlphabet: [Unicode.Scalar] {
        switch self {
        case .gpt2: return ByteLevelAlphabet.scalarForByte.compactMap { Unicode.Scalar($0) }
        case .bert, .t5: return []
        }
    }

    static func parse(_ text: String) -> JSON {
        // Safe: the preset texts below are constant, valid JSON (checked by the preset tests).
        (try? JSON.parse(text)) ?? .null
    }

    /// The normalizer, as tokenizer.json writes it (or null).
    public var normalizerJSON: JSON {
        switch self {
        case .gpt2: return .null
        case .bert:
            return TrainerPreset.parse(#"{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}"#)
        case .t5:
            return TrainerPreset.parse(#"{"type":"Sequence","normalizers":[{"type":"Nmt"},{"type":"NFKC"},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}"#)
        }
    }

    /// The pre-tokenizer, as tokenizer.json writes it.
    public var preTokenizerJSON: JSON {
        switch self {
        case .gpt2: return TrainerPreset.parse(#"{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}"#)
        case .bert: return TrainerPreset.parse(#"{"type":"BertPreTokenizer"}"#)
        case .t5: return TrainerPreset.parse(#"{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}"#)
        }
    }

    /// The decoder, as tokenizer.json writes it.
    public var decoderJSON: JSON {
        switch self {
        case .gpt2: return TrainerPreset.parse(#"{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}"#)
        case .bert: return TrainerPreset.parse(###"{"type":"WordPiece","prefix":"##","cleanup":true}"###)
        case .t5: return TrainerPreset.parse(#"{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}"#)
        }
    }

    /// The post-processor for a vocabulary where `id(token)` finds the special tokens' ids.
    public func postProcessorJSON(id: (String) -> UInt32?) -> JSON {
        switch self {
        case .gpt2:
            return TrainerPreset.parse(#"{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true}"#)
        case .bert:
            guard let cls = id("[CLS]"), let sep = id("[SEP]") else { return .null }
            return TrainerPreset.parse("""
                {"type":"TemplateProcessing",\
                "single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],\
                "pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}},{"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],\
                "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[\(cls)],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[\(sep)],"tokens":["[SEP]"]}}}
                """)
        case .t5:
            guard let eos = id("</s>") else { return .null }
            return TrainerPreset.parse("""
                {"type":"TemplateProcessing",\
                "single":[{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"</s>","type_id":0}}],\
                "pair":[{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"</s>","type_id":0}},{"Sequence":{"id":"B","type_id":0}},{"SpecialToken":{"id":"</s>","type_id":0}}],\
                "special_tokens":{"</s>":{"id":"</s>","ids":[\(eos)],"tokens":["</s>"]}}}
                """)
        }
    }

    /// The counter of this preset's pipeline.
    public func wordCounter() throws -> WordCounter {
        let n = normalizerJSON == .null ? nil : try Normalizer(json: normalizerJSON, path: "$.normalizer")
        let p = try PreTokenizer(json: preTokenizerJSON, path: "$.pre_tokenizer")
        return WordCounter(normalizer: n, preTokenizer: p)
    }
}

extension Tokenizer {
    /// A complete tokenizer around a trained `model`: the preset's (or `pipeline`'s) normalizer
    /// and pre-tokenizer, the preset's post-processor and decoder, and `specialTokens` as special
    /// added tokens (as `tokenizers`' `Tokenizer.train` adds the trainer's special tokens).
    public static func assemble(model: JSON, preset: TrainerPreset?, pipeline: JSON, specialTokens: [String]) throws -> Tokenizer {
        let fields = pipeline.objectValue
        let normalizer = fields?["normalizer"] ?? preset?.normalizerJSON ?? .null
        let preTokenizer = fields?["pre_tokenizer"] ?? preset?.preTokenizerJSON ?? .null
        var root = JSONObject([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null), ("added_tokens", .array([])),
            ("normalizer", normalizer), ("pre_tokenizer", preTokenizer), ("post_processor", .null),
            ("decoder", preset?.decoderJSON ?? .null), ("model", model),
        ])
        // Load the model first to learn the special tokens' ids.
        let bare = try Tokenizer(json: .object(root))
        var added: [JSON] = []
        var nextId = UInt32(bare.model.vocabSize)
        var seen = Set<ExactString>()
        for s in specialTokens where seen.insert(ExactString(s)).inserted {
            let id: UInt32
            if let known = bare.model.tokenToId(s) { id = known } else { id = nextId; nextId += 1 }
            added.append(.object(JSONObject([
                ("id", .int(Int64(id))), ("content", .string(s)), ("single_word", .bool(false)), ("lstrip", .bool(false)),
                ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(true)),
            ])))
        }
        root["added_tokens"] = .array(added)
        if let preset {
            let withAdded = try Tokenizer(json: .object(root))
            root["post_processor"] = preset.postProcessorJSON { withAdded.tokenToId($0) }
        }
        return try Tokenizer(json: .object(root))
    }
}
