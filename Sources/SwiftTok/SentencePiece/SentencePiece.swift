/// A SentencePiece model loaded from a `.model` file (`ModelProto`), encoding and decoding exactly
/// as the `sentencepiece` library's `SentencePieceProcessor` does with default options (no
/// BOS/EOS, no sampling): its normalizer, its Unigram or BPE model, unknown-run merging, byte
/// fallback and its decoder.
///
/// This is a separate pipeline from tokenizer.json's: `tokenizers`' conversions of the same
/// vocabularies (Precompiled + Metaspace + Unigram) segment differently on many inputs.
public struct SentencePiece: Sendable {
    /// The decoded file.
    public let proto: SentencePieceModelProto
    /// Piece strings by id, and their UTF-8 bytes.
    let pieceStrings: [String]
    let types: [SentencePieceModelProto.PieceType]
    let unkId: Int32
    let byteFallback: Bool
    /// The id of each byte's `<0xXX>` piece (when byte fallback is on).
    let byteIds: [Int32]
    /// The byte value of each BYTE piece id, -1 for others.
    let byteOfId: [Int16]
    /// CONTROL, UNKNOWN and BYTE pieces (spm's `reserved_id_map_`), looked up before `pieces_`.
    let reserved: Trie
    /// True when a reserved piece can be the text of a final BPE symbol.
    let reservedMayMatch: Bool
    let normalizer: Normalizer
    let denormalizer: Normalizer?
    let unkSurface: [UInt8]
    let algorithm: Algorithm
    /// The load-time facts that let the ids path cut the text into independent stretches
    /// (nil: the model breaks an assumption, every call takes `referenceEncodeIds`).
    let fastCuts: FastCuts?

    enum Algorithm: Sendable {
        case unigram(Unigram)
        case bpe(BPE)
        /// WORD and CHAR models: whole words or single characters (or user-defined symbols, for
        /// CHAR) looked up as pieces.
        case word(Trie)
        case char(Trie, userDefined: Trie?)
    }

    /// Loads the bytes of a `.model` file.
    public init(bytes: [UInt8]) throws {
        try self.init(proto: try SentencePieceModelProto(bytes: bytes))
    }

    /// Builds the processor from a decoded model, with spm's load-time checks as errors.
    public init(proto: SentencePieceModelProto) throws {
        self.proto = proto
        let pieces = proto.pieces
        if pieces.isEmpty { throw TokenizerError(.invalidVocabulary, "the model has no pieces", at: "ModelProto.pieces") }
        if pieces.count > Int(Int32.max) { throw TokenizerError(.invalidVocabulary, "too many pieces", at: "ModelProto.pieces") }
        var normalKeys: [([UInt8], Int32)] = []
        var reservedKeys: [([UInt8], Int32)] = []
        var userDefinedKeys: [([UInt8], Int32)] = []
        // Byte arrays, not Strings: String equality is canonical equivalence (U+1F77 == U+03AF).
        var seenNormal = Set<[UInt8]>(), seenReserved = Set<[UInt8]>()
        var unk: Int32 = -1
        var byteIds = [Int32](repeating: -1, count: 256)
        var byteOfId = [Int16](repeating: -1, count: pieces.count)
        let byteFallback = proto.trainerSpec.byteFallback
        for (i, p) in pieces.enumerated() {
            let path = "ModelProto.pieces[\(i)]"
            if p.piece.isEmpty { throw TokenizerError(.invalidVocabulary, "piece must not be empty", at: path) }
            let isNormal = p.type == .normal || p.type == .userDefined || p.type == .unused
            let key = Array(p.piece.utf8)
            let inserted = isNormal ? seenNormal.insert(key).inserted : seenReserved.insert(key).inserted
            if !inserted { throw TokenizerError(.invalidVocabulary, "piece '\(p.piece)' is already defined", at: path) }
            if isNormal { normalKeys.append((key, Int32(i))) } else { reservedKeys.append((key, Int32(i))) }
            switch p.type {
            case .userDefined: userDefinedKeys.append((key, Int32(i)))
            case .unknown:
                if unk >= 0 { throw TokenizerError(.invalidVocabulary, "unk is already defined (pieces \(unk) and \(i))", at: path) }
                unk = Int32(i)
            case .byte:
                if !byteFallback {
                    throw TokenizerError(.invalidVocabulary, "byte piece '\(p.piece)' is found although byte_fallback is false", at: path)
                }
                guard let b = SentencePiece.pieceToByte(p.piece) else {
                    throw TokenizerError(.invalidVocabulary, "byte piece '\(p.piece)' is invalid (expected <0xXX>)", at: path)
                }
                byteIds[Int(b)] = Int32(i)
                byteOfId[i] = Int16(b)
            default: break
            }
        }
        if unk < 0 { throw TokenizerError(.invalidVocabulary, "unk is not defined (no piece of type UNKNOWN)", at: "ModelProto.pieces") }
        if byteFallback, let missing = byteIds.firstIndex(of: -1) {
            throw TokenizerError(.invalidVocabulary, "byte_fallback is true but there is no byte piece <0x\(SentencePiece.hex(UInt8(missing)))> (256 are needed)",
                                 at: "ModelProto.pieces")
        }
        let userDefined = userDefinedKeys.isEmpty ? nil : Trie(userDefinedKeys)
        let normalizer = try Normalizer(spec: proto.normalizerSpec, treatWhitespaceAsSuffix: proto.trainerSpec.treatWhitespaceAsSuffix,
                                        userDefined: userDefined, path: "ModelProto.normalizer_spec")
        var denormalizer: Normalizer? = nil
        if let d = proto.denormalizerSpec, !d.precompiledCharsmap.isEmpty {
            denormalizer = try Normalizer(spec: d, treatWhitespaceAsSuffix: false, userDefined: nil, path: "ModelProto.denormalizer_spec")
        }
        let trie = Trie(normalKeys)
        let algorithm: Algorithm
        switch proto.trainerSpec.modelType {
        case .unigram:
            algorithm = .unigram(Unigram(trie: trie, pieces: pieces, unkId: unk))
        case .bpe:
            algorithm = .bpe(BPE(pieces: trie, scores: pieces.map(\.score), types: pieces.map(\.type), userDefined: userDefined))
        case .word:
            algorithm = .word(trie)
        case .char:
            algorithm = .char(trie, userDefined: userDefined)
        }
        self.pieceStrings = pieces.map(\.piece)
        self.types = pieces.map(\.type)
        self.unkId = unk
        self.byteFallback = byteFallback
        self.byteIds = byteIds
        self.byteOfId = byteOfId
        self.reserved = Trie(reservedKeys)
        // A final BPE symbol is one character or a piece of `pieces_`.
        self.reservedMayMatch = reservedKeys.contains { key, _ in
            seenNormal.contains(key)
                || key.count == UTF8Text.oneCharLen(key[0])
        }
        self.normalizer = normalizer
        self.denormalizer = denormalizer
        self.unkSurface = Array((proto.trainerSpec.unkSurface ?? " \u{2047} ").utf8)
        self.algorithm = algorithm
        self.fastCuts = FastCuts(proto: proto, normalizer: normalizer, algorithm: algorithm)
    }

    /// Number of pieces (`GetPieceSize`).
    public var pieceCount: Int { pieceStrings.count }

    /// The piece of `id`.
    public func idToPiece(_ id: UInt32) -> String? { Int(id) < pieceStrings.count ? pieceStrings[Int(id)] : nil }

    /// spm's `PieceToId`: reserved pieces first, then normal ones, else the unknown id.
    public func pieceToId(_ piece: String) -> UInt32 {
        let key = Array(piece.utf8)
        return UInt32(key.withUnsafeBufferPointer { k in
            reserved.id(k) ?? {
                switch algorithm {
                case .unigram(let u): return u.trie.id(k)
                case .bpe(let b): return b.pieces.id(k)
                case .word(let t), .char(let t, _): return t.id(k)
                }
            }() ?? unkId
        })
    }

    /// The type of piece `id`.
    public func type(of id: UInt32) -> SentencePieceModelProto.PieceType? {
        Int(id) < types.count ? types[Int(id)] : nil
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    /// spm's `ByteToPiece`: `<0xXX>` with upper-case hex digits.
    static func byteToPiece(_ b: UInt8) -> String { "<0x\(hex(b))>" }

    /// spm's `PieceToByte`: the byte of an exact `<0xXX>` piece (upper-case hex), else nil.
    static func pieceToByte(_ piece: String) -> UInt8? {
        let u = Array(piece.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        func digit(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        guard let h = digit(u[3]), let l = digit(u[4]) else { return nil }
        return h << 4 | l
    }
}
