import Testing
@testable import SwiftTok

/// Reading and writing models as tokenizer.json does; expected JSON is what tokenizers 0.23.3
/// writes (`json.loads(Tokenizer(model).to_str())["model"]`, probed in Python).
@Suite struct ModelJSONTests {
    static func model(_ text: String) throws -> Model { try Model(json: try JSON.parse(text), path: "$.model") }

    static func error(_ text: String) -> TokenizerError? {
        do { _ = try model(text); return nil } catch let e as TokenizerError { return e } catch { return nil }
    }

    @Test func writesBPEAsTokenizers() throws {
        // Python: Tokenizer.from_str(... {"vocab":V,"merges":["a b"]} ...) (no "type": read as BPE).
        let m = try ModelJSONTests.model(###"{"vocab":{"ab":2,"a":0,"b":1,"<unk>":3},"merges":["a b"],"dropout":0.1}"###)
        guard case .bpe = m else { Issue.record("not BPE"); return }
        #expect(m.json.serialized(pretty: false) ==
            ###"{"type":"BPE","dropout":0.1,"unk_token":null,"continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":false,"vocab":{"a":0,"b":1,"ab":2,"<unk>":3},"merges":[["a","b"]]}"###)
        let pairs = try ModelJSONTests.model(###"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[["a","b"]]}"###)
        #expect(pairs.json == (try ModelJSONTests.model(pairs.json.serialized(pretty: false))).json)
    }

    /// Python: BPE(vocab={"a":0,"b":0}, merges=[]): vocab size 2, written as {"b":0}.
    @Test func sharedIds() throws {
        let m = try ModelJSONTests.model(###"{"type":"BPE","vocab":{"a":0,"b":0},"merges":[]}"###)
        #expect(m.vocabSize == 2)
        #expect(m.json.objectValue?["vocab"] == .object(JSONObject([("b", .int(0))])))
    }

    @Test func writesWordPieceAndWordLevel() throws {
        // bert-base-cased has no "type": the WordPiece fields make it WordPiece.
        let wp = try ModelJSONTests.model(###"{"unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":5,"vocab":{"a":0,"##b":1,"[UNK]":2}}"###)
        #expect(wp.json.serialized(pretty: false) ==
            ###"{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":5,"vocab":{"a":0,"##b":1,"[UNK]":2}}"###)
        let wl = try ModelJSONTests.model(###"{"vocab":{"[UNK]":2,"a":0},"unk_token":"[UNK]"}"###)
        #expect(wl.json.serialized(pretty: false) == ###"{"type":"WordLevel","vocab":{"a":0,"[UNK]":2},"unk_token":"[UNK]"}"###)
    }

    /// Python: WordPiece(vocab={"a":0,"b":1,"ab":2,"<unk>":3,"##b":4}, unk "<unk>", max 5).tokenize(w)
    @Test func wordPiece() throws {
        let m = try ModelJSONTests.model(###"{"type":"WordPiece","unk_token":"<unk>","continuing_subword_prefix":"##","max_input_chars_per_word":5,"vocab":{"a":0,"b":1,"ab":2,"<unk>":3,"##b":4}}"###)
        func t(_ s: String) throws -> [String] { BPETests.tuples(try m.tokenize(NormalizedString(s))) }
        #expect(try t("ab") == ["2 ab 0-2"])
        #expect(try t("abab") == ["3 <unk> 0-4"])
        #expect(try t("b") == ["1 b 0-1"])
        #expect(try t("abbbbbbb") == ["3 <unk> 0-8"])
        #expect(try t("") == [])
        // Python: WordLevel({"a":0,"<unk>":1}, "<unk>"): 'zz' -> (1, '<unk>', (0, 2)), '' -> (1, '<unk>', (0, 0))
        let wl = try ModelJSONTests.model(###"{"type":"WordLevel","vocab":{"a":0,"<unk>":1},"unk_token":"<unk>"}"###)
        #expect(BPETests.tuples(try wl.tokenize(NormalizedString("a"))) == ["0 a 0-1"])
        #expect(BPETests.tuples(try wl.tokenize(NormalizedString("zz"))) == ["1 <unk> 0-2"])
        #expect(BPETests.tuples(try wl.tokenize(NormalizedString(""))) == ["1 <unk> 0-0"])
    }

    /// tokenizers rejects these (`Token \`c\` out of vocabulary`, `Merges text file invalid at
    /// line 2`, `invalid type: sequence, expected a map`, ...); ours name the JSON path.
    @Test(arguments: [
        (###"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b","a c"]}"###, "$.model.merges[1]", "'c'"),
        (###"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b","b a"]}"###, "$.model.merges[1]", "'ba'"),
        (###"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[["a","b"],["a","z"]]}"###, "$.model.merges[1]", "'z'"),
        (###"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["#version: 0.2","a b","ab"]}"###, "$.model.merges[2]", "one space"),
        (###"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[["a","b","c"]]}"###, "$.model.merges[0]", "pair"),
        (###"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[7]}"###, "$.model.merges[0]", "found a number"),
        (###"{"type":"BPE","vocab":["a"],"merges":[]}"###, "$.model.vocab", "expected an object"),
        (###"{"type":"BPE","vocab":{"a":"0"},"merges":[]}"###, "$.model.vocab[\"a\"]", "expected an id"),
        (###"{"type":"BPE","vocab":{"a":-1},"merges":[]}"###, "$.model.vocab[\"a\"]", "expected an id"),
        (###"{"type":"BPE","vocab":{"a":0}}"###, "$.model", "merges"),
        (###"{"type":"BPE","vocab":{"a":0},"merges":[],"dropout":2.0}"###, "$.model.dropout", "between 0 and 1"),
        (###"{"type":"BPE","vocab":{"a":0},"merges":[],"fuse_unk":"x"}"###, "$.model.fuse_unk", "boolean"),
        (###"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"],"continuing_subword_prefix":"##"}"###, "$.model.merges[0]", "prefix"),
        (###"{"type":"WordPiece","vocab":{"a":0},"unk_token":"[UNK]"}"###, "$.model", "max_input_chars_per_word"),
        (###"{"type":"WordLevel","vocab":{"a":0}}"###, "$.model", "unk_token"),
        (###"{"type":"Foo","vocab":{"a":0}}"###, "$.model.type", "unknown model type"),
        (###"{"vocab":{"a":0}}"###, "$.model", "no \"type\""),
    ])
    func rejects(_ text: String, _ location: String, _ message: String) {
        guard let e = ModelJSONTests.error(text) else { Issue.record("accepted \(text)"); return }
        #expect(e.location == location, "\(e)")
        #expect(e.description.contains(message), "\(e)")
    }
}
