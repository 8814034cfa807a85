import CSwiftTokABI
import SwiftTok

/// What a `swifttok_decode_stream *` points to. Mutable: one thread at a time (the header says so).
final class DecodeStreamHandle: CHandle {
    var stream: DecodeStream
    /// Text produced by a step whose caller buffer was too small, with the ids that produced it.
    var pending: (ids: [UInt32], text: [UInt8])?

    init(_ stream: DecodeStream) { self.stream = stream }
}

@c @implementation
public func swifttok_decode_stream_new(_ tokenizer: OpaquePointer?, _ skipSpecialTokens: Int32,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    out.pointee = DecodeStreamHandle(DecodeStream(tokenizer: t.tokenizer, skipSpecialTokens: skipSpecialTokens != 0)).opaque
    return SWIFTTOK_OK
}

@c @implementation
public func swifttok_decode_stream_free(_ stream: OpaquePointer?) { DecodeStreamHandle.release(stream) }

@c @implementation
public func swifttok_decode_stream_new_with_ids(_ tokenizer: OpaquePointer?, _ skipSpecialTokens: Int32,
                                                _ ids: UnsafePointer<UInt32>?, _ count: Int,
                                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    return guarded {
        let prefill = try idList(ids, count, "ids")
        let stream = DecodeStream(tokenizer: t.tokenizer, skipSpecialTokens: skipSpecialTokens != 0, ids: prefill)
        out.pointee = DecodeStreamHandle(stream).opaque
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_decode_stream_step(_ stream: OpaquePointer?, _ id: UInt32, _ buffer: UnsafeMutablePointer<CChar>?,
                                        _ capacity: Int, _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let s = DecodeStreamHandle.from(stream) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "stream is NULL") }
    return step(s, [id], buffer, capacity, outLength)
}

@c @implementation
public func swifttok_decode_stream_step_ids(_ stream: OpaquePointer?, _ ids: UnsafePointer<UInt32>?, _ count: Int,
                                            _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                            _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let s = DecodeStreamHandle.from(stream) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "stream is NULL") }
    let list: [UInt32]
    do {
        list = try idList(ids, count, "ids")
    } catch {
        return fail(error.status, error.message)
    }
    return step(s, list, buffer, capacity, outLength)
}

/// One step of `s` with `ids`, keeping the text when the caller's buffer is too small.
func step(_ s: DecodeStreamHandle, _ ids: [UInt32], _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
          _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard outLength != nil else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_length is NULL") }
    let text: [UInt8]
    if let pending = s.pending, pending.ids == ids {
        text = pending.text
    } else {
        do {
            text = Array((try s.stream.step(ids) ?? "").utf8)
        } catch {
            s.pending = nil
            return fail(error)
        }
    }
    let status = copyOut(text, UnsafeMutableRawPointer(buffer), capacity, outLength)
    s.pending = status == SWIFTTOK_ERROR_BUFFER_TOO_SMALL ? (ids, text) : nil
    return status
}
