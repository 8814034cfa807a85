/// Typed, path-aware access to the fields of a JSON object, for component readers.
///
/// Every accessor throws a `TokenizerError` that names the JSON path (`$.model.vocab`) of the
/// missing or wrong-typed field.
public struct JSONFields: Sendable {
    public let object: JSONObject
    public let path: String

    public init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    /// Wraps `value`, which must be an object.
    public init(_ value: JSON, path: String) throws {
        guard case .object(let o) = value else {
            throw TokenizerError(.invalidField, "expected an object, found \(value.kindName)", at: path)
        }
        self.init(o, path: path)
    }

    public func childPath(_ key: String) -> String { "\(path).\(key)" }

    /// The raw value of `key`, treating JSON `null` as absent.
    public func value(_ key: String) -> JSON? {
        if let v = object[key], v != .null { return v }
        return nil
    }

    public func required(_ key: String) throws -> JSON {
        guard let v = value(key) else {
            throw TokenizerError(.missingField, "missing field '\(key)'", at: path)
        }
        return v
    }

    func wrongType(_ key: String, _ expected: String, _ found: JSON) -> TokenizerError {
        TokenizerError(.invalidField, "expected \(expected), found \(found.kindName)", at: childPath(key))
    }

    public func string(_ key: String) throws -> String {
        let v = try required(key)
        guard case .string(let s) = v else { throw wrongType(key, "a string", v) }
        return s
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw wrongType(key, "a string", v) }
        return s
    }

    public func bool(_ key: String) throws -> Bool {
        let v = try required(key)
        guard case .bool(let b) = v else { throw wrongType(key, "a boolean", v) }
        return b
    }

    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard value(key) != nil else { return defaultValue }
        return try bool(key)
    }

    public func int(_ key: String) throws -> Int {
        let v = try required(key)
        guard case .int(let i) = v, let r = Int(exactly: i) else { throw wrongType(key, "an integer", v) }
        return r
    }

    public func optionalInt(_ key: String) throws -> Int? {
        guard value(key) != nil else { return nil }
        return try int(key)
    }

    public func double(_ key: String) throws -> Double {
        let v = try required(key)
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw wrongType(key, "a number", v)
        }
    }

    public func optionalDouble(_ key: String) throws -> Double? {
        guard value(key) != nil else { return nil }
        return try double(key)
    }

    public func array(_ key: String) throws -> [JSON] {
        let v = try required(key)
        guard case .array(let a) = v else { throw wrongType(key, "an array", v) }
        return a
    }

    public func optionalArray(_ key: String) throws -> [JSON]? {
        guard value(key) != nil else { return nil }
        return try array(key)
    }

    public func fields(_ key: String) throws -> JSONFields {
        try JSONFields(try required(key), path: childPath(key))
    }

    public func optionalFields(_ key: String) throws -> JSONFields? {
        guard let v = value(key) else { return nil }
        return try JSONFields(v, path: childPath(key))
    }

    /// The `"type"` tag of a component.
    public func type() throws -> String { try string("type") }

    /// An error about this object's field `key`.
    public func invalid(_ key: String, _ message: String) -> TokenizerError {
        TokenizerError(.invalidField, message, at: childPath(key))
    }
}

extension JSON {
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var intValue: Int? { if case .int(let i) = self { return Int(exactly: i) }; return nil }
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
}
