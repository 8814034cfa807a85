import SwiftTok
import Testing
@testable import SwiftTokEmbed

/// safetensors reading: dtype decoding against independent bit patterns, and every malformed file
/// as a clear error (files written to a temporary directory, read back through mmap).
struct SafeTensorsTests {
    /// An image: the 8-byte little-endian length, the header text, the data.
    static func image(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
        let h = Array(header.utf8)
        let n = declaredLength ?? UInt64(h.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + h + data
    }

    static func le16(_ v: [UInt16]) -> [UInt8] { v.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
    static func le32(_ v: [Float]) -> [UInt8] { v.flatMap { f in (0..<4).map { UInt8(truncatingIfNeeded: f.bitPattern >> (8 * UInt32($0))) } } }

    /// Writes `bytes` to a temporary file and opens it with the memory-mapping reader.
    static func open(_ bytes: [UInt8]) throws -> SafeTensors {
        let path = EmbedTestSupport.temporaryDirectory() + "/t.safetensors"
        try FileIO.write(bytes, to: path)
        return try SafeTensors(contentsOfFile: path)
    }

    static func error(_ bytes: [UInt8]) -> TokenizerError? {
        do { _ = try open(bytes); return nil } catch { return error as? TokenizerError }
    }

    /// (binary16 bits, binary32 bits) as numpy widens them (make_half_bits.py): zeros, ±1, 1/3,
    /// the largest finite, the smallest subnormal, the largest subnormal, the smallest normal, ±inf.
    static let halfBitsFromNumpy: [(UInt16, UInt32)] = [
        (0x0000, 0x00000000), (0x8000, 0x80000000), (0x3C00, 0x3F800000), (0xBC00, 0xBF800000),
        (0x3555, 0x3EAAA000), (0x7BFF, 0x477FE000), (0x0001, 0x33800000), (0x03FF, 0x387FC000),
        (0x0400, 0x38800000), (0x7C00, 0x7F800000), (0xFC00, 0xFF800000), (0x4248, 0x40490000),
        (0xC0A0, 0xC0140000), (0x2E66, 0x3DCCC000), (0x1234, 0x3A468000), (0x8001, 0xB3800000),
        (0x83FF, 0xB87FC000),
    ]

    @Test func halfDecodesAsNumpy() {
        for (h, f) in SafeTensorsTests.halfBitsFromNumpy {
            #expect(Float16Bits.float(fromHalf: h).bitPattern == f, "half 0x\(String(h, radix: 16))")
        }
        #expect(Float16Bits.float(fromHalf: 0x7E00).isNaN)
        #expect(Float16Bits.float(fromHalf: 0xFE01).isNaN)
    }

    @Test func bfloat16IsTheTopHalfOfAFloat() {
        // Hand-computed: 0x3F80 = 1.0, 0xC000 = -2.0, 0x4049 = 3.140625 (0x40490000), 0x0001 = 2^-133.
        #expect(Float16Bits.float(fromBFloat16: 0x3F80) == 1.0)
        #expect(Float16Bits.float(fromBFloat16: 0xC000) == -2.0)
        #expect(Float16Bits.float(fromBFloat16: 0x4049) == 3.140625)
        #expect(Float16Bits.float(fromBFloat16: 0x0001) == 0x1p-133)
        #expect(Float16Bits.float(fromBFloat16: 0xFF80) == -.infinity)
        #expect(Float16Bits.float(fromBFloat16: 0x7FC0).isNaN)
    }

    @Test func readsEachDtypeFromAMappedFile() throws {
        let halves = SafeTensorsTests.halfBitsFromNumpy.map(\.0)
        let f32: [Float] = [1.5, -0.25, 3e-38, 1e30, 0, -7]
        let bf: [UInt16] = [0x3F80, 0xC000, 0x4049, 0x0001]
        var data = SafeTensorsTests.le32(f32)
        let halfStart = data.count
        data += SafeTensorsTests.le16(halves)
        let bfStart = data.count
        data += SafeTensorsTests.le16(bf)
        let intStart = data.count
        data += [UInt8](repeating: 1, count: 16)
        let header = """
            {"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,\(halfStart)]},\
            "h":{"dtype":"F16","shape":[\(halves.count)],"data_offsets":[\(halfStart),\(bfStart)]},\
            "b":{"dtype":"BF16","shape":[2,2],"data_offsets":[\(bfStart),\(intStart)]},\
            "i":{"dtype":"I64","shape":[2],"data_offsets":[\(intStart),\(intStart + 16)]}}
            """
        let st = try SafeTensorsTests.open(SafeTensorsTests.image(header: header, data: data))
        #expect(st.metadata == ["format": "pt"])
        #expect(try st.floats("a", shape: [2, 3]) == f32)
        #expect(try st.floats("h", shape: [halves.count]).map(\.bitPattern) == SafeTensorsTests.halfBitsFromNumpy.map(\.1))
        #expect(try st.floats("b", shape: [2, 2]) == [1, -2, 3.140625, 0x1p-133])
        #expect(try st.info("i").dtype == .i64)
        // Same bytes held in memory.
        let copy = try SafeTensors(bytes: SafeTensorsTests.image(header: header, data: data))
        #expect(try copy.floats("a", shape: [2, 3]) == f32)
    }

    @Test func malformedFilesAreClearErrors() throws {
        let ok = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let data = [UInt8](repeating: 0, count: 8)
        let cases: [(String, [UInt8], String)] = [
            ("too short for the length", [1, 2, 3], "truncated"),
            ("header past the end", SafeTensorsTests.image(header: ok, data: data, declaredLength: 5000), "truncated"),
            ("data cut short", Array(SafeTensorsTests.image(header: ok, data: data).dropLast(3)), "truncated"),
            ("not JSON", SafeTensorsTests.image(header: "{\"a\":", data: data), "bad safetensors header"),
            ("not an object", SafeTensorsTests.image(header: "[1,2]", data: data), "expected a JSON object"),
            ("unknown dtype", SafeTensorsTests.image(header: #"{"a":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}}"#, data: data), "unknown dtype"),
            ("size mismatch", SafeTensorsTests.image(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: data), "needs 3"),
            ("negative shape", SafeTensorsTests.image(header: #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: data), "non-negative"),
            ("bad offsets", SafeTensorsTests.image(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: data), "data_offsets"),
            ("missing shape", SafeTensorsTests.image(header: #"{"a":{"dtype":"F32","data_offsets":[0,8]}}"#, data: data), "missing field 'shape'"),
            ("overlap", SafeTensorsTests.image(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}"#, data: data), "overlap"),
            ("bad metadata", SafeTensorsTests.image(header: #"{"__metadata__":{"x":1}}"#, data: data), "__metadata__"),
            ("huge shape", SafeTensorsTests.image(header: #"{"a":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, data: data), "too large"),
        ]
        for (name, bytes, phrase) in cases {
            let e = SafeTensorsTests.error(bytes)
            #expect(e != nil, "\(name): no error")
            #expect(e.map { "\($0)".contains(phrase) } == true, "\(name): \(e.map { "\($0)" } ?? "nil")")
        }
        #expect(throws: TokenizerError.self) { try SafeTensors(contentsOfFile: "/nonexistent/model.safetensors") }

        let st = try SafeTensorsTests.open(SafeTensorsTests.image(header: ok, data: data))
        #expect(throws: TokenizerError.self) { try st.floats("missing", shape: [2]) }
        #expect(throws: TokenizerError.self) { try st.floats("a", shape: [1, 2]) }
    }

    @Test(.enabled(if: EmbedTestSupport.hasModel, "needs ../shared/models/all-MiniLM-L6-v2"))
    func modelChecksTensorsAndConfig() throws {
        let dir = try #require(EmbedTestSupport.modelDirectory)
        let config = try BertConfig(contentsOfFile: dir + "/config.json")
        #expect(config.hiddenSize == 384 && config.layerCount == 6 && config.headCount == 12 && config.intermediateSize == 1536)
        // A model with one more layer than the file holds: a missing tensor, named.
        var deeper = config
        deeper.layerCount = 7
        let weights = try SafeTensors(contentsOfFile: dir + "/model.safetensors")
        #expect(weights.tensors.count == 104)  // 101 used, plus position_ids and the unused pooler
        do {
            _ = try BertModel(config: deeper, weights: weights)
            Issue.record("a missing layer loaded")
        } catch let e as TokenizerError {
            #expect(e.kind == .missingField && "\(e)".contains("encoder.layer.6."))
        }
        // A wider model than the file: a shape error, named.
        let wider = try BertConfig(hiddenSize: 768, layerCount: 6, headCount: 12, intermediateSize: 1536, vocabSize: 30522)
        #expect(throws: TokenizerError.self) { try BertModel(config: wider, weights: weights) }
        // Bad configs.
        #expect(throws: TokenizerError.self) { try BertConfig(json: try JSON.parse(#"{"hidden_size":384,"num_hidden_layers":6,"num_attention_heads":7,"intermediate_size":1536,"vocab_size":30522}"#)) }
        #expect(throws: TokenizerError.self) { try BertConfig(json: try JSON.parse(#"{"hidden_size":384,"num_attention_heads":12,"intermediate_size":1536,"vocab_size":30522}"#)) }
        #expect(throws: TokenizerError.self) { try BertConfig(json: try JSON.parse(#"{"model_type":"gpt2","hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,"intermediate_size":1536,"vocab_size":30522}"#)) }
    }
}
