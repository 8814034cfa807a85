extension SentencePiece {
    /// One output piece: its id, piece text and byte range in the original input (as spm's
    /// `SentencePieceText.SentencePiece` id / piece / begin / end).
    public struct EncodedPiece: Sendable, Equatable {
        public var id: UInt32
        public var piece: String
        public var start: Int
        public var end: Int
    }

    /// Scratch buffers for one encoding call (or one worker).
    struct Scratch {
        var normalized: [UInt8] = []
        var normToOrig: [Int32] = []
        var nodes: [Unigram.Node] = []
        var bpe = BPE.Scratch()
        var segments: [(Int, Int, Int32)] = []
        var bpeSegments: [(Int, Int, Int32?)] = []
        /// The stretch fast path's buffers (`SentencePieceModelFastPath.swift`); the cache is made
        /// on first use, so a scratch for one pieces call costs nothing more.
        var fast = StretchScratch()
    }

    /// The model's segmentation of normalized text: (start, end, id) with spm's `PieceToId` applied.
    func segment(_ text: UnsafeBufferPointer<UInt8>, scratch s: inout Scratch) {
        s.segments.removeAll(keepingCapacity: true)
        switch algorithm {
        case .unigram(let u):
            u.encode(text, nodes: &s.nodes, into: &s.segments)
        case .bpe(let b):
            s.bpeSegments.removeAll(keepingCapacity: true)
            b.encode(text, scratch: &s.bpe, into: &s.bpeSegments)
            for (start, end, id) in s.bpeSegments {
                var resolved = id
                if id == nil || reservedMayMatch {
                    if let r = reserved.id(UnsafeBufferPointer(rebasing: text[start..<end])) { resolved = r }
                }
                s.segments.append((start, end, resolved ?? unkId))
            }
        case .word, .char:
            simpleSegments(text, into: &s.segments)
        }
    }

    /// Encodes UTF-8 text as `SentencePieceProcessor::Encode` does, with offsets into `bytes`.
    public func encode(_ bytes: [UInt8]) throws -> [EncodedPiece] {
        var s = Scratch()
        return try encode(bytes, scratch: &s)
    }

    func encode(_ bytes: [UInt8], scratch s: inout Scratch) throws -> [EncodedPiece] {
        try bytes.withUnsafeBufferPointer { input in
            normalizer.normalize(input, into: &s.normalized, normToOrig: &s.normToOrig, offsets: true)
            return try s.normalized.withUnsafeBufferPointer { text in
                segment(text, scratch: &s)
                return try pieces(of: s.segments, text: text, normToOrig: s.normToOrig)
            }
        }
    }

    /// Just the ids of `bytes` (valid UTF-8), appended to `ids`: through the stretch fast path
    /// (`SentencePieceModelFastPath.swift`) when the model allows it, else `referenceEncodeIds`.
    func encodeIds(_ input: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32], scratch s: inout Scratch) throws {
        if let cuts = fastCuts {
            try fastEncodeIds(input, cuts: cuts, into: &ids, scratch: &s)
        } else {
            try referenceEncodeIds(input, into: &ids, scratch: &s)
        }
    }

    /// The reference ids path: the whole text normalized and segmented at once, as spm does.
    func referenceEncodeIds(_ input: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32], scratch s: inout Scratch) throws {
        normalizer.normalize(input, into: &s.normalized, normToOrig: &s.normToOrig, offsets: false)
        try s.normalized.withUnsafeBufferPointer { text in
            segment(text, scratch: &s)
            _ = try appendIds(of: s.segments, in: text, into: &ids)
        }
    }

    /// The error of a segmentation that contains control piece `id`.
    func controlPieceError(_ id: Int32) -> TokenizerError {
        TokenizerError(.invalidArgument, "the text segments into control piece '\(pieceStrings[Int(id)])', which sentencepiece rejects")
    }

    /// Whether a segmentation starts and ends with an unknown piece (`appendIds`).
    struct UnknownEnds: OptionSet {
        let rawValue: UInt32
        static let first = UnknownEnds(rawValue: 1)
        static let last = UnknownEnds(rawValue: 2)
    }

    /// Appends the ids of `segments` of normalized `text` as spm's `Encode` emits them: a
    /// control piece is an error, an unknown piece becomes its bytes' pieces with byte fallback,
    /// and a run of unknown pieces one id without. Returns which ends are unknown pieces, so a
    /// caller that joins segmentations can merge a run that spans two.
    @inline(__always)
    func appendIds(of segments: [(Int, Int, Int32)], in text: UnsafeBufferPointer<UInt8>,
                   into ids: inout [UInt32]) throws -> UnknownEnds {
        var ends: UnknownEnds = []
        var isPrevUnk = false
        for (k, (start, end, id)) in segments.enumerated() {
            let type = types[Int(id)]
            if type == .control {
                throw controlPieceError(id)
            }
            let isUnk = type == .unknown
            if isUnk && byteFallback {
                for i in start..<end { ids.append(UInt32(byteIds[Int(text[i])])) }
            } else if !(isPrevUnk && isUnk) {
                ids.append(UInt32(id))
            }
            if isUnk && k == 0 { ends.insert(.first) }
            isPrevUnk = isUnk
        }
        if isPrevUnk { ends.insert(.last) }
        return ends
    }

    /// Just the ids of `bytes` (valid UTF-8).
    public func encodeIds(_ bytes: [UInt8]) throws -> [UInt32] {
        var s = Scratch()
        var ids: [UInt32] = []
        try bytes.withUnsafeBufferPointer { try encodeIds($0, into: &ids, scratch: &s) }
        return ids
    }

    /// The text of `ids` as `SentencePieceProcessor::DecodeIds`: control pieces vanish, unknown
    /// pieces become the unk surface (` ⁇ `), byte pieces are joined into UTF-8 (U+FFFD per
    /// invalid byte), `▁` becomes a space and the leading one(s) are dropped.
    public func decode(_ ids: [UInt32]) throws -> String {
        var text: [UInt8] = []
        var pendingBytes: [UInt8] = []
        let dropLeading = proto.normalizerSpec.addDummyPrefix || proto.normalizerSpec.removeExtraWhitespaces
        let removeExtra = proto.normalizerSpec.removeExtraWhitespaces
        func flushBytes() {
            var i = 0
            pendingBytes.withUnsafeBufferPointer { p in
                while i < p.count {
                    let n = UTF8Text.sequenceLength(lead: p[i])
                    if n <= p.count - i && UTF8Text.isValid(UnsafeBufferPointer(rebasing: p[i..<(i + n)])) {
                        text.append(contentsOf: p[i..<(i + n)])
                        i += n
                    } else {
                        text.append(contentsOf: Normalizer.replacementCharacter)
                        i += 1
                    }
                }
            }
            pendingBytes.removeAll(keepingCapacity: true)
        }
        var isBosWs = true
        var bosWsSeen = false
        for id in ids {
            guard Int(id) < pieceStrings.count else {
                throw TokenizerError(.invalidArgument, "invalid id \(id) (the model has \(pieceStrings.count) pieces)")
            }
            let type = types[Int(id)]
            if type == .byte {
                pendingBytes.append(UInt8(byteOfId[Int(id)]))
                continue
            }
            flushBytes()
            if bosWsSeen || !text.isEmpty { isBosWs = false }
            switch type {
            case .control:
                bosWsSeen = false
            case .unknown:
                text.append(contentsOf: unkSurface)
                bosWsSeen = false
            default:
                var piece = Array(pieceStrings[Int(id)].utf8)[...]
                var hasBosWs = false
                if isBosWs && dropLeading {
                    if piece.starts(with: Normalizer.space) {
                        piece = piece.dropFirst(3)
                        hasBosWs = true
                    }
                    if removeExtra { hasBosWs = false }
                }
                var i = piece.startIndex
                while i < piece.endIndex {
                    if piece[i] == 0xE2 && i + 2 < piece.endIndex && piece[i + 1] == 0x96 && piece[i + 2] == 0x81 {
                        text.append(0x20)
                        i += 3
                    } else {
                        text.append(piece[i])
                        i += 1
                    }
                }
                bosWsSeen = hasBosWs
            }
        }
        flushBytes()
        if let d = denormalizer { text = d.normalize(text) }
        return String(decoding: text, as: UTF8.self)
    }
}
