import Testing
@testable import SwiftTok

/// Loads a fixture written by a `make_expected.py` next to the test file.
func loadFixture(_ name: String, near file: String = #filePath) throws -> JSONFields {
    let dir = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    return try JSONFields(try JSON.parse(try FileIO.read(dir + "/" + name)), path: "$")
}

/// An `Encoding` from a fixture dump (input encodings have no sequence ranges). The fixture comes
/// from tokenizers' Python API, so its offsets count scalars.
func encodingFromFixture(_ v: JSON) throws -> Encoding {
    let f = try JSONFields(v, path: "fixture")
    var e = Encoding()
    e.offsetUnit = .char
    e.ids = try f.array("ids").map { UInt32($0.intValue ?? -1) }
    e.typeIds = try f.array("type_ids").map { UInt32($0.intValue ?? -1) }
    e.tokens = try f.array("tokens").map { $0.stringValue ?? "" }
    e.wordIds = (f.object["word_ids"]?.arrayValue ?? []).map { $0.intValue.map { UInt32($0) } }
    e.offsets = try f.array("offsets").map { ($0.arrayValue?[0].intValue ?? -1, $0.arrayValue?[1].intValue ?? -1) }
    e.specialTokensMask = try f.array("special_tokens_mask").map { UInt32($0.intValue ?? -1) }
    e.attentionMask = try f.array("attention_mask").map { UInt32($0.intValue ?? -1) }
    e.overflowing = try f.array("overflowing").map(encodingFromFixture)
    return e
}

/// `tokenizers`' `Encoding::get_sequence_ids` and `n_sequences` over our sequence ranges.
func rustSequenceIds(_ e: Encoding) -> ([Int?], Int) {
    let n = e.sequenceRanges.isEmpty ? 1 : e.sequenceRanges.count
    var out = [Int?](repeating: nil, count: e.count)
    for seq in 0..<n {
        let r = e.sequenceRanges[seq] ?? 0..<e.count
        for i in r where i < out.count { out[i] = seq }
    }
    return (out, n)
}

/// The fields of `e` in the fixture's shape, for a readable comparison.
func dumpEncoding(_ e: Encoding) -> JSON {
    let (seqIds, n) = rustSequenceIds(e)
    func ints<T: BinaryInteger>(_ a: [T]) -> JSON { .array(a.map { .int(Int64($0)) }) }
    return .object(JSONObject([
        ("ids", ints(e.ids)), ("type_ids", ints(e.typeIds)), ("tokens", .array(e.tokens.map { .string($0) })),
        ("word_ids", .array(e.wordIds.map { $0.map { .int(Int64($0)) } ?? .null })),
        ("offsets", .array(e.offsets.map { .array([.int(Int64($0.0)), .int(Int64($0.1))]) })),
        ("special_tokens_mask", ints(e.specialTokensMask)), ("attention_mask", ints(e.attentionMask)),
        ("sequence_ids", .array(seqIds.map { $0.map { .int(Int64($0)) } ?? .null })), ("n_sequences", .int(Int64(n))),
        ("overflowing", .array(e.overflowing.map(dumpEncoding))),
    ]))
}

/// Expected values: Tests/SwiftTokTests/PostProcessors/make_expected.py, which calls
/// `tokenizers.processors.X(...).process(encoding, pair, add_special_tokens)`,
/// `num_special_tokens_to_add` and `Tokenizer.to_str()/from_str()` (tokenizers 0.23.3).
@Suite struct PostProcessorsTests {
    let fixture: JSONFields

    init() throws { fixture = try loadFixture("expected.json") }

    func processor(_ name: String) throws -> PostProcessor {
        let p = try fixture.fields("processors").fields(name)
        return try PostProcessor(json: try p.required("json"), path: "$.post_processor")
    }

    @Test func processMatchesReference() throws {
        let inputs = try fixture.fields("inputs")
        var failures: [String] = []
        var cases = 0
        for (i, c) in try fixture.array("cases").enumerated() {
            cases += 1
            let f = try JSONFields(c, path: "cases[\(i)]")
            let p = try processor(try f.string("processor"))
            let input = try inputs.fields(try f.string("input"))
            let a = try encodingFromFixture(try input.required("a"))
            let b = try f.bool("pair") ? try encodingFromFixture(try input.required("b")) : nil
            let out = try p.process(a, pair: b, addSpecialTokens: try f.bool("add_special_tokens"))
            let expected = try f.required("output")
            if dumpEncoding(out) != expected {
                failures.append("\(f.path) \(try f.string("processor")) \(try f.string("input")) pair=\(b != nil) add=\(try f.bool("add_special_tokens"))\n got      \(dumpEncoding(out).serialized(pretty: false))\n expected \(expected.serialized(pretty: false))")
            }
        }
        #expect(cases > 300)
        if !failures.isEmpty {
            Issue.record("\(failures.count) of \(cases) cases differ:\n\(failures.prefix(3).joined(separator: "\n"))")
        }
    }

    @Test func addedTokenCountsAndJSONRoundTrip() throws {
        let all = try fixture.fields("processors")
        for name in all.object.keys {
            let f = try all.fields(name)
            let p = try processor(name)
            #expect(p.addedTokenCount(isPair: false) == (try f.int("added_single")), "\(name)")
            #expect(p.addedTokenCount(isPair: true) == (try f.int("added_pair")), "\(name)")
            // Compact text, byte for byte as tokenizers writes it.
            #expect(p.json.serialized(pretty: false) == (try f.string("text")), "\(name)")
            let again = try PostProcessor(json: p.json, path: "$")
            #expect(again == p, "\(name)")
        }
    }

    @Test func templateStrings() throws {
        for (i, c) in try fixture.array("template_strings").enumerated() {
            let f = try JSONFields(c, path: "template_strings[\(i)]")
            let special = try f.array("special").map { t -> PostProcessors.TemplateProcessing.SpecialToken in
                PostProcessors.TemplateProcessing.SpecialToken(t.arrayValue?[0].stringValue ?? "", id: UInt32(t.arrayValue?[1].intValue ?? 0))
            }
            let single = try f.string("single"), pair = try f.string("pair")
            do {
                let t = try PostProcessors.TemplateProcessing(single: single, pair: pair, specialTokens: special)
                #expect(f.value("error") == nil, "\(single) | \(pair) should fail: \(f.value("error").debugDescription)")
                #expect(t.json == (try f.required("json")), "\(single) | \(pair)")
            } catch let e as TokenizerError {
                let expected = try f.optionalString("error")
                #expect(expected != nil, "\(single) | \(pair) failed: \(e)")
                if let expected { #expect(e.message == expected) }
            }
        }
    }

    @Test func readsWhatTokenizersReads() throws {
        for (i, c) in try fixture.array("reads").enumerated() {
            let f = try JSONFields(c, path: "reads[\(i)]")
            let input = try f.required("input")
            let written = f.value("written")
            let isMissingSpecialToken = input.serialized(pretty: false).contains("\"special_tokens\":{}")
                && input.serialized(pretty: false).contains("SpecialToken")
            do {
                let p = try PostProcessor(json: input, path: "$.post_processor")
                #expect(written != nil, "accepted what tokenizers rejects: \(input.serialized(pretty: false))")
                if let written { #expect(p.json == written, "\(input.serialized(pretty: false))") }
            } catch let e as TokenizerError {
                // Deliberate: a template naming a special token absent from special_tokens is
                // rejected at load (tokenizers panics later, when encoding).
                #expect(written == nil || isMissingSpecialToken,
                        "rejected what tokenizers reads: \(input.serialized(pretty: false)): \(e)")
            }
        }
    }

    @Test func errorsNameTheJSONPath() throws {
        func error(_ text: String) -> TokenizerError? {
            do { _ = try PostProcessor(json: try JSON.parse(text), path: "$.post_processor"); return nil }
            catch let e as TokenizerError { return e } catch { return nil }
        }
        #expect(error(#"{"type":"Foo"}"#)?.location == "$.post_processor.type")
        #expect(error(#"{"type":"Foo"}"#)?.kind == .unsupported)
        #expect(error(#"{"type":"BertProcessing","sep":["[SEP]",-1],"cls":["[CLS]",1]}"#)?.location == "$.post_processor.sep[1]")
        #expect(error(#"{"type":"BertProcessing","sep":["[SEP]",1,2],"cls":["[CLS]",1]}"#)?.location == "$.post_processor.sep")
        #expect(error(#"{"type":"RobertaProcessing","sep":["</s>",2],"cls":[0,"<s>"]}"#)?.location == "$.post_processor.cls[0]")
        #expect(error(#"{"type":"ByteLevel","add_prefix_space":"yes","trim_offsets":true}"#)?.location == "$.post_processor.add_prefix_space")
        #expect(error(#"{"type":"ByteLevel","add_prefix_space":true}"#)?.kind == .missingField)
        let missing = error(#"{"type":"TemplateProcessing","single":[{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[CLS]","type_id":0}}],"pair":[],"special_tokens":{}}"#)
        #expect(missing?.location == "$.post_processor.single[1].SpecialToken.id")
        #expect(error(#"{"type":"TemplateProcessing","single":[{"Sequence":{"id":"C","type_id":0}}],"pair":[],"special_tokens":{}}"#)?.location == "$.post_processor.single[0].Sequence.id")
        #expect(error(#"{"type":"TemplateProcessing","single":[{"Sequence":{"id":"A","type_id":"0"}}],"pair":[],"special_tokens":{}}"#)?.location == "$.post_processor.single[0].Sequence.type_id")
        #expect(error(#"{"type":"TemplateProcessing","single":[],"pair":[{"Seq":{"id":"A","type_id":0}}],"special_tokens":{}}"#)?.location == "$.post_processor.pair[0]")
        #expect(error(#"{"type":"TemplateProcessing","single":[],"pair":[],"special_tokens":{"x":{"id":"x","ids":[1,2],"tokens":["x"]}}}"#)?.location == "$.post_processor.special_tokens.x")
        #expect(error(#"{"type":"Sequence","processors":[{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":1}]}"#)?.location == "$.post_processor.processors[0].trim_offsets")
        #expect(error(#"[1]"#)?.location == "$.post_processor")
    }

    @Test func templateErrorsAtProcessTime() throws {
        // A pair template that uses $B cannot process a Sequence that already merged inputs.
        let template = try PostProcessors.TemplateProcessing(single: "$A", pair: "$A $B")
        var e = Encoding()
        e.ids = [1]; e.typeIds = [0]; e.tokens = ["a"]; e.wordIds = [0]; e.offsets = [(0, 1)]
        e.specialTokensMask = [0]; e.attentionMask = [1]
        #expect(throws: TokenizerError.self) {
            _ = try template.processEncodings([e, e, e], addSpecialTokens: true)
        }
    }
}
