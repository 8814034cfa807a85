/// A token produced by a model or found as an added token, with offsets in its piece's
/// normalized text (UTF-8 bytes).
public struct Token: Sendable, Equatable {
    public var id: UInt32
    public var value: String
    public var offsets: Range<Int>

    public init(id: UInt32, value: String, offsets: Range<Int>) {
        self.id = id
        self.value = value
        self.offsets = offsets
    }
}

/// The input as a list of pieces, split by added tokens and pre-tokenizers; each piece may
/// already carry its tokens. Mirrors `tokenizers`' `PreTokenizedString`.
public struct PreTokenizedString: Sendable {
    public struct Split: Sendable {
        public var normalized: NormalizedString
        public var tokens: [Token]?

        public init(_ normalized: NormalizedString, tokens: [Token]? = nil) {
            self.normalized = normalized
            self.tokens = tokens
        }
    }

    /// The whole original input.
    public let original: [UInt8]
    public internal(set) var splits: [Split]

    public init(_ bytes: [UInt8]) {
        original = bytes
        splits = [Split(NormalizedString(bytes))]
    }

    public init(_ text: String) { self.init(Array(text.utf8)) }

    /// Replaces every piece without tokens by the pieces `body` returns; empty pieces are dropped.
    public mutating func split(_ body: (Int, NormalizedString) throws -> [NormalizedString]) rethrows {
        var result: [Split] = []
        result.reserveCapacity(splits.count)
        for (i, s) in splits.enumerated() {
            if s.tokens != nil { result.append(s); continue }
            for piece in try body(i, s.normalized) where !piece.isEmpty {
                result.append(Split(piece))
            }
        }
        splits = result
    }

    /// Like `split`, but the new pieces may carry tokens already (added tokens).
    public mutating func splitWithTokens(_ body: (Int, NormalizedString) throws -> [Split]) rethrows {
        var result: [Split] = []
        result.reserveCapacity(splits.count)
        for (i, s) in splits.enumerated() {
            if s.tokens != nil { result.append(s); continue }
            for piece in try body(i, s.normalized) where !piece.normalized.isEmpty {
                result.append(piece)
            }
        }
        splits = result
    }

    /// Normalizes every piece without tokens in place.
    public mutating func normalize(_ body: (inout NormalizedString) throws -> Void) rethrows {
        for i in splits.indices where splits[i].tokens == nil {
            try body(&splits[i].normalized)
        }
    }

    /// Gives every piece without tokens the tokens `body` returns for it.
    public mutating func tokenize(_ body: (NormalizedString) throws -> [Token]) rethrows {
        for i in splits.indices where splits[i].tokens == nil {
            splits[i].tokens = try body(splits[i].normalized)
        }
    }

    /// The encoding of the tokenized pieces: offsets in the original input (UTF-8 bytes, or
    /// Unicode scalars with `.char`), word ids from the piece index unless `wordIndex` is given.
    public func encoding(wordIndex: UInt32? = nil, typeId: UInt32, offsets offsetType: OffsetType) throws -> Encoding {
        var e = Encoding()
        e.offsetUnit = offsetType
        if splits.isEmpty { return e }
        let converter = offsetType == .char ? CharOffsetConverter(original) : nil
        for (i, s) in splits.enumerated() {
            guard let tokens = s.tokens else {
                throw TokenizerError(.invalidArgument, "a piece was not tokenized")
            }
            let base = s.normalized.originalShift
            for t in tokens {
                var off: (Int, Int)
                if let r = s.normalized.originalRange(ofNormalized: t.offsets) {
                    off = (base + r.lowerBound, base + r.upperBound)
                } else {
                    off = (t.offsets.lowerBound, t.offsets.upperBound)
                }
                if let c = converter { off = c.convert(off) ?? off }
                e.ids.append(t.id)
                e.tokens.append(t.value)
                e.offsets.append(off)
                e.wordIds.append(wordIndex ?? UInt32(truncatingIfNeeded: i))
                e.typeIds.append(typeId)
                e.specialTokensMask.append(0)
                e.attentionMask.append(1)
            }
        }
        return e
    }
}

/// Which unit encoding offsets count in.
public enum OffsetType: Sendable {
    /// UTF-8 bytes of the original input (the Swift API's default).
    case byte
    /// Unicode scalars of the original input (what `tokenizers`' Python API gives).
    case char
}

/// Converts byte offsets to scalar offsets as `tokenizers`' `BytesToCharOffsetConverter` does.
struct CharOffsetConverter {
    /// For each byte position, the index of the scalar containing it.
    let map: [Int32]

    init(_ original: [UInt8]) {
        var m = [Int32](repeating: 0, count: original.count)
        var scalar: Int32 = -1
        for (i, b) in original.enumerated() {
            if b & 0xC0 != 0x80 { scalar += 1 }
            m[i] = scalar
        }
        map = m
    }

    func convert(_ o: (Int, Int)) -> (Int, Int)? {
        guard o.0 >= 0, o.0 < map.count else { return nil }
        let start = Int(map[o.0])
        if o.1 >= 0 && o.1 < map.count { return (start, Int(map[o.1])) }
        if o.1 - 1 >= 0 && o.1 - 1 < map.count { return (start, Int(map[o.1 - 1]) + 1) }
        return (start, start + 2)
    }
}
