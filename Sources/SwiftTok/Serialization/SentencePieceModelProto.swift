/// SentencePiece's `ModelProto` (sentencepiece_model.proto), read by a small hand-written
/// protobuf decoder: only the fields that change encoding or decoding are kept; every other
/// field is skipped by its wire type.
public struct SentencePieceModelProto: Sendable, Equatable {
    /// A piece's type, as `ModelProto.SentencePiece.Type`.
    public enum PieceType: Int, Sendable, CaseIterable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6

        /// The proto enum name.
        public var name: String {
            switch self {
            case .normal: return "NORMAL"
            case .unknown: return "UNKNOWN"
            case .control: return "CONTROL"
            case .userDefined: return "USER_DEFINED"
            case .unused: return "UNUSED"
            case .byte: return "BYTE"
            }
        }
    }

    /// `TrainerSpec.ModelType`.
    public enum ModelType: Int, Sendable {
        case unigram = 1, bpe = 2, word = 3, char = 4

        /// The proto enum name.
        public var name: String {
            switch self {
            case .unigram: return "UNIGRAM"
            case .bpe: return "BPE"
            case .word: return "WORD"
            case .char: return "CHAR"
            }
        }
    }

    /// One vocabulary entry.
    public struct Piece: Sendable, Equatable {
        public var piece: String = ""
        public var score: Float = 0
        public var type: PieceType = .normal
    }

    /// The `TrainerSpec` fields that matter at inference time (and a few shown by `info`).
    public struct TrainerSpec: Sendable, Equatable {
        public var modelType: ModelType = .unigram
        public var vocabSize: Int32 = 8000
        public var byteFallback = false
        public var treatWhitespaceAsSuffix = false
        public var splitDigits = false
        public var unkId: Int32 = 0
        public var bosId: Int32 = 1
        public var eosId: Int32 = 2
        public var padId: Int32 = -1
        public var unkPiece = "<unk>"
        public var bosPiece = "<s>"
        public var eosPiece = "</s>"
        public var padPiece = "<pad>"
        /// What an unknown piece decodes to (`" ⁇ "` by default).
        public var unkSurface: String? = nil
    }

    /// `NormalizerSpec` (also used for the denormalizer).
    public struct NormalizerSpec: Sendable, Equatable {
        public var name = ""
        public var precompiledCharsmap: [UInt8] = []
        public var addDummyPrefix = true
        public var removeExtraWhitespaces = true
        public var escapeWhitespaces = true
    }

    public var pieces: [Piece] = []
    public var trainerSpec = TrainerSpec()
    public var normalizerSpec = NormalizerSpec()
    /// Present only when the file has one.
    public var denormalizerSpec: NormalizerSpec? = nil

    public init() {}

    /// Decodes a serialized `ModelProto`; a malformed message is an error naming the field and byte offset.
    public init(bytes: [UInt8]) throws {
        var hasTrainerSpec = false, hasNormalizerSpec = false
        try bytes.withUnsafeBufferPointer { buf in
            var r = ProtoReader(buf, base: 0, message: "ModelProto")
            while let (field, wire) = try r.nextField() {
                switch field {
                case 1:
                    var sub = try r.subMessage(wire, field: "pieces[\(pieces.count)]")
                    pieces.append(try Self.readPiece(&sub))
                case 2:
                    var sub = try r.subMessage(wire, field: "trainer_spec")
                    try Self.readTrainerSpec(&sub, into: &trainerSpec)
                    hasTrainerSpec = true
                case 3:
                    var sub = try r.subMessage(wire, field: "normalizer_spec")
                    try Self.readNormalizerSpec(&sub, into: &normalizerSpec)
                    hasNormalizerSpec = true
                case 5:
                    var sub = try r.subMessage(wire, field: "denormalizer_spec")
                    var spec = denormalizerSpec ?? NormalizerSpec()
                    try Self.readNormalizerSpec(&sub, into: &spec)
                    denormalizerSpec = spec
                default:
                    try r.skip(wire)
                }
            }
        }
        // sentencepiece writes both specs after the pieces in every model file; a file without them
        // is cut short (protobuf alone cannot tell a cut at a field boundary).
        if !hasTrainerSpec || !hasNormalizerSpec {
            let missing = [hasTrainerSpec ? nil : "trainer_spec", hasNormalizerSpec ? nil : "normalizer_spec"].compactMap { $0 }
            throw TokenizerError(.invalidVocabulary,
                "no \(missing.joined(separator: " and ")) after \(pieces.count) pieces: the file is truncated or not a SentencePiece model",
                at: "ModelProto (byte \(bytes.count))")
        }
    }

    private static func readPiece(_ r: inout ProtoReader) throws -> Piece {
        var p = Piece()
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: p.piece = try r.string(wire, field: "piece")
            case 2: p.score = try r.float(wire, field: "score")
            case 3:
                let v = try r.int32(wire, field: "type")
                guard let t = PieceType(rawValue: Int(v)) else {
                    throw r.error("unknown piece type \(v) (expected 1...6: NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE)", field: "type")
                }
                p.type = t
            default: try r.skip(wire)
            }
        }
        return p
    }

    private static func readTrainerSpec(_ r: inout ProtoReader, into s: inout TrainerSpec) throws {
        while let (field, wire) = try r.nextField() {
            switch field {
            case 3:
                let v = try r.int32(wire, field: "model_type")
                guard let t = ModelType(rawValue: Int(v)) else {
                    throw r.error("unknown model type \(v) (expected 1 UNIGRAM, 2 BPE, 3 WORD or 4 CHAR)", field: "model_type")
                }
                s.modelType = t
            case 4: s.vocabSize = try r.int32(wire, field: "vocab_size")
            case 24: s.treatWhitespaceAsSuffix = try r.bool(wire, field: "treat_whitespace_as_suffix")
            case 25: s.splitDigits = try r.bool(wire, field: "split_digits")
            case 35: s.byteFallback = try r.bool(wire, field: "byte_fallback")
            case 40: s.unkId = try r.int32(wire, field: "unk_id")
            case 41: s.bosId = try r.int32(wire, field: "bos_id")
            case 42: s.eosId = try r.int32(wire, field: "eos_id")
            case 43: s.padId = try r.int32(wire, field: "pad_id")
            case 44: s.unkSurface = try r.string(wire, field: "unk_surface")
            case 45: s.unkPiece = try r.string(wire, field: "unk_piece")
            case 46: s.bosPiece = try r.string(wire, field: "bos_piece")
            case 47: s.eosPiece = try r.string(wire, field: "eos_piece")
            case 48: s.padPiece = try r.string(wire, field: "pad_piece")
            default: try r.skip(wire)
            }
        }
    }

    private static func readNormalizerSpec(_ r: inout ProtoReader, into s: inout NormalizerSpec) throws {
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: s.name = try r.string(wire, field: "name")
            case 2: s.precompiledCharsmap = try r.bytes(wire, field: "precompiled_charsmap")
            case 3: s.addDummyPrefix = try r.bool(wire, field: "add_dummy_prefix")
            case 4: s.removeExtraWhitespaces = try r.bool(wire, field: "remove_extra_whitespaces")
            case 5: s.escapeWhitespaces = try r.bool(wire, field: "escape_whitespaces")
            default: try r.skip(wire)
            }
        }
    }

    /// True when `bytes` may be a serialized ModelProto: it starts with the tag of one of its
    /// message fields (pieces, trainer_spec, normalizer_spec, denormalizer_spec), which no
    /// tokenizer.json or tiktoken text file does. The full parse then decides.
    static func mayBeModelProto(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return false }
        return first == 0x0A || first == 0x12 || first == 0x1A || first == 0x2A
    }
}

/// Reads protobuf wire format from a byte buffer; errors name the message, field and absolute byte offset.
struct ProtoReader {
    let buf: UnsafeBufferPointer<UInt8>
    /// Absolute offset of `buf[0]` in the file, for error messages.
    let base: Int
    let message: String
    var pos = 0

    init(_ buf: UnsafeBufferPointer<UInt8>, base: Int, message: String) {
        self.buf = buf
        self.base = base
        self.message = message
    }

    func error(_ text: String, field: String, at offset: Int? = nil) -> TokenizerError {
        TokenizerError(.invalidVocabulary, "\(text)", at: "\(message).\(field) (byte \(base + (offset ?? pos)))")
    }

    /// The next (field number, wire type), or nil at the end of the message.
    mutating func nextField() throws -> (field: Int, wire: Int)? {
        if pos >= buf.count { return nil }
        let start = pos
        let key = try varint(field: "<tag>")
        let field = Int(key >> 3)
        let wire = Int(key & 7)
        if field == 0 { throw error("invalid field number 0", field: "<tag>", at: start) }
        return (field, wire)
    }

    mutating func varint(field: String) throws -> UInt64 {
        let start = pos
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard pos < buf.count else { throw error("truncated varint", field: field, at: start) }
            let b = buf[pos]
            pos += 1
            if shift == 63 && b > 1 { throw error("varint longer than 64 bits", field: field, at: start) }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes", field: field, at: start) }
        }
    }

    private func expect(_ wire: Int, _ want: Int, field: String) throws {
        if wire != want {
            throw error("wire type \(wire), expected \(want)", field: field)
        }
    }

    /// The bytes of a length-delimited field.
    mutating func lengthDelimited(_ wire: Int, field: String) throws -> Range<Int> {
        try expect(wire, 2, field: field)
        let start = pos
        let n = try varint(field: field)
        guard n <= UInt64(buf.count - pos) else {
            throw error("length \(n) runs past the end of the data (\(buf.count - pos) bytes left)", field: field, at: start)
        }
        let r = pos..<(pos + Int(n))
        pos += Int(n)
        return r
    }

    mutating func subMessage(_ wire: Int, field: String) throws -> ProtoReader {
        let r = try lengthDelimited(wire, field: field)
        return ProtoReader(UnsafeBufferPointer(rebasing: buf[r]), base: base + r.lowerBound, message: "\(message).\(field)")
    }

    mutating func bytes(_ wire: Int, field: String) throws -> [UInt8] {
        Array(buf[try lengthDelimited(wire, field: field)])
    }

    mutating func string(_ wire: Int, field: String) throws -> String {
        let r = try lengthDelimited(wire, field: field)
        let slice = UnsafeBufferPointer(rebasing: buf[r])
        if let bad = UTF8Text.firstInvalid(slice) {
            throw error("string is not valid UTF-8 (at byte \(base + r.lowerBound + bad))", field: field, at: r.lowerBound)
        }
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func float(_ wire: Int, field: String) throws -> Float {
        try expect(wire, 5, field: field)
        guard buf.count - pos >= 4 else { throw error("truncated fixed32", field: field) }
        let bits = UInt32(buf[pos]) | UInt32(buf[pos + 1]) << 8 | UInt32(buf[pos + 2]) << 16 | UInt32(buf[pos + 3]) << 24
        pos += 4
        return Float(bitPattern: bits)
    }

    /// An int32 (or enum) field: proto2 writes negative values as 10-byte varints.
    mutating func int32(_ wire: Int, field: String) throws -> Int32 {
        try expect(wire, 0, field: field)
        return Int32(truncatingIfNeeded: try varint(field: field))
    }

    mutating func bool(_ wire: Int, field: String) throws -> Bool {
        try expect(wire, 0, field: field)
        return try varint(field: field) != 0
    }

    /// Skips a field's value by its wire type.
    mutating func skip(_ wire: Int) throws {
        switch wire {
        case 0: _ = try varint(field: "<unknown field>")
        case 1:
            guard buf.count - pos >= 8 else { throw error("truncated fixed64", field: "<unknown field>") }
            pos += 8
        case 2: _ = try lengthDelimited(wire, field: "<unknown field>")
        case 5:
            guard buf.count - pos >= 4 else { throw error("truncated fixed32", field: "<unknown field>") }
            pos += 4
        default:
            throw error("unsupported wire type \(wire)", field: "<unknown field>")
        }
    }
}
