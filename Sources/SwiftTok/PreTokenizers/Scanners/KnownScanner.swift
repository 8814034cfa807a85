/// A split pattern for which a hand-written scanner gives exactly the regex's matches.
public enum KnownScanner: String, Sendable, CaseIterable {
    /// GPT-2's `'s|'t|...| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    case gpt2
    /// cl100k / Llama 3: `(?i:'s|...)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
    case cl100k
    /// o200k (GPT-4o), with its case-aware letter runs.
    case o200k
    /// Qwen2: cl100k with single digits (`\p{N}` instead of `\p{N}{1,3}`).
    case qwen

    /// The pattern as tokenizer.json files write it.
    public var pattern: String {
        switch self {
        case .gpt2: return PreTokenizers.ByteLevel.gpt2Pattern
        case .cl100k:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        case .qwen:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        case .o200k:
            return #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        }
    }

    /// The scanner for `pattern` when it is exactly one of the known patterns.
    public init?(pattern: String) {
        guard let k = KnownScanner.allCases.first(where: { $0.pattern == pattern }) else { return nil }
        self = k
    }
}

extension KnownScanner {
    /// The end of the piece (regex match) that starts at `from` in valid UTF-8 `text`; every
    /// position starts a match of these patterns, so the pieces tile the text. `from` must be
    /// less than `text.count`.
    @inline(__always)
    public func nextPiece(in text: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        nextPiece(ScannerText(text), from: from)
    }

    @inline(__always)
    func nextPiece(_ t: ScannerText, from i: Int) -> Int {
        switch self {
        case .gpt2: return KnownScanner.gpt2Piece(t, from: i)
        case .cl100k: return KnownScanner.cl100kPiece(t, from: i, maxDigits: 3)
        case .qwen: return KnownScanner.cl100kPiece(t, from: i, maxDigits: 1)
        case .o200k: return KnownScanner.o200kPiece(t, from: i)
        }
    }

    /// Calls `body` with the end of each piece of `text`, in order, without allocating.
    @inline(__always)
    public func forEachPieceEnd(in text: UnsafeBufferPointer<UInt8>, _ body: (Int) throws -> Void) rethrows {
        let t = ScannerText(text)
        var i = 0
        while i < t.n {
            // A scanner always advances; the guard keeps a bug from looping forever.
            let e = Swift.max(nextPiece(t, from: i), i + 1)
            try body(e)
            i = e
        }
    }

    /// `Pattern::find_matches` of the pattern: every piece is a match.
    func findMatches(in text: UnsafeBufferPointer<UInt8>) -> [(range: Range<Int>, isMatch: Bool)] {
        if text.isEmpty { return [(0..<0, false)] }
        var out: [(range: Range<Int>, isMatch: Bool)] = []
        var start = 0
        forEachPieceEnd(in: text) { e in
            out.append((start..<e, true))
            start = e
        }
        return out
    }
}
