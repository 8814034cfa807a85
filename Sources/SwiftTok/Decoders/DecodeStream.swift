/// Incremental decoding for generation: feed ids one at a time, get text as soon as it is
/// complete, as `tokenizers`' `DecodeStream`.
///
/// Decoding a token alone can be wrong (a Metaspace "▁" dropped at the start, half of a UTF-8
/// character from byte fallback), so the stream keeps a window of ids and returns only what the
/// new id adds to the text of the window: nil while the text ends with U+FFFD or did not grow.
public struct DecodeStream: Sendable {
    /// Decodes a list of ids to text (usually a tokenizer's `decode` with fixed options).
    public typealias DecodeFunction = @Sendable (_ ids: [UInt32]) throws -> String

    let decode: DecodeFunction
    /// The window: ids before `prefixIndex` give context, the rest produced `prefix` or are new.
    public private(set) var ids: [UInt32]
    /// The text already returned for the window's ids, cut from the next decoded text.
    public private(set) var prefix: String = ""
    public private(set) var prefixIndex: Int = 0

    /// A stream that decodes with `decode`, optionally starting after `ids` (a prompt: its text is
    /// never returned, it only gives context).
    public init(ids: [UInt32] = [], decode: @escaping DecodeFunction) {
        self.ids = ids
        self.decode = decode
    }

    /// A stream over `tokenizer.decode(_:skipSpecialTokens:)`.
    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false, ids: [UInt32] = []) {
        self.init(ids: ids) { try tokenizer.decode($0, skipSpecialTokens: skipSpecialTokens) }
    }

    /// Adds `id`; returns the new text, or nil when there is none yet.
    public mutating func step(_ id: UInt32) throws -> String? {
        try step([id])
    }

    /// Adds several ids at once; returns the new text, or nil when there is none yet.
    ///
    /// Throws `.invalidArgument` when the window's text no longer starts with the text already
    /// returned (a decoder that rewrites earlier text), as `tokenizers` does.
    public mutating func step(_ newIds: [UInt32]) throws -> String? {
        if prefix.isEmpty && !ids.isEmpty {
            let start = try decode(ids)
            if !start.hasSuffixBytes("\u{FFFD}") {
                prefix = start
                prefixIndex = ids.count
            }
        }
        ids += newIds
        let text = try decode(ids)
        let prefixLength = prefix.utf8.count
        guard text.utf8.count > prefixLength, !text.hasSuffixBytes("\u{FFFD}") else { return nil }
        guard text.hasPrefixBytes(prefix) else {
            throw TokenizerError(.invalidArgument,
                "Invalid prefix encountered while decoding stream. Token ID: \(ids.last ?? 0), "
                + "Expected prefix: '\(prefix)', Actual string: '\(text)'")
        }
        let newText = String(decoding: Array(text.utf8.dropFirst(prefixLength)), as: Unicode.UTF8.self)
        let newPrefixIndex = ids.count - prefixIndex
        ids.removeFirst(prefixIndex)
        prefix = try decode(ids)
        prefixIndex = newPrefixIndex
        return newText
    }
}
