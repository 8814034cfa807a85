import Testing
@testable import SwiftTok

/// Reading and writing pre-tokenizer JSON. Expected objects are those `tokenizers` 0.23.3 writes
/// (`json.loads(Tokenizer.to_str())["pre_tokenizer"]`, kept in expected.json); accepted and
/// rejected inputs were checked with `Tokenizer.from_str` (errors there: "missing field",
/// "invalid type", "unknown variant", Oniguruma's "end pattern with unmatched parenthesis").
@Suite struct PreTokenizerJSONTests {
    static func load(_ text: String, path: String = "$.pre_tokenizer") throws -> PreTokenizer {
        try PreTokenizer(json: try JSON.parse(text), path: path)
    }

    static func error(_ text: String) -> TokenizerError? {
        do {
            _ = try load(text)
            return nil
        } catch let e as TokenizerError {
            return e
        } catch {
            return TokenizerError(.invalidArgument, "unexpected \(error)")
        }
    }

    @Test func roundTripsWhatTokenizersWrites() throws {
        let f = try #require(PreTokenizerFixture.json)
        var count = 0
        for item in try f.array("components") + f.array("regexSplits") {
            let written = try #require(item.objectValue?["pre_tokenizer"])
            let p = try PreTokenizer(json: written, path: "$")
            #expect(p.json == written, "\(written.serialized(pretty: false)) → \(p.json.serialized(pretty: false))")
            count += 1
        }
        #expect(count > 60)
    }

    @Test func legacyForms() throws {
        // tokenizers reads these and writes the right-hand side.
        let cases: [(String, String)] = [
            (#"{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true}"#,
             #"{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}"#),
            (#"{"type":"Metaspace","replacement":"▁","str_rep":"▁","add_prefix_space":true}"#,
             #"{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}"#),
            (#"{"type":"Metaspace","replacement":"▁","add_prefix_space":false,"prepend_scheme":"never"}"#,
             #"{"type":"Metaspace","replacement":"▁","prepend_scheme":"never","split":true}"#),
            (#"{"type":"Metaspace","replacement":"▁","add_prefix_space":true,"prepend_scheme":"first"}"#,
             #"{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true}"#),
            (#"{"type":"Punctuation"}"#, #"{"type":"Punctuation","behavior":"Isolated"}"#),
            (#"{"type":"FixedLength"}"#, #"{"type":"FixedLength","length":5}"#),
            (#"{"type":"Whitespace","x":1}"#, #"{"type":"Whitespace"}"#),
        ]
        for (input, output) in cases {
            #expect(try Self.load(input).json == JSON.parse(output), "\(input)")
        }
    }

    @Test func errorsNameTheJSONPath() throws {
        let cases: [(String, TokenizerError.Kind, String)] = [
            (#"{"type":"Bogus"}"#, .unsupported, "$.pre_tokenizer.type"),
            (#"{"pretokenizers":[]}"#, .missingField, "$.pre_tokenizer"),
            (#"{"type":"ByteLevel"}"#, .missingField, "$.pre_tokenizer"),
            (#"{"type":"ByteLevel","add_prefix_space":1,"trim_offsets":true}"#, .invalidField, "$.pre_tokenizer.add_prefix_space"),
            (#"{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":null}"#, .invalidField, "$.pre_tokenizer.use_regex"),
            (#"{"type":"Digits","individual_digits":1}"#, .invalidField, "$.pre_tokenizer.individual_digits"),
            (#"{"type":"Split","pattern":{"Regex":"("},"behavior":"Isolated","invert":false}"#, .regex, "$.pre_tokenizer.pattern.Regex"),
            (#"{"type":"Split","pattern":{"Regex":"a"},"behavior":"Isolated"}"#, .missingField, "$.pre_tokenizer"),
            (#"{"type":"Split","pattern":{"Regex":"a"},"behavior":"isolated","invert":false}"#, .invalidField, "$.pre_tokenizer.behavior"),
            (#"{"type":"Split","pattern":"a","behavior":"Isolated","invert":false}"#, .invalidField, "$.pre_tokenizer.pattern"),
            (#"{"type":"Split","pattern":{"String":"a","Regex":"b"},"behavior":"Isolated","invert":false}"#, .invalidField, "$.pre_tokenizer.pattern"),
            (#"{"type":"Split","pattern":{"Glob":"a"},"behavior":"Isolated","invert":false}"#, .invalidField, "$.pre_tokenizer.pattern.Glob"),
            (#"{"type":"Metaspace"}"#, .missingField, "$.pre_tokenizer"),
            (#"{"type":"Metaspace","replacement":"ab"}"#, .invalidField, "$.pre_tokenizer.replacement"),
            (#"{"type":"Metaspace","replacement":"▁","prepend_scheme":"bogus"}"#, .invalidField, "$.pre_tokenizer.prepend_scheme"),
            (#"{"type":"Metaspace","replacement":"▁","add_prefix_space":false}"#, .invalidField, "$.pre_tokenizer.add_prefix_space"),
            (#"{"type":"CharDelimiterSplit","delimiter":"ab"}"#, .invalidField, "$.pre_tokenizer.delimiter"),
            (#"{"type":"Sequence"}"#, .missingField, "$.pre_tokenizer"),
            (#"{"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":true},{"type":"Nope"}]}"#,
             .unsupported, "$.pre_tokenizer.pretokenizers[1].type"),
            (#"[1]"#, .invalidField, "$.pre_tokenizer"),
        ]
        for (input, kind, location) in cases {
            let e = try #require(Self.error(input), "\(input) should fail")
            #expect(e.kind == kind, "\(input): \(e)")
            #expect(e.location == location, "\(input): \(e)")
        }
    }

    @Test func fixedLengthZeroFailsOnText() throws {
        // tokenizers panics ("chunk size must be non-zero") on non-empty text, returns [] on "".
        let p = try Self.load(#"{"type":"FixedLength","length":0}"#)
        #expect(try p.preTokenize("").isEmpty)
        #expect(throws: TokenizerError.self) { try p.preTokenize("abc") }
    }

    @Test func knownScanners() throws {
        let gpt2 = try Self.load(#"{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true}"#)
        guard case .byteLevel(let b) = gpt2 else { Issue.record("not ByteLevel"); return }
        #expect(b.scanner == .gpt2)
        let f = try #require(PreTokenizerFixture.json)
        let llama = try #require(f.value("vocabularies")?.arrayValue?.first { $0.objectValue?["name"] == .string("llama3") })
        let p = try PreTokenizer(json: try #require(llama.objectValue?["pre_tokenizer"]), path: "$")
        guard case .sequence(let items) = p, case .split(let s) = items[0] else { Issue.record("not a Split"); return }
        #expect(s.scanner == .cl100k)
        let removed = try PreTokenizers.Split(pattern: .regex(KnownScanner.cl100k.pattern), behavior: .removed)
        #expect(removed.scanner == nil)
    }
}
