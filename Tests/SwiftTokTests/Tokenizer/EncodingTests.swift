import Testing
@testable import SwiftTok

/// Encoding.truncate / pad / merge against tokenizers' own results (fixture made by
/// make_encoding_expected.py with tokenizers 0.23: `Encoding.truncate`, `.pad`, `Encoding.merge`).
@Suite struct EncodingTests {
    static let cases: [JSON] = {
        let path = #filePath.replacingEvery("EncodingTests.swift", with: "encoding_expected.json")
        guard let bytes = try? FileIO.read(path), case .array(let items)? = try? JSON.parse(bytes) else { return [] }
        return items
    }()

    func encoding(_ j: JSON?, sequenceId: Int? = nil) -> Encoding {
        var e = Encoding()
        guard let o = j?.objectValue else { return e }
        e.ids = o["ids"]?.arrayValue?.compactMap { $0.intValue.map(UInt32.init) } ?? []
        e.typeIds = o["type_ids"]?.arrayValue?.compactMap { $0.intValue.map(UInt32.init) } ?? []
        e.tokens = o["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        e.offsets = o["offsets"]?.arrayValue?.compactMap { p in
            p.arrayValue.flatMap { a in a.count == 2 ? (a[0].intValue ?? 0, a[1].intValue ?? 0) : nil }
        } ?? []
        e.wordIds = o["word_ids"]?.arrayValue?.map { $0.intValue.map(UInt32.init) } ?? []
        e.specialTokensMask = o["special_tokens_mask"]?.arrayValue?.compactMap { $0.intValue.map(UInt32.init) } ?? []
        e.attentionMask = o["attention_mask"]?.arrayValue?.compactMap { $0.intValue.map(UInt32.init) } ?? []
        e.overflowing = o["overflowing"]?.arrayValue?.map { encoding($0) } ?? []
        if let s = sequenceId { e.setSequenceId(s) }
        return e
    }

    func check(_ got: Encoding, _ want: JSON?, _ label: String) {
        let w = encoding(want)
        #expect(got.ids == w.ids, "\(label): ids")
        #expect(got.typeIds == w.typeIds, "\(label): type ids")
        #expect(got.tokens == w.tokens, "\(label): tokens")
        #expect(got.offsets.map { [$0.0, $0.1] } == w.offsets.map { [$0.0, $0.1] }, "\(label): offsets")
        #expect(got.wordIds == w.wordIds, "\(label): word ids")
        #expect(got.specialTokensMask == w.specialTokensMask, "\(label): special tokens mask")
        #expect(got.attentionMask == w.attentionMask, "\(label): attention mask")
        let wantSeq = want?.objectValue?["sequence_ids"]?.arrayValue?.map(\.intValue) ?? []
        #expect(got.sequenceIds == wantSeq, "\(label): sequence ids")
        let wantOverflow = want?.objectValue?["overflowing"]?.arrayValue ?? []
        #expect(got.overflowing.count == wantOverflow.count, "\(label): overflowing count")
        for (i, (g, o)) in zip(got.overflowing, wantOverflow).enumerated() { check(g, o, "\(label).overflowing[\(i)]") }
    }

    @Test func fixtureIsPresent() {
        #expect(EncodingTests.cases.count == 300)
    }

    @Test func truncatePadMergeMatchTokenizers() {
        for (n, c) in EncodingTests.cases.enumerated() {
            guard let o = c.objectValue, let kind = o["kind"]?.stringValue else { continue }
            switch kind {
            case "truncate":
                var e = encoding(o["a"])
                e.truncate(maxLength: o["max_length"]?.intValue ?? 0, stride: o["stride"]?.intValue ?? 0,
                           direction: o["direction"]?.stringValue == "left" ? .left : .right)
                check(e, o["result"], "case \(n) truncate")
            case "pad":
                var e = encoding(o["a"])
                e.pad(to: o["length"]?.intValue ?? 0, id: 99, typeId: 7, token: "[PAD]",
                      direction: o["direction"]?.stringValue == "left" ? .left : .right)
                check(e, o["result"], "case \(n) pad")
            default:
                let a = encoding(o["a"], sequenceId: 0)
                let b = encoding(o["b"], sequenceId: 1)
                let m = Encoding.merged([a, b], growingOffsets: o["growing_offsets"]?.boolValue ?? false)
                check(m, o["result"], "case \(n) merge")
            }
        }
    }
}
