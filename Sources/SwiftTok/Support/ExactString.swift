/// A string compared and hashed by its exact Unicode scalars (its UTF-8 bytes), as Rust's `String`
/// and JSON compare strings.
///
/// Swift's `String` equality is canonical equivalence: "ύ" (U+1F7B) equals "ύ" (U+03CD), so a
/// `[String: _]` keyed by token contents silently merges distinct tokens (Llama 2 has six such
/// pairs). Every map keyed by token text uses this key instead.
public struct ExactString: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let string: String

    @inlinable public init(_ string: String) { self.string = string }
    public init(stringLiteral value: String) { self.string = value }

    public static func == (a: ExactString, b: ExactString) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }

    public func hash(into hasher: inout Hasher) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { Array(string.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    public var description: String { string }
}
