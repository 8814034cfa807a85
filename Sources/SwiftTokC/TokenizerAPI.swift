#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import SwiftTok

@c @implementation
public func swifttok_tokenizer_from_file(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    guard let path else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "path is NULL") }
    do {
        out.pointee = TokenizerHandle(try Tokenizer(contentsOfFile: String(cString: path))).opaque
        return SWIFTTOK_OK
    } catch {
        return failLoading(error)
    }
}

@c @implementation
public func swifttok_tokenizer_from_bytes(_ data: UnsafePointer<UInt8>?, _ length: Int,
                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    do {
        let bytes = try callerBytes(data, length, "data")
        out.pointee = TokenizerHandle(try Tokenizer(data: bytes)).opaque
        return SWIFTTOK_OK
    } catch let e as CError {
        return fail(e.status, e.message)
    } catch {
        return failLoading(error)
    }
}

@c @implementation
public func swifttok_tokenizer_free(_ tokenizer: OpaquePointer?) { TokenizerHandle.release(tokenizer) }

@c @implementation
public func swifttok_vocab_size(_ tokenizer: OpaquePointer?) -> Int {
    TokenizerHandle.from(tokenizer)?.vocabSize ?? 0
}

@c @implementation
public func swifttok_token_to_id(_ tokenizer: OpaquePointer?, _ token: UnsafePointer<CChar>?, _ length: Int,
                                 _ outId: UnsafeMutablePointer<UInt32>?) -> swifttok_status {
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard let outId else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_id is NULL") }
    do {
        let bytes = try callerBytes(token, length, "token")
        guard let s = String(validating: bytes, as: UTF8.self) else { return fail(SWIFTTOK_ERROR_INVALID_UTF8, "token is not valid UTF-8") }
        guard let id = t.tokenizer.tokenToId(s) else { return fail(SWIFTTOK_ERROR_OUT_OF_RANGE, "no such token") }
        outId.pointee = id
        return SWIFTTOK_OK
    } catch {
        return fail(error.status, error.message)
    }
}

/// Copies `bytes` to a caller buffer with the size-query protocol of the header.
func copyOut(_ bytes: [UInt8], _ buffer: UnsafeMutableRawPointer?, _ capacity: Int,
             _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let outLength else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_length is NULL") }
    outLength.pointee = bytes.count
    // A size_t capacity above PTRDIFF_MAX arrives negative: it is "large enough".
    if capacity >= 0 && bytes.count > capacity {
        return fail(SWIFTTOK_ERROR_BUFFER_TOO_SMALL, "buffer too small: \(bytes.count) bytes needed, capacity \(capacity)")
    }
    if bytes.isEmpty { return SWIFTTOK_OK }
    guard let buffer else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "buffer is NULL but capacity is \(capacity)") }
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }  // Safe: non-empty.
    return SWIFTTOK_OK
}

@c @implementation
public func swifttok_id_to_token(_ tokenizer: OpaquePointer?, _ id: UInt32, _ buffer: UnsafeMutablePointer<CChar>?,
                                 _ capacity: Int, _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard let token = t.tokenizer.idToToken(id) else {
        outLength?.pointee = 0
        return fail(SWIFTTOK_ERROR_OUT_OF_RANGE, "no token has id \(id)")
    }
    return copyOut(Array(token.utf8), UnsafeMutableRawPointer(buffer), capacity, outLength)
}

@c @implementation
public func swifttok_tokenizer_configure(_ tokenizer: OpaquePointer?, _ truncation: UnsafePointer<swifttok_truncation>?,
                                         _ padding: UnsafePointer<swifttok_padding>?,
                                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    var copy = t.tokenizer
    if let tr = truncation?.pointee {
        let strategy: TruncationParams.Strategy
        switch tr.strategy {
        case SWIFTTOK_TRUNCATE_LONGEST_FIRST: strategy = .longestFirst
        case SWIFTTOK_TRUNCATE_ONLY_FIRST: strategy = .onlyFirst
        case SWIFTTOK_TRUNCATE_ONLY_SECOND: strategy = .onlySecond
        default: return fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "unknown truncation strategy \(tr.strategy.rawValue)")
        }
        guard let direction = direction(tr.direction) else { return fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "unknown truncation direction") }
        guard tr.max_length == 0 || tr.stride < tr.max_length else {
            return fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "stride must be less than max_length")
        }
        copy.truncation = TruncationParams(maxLength: tr.max_length, stride: tr.stride, strategy: strategy,
                                           direction: direction == .left ? .left : .right)
    } else {
        copy.truncation = nil
    }
    if let p = padding?.pointee {
        guard let d = direction(p.direction) else { return fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "unknown padding direction") }
        var token = "[PAD]"
        if let cString = p.pad_token {
            guard let s = String(validatingCString: cString) else { return fail(SWIFTTOK_ERROR_INVALID_UTF8, "pad_token is not valid UTF-8") }
            token = s
        }
        copy.padding = PaddingParams(strategy: p.length == 0 ? .batchLongest : .fixed(p.length), direction: d,
                                     padToMultipleOf: p.pad_to_multiple_of == 0 ? nil : p.pad_to_multiple_of,
                                     padId: p.pad_id, padTypeId: p.pad_type_id, padToken: token)
    } else {
        copy.padding = nil
    }
    out.pointee = TokenizerHandle(copy).opaque
    return SWIFTTOK_OK
}

func direction(_ d: swifttok_direction) -> PaddingDirection? {
    switch d {
    case SWIFTTOK_RIGHT: return .right
    case SWIFTTOK_LEFT: return .left
    default: return nil
    }
}

/// A load error: a token the file names but does not define makes the file malformed.
func failLoading(_ error: Error) -> swifttok_status {
    if let e = error as? TokenizerError, e.kind == .unknownToken { return fail(SWIFTTOK_ERROR_MALFORMED, e.description) }
    return fail(error)
}

@c @implementation
public func swifttok_tokenizer_get_truncation(_ tokenizer: OpaquePointer?, _ outEnabled: UnsafeMutablePointer<Int32>?,
                                              _ out: UnsafeMutablePointer<swifttok_truncation>?) -> swifttok_status {
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard let outEnabled, let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_enabled or out is NULL") }
    guard let tr = t.tokenizer.truncation else {
        outEnabled.pointee = 0
        out.pointee = swifttok_truncation(max_length: 0, stride: 0, strategy: SWIFTTOK_TRUNCATE_LONGEST_FIRST, direction: SWIFTTOK_RIGHT)
        return SWIFTTOK_OK
    }
    let strategy: swifttok_truncation_strategy
    switch tr.strategy {
    case .longestFirst: strategy = SWIFTTOK_TRUNCATE_LONGEST_FIRST
    case .onlyFirst: strategy = SWIFTTOK_TRUNCATE_ONLY_FIRST
    case .onlySecond: strategy = SWIFTTOK_TRUNCATE_ONLY_SECOND
    }
    outEnabled.pointee = 1
    out.pointee = swifttok_truncation(max_length: tr.maxLength, stride: tr.stride, strategy: strategy,
                                      direction: tr.direction == .left ? SWIFTTOK_LEFT : SWIFTTOK_RIGHT)
    return SWIFTTOK_OK
}

@c @implementation
public func swifttok_tokenizer_get_padding(_ tokenizer: OpaquePointer?, _ outEnabled: UnsafeMutablePointer<Int32>?,
                                           _ out: UnsafeMutablePointer<swifttok_padding>?) -> swifttok_status {
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard let outEnabled, let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_enabled or out is NULL") }
    guard let p = t.tokenizer.padding else {
        outEnabled.pointee = 0
        out.pointee = swifttok_padding(length: 0, pad_to_multiple_of: 0, direction: SWIFTTOK_RIGHT, pad_id: 0,
                                       pad_type_id: 0, pad_token: nil)
        return SWIFTTOK_OK
    }
    let length: Int
    switch p.strategy {
    case .batchLongest: length = 0
    case .fixed(let n): length = n
    }
    outEnabled.pointee = 1
    out.pointee = swifttok_padding(length: length, pad_to_multiple_of: p.padToMultipleOf ?? 0,
                                   direction: p.direction == .left ? SWIFTTOK_LEFT : SWIFTTOK_RIGHT,
                                   pad_id: p.padId, pad_type_id: p.padTypeId,
                                   pad_token: t.padToken.pointer.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) })
    return SWIFTTOK_OK
}
