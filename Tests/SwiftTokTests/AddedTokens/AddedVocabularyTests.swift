import Testing
@testable import SwiftTok

/// Expected values come from `tokenizers` 0.23.3 via make_expected.py in this folder
/// (`Tokenizer.from_str(...)`, then `PreTokenizedString.get_splits(offset_referential="original",
/// offset_type="byte")` recorded by a custom pre-tokenizer, `to_str()`, `get_vocab_size(True)`,
/// `token_to_id`, `id_to_token`, `decode(..., skip_special_tokens=True)`).
@Suite struct AddedVocabularyTests {
    static let folder: String = {
        let file = "\(#filePath)"
        return String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)])
    }()

    static let expected: JSON? = {
        guard let bytes = try? FileIO.read("\(folder)/expected.json") else { return nil }
        return try? JSON.parse(bytes)
    }()

    static func cases(_ key: String) -> [JSON] {
        expected?.objectValue?[key]?.arrayValue ?? []
    }

    /// The normalizers the fixtures use (the same JSON make_expected.py gives tokenizers).
    static func normalize(_ name: String) -> AddedVocabulary.Normalize? {
        let json: String
        switch name {
        case "lowercase": json = #"{"type": "Lowercase"}"#
        case "metaspace":
            json = #"{"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, "#
                + #"{"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}"#
        case "strip": json = #"{"type": "Strip", "strip_left": true, "strip_right": true}"#
        default: return nil
        }
        guard let value = try? JSON.parse(json), let normalizer = try? Normalizer(json: value, path: "$") else { return nil }
        return { try normalizer.normalize(&$0) }
    }

    static func modelVocab(_ c: JSONObject) -> [String: UInt32] {
        guard let v = c["vocab"]?.objectValue else { return ["[UNK]": 0] }
        var model: [String: UInt32] = [:]
        for key in v.keys { model[key] = UInt32(v[key]?.intValue ?? -1) }
        return model
    }

    struct Piece: Equatable, CustomStringConvertible {
        var text: String
        var offsets: [Int]
        var id: UInt32?
        var description: String { "(\(text.debugDescription) \(offsets) \(id.map(String.init) ?? "-"))" }
    }

    static func expectedPieces(_ json: JSON) -> [Piece] {
        (json.objectValue?["pieces"]?.arrayValue ?? []).map { p in
            let o = p.objectValue ?? JSONObject()
            return Piece(text: o["text"]?.stringValue ?? "?",
                         offsets: o["offsets"]?.arrayValue?.compactMap(\.intValue) ?? [],
                         id: o["id"]?.intValue.map { UInt32($0) })
        }
    }

    /// The pieces as `get_splits(original, byte)` shows them; checks each token's value and offsets.
    static func pieces(_ p: PreTokenizedString) -> [Piece] {
        p.splits.map { s in
            let n = s.normalized
            if let t = s.tokens {
                #expect(t.count == 1)
                #expect(t.first?.value == n.normalizedString)
                #expect(t.first?.offsets == 0..<n.normalized.count)
            }
            return Piece(text: n.normalizedString, offsets: [n.offsetsOriginal.lowerBound, n.offsetsOriginal.upperBound],
                         id: s.tokens?.first?.id)
        }
    }

    static func names(_ key: String) -> [String] {
        cases(key).compactMap { $0.objectValue?["name"]?.stringValue }
    }

    static func find(_ key: String, _ name: String) -> JSONObject? {
        cases(key).first { $0.objectValue?["name"]?.stringValue == name }?.objectValue
    }

    @Test func fixturesPresent() {
        #expect(Self.cases("splits").count >= 15)
        #expect(Self.cases("loads").count >= 5)
    }

    @Test(arguments: AddedVocabularyTests.names("splits"))
    func splitsLikeTokenizers(_ name: String) throws {
        let c = try #require(Self.find("splits", name))
        let normalize = Self.normalize(c["normalizer"]?.stringValue ?? "none")
        let model = Self.modelVocab(c)
        var vocab = try AddedVocabulary(json: c["added"]?.arrayValue ?? [], path: "$.added_tokens",
                                        modelVocabSize: model.count, modelTokenToId: { model[$0] },
                                        normalize: normalize)
        vocab.encodeSpecialTokens = c["encode_special_tokens"]?.boolValue ?? false
        for t in c["texts"]?.arrayValue ?? [] {
            let text = t.objectValue?["text"]?.stringValue ?? ""
            let p = try vocab.extractAndNormalize(Array(text.utf8), normalize: normalize)
            #expect(Self.pieces(p) == Self.expectedPieces(t), "\(name): \(text.debugDescription)")
        }
    }

    @Test(arguments: AddedVocabularyTests.names("loads"))
    func loadsLikeTokenizers(_ name: String) throws {
        let c = try #require(Self.find("loads", name))
        let model = Self.modelVocab(c)
        var reverse: [UInt32: String] = [:]
        for (k, v) in model { reverse[v] = k }
        let vocab = try AddedVocabulary(json: c["added"]?.arrayValue ?? [], path: "$.added_tokens",
                                        modelVocabSize: model.count, modelTokenToId: { model[$0] },
                                        normalize: Self.normalize(c["normalizer"]?.stringValue ?? "none"))
        #expect(vocab.json == c["written"])
        #expect(vocab.vocabSize(modelVocabSize: model.count, modelTokenToId: { model[$0] })
                == c["vocab_size_with_added"]?.intValue)
        let toId = c["token_to_id"]?.objectValue ?? JSONObject()
        for content in toId.keys {
            let want = toId[content]?.intValue.map { UInt32($0) }
            #expect((vocab.tokenToId(content) ?? model[content]) == want, "token_to_id(\(content))")
        }
        for pair in c["id_to_token"]?.arrayValue ?? [] {
            let a = pair.arrayValue ?? []
            let id = UInt32(a.first?.intValue ?? 0)
            #expect((vocab.idToToken(id) ?? reverse[id]) == a.last?.stringValue, "id_to_token(\(id))")
        }
        // Tokenizer.decode's rule: the id's string, dropped when it is a special token.
        for pair in c["decode_skipping_special"]?.arrayValue ?? [] {
            let a = pair.arrayValue ?? []
            let id = UInt32(a.first?.intValue ?? 0)
            let text = vocab.idToToken(id) ?? reverse[id] ?? "?"
            #expect((vocab.isSpecial(text) ? "" : text) == a.last?.stringValue, "decode(\(id))")
        }
    }

    @Test(arguments: AddedVocabularyTests.names("real"))
    func realVocabularies(_ name: String) throws {
        let c = try #require(Self.find("real", name))
        // ../shared next to the repository (or next to the worktrees' folder).
        let bytes = ["\(Self.folder)/../../../../shared", "\(Self.folder)/../../../../../shared"]
            .lazy.compactMap { try? FileIO.read("\($0)/vocab/\(name)/tokenizer.json") }.first
        guard let bytes else { return }  // ../shared absent: skip.
        let root = try JSONFields(try JSON.parse(bytes), path: "$")
        let modelVocab = try root.fields("model").fields("vocab")
        var model: [String: UInt32] = [:]
        model.reserveCapacity(modelVocab.object.count)
        for key in modelVocab.object.keys { model[key] = UInt32(try modelVocab.int(key)) }
        let added = try root.array("added_tokens")
        let vocab = try AddedVocabulary(json: added, path: "$.added_tokens", modelVocabSize: model.count,
                                        modelTokenToId: { model[$0] }, normalize: nil)
        #expect(added.count == c["added_count"]?.intValue)
        #expect(c["written_equals_file"]?.boolValue == true)
        #expect(vocab.json == .array(added))
        #expect(vocab.vocabSize(modelVocabSize: model.count, modelTokenToId: { model[$0] })
                == c["vocab_size_with_added"]?.intValue)
        for t in c["texts"]?.arrayValue ?? [] {
            let text = t.objectValue?["text"]?.stringValue ?? ""
            let p = try vocab.extractAndNormalize(Array(text.utf8), normalizer: nil)
            #expect(Self.pieces(p) == Self.expectedPieces(t), "\(name): \(text.debugDescription)")
        }
    }

    // MARK: Errors

    static func entry(_ fields: [(String, JSON)]) -> JSON { .object(JSONObject(fields)) }
    static let good: [(String, JSON)] = [
        ("id", .int(3)), ("content", .string("q")), ("single_word", .bool(false)), ("lstrip", .bool(false)),
        ("rstrip", .bool(false)), ("normalized", .bool(true)), ("special", .bool(false)),
    ]

    static func loadError(_ bad: JSON) -> TokenizerError? {
        do {
            _ = try AddedVocabulary(json: [entry(good), bad], path: "$.added_tokens", modelVocabSize: 0,
                                    modelTokenToId: { _ in nil }, normalize: nil)
            return nil
        } catch let e as TokenizerError {
            return e
        } catch {
            return nil
        }
    }

    static func replacing(_ key: String, _ value: JSON?) -> JSON {
        var o = JSONObject(good)
        o[key] = value
        return .object(o)
    }

    @Test func wrongTypedFieldsNameTheirPath() {
        // tokenizers (serde) rejects all of these when loading.
        #expect(Self.loadError(Self.replacing("content", .int(5)))?.location == "$.added_tokens[1].content")
        #expect(Self.loadError(Self.replacing("lstrip", .string("yes")))?.location == "$.added_tokens[1].lstrip")
        #expect(Self.loadError(Self.replacing("id", .int(-1)))?.location == "$.added_tokens[1].id")
        #expect(Self.loadError(Self.replacing("id", .int(1 << 33)))?.location == "$.added_tokens[1].id")
        #expect(Self.loadError(Self.replacing("id", .double(3.5)))?.location == "$.added_tokens[1].id")
        #expect(Self.loadError(.string("<s>"))?.location == "$.added_tokens[1]")
    }

    @Test func missingFieldsAreErrors() {
        for key in ["id", "content", "single_word", "lstrip", "rstrip", "normalized", "special"] {
            let e = Self.loadError(Self.replacing(key, nil))
            #expect(e?.kind == .missingField, "\(key)")
            #expect(e?.location == "$.added_tokens[1]")
            #expect(e?.message.contains(key) == true)
        }
        // tokenizers ignores unknown fields.
        var extra = JSONObject(Self.good)
        extra["extra"] = .int(1)
        #expect(Self.loadError(.object(extra)) == nil)
    }

    // MARK: API

    @Test func publicInitAndLookups() throws {
        let model = Model.wordLevel(Models.WordLevel(vocab: Models.Vocabulary([]), unkToken: "[UNK]"))
        let v = try AddedVocabulary(tokens: [AddedToken(id: 9, content: "<s>", normalized: false, special: true),
                                             AddedToken(id: 9, content: "hi")], model: model)
        #expect(v.tokenToId("<s>") != nil)
        #expect(v.idToToken(v.tokenToId("hi") ?? 99) == "hi")
        #expect(v.isSpecial("<s>") && !v.isSpecial("hi"))
        #expect(v.token(id: v.tokenToId("<s>") ?? 99)?.special == true)
        let p = try v.extractAndNormalize(Array("a<s>hi".utf8), normalizer: nil)
        #expect(p.splits.map { $0.normalized.normalizedString } == ["a", "<s>", "hi"])
        #expect(try AddedVocabulary(json: [], path: "$.added_tokens", model: model).tokens.isEmpty)
    }
}
