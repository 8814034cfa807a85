/// Namespace for the model components, named as their tokenizer.json `"type"` strings.
public enum Models {}

/// The model stage: turns one pre-tokenized piece into tokens.
public enum Model: Sendable {
    case bpe(Models.BPE)
    case wordPiece(Models.WordPiece)
    case wordLevel(Models.WordLevel)
    case unigram(Models.Unigram)

    /// Reads a tokenizer.json model, dispatching on `"type"`. Without `"type"` the readers are
    /// tried in `tokenizers`' order (WordPiece, BPE, WordLevel), as its untagged fallback does.
    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        if let type = try f.optionalString("type") {
            switch type {
            case "BPE": self = .bpe(try Models.BPE(json: json, path: path))
            case "WordPiece": self = .wordPiece(try Models.WordPiece(json: json, path: path))
            case "WordLevel": self = .wordLevel(try Models.WordLevel(json: json, path: path))
            case "Unigram": self = .unigram(try Models.Unigram(json: json, path: path))
            default: throw TokenizerError(.unsupported, "unknown model type '\(type)'", at: path + ".type")
            }
            return
        }
        var firstError: Error?
        do { self = .wordPiece(try Models.WordPiece(json: json, path: path)); return } catch { firstError = error }
        do { self = .bpe(try Models.BPE(json: json, path: path)); return } catch { firstError = error }
        do { self = .wordLevel(try Models.WordLevel(json: json, path: path)); return } catch {}
        do { self = .unigram(try Models.Unigram(json: json, path: path)); return } catch {}
        // Name the BPE reader's complaint: a model without "type" is almost always BPE (GPT-2).
        let detail = (firstError as? TokenizerError).map { " (as BPE: \($0.description))" } ?? ""
        throw TokenizerError(.invalidField, "the model has no \"type\" and matches no model\(detail)", at: path)
    }

    /// The model as tokenizer.json writes it.
    public var json: JSON {
        switch self {
        case .bpe(let m): return m.json
        case .wordPiece(let m): return m.json
        case .wordLevel(let m): return m.json
        case .unigram(let m): return m.json
        }
    }

    /// The tokens of one piece; offsets are byte ranges of `piece.normalized`.
    public func tokenize(_ piece: NormalizedString) throws -> [Token] {
        switch self {
        case .bpe(let m): return try m.tokenize(piece)
        case .wordPiece(let m): return try m.tokenize(piece)
        case .wordLevel(let m): return try m.tokenize(piece)
        case .unigram(let m): return try m.tokenize(piece)
        }
    }

    /// Appends the ids of the piece with UTF-8 `bytes` (its normalized text) to `out`.
    public func encodeIds(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) throws {
        switch self {
        case .bpe(let m): try m.encodeIds(bytes, into: &out)
        case .wordPiece(let m): try m.encodeIds(bytes, into: &out)
        case .wordLevel(let m): try m.encodeIds(bytes, into: &out)
        case .unigram(let m): try m.encodeIds(bytes, into: &out)
        }
    }

    /// The model's vocabulary.
    public var vocab: Models.Vocabulary {
        switch self {
        case .bpe(let m): return m.vocab
        case .wordPiece(let m): return m.vocab
        case .wordLevel(let m): return m.vocab
        case .unigram(let m): return m.vocab
        }
    }

    /// The id of `token` in the model's vocabulary.
    public func tokenToId(_ token: String) -> UInt32? { vocab.id(token) }
    /// The token of `id` in the model's vocabulary.
    public func idToToken(_ id: UInt32) -> String? { vocab.token(id) }
    /// Number of entries in the model's vocabulary.
    public var vocabSize: Int { vocab.count }
    /// The model's vocabulary (token to id), keyed by exact token text.
    public var vocabulary: [ExactString: UInt32] { vocab.dictionary }
}
