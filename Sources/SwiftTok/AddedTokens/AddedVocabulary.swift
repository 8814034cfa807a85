/// A token added on top of the model's vocabulary (tokenizer.json `added_tokens`).
public struct AddedToken: Sendable, Equatable {
    public var id: UInt32
    public var content: String
    public var singleWord: Bool
    public var lstrip: Bool
    public var rstrip: Bool
    public var normalized: Bool
    public var special: Bool

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
}

/// The added tokens, and the one-pass matcher that finds them in the input (STUB).
public struct AddedVocabulary: Sendable {
    public private(set) var tokens: [AddedToken] = []

    public init() {}

    /// Reads the `added_tokens` array.
    public init(json: [JSON], path: String, model: Model) throws {}

    public var json: JSON { .array([]) }

    public func tokenToId(_ token: String) -> UInt32? { nil }
    public func idToToken(_ id: UInt32) -> String? { nil }
    public func isSpecial(_ token: String) -> Bool { false }

    /// Splits `bytes` on added tokens (non-normalized ones on the original text, then normalized
    /// ones on the normalized text) and normalizes the rest, as `tokenizers`' `extract_and_normalize`.
    public func extractAndNormalize(_ bytes: [UInt8], normalizer: Normalizer?) throws -> PreTokenizedString {
        var p = PreTokenizedString(bytes)
        if let normalizer { try p.normalize { try normalizer.normalize(&$0) } }
        return p
    }
}
