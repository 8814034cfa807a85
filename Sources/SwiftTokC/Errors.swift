#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import SwiftTok

/// The calling thread's last error message, kept as a malloc'd C string in thread-local storage.
enum LastError {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    static func set(_ message: String) {
        let old = pthread_getspecific(key)
        let copy = strdup(message)
        pthread_setspecific(key, copy.map { UnsafeRawPointer($0) })
        free(old)
    }

    static func clear() {
        if let old = pthread_getspecific(key) {
            pthread_setspecific(key, nil)
            free(old)
        }
    }

    static var current: UnsafePointer<CChar> {
        if let p = pthread_getspecific(key) { return UnsafePointer(p.assumingMemoryBound(to: CChar.self)) }
        return Static.empty
    }
}

enum Static {
    static let messages: [StaticString] = [
        "ok", "a required pointer argument was NULL", "invalid argument", "text is not valid UTF-8",
        "file could not be opened or read", "malformed tokenizer file", "unsupported tokenizer component or format",
        "buffer too small", "index or id out of range", "encoding failed", "out of memory",
    ]

    /// A static string literal as a C string (Swift emits literals NUL-terminated).
    static func c(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    static var empty: UnsafePointer<CChar> { c("") }
}

/// Records `message` as the thread's last error and returns `status`.
func fail(_ status: swifttok_status, _ message: String) -> swifttok_status {
    LastError.set(message)
    return status
}

/// Maps a thrown error to a status, recording its message.
func fail(_ error: Error) -> swifttok_status {
    guard let e = error as? TokenizerError else { return fail(SWIFTTOK_ERROR_ENCODING, "\(error)") }
    let status: swifttok_status
    switch e.kind {
    case .io: status = SWIFTTOK_ERROR_IO
    case .malformedJSON, .invalidField, .missingField, .invalidVocabulary, .regex: status = SWIFTTOK_ERROR_MALFORMED
    case .unsupported: status = SWIFTTOK_ERROR_UNSUPPORTED
    case .invalidUTF8: status = SWIFTTOK_ERROR_INVALID_UTF8
    case .invalidArgument: status = SWIFTTOK_ERROR_ENCODING
    case .unknownToken: status = SWIFTTOK_ERROR_OUT_OF_RANGE
    }
    return fail(status, e.description)
}

@c @implementation
public func swifttok_version_number() -> UInt32 {
    UInt32(SWIFTTOK_VERSION_MAJOR * 10000 + SWIFTTOK_VERSION_MINOR * 100 + SWIFTTOK_VERSION_PATCH)
}

@c @implementation
public func swifttok_version_string() -> UnsafePointer<CChar>? { Static.c("0.6.0") }

@c @implementation
public func swifttok_status_string(_ status: swifttok_status) -> UnsafePointer<CChar>? {
    let i = Int(status.rawValue)
    return i >= 0 && i < Static.messages.count ? Static.c(Static.messages[i]) : Static.c("unknown status")
}

@c @implementation
public func swifttok_last_error() -> UnsafePointer<CChar>? { LastError.current }
