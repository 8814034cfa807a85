/// Namespace for the post-processor components, named as their tokenizer.json `"type"` strings.
public enum PostProcessors {}

/// The post-processor stage: adds special tokens, sets type ids and sequence ranges, and trims
/// byte-level offsets, as `tokenizers`' `PostProcessorWrapper`.
public indirect enum PostProcessor: Sendable, Equatable {
    case templateProcessing(PostProcessors.TemplateProcessing)
    case bertProcessing(PostProcessors.BertProcessing)
    case robertaProcessing(PostProcessors.RobertaProcessing)
    case byteLevel(PostProcessors.ByteLevel)
    case sequence([PostProcessor])

    /// Reads a post-processor object; errors name the JSON path of the bad field.
    ///
    /// `tokenizers` reads this stage as an untagged enum tried in the order Roberta, Bert,
    /// ByteLevel, Template, Sequence, and its Roberta/Bert/Template readers ignore `"type"`.
    /// So an object with `sep` and `cls` is Roberta when it also has both booleans
    /// `trim_offsets` and `add_prefix_space`, and Bert otherwise, whatever its type says.
    public init(json: JSON, path: String) throws {
        let f = try JSONFields(json, path: path)
        if PostProcessors.RobertaProcessing.matchesShape(f) {
            self = .robertaProcessing(try PostProcessors.RobertaProcessing(fields: f))
            return
        }
        if PostProcessors.BertProcessing.matchesShape(f) {
            self = .bertProcessing(try PostProcessors.BertProcessing(fields: f))
            return
        }
        let type = try f.optionalString("type")
        switch type {
        case "ByteLevel":
            self = .byteLevel(try PostProcessors.ByteLevel(fields: f))
        case "Sequence" where !PostProcessors.TemplateProcessing.matchesShape(f):
            self = .sequence(try PostProcessor.sequenceItems(fields: f))
        case "RobertaProcessing":
            self = .robertaProcessing(try PostProcessors.RobertaProcessing(fields: f))
        case "BertProcessing":
            self = .bertProcessing(try PostProcessors.BertProcessing(fields: f))
        case "TemplateProcessing", "Sequence", nil:
            self = .templateProcessing(try PostProcessors.TemplateProcessing(fields: f))
        default:
            if PostProcessors.TemplateProcessing.matchesShape(f) {
                self = .templateProcessing(try PostProcessors.TemplateProcessing(fields: f))
            } else {
                throw TokenizerError(.unsupported, "unknown post-processor type '\(type ?? "")'", at: f.childPath("type"))
            }
        }
    }

    /// The tokenizer.json object, with the fields `tokenizers` writes, in its order.
    public var json: JSON {
        switch self {
        case .templateProcessing(let p): return p.json
        case .bertProcessing(let p): return p.json
        case .robertaProcessing(let p): return p.json
        case .byteLevel(let p): return p.json
        case .sequence(let items): return PostProcessor.sequenceJSON(items)
        }
    }

    /// How many special tokens `process` adds to a single input or a pair.
    public func addedTokenCount(isPair: Bool) -> Int {
        switch self {
        case .templateProcessing(let p): return p.addedTokenCount(isPair: isPair)
        case .bertProcessing: return isPair ? 3 : 2
        case .robertaProcessing: return isPair ? 4 : 2
        case .byteLevel: return 0
        case .sequence(let items): return items.reduce(0) { $0 + $1.addedTokenCount(isPair: isPair) }
        }
    }

    /// The final encoding of `encoding` (and `pair`), with special tokens when asked.
    ///
    /// As `tokenizers`' default `PostProcessor::process`: each input gets its sequence id (its
    /// overflowing parts too) and type id = its index, goes through `processEncodings`, and the
    /// results are merged without growing offsets.
    public func process(_ encoding: Encoding, pair: Encoding?, addSpecialTokens: Bool) throws -> Encoding {
        var encodings = [encoding]
        if let pair { encodings.append(pair) }
        for i in encodings.indices {
            encodings[i].setSequenceId(i)
            for j in encodings[i].overflowing.indices { encodings[i].overflowing[j].setSequenceId(i) }
            encodings[i].setTypeIds(UInt32(i))
        }
        let processed = try processEncodings(encodings, addSpecialTokens: addSpecialTokens)
        return Encoding.merged(processed, growingOffsets: false)
    }

    /// One step of processing over the list of inputs, as `tokenizers`' `process_encodings`.
    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) throws -> [Encoding] {
        switch self {
        case .templateProcessing(let p): return try p.processEncodings(encodings, addSpecialTokens: addSpecialTokens)
        case .bertProcessing(let p): return p.processEncodings(encodings, addSpecialTokens: addSpecialTokens)
        case .robertaProcessing(let p): return p.processEncodings(encodings, addSpecialTokens: addSpecialTokens)
        case .byteLevel(let p): return p.processEncodings(encodings)
        case .sequence(let items):
            var current = encodings
            for item in items { current = try item.processEncodings(current, addSpecialTokens: addSpecialTokens) }
            return current
        }
    }

    /// What `tokenizers` does without a post-processor: concatenate, keeping type ids.
    public static func defaultProcess(_ encoding: Encoding, pair: Encoding?) -> Encoding {
        guard let pair else { return encoding }
        var parts = [encoding, pair]
        for i in parts.indices { parts[i].setSequenceId(i) }
        return Encoding.merged(parts, growingOffsets: false)
    }
}

extension Encoding {
    /// An encoding made only of special tokens: offsets (0, 0), no word, masks 1, no sequence.
    static func specialTokens(ids: [UInt32], tokens: [String], typeId: UInt32) -> Encoding {
        var e = Encoding()
        let n = ids.count
        e.ids = ids
        e.tokens = tokens
        e.typeIds = [UInt32](repeating: typeId, count: n)
        e.wordIds = [UInt32?](repeating: nil, count: n)
        e.offsets = [(Int, Int)](repeating: (0, 0), count: n)
        e.specialTokensMask = [UInt32](repeating: 1, count: n)
        e.attentionMask = [UInt32](repeating: 1, count: n)
        return e
    }

    /// `self` between optional special tokens, as Bert and Roberta build their parts.
    ///
    /// Type ids are `[leadingType] + typeIds + [trailingType]` unless `allTypeIds` replaces them;
    /// `sequence` is recorded over the non-special tokens.
    func wrapped(leading: (String, UInt32)?, trailing: (String, UInt32), leadingType: UInt32,
                 trailingType: UInt32, allTypeIds: UInt32?, sequence: Int) -> Encoding {
        var e = Encoding()
        let lead = leading == nil ? 0 : 1
        let n = ids.count + lead + 1
        e.ids.reserveCapacity(n)
        if let leading { e.ids.append(leading.1); e.tokens.append(leading.0) }
        e.ids += ids
        e.ids.append(trailing.1)
        e.tokens += tokens
        e.tokens.append(trailing.0)
        if let all = allTypeIds {
            e.typeIds = [UInt32](repeating: all, count: n)
        } else {
            if lead == 1 { e.typeIds.append(leadingType) }
            e.typeIds += typeIds
            e.typeIds.append(trailingType)
        }
        if lead == 1 { e.wordIds.append(nil); e.offsets.append((0, 0)); e.specialTokensMask.append(1) }
        e.wordIds += wordIds
        e.wordIds.append(nil)
        e.offsets += offsets
        e.offsets.append((0, 0))
        e.specialTokensMask += [UInt32](repeating: 0, count: ids.count)
        e.specialTokensMask.append(1)
        e.attentionMask = [UInt32](repeating: 1, count: n)
        e.sequenceRanges = [sequence: lead..<(n - 1)]
        return e
    }
}

/// Reads a `[token, id]` pair as `tokenizers` writes `sep` and `cls`.
func readTokenIdPair(_ f: JSONFields, _ key: String) throws -> (String, UInt32) {
    let items = try f.array(key)
    let path = f.childPath(key)
    guard items.count == 2 else {
        throw TokenizerError(.invalidField, "expected [token, id], found an array of \(items.count) items", at: path)
    }
    guard case .string(let token) = items[0] else {
        throw TokenizerError(.invalidField, "expected a string, found \(items[0].kindName)", at: path + "[0]")
    }
    return (token, try readUInt32(items[1], at: path + "[1]"))
}

/// A JSON number that fits in `UInt32` (ids and type ids).
func readUInt32(_ value: JSON, at path: String) throws -> UInt32 {
    guard case .int(let i) = value, let v = UInt32(exactly: i) else {
        throw TokenizerError(.invalidField, "expected an unsigned 32-bit integer, found \(value.kindName)", at: path)
    }
    return v
}
