/// An error thrown while loading or running a tokenizer; it names the problem and where it is.
///
/// `location` is a JSON path (`$.model.merges[12]`), a `file:line`, or empty.
public struct TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is; stable across releases.
    public enum Kind: Int, Sendable {
        case io = 1
        case malformedJSON = 2
        case unsupported = 3
        case invalidField = 4
        case missingField = 5
        case invalidVocabulary = 6
        case invalidUTF8 = 7
        case invalidArgument = 8
        case regex = 9
        case unknownToken = 10
    }

    public var kind: Kind
    public var message: String
    public var location: String

    public init(_ kind: Kind, _ message: String, at location: String = "") {
        self.kind = kind
        self.message = message
        self.location = location
    }

    public var description: String {
        location.isEmpty ? message : "\(location): \(message)"
    }
}
