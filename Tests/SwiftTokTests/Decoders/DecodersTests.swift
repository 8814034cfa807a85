import Testing
@testable import SwiftTok

/// Expected values: Tests/SwiftTokTests/Decoders/make_expected.py, which calls
/// `tokenizers.decoders.X(...).decode(tokens)`, `Tokenizer.to_str()/from_str()` and
/// `tokenizers.decoders.DecodeStream(ids, skip_special_tokens).step(tokenizer, id)` (tokenizers 0.23.3).
@Suite struct DecodersTests {
    let fixture: JSONFields

    init() throws { fixture = try loadFixture("expected.json") }

    func decoder(_ name: String) throws -> TokenDecoder {
        try TokenDecoder(json: try fixture.fields("decoders").fields(name).required("json"), path: "$.decoder")
    }

    func strings(_ v: JSON) -> [String] { (v.arrayValue ?? []).map { $0.stringValue ?? "" } }

    @Test func decodeMatchesReference() throws {
        var failures: [String] = []
        var cases = 0
        for (i, c) in try fixture.array("decode").enumerated() {
            cases += 1
            let f = try JSONFields(c, path: "decode[\(i)]")
            let name = try f.string("decoder")
            let tokens = strings(try f.required("tokens"))
            let d = try decoder(name)
            if f.value("error") != nil {
                // tokenizers panics here (Strip past the token's ends); we throw instead.
                do {
                    let out = try d.decode(tokens)
                    failures.append("\(name) \(tokens): expected an error, got \(out.debugDescription)")
                } catch is TokenizerError {}
                continue
            }
            let expected = try f.string("output")
            let out = try d.decode(tokens)
            if !out.utf8.elementsEqual(expected.utf8) {
                failures.append("\(name) \(tokens): got \(out.debugDescription), expected \(expected.debugDescription)")
            }
        }
        #expect(cases > 500)
        if !failures.isEmpty { Issue.record("\(failures.count) differ:\n\(failures.prefix(10).joined(separator: "\n"))") }
    }

    @Test func byteLevelLossyUTF8() throws {
        for (i, c) in try fixture.array("bytelevel_bytes").enumerated() {
            let f = try JSONFields(c, path: "bytelevel_bytes[\(i)]")
            let out = try TokenDecoder.byteLevel(Decoders.ByteLevel()).decode(strings(try f.required("tokens")))
            let expected = try f.string("output")
            #expect(Array(out.unicodeScalars.map(\.value)) == Array(expected.unicodeScalars.map(\.value)), "\(f.path)")
        }
    }

    @Test func jsonRoundTrip() throws {
        let all = try fixture.fields("decoders")
        for name in all.object.keys {
            let d = try decoder(name)
            #expect(d.json.serialized(pretty: false) == (try all.fields(name).string("text")), "\(name)")
            #expect(try TokenDecoder(json: d.json, path: "$") == d, "\(name)")
        }
    }

    @Test func readsWhatTokenizersReads() throws {
        for (i, c) in try fixture.array("reads").enumerated() {
            let f = try JSONFields(c, path: "reads[\(i)]")
            let input = try f.required("input")
            let written = f.value("written")
            do {
                let d = try TokenDecoder(json: input, path: "$.decoder")
                #expect(written != nil, "accepted what tokenizers rejects: \(input.serialized(pretty: false))")
                if let written { #expect(d.json == written, "\(input.serialized(pretty: false))") }
            } catch let e as TokenizerError {
                #expect(written == nil, "rejected what tokenizers reads: \(input.serialized(pretty: false)): \(e)")
            }
        }
    }

    @Test func errorsNameTheJSONPath() throws {
        func error(_ text: String) -> TokenizerError? {
            do { _ = try TokenDecoder(json: try JSON.parse(text), path: "$.decoder"); return nil }
            catch let e as TokenizerError { return e } catch { return nil }
        }
        #expect(error(#"{"type":"Foo"}"#)?.location == "$.decoder.type")
        #expect(error(#"{"type":"Foo"}"#)?.kind == .unsupported)
        #expect(error(#"{"decoders":[]}"#)?.kind == .missingField)
        #expect(error(#"{"type":"WordPiece","prefix":1,"cleanup":true}"#)?.location == "$.decoder.prefix")
        #expect(error(#"{"type":"Metaspace","replacement":"ab"}"#)?.location == "$.decoder.replacement")
        #expect(error(#"{"type":"Metaspace","replacement":"_","prepend_scheme":"First"}"#)?.location == "$.decoder.prepend_scheme")
        #expect(error(#"{"type":"Replace","pattern":{"Regex":"(a"},"content":""}"#)?.location == "$.decoder.pattern.Regex")
        #expect(error(#"{"type":"Replace","pattern":{"Foo":"a"},"content":""}"#)?.location == "$.decoder.pattern")
        #expect(error(#"{"type":"Strip","content":" ","start":-1,"stop":0}"#)?.location == "$.decoder.start")
        #expect(error(#"{"type":"Sequence","decoders":[{"type":"Fuse"},{"type":"CTC","pad_token":"<pad>"}]}"#)?.location == "$.decoder.decoders[1]")
        #expect(error(#"{"type":"Sequence","decoders":[{"type":"Fuse"},{"type":"Strip","content":1,"start":0,"stop":0}]}"#)?.location == "$.decoder.decoders[1].content")
    }

    @Test func decodeStreamMatchesReference() throws {
        let s = try fixture.fields("stream")
        let vocab = strings(try s.required("vocab"))
        let special = Set(strings(try s.required("special")))
        let decoders = try s.fields("decoders")
        for (i, c) in try s.array("cases").enumerated() {
            let f = try JSONFields(c, path: "stream.cases[\(i)]")
            let d = try TokenDecoder(json: try decoders.required(try f.string("decoder")), path: "$")
            let skip = try f.bool("skip_special_tokens")
            // What `Tokenizer.decode` does for this WordLevel vocabulary: ids to tokens, specials
            // dropped when asked, then the decoder.
            let decode: DecodeStream.DecodeFunction = { ids in
                try d.decode(ids.map { vocab[Int($0)] }.filter { !skip || !special.contains($0) })
            }
            let prompt = try f.array("prompt").map { UInt32($0.intValue ?? 0) }
            let ids = try f.array("ids").map { UInt32($0.intValue ?? 0) }
            #expect(try decode(prompt + ids) == (try f.string("full")), "\(f.path): test decode differs from tokenizers")
            var stream = DecodeStream(ids: prompt, decode: decode)
            for (id, step) in zip(ids, try f.array("steps")) {
                let expected = try JSONFields(step, path: f.path)
                if expected.value("error") != nil {
                    #expect(throws: TokenizerError.self) { try stream.step(id) }
                } else {
                    let out = try stream.step(id)
                    #expect(out == (try expected.optionalString("out")), "\(f.path) id \(id)")
                }
            }
        }
    }

    @Test func rustReplaceSemantics() {
        // Rust: "abc".replace("", "-") == "-a-b-c-"; "aaa".replacen("a", "", 1) == "aa".
        #expect(rustReplace("abc", "", "-") == "-a-b-c-")
        #expect(rustReplace("", "", "-") == "-")
        #expect(rustReplace("aaa", "a", "", limit: 1) == "aa")
        #expect(rustReplace("é", "e", "x") == "é")
    }
}
