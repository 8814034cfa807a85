/// `Sequence`: each decoder's output list feeds the next one.
extension TokenDecoder {
    static func sequenceItems(fields f: JSONFields) throws -> [TokenDecoder] {
        try f.array("decoders").enumerated().map { i, item in
            try TokenDecoder(json: item, path: "\(f.childPath("decoders"))[\(i)]")
        }
    }

    static func sequenceJSON(_ items: [TokenDecoder]) -> JSON {
        .object(JSONObject([("type", .string("Sequence")), ("decoders", .array(items.map(\.json)))]))
    }
}
