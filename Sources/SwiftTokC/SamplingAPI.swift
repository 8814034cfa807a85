#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import SwiftTok

/// What a `swifttok_nbest *` points to: the segmentations (each lent as a borrowed encoding) and scores.
final class NBestHandle: CHandle {
    let encodings: [EncodingHandle]
    let scores: [Double]

    init(_ list: [Tokenizer.ScoredEncoding]) {
        encodings = list.map { EncodingHandle($0.encoding) }
        scores = list.map(\.score)
    }
}

/// The caller's text as a String, refusing invalid UTF-8 (never repaired).
func validText(_ bytes: [UInt8]) throws(CError) -> String {
    guard let s = String(validating: bytes, as: UTF8.self) else {
        throw CError(SWIFTTOK_ERROR_INVALID_UTF8, "text is not valid UTF-8")
    }
    return s
}

@c @implementation
public func swifttok_encode_nbest(_ tokenizer: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ length: Int, _ flags: UInt32,
                                  _ k: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    return guarded {
        let (h, bytes) = try encodeArguments(tokenizer, text, length, flags)
        // A size_t above PTRDIFF_MAX arrives negative.
        guard k >= 1 && k <= Int(SWIFTTOK_NBEST_MAX) else {
            throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "k must be between 1 and \(SWIFTTOK_NBEST_MAX) (got \(UInt(bitPattern: k)))")
        }
        try h.requireEncodingMemory(bytes, copies: k)
        let list = try h.tokenizer.nBestEncode(try validText(bytes), n: k, addSpecialTokens: flags.addSpecialTokens,
                                               offsets: flags.offsetType)
        out.pointee = NBestHandle(list).opaque
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_nbest_free(_ nbest: OpaquePointer?) { NBestHandle.release(nbest) }

@c @implementation
public func swifttok_nbest_count(_ nbest: OpaquePointer?) -> Int { NBestHandle.from(nbest)?.scores.count ?? 0 }

@c @implementation
public func swifttok_nbest_encoding(_ nbest: OpaquePointer?, _ index: Int) -> OpaquePointer? {
    guard let n = NBestHandle.from(nbest), index >= 0, index < n.encodings.count else { return nil }
    return n.encodings[index].opaqueUnretained
}

@c @implementation
public func swifttok_nbest_score(_ nbest: OpaquePointer?, _ index: Int) -> Double {
    guard let n = NBestHandle.from(nbest), index >= 0, index < n.scores.count else { return 0 }
    return n.scores[index]
}

@c @implementation
public func swifttok_encode_sample(_ tokenizer: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ length: Int, _ flags: UInt32,
                                   _ alpha: Double, _ nbestSize: Int64, _ seed: UInt64,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    return guarded {
        let (h, bytes) = try encodeArguments(tokenizer, text, length, flags)
        guard alpha.isFinite && alpha >= 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "alpha must be finite and >= 0 (got \(alpha))") }
        guard nbestSize >= -1 && nbestSize <= Int64(SWIFTTOK_NBEST_MAX) else {
            throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "nbest_size must be between -1 and \(SWIFTTOK_NBEST_MAX) (got \(nbestSize))")
        }
        try h.requireEncodingMemory(bytes)
        var rng = SplitMix64(seed: seed)
        let e = try h.tokenizer.sampleEncode(try validText(bytes), alpha: alpha, nbestSize: Int(nbestSize), rng: &rng,
                                             addSpecialTokens: flags.addSpecialTokens, offsets: flags.offsetType)
        out.pointee = EncodingHandle(e).opaque
        return SWIFTTOK_OK
    }
}
