import Testing
@testable import SwiftTok

/// Bad input at load time gives a thrown error that names the problem and where it is.
@Suite struct LoadErrorTests {
    func loadError(_ text: String) -> TokenizerError? {
        do {
            _ = try Tokenizer(data: Array(text.utf8))
            return nil
        } catch let e as TokenizerError {
            return e
        } catch {
            return nil
        }
    }

    @Test func malformedJSONNamesLineAndColumn() throws {
        let e = try #require(loadError("{\n  \"model\": [1,\n"))
        #expect(e.kind == .malformedJSON)
        #expect(e.location == "line 3, column 1")
    }

    @Test(arguments: [
        "{\"a\": tru}", "{\"a\": 01}", "{\"a\": \"\\ud800\"}", "{\"a\": \"\u{1}\"}", "{\"a\" 1}", "[1,]", "{} x",
        "{\"a\": 1e}", "{\"a\": -}", "{\"a\": \"unterminated}",
    ])
    func malformedJSONIsRejected(_ text: String) {
        #expect(throws: TokenizerError.self) { try JSON.parse(text) }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: TokenizerError.self) { try JSON.parse(deep) }
    }

    @Test func invalidUTF8InJSONIsRejected() {
        let bytes: [UInt8] = Array("{\"a\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: TokenizerError.self) { try JSON.parse(bytes) }
    }

    @Test func missingModelNamesThePath() throws {
        let e = try #require(loadError("{\"version\": \"1.0\"}"))
        #expect(e.kind == .missingField)
        #expect(e.location == "$")
        #expect(e.message.contains("model"))
    }

    @Test func unknownModelTypeNamesThePath() throws {
        let e = try #require(loadError("{\"model\": {\"type\": \"Nope\"}}"))
        #expect(e.kind == .unsupported)
        #expect(e.location == "$.model.type")
    }

    @Test func emptyFileIsAnError() {
        #expect(loadError("") != nil)
        #expect(loadError("   \n") != nil)
    }

    @Test func unreadableFileIsAnIOError() throws {
        do {
            _ = try Tokenizer(contentsOfFile: "/nonexistent/tokenizer.json")
            Issue.record("expected an error")
        } catch let e as TokenizerError {
            #expect(e.kind == .io)
            #expect(e.location.contains("/nonexistent/tokenizer.json"))
        }
    }

    @Test func jsonRoundTripKeepsValues() throws {
        let text = #"{"b": [1, -2, 3.5, 1e-7, true, null, "é\n\"\\"], "a": {"x": 9007199254740993}}"#
        let value = try JSON.parse(text)
        let again = try JSON.parse(value.serialized(pretty: false))
        #expect(value == again)
        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value.objectValue?["a"]?.objectValue?["x"] == .int(9007199254740993))
    }
}
