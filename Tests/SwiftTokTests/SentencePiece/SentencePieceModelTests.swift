import Testing
@testable import SwiftTok

/// A minimal protobuf writer for building `.model` files in tests.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func tag(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }
    mutating func int(_ field: Int, _ v: Int64) { tag(field, 0); varint(UInt64(bitPattern: v)) }
    mutating func bytes(_ field: Int, _ b: [UInt8]) { tag(field, 2); varint(UInt64(b.count)); bytes += b }
    mutating func string(_ field: Int, _ s: String) { bytes(field, Array(s.utf8)) }
    mutating func float(_ field: Int, _ f: Float) {
        tag(field, 5)
        let b = f.bitPattern
        bytes += [UInt8(b & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b >> 16 & 0xFF), UInt8(b >> 24)]
    }

    static func piece(_ s: String, _ score: Float, _ type: Int) -> [UInt8] {
        var w = ProtoWriter()
        w.string(1, s)
        w.float(2, score)
        if type != 1 { w.int(3, Int64(type)) }
        return w.bytes
    }

    /// A small Unigram (or BPE) model: <unk>, <s>, </s>, then the given normal pieces.
    static func model(type: Int = 1, pieces: [(String, Float, Int)] = [("▁", -1, 1), ("a", -2, 1), ("b", -2, 1), ("▁a", -1.5, 1)],
                      trainerExtra: (inout ProtoWriter) -> Void = { _ in }, normalizer: [UInt8]? = nil) -> [UInt8] {
        var m = ProtoWriter()
        for (s, score, t) in [("<unk>", Float(0), 2), ("<s>", 0, 3), ("</s>", 0, 3)] + pieces {
            m.bytes(1, piece(s, score, t))
        }
        var t = ProtoWriter()
        t.int(3, Int64(type))
        trainerExtra(&t)
        m.bytes(2, t.bytes)
        var n = ProtoWriter()
        n.string(1, "identity")
        if let normalizer { n.bytes(2, normalizer) }
        m.bytes(3, n.bytes)
        return m.bytes
    }
}

@Suite struct SentencePieceModelTests {
    func loadError(_ bytes: [UInt8]) -> TokenizerError? {
        do { _ = try Tokenizer(data: bytes); return nil } catch let e as TokenizerError { return e } catch { return nil }
    }

    @Test func readsASmallModel() throws {
        let t = try Tokenizer(data: ProtoWriter.model())
        let sp = try #require(t.sentencePiece)
        #expect(sp.pieceCount == 7)
        #expect(sp.proto.trainerSpec.modelType == .unigram)
        #expect(sp.proto.pieces[1].type == .control)
        #expect(t.tokenToId("▁a") == 6)
        #expect(t.idToToken(4) == "a")
    }

    @Test func unknownFieldsAreSkippedByWireType() throws {
        var m = ProtoWriter()
        m.int(99, 7)                 // varint
        m.tag(98, 1); m.bytes += [UInt8](repeating: 1, count: 8)   // fixed64
        m.bytes(97, [1, 2, 3])       // length-delimited
        m.float(96, 1.5)             // fixed32
        let plain = ProtoWriter.model()
        // Unknown fields after the known ones, at the top level.
        let sp = try SentencePiece(bytes: plain + m.bytes)
        #expect(sp.pieceCount == 7)
    }

    @Test func truncatedVarintNamesTheOffset() throws {
        let bytes = ProtoWriter.model() + [0x10, 0x80]   // field 2 varint tag... then a cut varint
        let e = try #require(loadError(bytes))
        #expect(e.kind == .invalidVocabulary)
        #expect(e.location.contains("byte"))
    }

    @Test func lengthPastTheEnd() throws {
        var bytes = ProtoWriter.model()
        bytes += [0x0A, 0x7F, 0x0A]
        let e = try #require(loadError(bytes))
        #expect(e.message.contains("runs past the end"))
        #expect(e.location.contains("pieces[7]"))
    }

    @Test func invalidUTF8Piece() throws {
        var m = ProtoWriter()
        var p = ProtoWriter()
        p.bytes(1, [0x61, 0xFF])
        m.bytes(1, p.bytes)
        let e = try #require(loadError(ProtoWriter.model() + m.bytes))
        #expect(e.message.contains("not valid UTF-8"))
        #expect(e.location.contains("pieces[7].piece"))
    }

    @Test func unknownModelType() throws {
        let e = try #require(loadError(ProtoWriter.model(type: 9)))
        #expect(e.message.contains("unknown model type 9"))
        #expect(e.location.contains("trainer_spec.model_type"))
        // WORD and CHAR load (their parity with sentencepiece is in Tests/oracle/test_sentencepiece_sampling.py).
        #expect(loadError(ProtoWriter.model(type: 3)).map { "\($0)" } == nil)
        #expect(loadError(ProtoWriter.model(type: 4)).map { "\($0)" } == nil)
    }

    @Test func unknownPieceType() throws {
        let e = try #require(loadError(ProtoWriter.model(pieces: [("x", 0, 7)])))
        #expect(e.message.contains("unknown piece type 7"))
    }

    @Test func spmLoadChecks() throws {
        // No UNKNOWN piece.
        var m = ProtoWriter()
        m.bytes(1, ProtoWriter.piece("a", 0, 1))
        m.bytes(2, [0x18, 0x01])
        m.bytes(3, [])
        #expect(try #require(loadError(m.bytes)).message.contains("unk is not defined"))
        // Pieces without the specs after them: a cut file.
        var cut = ProtoWriter()
        cut.bytes(1, ProtoWriter.piece("<unk>", 0, 2))
        #expect(try #require(loadError(cut.bytes)).message.contains("truncated"))
        // Duplicate piece; empty piece.
        #expect(try #require(loadError(ProtoWriter.model(pieces: [("a", 0, 1), ("a", 0, 1)]))).message.contains("already defined"))
        #expect(try #require(loadError(ProtoWriter.model(pieces: [("", 0, 1)]))).message.contains("must not be empty"))
        // Byte pieces without byte_fallback, and byte_fallback without all 256.
        #expect(try #require(loadError(ProtoWriter.model(pieces: [("<0x41>", 0, 6)]))).message.contains("byte_fallback is false"))
        let partial = ProtoWriter.model(pieces: [("<0x41>", 0, 6)], trainerExtra: { $0.int(35, 1) })
        #expect(try #require(loadError(partial)).message.contains("256 are needed"))
        let badByte = ProtoWriter.model(pieces: [("<0x4g>", 0, 6)], trainerExtra: { $0.int(35, 1) })
        #expect(try #require(loadError(badByte)).message.contains("is invalid"))
    }

    @Test func charsmapThatDoesNotDecode() throws {
        for blob: [UInt8] in [[1, 2], [0xFF, 0xFF, 0, 0, 1, 2, 3, 4], [4, 0, 0, 0, 0, 0, 0, 0, 0xFF]] {
            let e = try #require(loadError(ProtoWriter.model(normalizer: blob)))
            #expect(e.message.contains("charsmap"), "\(e)")
        }
    }

    @Test func everyTruncationOfASmallModelIsAnError() throws {
        let bytes = ProtoWriter.model()
        for n in 1..<bytes.count {
            // A cut inside a field is an error; a cut at a field boundary may load (fewer pieces)
            // but must not crash.
            _ = loadError(Array(bytes[0..<n]))
        }
    }

    @Test func decodeRejectsOutOfRangeIds() throws {
        let t = try Tokenizer(data: ProtoWriter.model())
        #expect(throws: TokenizerError.self) { try t.decode([100]) }
        #expect(try t.decode([1, 6, 4, 2]) == "aa")
    }

    @Test func saveRefuses() throws {
        let t = try Tokenizer(data: ProtoWriter.model())
        let e = try #require({ () -> TokenizerError? in
            do { try t.save(to: "/tmp/swifttok-spm-should-not-exist.json"); return nil } catch let e as TokenizerError { return e } catch { return nil }
        }())
        #expect(e.kind == .unsupported)
    }
}
