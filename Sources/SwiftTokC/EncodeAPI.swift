#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import SwiftTok

let knownFlags: UInt32 = UInt32(SWIFTTOK_ADD_SPECIAL_TOKENS) | UInt32(SWIFTTOK_CHAR_OFFSETS)

/// Checks the common arguments of an encoding call.
/// Returns the handle, not a copy of its Tokenizer value: a copy retains and releases every stage
/// on each call, a fixed cost that dominates short inputs.
func encodeArguments(_ tokenizer: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ length: Int,
                     _ flags: UInt32) throws(CError) -> (TokenizerHandle, [UInt8]) {
    guard let t = TokenizerHandle.from(tokenizer) else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard flags & ~knownFlags == 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "unknown flags 0x\(String(flags, radix: 16))") }
    return (t, try callerBytes(text, length, "text"))
}

extension UInt32 {
    var addSpecialTokens: Bool { self & UInt32(SWIFTTOK_ADD_SPECIAL_TOKENS) != 0 }
    var offsetType: OffsetType { self & UInt32(SWIFTTOK_CHAR_OFFSETS) != 0 ? .char : .byte }
}

/// Runs `body`, mapping argument problems and thrown errors to statuses.
func guarded(_ body: () throws -> swifttok_status) -> swifttok_status {
    do {
        return try body()
    } catch let e as CError {
        return fail(e.status, e.message)
    } catch {
        return fail(error)
    }
}

@c @implementation
public func swifttok_encode(_ tokenizer: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ length: Int,
                            _ pair: UnsafePointer<CChar>?, _ pairLength: Int, _ flags: UInt32,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    return guarded {
        let (h, bytes) = try encodeArguments(tokenizer, text, length, flags)
        let pairBytes: [UInt8]? = pair == nil && pairLength == 0 ? nil : try callerBytes(pair, pairLength, "pair")
        try h.requireEncodingMemory(bytes, pairBytes)
        let e = try h.tokenizer.encode(bytes: bytes, pair: pairBytes, addSpecialTokens: flags.addSpecialTokens, offsets: flags.offsetType)
        out.pointee = EncodingHandle(e).opaque
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_encoding_free(_ encoding: OpaquePointer?) { EncodingHandle.release(encoding) }

@c @implementation
public func swifttok_encoding_length(_ encoding: OpaquePointer?) -> Int { EncodingHandle.from(encoding)?.ids.count ?? 0 }

@c @implementation
public func swifttok_encoding_ids(_ encoding: OpaquePointer?) -> UnsafePointer<UInt32>? {
    EncodingHandle.from(encoding)?.ids.pointer.map { UnsafePointer($0) }
}

@c @implementation
public func swifttok_encoding_type_ids(_ encoding: OpaquePointer?) -> UnsafePointer<UInt32>? {
    EncodingHandle.from(encoding)?.typeIds.pointer.map { UnsafePointer($0) }
}

@c @implementation
public func swifttok_encoding_attention_mask(_ encoding: OpaquePointer?) -> UnsafePointer<UInt32>? {
    EncodingHandle.from(encoding)?.attentionMask.pointer.map { UnsafePointer($0) }
}

@c @implementation
public func swifttok_encoding_special_tokens_mask(_ encoding: OpaquePointer?) -> UnsafePointer<UInt32>? {
    EncodingHandle.from(encoding)?.specialTokensMask.pointer.map { UnsafePointer($0) }
}

@c @implementation
public func swifttok_encoding_offsets(_ encoding: OpaquePointer?) -> UnsafePointer<swifttok_offset>? {
    EncodingHandle.from(encoding)?.offsets.pointer.map { UnsafePointer($0) }
}

@c @implementation
public func swifttok_encoding_word_ids(_ encoding: OpaquePointer?) -> UnsafePointer<Int64>? {
    EncodingHandle.from(encoding)?.wordIds.pointer.map { UnsafePointer($0) }
}

@c @implementation
public func swifttok_encoding_token(_ encoding: OpaquePointer?, _ index: Int, _ outLength: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    outLength?.pointee = 0
    guard let e = EncodingHandle.from(encoding), index >= 0, index < e.ids.count else { return nil }
    let start = e.tokenStarts[index]
    let length = e.tokenStarts[index + 1] - start
    outLength?.pointee = length
    // An empty token still gets a valid pointer.
    guard let base = e.tokenBytes.pointer else { return Static.empty }
    return UnsafeRawPointer(base + start).assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func swifttok_encoding_overflowing_count(_ encoding: OpaquePointer?) -> Int {
    EncodingHandle.from(encoding)?.overflowing.count ?? 0
}

@c @implementation
public func swifttok_encoding_overflowing(_ encoding: OpaquePointer?, _ index: Int) -> OpaquePointer? {
    guard let e = EncodingHandle.from(encoding), index >= 0, index < e.overflowing.count else { return nil }
    return e.overflowing[index].opaqueUnretained
}

/// Checks the common arguments of a short call: the handle and the caller's text in place.
func shortCallArguments(_ tokenizer: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ length: Int,
                        _ flags: UInt32) throws(CError) -> (TokenizerHandle, UnsafeBufferPointer<UInt8>) {
    guard let t = TokenizerHandle.from(tokenizer) else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard flags & ~knownFlags == 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "unknown flags 0x\(String(flags, radix: 16))") }
    let bytes = try callerBuffer(text, length, "text")
    try requireIdsMemory(bytes.count)
    return (t, bytes)
}

// The short-call paths read the caller's text in place and take the ids from the tokenizer's warm
// scratch (Tokenizer.encodeIds(_:addSpecialTokens:into:)): no Swift allocation once warm.

@c @implementation
public func swifttok_encode_ids(_ tokenizer: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ length: Int, _ flags: UInt32,
                                _ ids: UnsafeMutablePointer<UInt32>?, _ capacity: Int,
                                _ outCount: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let outCount else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_count is NULL") }
    return guarded {
        let (h, bytes) = try shortCallArguments(tokenizer, text, length, flags)
        // A size_t capacity above PTRDIFF_MAX arrives negative: no buffer is that small.
        let room = capacity < 0 ? Int.max : capacity
        let count = try h.shortIds(bytes, flags.addSpecialTokens,
                                   UnsafeMutableBufferPointer(start: ids, count: ids == nil ? 0 : room))
        outCount.pointee = count
        if count > room {
            return fail(SWIFTTOK_ERROR_BUFFER_TOO_SMALL, "buffer too small: \(count) ids, capacity \(capacity)")
        }
        if count > 0 && ids == nil { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "ids is NULL but capacity is \(capacity)") }
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_count_tokens(_ tokenizer: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ length: Int, _ flags: UInt32,
                                  _ outCount: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let outCount else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_count is NULL") }
    return guarded {
        let (h, bytes) = try shortCallArguments(tokenizer, text, length, flags)
        outCount.pointee = try h.shortIds(bytes, flags.addSpecialTokens, UnsafeMutableBufferPointer(start: nil, count: 0))
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_count_tokens_up_to(_ tokenizer: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ length: Int,
                                        _ flags: UInt32, _ limit: Int, _ outCount: UnsafeMutablePointer<Int>?,
                                        _ outByteEnd: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let outCount, let outByteEnd else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_count or out_byte_end is NULL") }
    return guarded {
        let (h, bytes) = try encodeArguments(tokenizer, text, length, flags)
        let limit = limit < 0 ? Int.max : limit  // SIZE_MAX ("no limit") arrives negative.
        try h.requireEncodingMemory(bytes)
        let e = try h.tokenizer.encode(bytes: bytes, addSpecialTokens: flags.addSpecialTokens, offsets: .byte)
        if e.count <= limit {
            outCount.pointee = e.count
            outByteEnd.pointee = bytes.count
        } else {
            outCount.pointee = limit
            outByteEnd.pointee = e.offsets.prefix(limit).reduce(0) { Swift.max($0, $1.1) }
        }
        return SWIFTTOK_OK
    }
}

// The short calls again, for bindings that pay per converted argument (see swifttok_short_call):
// the same work as swifttok_encode_ids / swifttok_count_tokens, arguments taken from the caller's
// reused struct and the result (or the negated status) as the return value.

@c @implementation
public func swifttok_encode_ids_short(_ call: UnsafeMutablePointer<swifttok_short_call>?, _ text: UnsafePointer<CChar>?,
                                      _ length: Int32, _ flags: UInt32) -> Int {
    guard let call else { return -Int(fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "call is NULL").rawValue) }
    guard length >= 0 else { return -Int(fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "text length \(length) is negative").rawValue) }
    var count = 0
    let status = swifttok_encode_ids(call.pointee.tokenizer, text, Int(length), flags, call.pointee.ids,
                                     call.pointee.capacity, &count)
    if status == SWIFTTOK_OK { return count }
    if status == SWIFTTOK_ERROR_BUFFER_TOO_SMALL { call.pointee.needed = count }
    return -Int(status.rawValue)
}

@c @implementation
public func swifttok_count_tokens_short(_ call: UnsafeMutablePointer<swifttok_short_call>?, _ text: UnsafePointer<CChar>?,
                                        _ length: Int32, _ flags: UInt32) -> Int {
    guard let call else { return -Int(fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "call is NULL").rawValue) }
    guard length >= 0 else { return -Int(fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "text length \(length) is negative").rawValue) }
    var count = 0
    let status = swifttok_count_tokens(call.pointee.tokenizer, text, Int(length), flags, &count)
    return status == SWIFTTOK_OK ? count : -Int(status.rawValue)
}
