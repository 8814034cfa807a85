/// `Sequence`: runs several post-processors in turn over the list of inputs; their added token
/// counts add up.
extension PostProcessor {
    static func sequenceItems(fields f: JSONFields) throws -> [PostProcessor] {
        let items = try f.array("processors")
        return try items.enumerated().map { i, item in
            try PostProcessor(json: item, path: "\(f.childPath("processors"))[\(i)]")
        }
    }

    static func sequenceJSON(_ items: [PostProcessor]) -> JSON {
        .object(JSONObject([("type", .string("Sequence")), ("processors", .array(items.map(\.json)))]))
    }
}
