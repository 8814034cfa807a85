/// The added tokens of a tokenizer, and the one-pass matchers that find them in the input.
///
/// Follows `tokenizers`' `AddedVocabulary` (added_vocabulary.rs) and its loading from
/// tokenizer.json (serialization.rs), as tokenizers 0.23.3 behaves: the whole array goes through
/// one `add_tokens` call, so ids come from the model's vocabulary or are assigned after it, in
/// order — the ids written in the file are ignored (tokenizers only warns when they differ).
/// Immutable once built.
public struct AddedVocabulary: Sendable {
    /// Normalizes one piece in place (the normalizer stage, or a stand-in in tests).
    typealias Normalize = (inout NormalizedString) throws -> Void

    /// What a matched pattern stands for: its token id and the options of that id's token.
    struct Pattern: Sendable, Equatable {
        var id: UInt32
        var singleWord: Bool
        var lstrip: Bool
        var rstrip: Bool
        /// Its content is a special token (skipped when `encodeSpecialTokens` is set).
        var special: Bool
    }

    /// The added tokens by ascending id, with the ids assigned at load (`get_added_tokens_decoder`).
    public private(set) var tokens: [AddedToken] = []
    /// Content to id for every added token (`added_tokens_map`), keyed by exact content.
    public private(set) var vocabulary: [ExactString: UInt32] = [:]
    private var indexById: [UInt32: Int] = [:]
    private var specialContents: Set<ExactString> = []
    /// Normalized forms of normalized tokens, where they differ from the content.
    private var normalizedForms: [UInt32: [UInt8]] = [:]
    /// Matches special tokens as ordinary text (`encode_special_tokens`; not in tokenizer.json).
    public var encodeSpecialTokens = false
    /// Tokens with `normalized == false`, matched on the original text.
    private var rawMatcher = AddedTokenMatcher(patterns: [])
    private var rawPatterns: [Pattern] = []
    /// Tokens with `normalized == true`, their contents normalized, matched on the normalized text.
    private var normalizedMatcher = AddedTokenMatcher(patterns: [])
    private var normalizedPatterns: [Pattern] = []

    /// An empty vocabulary.
    public init() {}

    /// Reads the `added_tokens` array. `normalizer` must be the tokenizer's: the contents of
    /// normalized tokens are normalized with it, as `tokenizers` does when it builds its matcher.
    public init(json: [JSON], path: String, model: Model, normalizer: Normalizer? = nil) throws {
        try self.init(json: json, path: path, modelVocabSize: model.vocabSize,
                      modelTokenToId: { model.tokenToId($0) },
                      normalize: normalizer.map { n in { try n.normalize(&$0) } })
    }

    /// `init(json:path:model:normalizer:)` with the model and normalizer given as functions.
    init(json: [JSON], path: String, modelVocabSize: Int, modelTokenToId: (String) -> UInt32?,
         normalize: Normalize?) throws {
        let entries = try json.enumerated().map { try AddedToken(json: $1, path: "\(path)[\($0)]") }
        try self.init(entries: entries, path: path, modelVocabSize: modelVocabSize,
                      modelTokenToId: modelTokenToId, normalize: normalize)
    }

    /// Adds `entries` in order, as `tokenizers` loads `added_tokens` (their ids are ignored), or
    /// with `keepingIds` each at its own id (tiktoken's special tokens, which leave gaps).
    public init(tokens entries: [AddedToken], model: Model, normalizer: Normalizer? = nil, keepingIds: Bool = false) throws {
        try self.init(entries: entries, path: "added tokens", modelVocabSize: model.vocabSize,
                      modelTokenToId: { model.tokenToId($0) },
                      normalize: normalizer.map { n in { try n.normalize(&$0) } }, keepingIds: keepingIds)
    }

    /// The loading logic, with the model and normalizer as functions (so tests need neither stage).
    init(entries: [AddedToken], path: String, modelVocabSize: Int,
         modelTokenToId: (String) -> UInt32?, normalize: Normalize?, keepingIds: Bool = false) throws {
        // tokenizers adds the whole array in one `add_tokens` call: content -> id, id -> token,
        // and the normalized form of normalized tokens, by id.
        var idsByContent: [ExactString: UInt32] = [:]
        var tokenById: [UInt32: AddedToken] = [:]
        var specialContents: Set<ExactString> = []
        var normalizedForms: [UInt32: [UInt8]] = [:]
        // New ids follow the model's vocabulary (the vocabulary is empty before the call).
        var nextId = UInt32(clamping: modelVocabSize)
        var exhausted = false

        for (index, token) in entries.enumerated() {
            if token.content.isEmpty { continue }
            let key = ExactString(token.content)
            if let id = idsByContent[key], let existing = tokenById[id], existing.sameOptions(as: token) {
                continue
            }
            let id: UInt32
            if let known = idsByContent[key] ?? modelTokenToId(token.content) {
                id = known
            } else if keepingIds {
                id = token.id
            } else {
                guard !exhausted else {
                    throw TokenizerError(.invalidVocabulary, "no id left for this added token", at: "\(path)[\(index)]")
                }
                id = nextId
                if nextId == UInt32.max { exhausted = true } else { nextId += 1 }
            }
            if token.normalized, let normalize {
                var content = NormalizedString(Array(token.content.utf8))
                do {
                    try normalize(&content)
                } catch var e as TokenizerError {
                    e.location = "\(path)[\(index)].content"
                    throw e
                }
                // Kept only when it differs, and never dropped: tokenizers' `normalized_cache`.
                if content.normalized != Array(token.content.utf8) { normalizedForms[id] = content.normalized }
            }
            idsByContent[key] = id
            if token.special { specialContents.insert(key) }
            var stored = token
            stored.id = id
            tokenById[id] = stored
        }

        tokens = tokenById.values.sorted { $0.id < $1.id }
        for (i, t) in tokens.enumerated() { indexById[t.id] = i }
        vocabulary = idsByContent
        self.specialContents = specialContents
        self.normalizedForms = normalizedForms
        rebuildMatchers()
    }

    /// Builds the two matchers from the tokens by id, as `refresh_added_tokens`. tokenizers walks
    /// a hash map, so when two normalized tokens normalize alike the one it reports varies from
    /// run to run; here the lowest id wins.
    private mutating func rebuildMatchers() {
        var raw: [[UInt8]] = []
        var normalized: [[UInt8]] = []
        rawPatterns = []
        normalizedPatterns = []
        for token in tokens {
            let pattern = Pattern(id: token.id, singleWord: token.singleWord, lstrip: token.lstrip, rstrip: token.rstrip,
                                  special: specialContents.contains(ExactString(token.content)))
            if token.normalized {
                normalized.append(normalizedForms[token.id] ?? Array(token.content.utf8))
                normalizedPatterns.append(pattern)
            } else {
                raw.append(Array(token.content.utf8))
                rawPatterns.append(pattern)
            }
        }
        rawMatcher = AddedTokenMatcher(patterns: raw)
        normalizedMatcher = AddedTokenMatcher(patterns: normalized)
    }

    /// The `added_tokens` array as `tokenizers` writes it: by ascending id.
    public var json: JSON { .array(tokens.map(\.json)) }

    /// The id of an added token (the tokenizer falls back to the model for other tokens).
    public func tokenToId(_ token: String) -> UInt32? { vocabulary[ExactString(token)] }

    /// The string of the added token with this id, as used for decoding (`simple_id_to_token`):
    /// the normalized form of a token normalized at load when it differs, else its content.
    public func idToToken(_ id: UInt32) -> String? {
        if let form = normalizedForms[id] { return String(decoding: form, as: Unicode.UTF8.self) }
        guard let i = indexById[id] else { return nil }
        return tokens[i].content
    }

    /// The added token with this id.
    public func token(id: UInt32) -> AddedToken? {
        guard let i = indexById[id] else { return nil }
        return tokens[i]
    }

    /// True for special tokens (`is_special_token`: once added as special, always special).
    public func isSpecial(_ token: String) -> Bool { specialContents.contains(ExactString(token)) }

    /// `get_vocab_size(with_added_tokens: true)`: the model's size plus the added contents the
    /// model does not know.
    public func vocabSize(model: Model) -> Int {
        vocabSize(modelVocabSize: model.vocabSize, modelTokenToId: { model.tokenToId($0) })
    }

    /// `vocabSize(model:)` with the model given as functions.
    func vocabSize(modelVocabSize: Int, modelTokenToId: (String) -> UInt32?) -> Int {
        var n = modelVocabSize
        for content in vocabulary.keys where modelTokenToId(content.string) == nil { n += 1 }
        return n
    }

    // MARK: Extraction

    /// Splits `bytes` on added tokens (non-normalized ones on the original text, then normalized
    /// ones on the normalized text) and normalizes the rest, as `tokenizers`' `extract_and_normalize`.
    public func extractAndNormalize(_ bytes: [UInt8], normalizer: Normalizer?) throws -> PreTokenizedString {
        if let normalizer {
            return try extractAndNormalize(bytes, normalize: { try normalizer.normalize(&$0) })
        }
        return try extractAndNormalize(bytes, normalize: nil)
    }

    /// `extractAndNormalize` with the normalizer given as a function.
    func extractAndNormalize(_ bytes: [UInt8], normalize: Normalize?) throws -> PreTokenizedString {
        var p = PreTokenizedString(bytes)
        p.splitWithTokens { _, piece in split(piece, rawMatcher, rawPatterns) }
        try p.splitWithTokens { _, piece in
            var piece = piece
            try normalize?(&piece)
            return split(piece, normalizedMatcher, normalizedPatterns)
        }
        return p
    }

    /// `split_with_indices`: the piece cut at the matches, each match carrying its token.
    private func split(_ piece: NormalizedString, _ matcher: AddedTokenMatcher, _ patterns: [Pattern]) -> [PreTokenizedString.Split] {
        let found = matcher.isEmpty ? [] : piece.normalized.withUnsafeBufferPointer {
            AddedVocabulary.findMatches($0, matcher, patterns, skipSpecial: encodeSpecialTokens)
        }
        if found.isEmpty {
            // tokenizers slices the whole piece; that only changes it when normalization removed
            // original bytes at its edges.
            let a = piece.alignments
            if a.isEmpty || (a[0].start == 0 && Int(a[a.count - 1].end) == piece.original.count) {
                return [PreTokenizedString.Split(piece)]
            }
            guard let whole = piece.slice(normalized: 0..<piece.normalized.count) else { return [PreTokenizedString.Split(piece)] }
            return [PreTokenizedString.Split(whole)]
        }
        var result: [PreTokenizedString.Split] = []
        result.reserveCapacity(found.count)
        for (range, id) in found {
            guard let slice = piece.slice(normalized: range) else { continue }
            if let id {
                let value = String(decoding: slice.normalized, as: Unicode.UTF8.self)
                result.append(PreTokenizedString.Split(slice, tokens: [Token(id: id, value: value, offsets: 0..<slice.normalized.count)]))
            } else {
                result.append(PreTokenizedString.Split(slice))
            }
        }
        return result
    }

    /// `find_matches`: the pieces covering `text`, each an added token (its id) or not (nil).
    /// Empty when nothing matches. Single-word checks use regex `\w`, lstrip/rstrip regex `\s`.
    static func findMatches(_ text: UnsafeBufferPointer<UInt8>, _ matcher: AddedTokenMatcher,
                            _ patterns: [Pattern], skipSpecial: Bool = false) -> [(range: Range<Int>, id: UInt32?)] {
        let matches = matcher.matches(in: text)
        if matches.isEmpty { return [] }
        var result: [(range: Range<Int>, id: UInt32?)] = []
        result.reserveCapacity(matches.count * 2 + 1)
        var startOffset = 0
        // The last whitespace run measured for rstrip: any position inside it ends at `runEnd`.
        var runStart = -1
        var runEnd = -1
        for m in matches {
            var start = m.start
            var stop = m.end
            let pattern = patterns[m.pattern]
            if skipSpecial && pattern.special { continue }
            if pattern.singleWord {
                let startSpace = start == 0 || !isWordScalar(scalar(before: start, in: text))
                let stopSpace = stop == text.count || !isWordScalar(UTF8Text.decode(text, at: stop).scalar)
                if !startSpace || !stopSpace { continue }
            }
            if pattern.lstrip {
                // max(start of the whitespace before the match, end of the previous match).
                if start <= startOffset {
                    start = startOffset
                } else {
                    while start > startOffset {
                        var i = start - 1
                        while i > 0 && text[i] & 0xC0 == 0x80 { i -= 1 }
                        if !UnicodeProperties.isWhitespace(UTF8Text.decode(text, at: i).scalar) { break }
                        start = i
                    }
                }
            }
            if pattern.rstrip {
                if stop >= runStart && stop <= runEnd {
                    stop = runEnd
                } else {
                    runStart = stop
                    while stop < text.count {
                        let (s, n) = UTF8Text.decode(text, at: stop)
                        if !UnicodeProperties.isWhitespace(s) { break }
                        stop += n
                    }
                    runEnd = stop
                }
            }
            // tokenizers would fail on a match that ends before the previous one's stripped
            // whitespace; an empty piece is dropped instead.
            if stop < start { stop = start }
            if startOffset < start { result.append((startOffset..<start, nil)) }
            result.append((start..<stop, pattern.id))
            startOffset = stop
        }
        if startOffset < text.count { result.append((startOffset..<text.count, nil)) }
        return result
    }

    /// The scalar that ends at byte `end` of valid UTF-8 `text`.
    @inline(__always)
    static func scalar(before end: Int, in text: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var i = end - 1
        while i > 0 && text[i] & 0xC0 == 0x80 { i -= 1 }
        return UTF8Text.decode(text, at: i).scalar
    }

    /// Regex `\w` (Unicode): Alphabetic, marks, decimal digits, connector punctuation, Join_Control.
    @inline(__always)
    static func isWordScalar(_ s: UInt32) -> Bool {
        if s < 0x80 {
            return (s >= 0x30 && s <= 0x39) || (s >= 0x41 && s <= 0x5A) || (s >= 0x61 && s <= 0x7A) || s == 0x5F
        }
        if UnicodeProperties.isAlphabetic(s) || UnicodeProperties.isMark(s) { return true }
        switch UnicodeProperties.category(s) {
        case .Nd, .Pc: return true
        default: return s == 0x200C || s == 0x200D
        }
    }
}

// MARK: Fast paths

extension AddedVocabulary {
    /// True when some added token is matched on normalized text (fast paths that normalize
    /// themselves cannot take those).
    var hasNormalizedMatches: Bool { !normalizedMatcher.isEmpty }

    /// True when there are no added tokens to find at all.
    var matchesNothing: Bool { rawMatcher.isEmpty && normalizedMatcher.isEmpty }

    /// `rawPieces(text)`, or nil when that is `text` as one plain piece: the common case of a
    /// short call, answered without building an array.
    func rawPiecesUnlessPlain(_ text: UnsafeBufferPointer<UInt8>) -> [(range: Range<Int>, id: UInt32?)]? {
        guard normalizedMatcher.isEmpty else { return rawPieces(text) }
        if rawMatcher.isEmpty || text.isEmpty { return text.isEmpty ? [] : nil }
        let first = AddedVocabulary.findMatches(text, rawMatcher, rawPatterns, skipSpecial: encodeSpecialTokens)
        return first.isEmpty ? nil : first.filter { !$0.range.isEmpty }
    }

    /// The pieces of `text`, each an added token's id or nil, as `extractAndNormalize` cuts them
    /// when the tokenizer has no normalizer (normalized text = original text) — or, when
    /// `hasNormalizedMatches` is false, the cut made on the original text before normalizing.
    func rawPieces(_ text: UnsafeBufferPointer<UInt8>) -> [(range: Range<Int>, id: UInt32?)] {
        var first = rawMatcher.isEmpty ? [] : AddedVocabulary.findMatches(text, rawMatcher, rawPatterns, skipSpecial: encodeSpecialTokens)
        if first.isEmpty { first = [(0..<text.count, nil)] }
        if normalizedMatcher.isEmpty { return first.filter { !$0.range.isEmpty } }
        var result: [(range: Range<Int>, id: UInt32?)] = []
        for piece in first {
            if piece.id != nil || piece.range.isEmpty {
                if !piece.range.isEmpty { result.append(piece) }
                continue
            }
            let sub = UnsafeBufferPointer(rebasing: text[piece.range])
            let found = AddedVocabulary.findMatches(sub, normalizedMatcher, normalizedPatterns, skipSpecial: encodeSpecialTokens)
            if found.isEmpty { result.append(piece); continue }
            for f in found where !f.range.isEmpty {
                result.append(((piece.range.lowerBound + f.range.lowerBound)..<(piece.range.lowerBound + f.range.upperBound), f.id))
            }
        }
        return result
    }
}
