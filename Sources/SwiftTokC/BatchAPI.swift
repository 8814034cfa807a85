#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import SwiftTok

@c @implementation
public func swifttok_encode_batch(_ tokenizer: OpaquePointer?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?,
                                  _ lengths: UnsafePointer<Int>?, _ count: Int, _ flags: UInt32, _ threads: Int,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    return guarded {
        let h = try batchArguments(tokenizer, flags)
        var documents: [UnsafeBufferPointer<UInt8>] = []
        if count != 0 {
            guard let texts, let lengths else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "texts or lengths is NULL") }
            guard count > 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "count is too large") }
            documents.reserveCapacity(count)
            for i in 0..<count { documents.append(try callerText(texts[i], lengths[i], "texts[\(i)]")) }
        }
        out.pointee = try encodeBatch(h, documents, flags, threads).opaque
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_encode_batch_flat(_ tokenizer: OpaquePointer?, _ data: UnsafePointer<CChar>?,
                                       _ offsets: UnsafePointer<Int>?, _ count: Int, _ flags: UInt32, _ threads: Int,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    return guarded {
        let h = try batchArguments(tokenizer, flags)
        out.pointee = try encodeBatch(h, try flatTextViews(data, offsets, count), flags, threads).opaque
        return SWIFTTOK_OK
    }
}

/// The texts of a call that takes them in one buffer (text i is data[offsets[i] ..< offsets[i + 1]]),
/// copied (see `flatTextViews`).
func flatTexts(_ data: UnsafePointer<CChar>?, _ offsets: UnsafePointer<Int>?, _ count: Int) throws(CError) -> [[UInt8]] {
    let views = try flatTextViews(data, offsets, count)
    var texts: [[UInt8]] = []
    texts.reserveCapacity(count)
    for (i, v) in views.enumerated() { texts.append(try callerBytes(v.baseAddress, v.count, "text \(i)")) }
    return texts
}

/// The texts of a call that takes them in one buffer, read in place (the caller's buffer, which the
/// header says stays unchanged during the call), after the offsets are checked (non-decreasing,
/// none above PTRDIFF_MAX, no text above SWIFTTOK_MAX_LENGTH) before any text is read.
func flatTextViews(_ data: UnsafePointer<CChar>?, _ offsets: UnsafePointer<Int>?,
                   _ count: Int) throws(CError) -> [UnsafeBufferPointer<UInt8>] {
    if count == 0 { return [] }
    guard let offsets else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "offsets is NULL") }
    guard count > 0, count < Int.max else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "count is too large") }
    guard offsets[0] >= 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "offsets[0] is too large") }
    for i in 0..<count where offsets[i + 1] < offsets[i] {
        throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT,
                     "offsets[\(i + 1)] (\(UInt(bitPattern: offsets[i + 1]))) is less than offsets[\(i)] (\(offsets[i]))")
    }
    if offsets[count] > offsets[0] && data == nil {
        throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "data is NULL but the offsets span \(offsets[count] - offsets[0]) bytes")
    }
    var texts: [UnsafeBufferPointer<UInt8>] = []
    texts.reserveCapacity(count)
    for i in 0..<count {
        texts.append(try callerText(data.map { $0 + offsets[i] }, offsets[i + 1] - offsets[i], "text \(i)"))
    }
    return texts
}

/// Checks the tokenizer and flags of a batch call (batches give ids only: no offsets flag needed).
func batchArguments(_ tokenizer: OpaquePointer?, _ flags: UInt32) throws(CError) -> TokenizerHandle {
    guard let h = TokenizerHandle.from(tokenizer) else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard flags & ~knownFlags == 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "unknown flags 0x\(String(flags, radix: 16))") }
    return h
}

/// The ids of `texts` (read in place), padded together as the tokenizer's padding says.
/// `assumingValidUTF8`: the caller guarantees the texts are valid UTF-8 (Python str).
func encodeBatch(_ h: TokenizerHandle, _ texts: [UnsafeBufferPointer<UInt8>], _ flags: UInt32, _ threads: Int,
                 assumingValidUTF8: Bool = false) throws -> BatchHandle {
    try requireIdsMemory(texts.reduce(0) { $0 + $1.count })
    return try h.unpadded.withIdsBatch(inPlace: texts, addSpecialTokens: flags.addSpecialTokens, threads: threads,
                                       assumingValidUTF8: assumingValidUTF8) { BatchHandle($0, padding: h.tokenizer.padding) }
}

@c @implementation
public func swifttok_batch_free(_ batch: OpaquePointer?) { BatchHandle.release(batch) }

@c @implementation
public func swifttok_batch_count(_ batch: OpaquePointer?) -> Int { BatchHandle.from(batch)?.count ?? 0 }

/// Lends one flat array of a batch with its length in `*outTotal` (may be NULL); NULL and 0 for a NULL batch.
private func lendFlat(_ batch: OpaquePointer?, _ outTotal: UnsafeMutablePointer<Int>?,
                      _ array: (BatchHandle) -> StableBuffer<UInt32>) -> UnsafePointer<UInt32>? {
    guard let b = BatchHandle.from(batch) else {
        outTotal?.pointee = 0
        return nil
    }
    let buffer = array(b)
    outTotal?.pointee = buffer.count
    return buffer.pointer.map { UnsafePointer($0) }
}

@c @implementation
public func swifttok_batch_ids(_ batch: OpaquePointer?, _ outTotal: UnsafeMutablePointer<Int>?) -> UnsafePointer<UInt32>? {
    lendFlat(batch, outTotal) { $0.ids }
}

@c @implementation
public func swifttok_batch_attention_mask(_ batch: OpaquePointer?, _ outTotal: UnsafeMutablePointer<Int>?) -> UnsafePointer<UInt32>? {
    lendFlat(batch, outTotal) { $0.attentionMask }
}

@c @implementation
public func swifttok_batch_starts(_ batch: OpaquePointer?) -> UnsafePointer<Int>? {
    BatchHandle.from(batch)?.starts.pointer.map { UnsafePointer($0) }
}

@c @implementation
public func swifttok_decode(_ tokenizer: OpaquePointer?, _ ids: UnsafePointer<UInt32>?, _ count: Int, _ skipSpecialTokens: Int32,
                            _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                            _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    guard outLength != nil else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_length is NULL") }
    return guarded {
        let list = try idList(ids, count, "ids")
        let text = try t.tokenizer.decode(list, skipSpecialTokens: skipSpecialTokens != 0)
        return copyOut(Array(text.utf8), UnsafeMutableRawPointer(buffer), capacity, outLength)
    }
}

func idList(_ ids: UnsafePointer<UInt32>?, _ count: Int, _ name: String) throws(CError) -> [UInt32] {
    if count == 0 { return [] }
    guard let ids else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "\(name) is NULL but its count is \(UInt(bitPattern: count))") }
    try checkLength(count, name, "ids")
    try requireMemory(count, perUnit: WorkingMemory.decodePerId, "decoding \(count) ids")
    return Array(UnsafeBufferPointer(start: ids, count: count))
}

@c @implementation
public func swifttok_decode_batch(_ tokenizer: OpaquePointer?, _ ids: UnsafePointer<UnsafePointer<UInt32>?>?,
                                  _ counts: UnsafePointer<Int>?, _ count: Int, _ skipSpecialTokens: Int32, _ threads: Int,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    guard let t = TokenizerHandle.from(tokenizer) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL") }
    return guarded {
        var lists: [[UInt32]] = []
        if count != 0 {
            guard let ids, let counts else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "ids or counts is NULL") }
            guard count > 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "count is too large") }
            for i in 0..<count { lists.append(try idList(ids[i], counts[i], "ids[\(i)]")) }
        }
        let total = lists.reduce(0) { $0 + $1.count }
        try requireMemory(total, perUnit: WorkingMemory.decodePerId, "decoding \(total) ids")
        let texts = try t.tokenizer.decodeBatch(lists, skipSpecialTokens: skipSpecialTokens != 0, threads: threads)
        out.pointee = TextsHandle(texts).opaque
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_texts_free(_ texts: OpaquePointer?) { TextsHandle.release(texts) }

@c @implementation
public func swifttok_texts_count(_ texts: OpaquePointer?) -> Int { (TextsHandle.from(texts)?.starts.count ?? 1) - 1 }

@c @implementation
public func swifttok_texts_get(_ texts: OpaquePointer?, _ index: Int, _ outLength: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    outLength?.pointee = 0
    guard let h = TextsHandle.from(texts), index >= 0, index < h.starts.count - 1 else { return nil }
    let start = h.starts[index]
    outLength?.pointee = h.starts[index + 1] - start
    guard let base = h.bytes.pointer else { return Static.empty }
    return UnsafeRawPointer(base + start).assumingMemoryBound(to: CChar.self)
}
