#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import SwiftTok

/// What a `swifttok_tokenizer *` points to.
final class TokenizerHandle: CHandle {
    let tokenizer: Tokenizer
    /// The same tokenizer without padding: batches pad after encoding (to the longest, with a mask),
    /// and without padding the ids-only fast path applies.
    let unpadded: Tokenizer
    /// Without truncation either: counts the tokens a full encoding holds (requireEncodingMemory).
    let plain: Tokenizer
    /// padding.padToken as a NUL-terminated C string (swifttok_tokenizer_get_padding lends it).
    let padToken: StableBuffer<UInt8>
    /// Computed once: the tokenizer is immutable, and the query showed up at ~0.5 us per call.
    let vocabSize: Int
    /// The short calls (encode_ids, count_tokens) on `tokenizer`, through a closure that holds the
    /// tokenizer: a method called on the stored `let` (or through a pointer) runs on a copy of the
    /// whole value, a retain and release of every stage per call; a closure borrows its capture.
    let shortIds: (UnsafeBufferPointer<UInt8>, Bool, UnsafeMutableBufferPointer<UInt32>) throws -> Int

    init(_ tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
        vocabSize = tokenizer.vocabSize
        var u = tokenizer
        u.padding = nil
        unpadded = u
        u.truncation = nil
        plain = u
        padToken = StableBuffer(Array((tokenizer.padding?.padToken ?? "").utf8) + [0])
        shortIds = { text, addSpecialTokens, out in
            try tokenizer.encodeIds(text, addSpecialTokens: addSpecialTokens, into: out)
        }
    }

    deinit { padToken.free() }
}

/// A Swift object behind a C handle (`swifttok_tokenizer *`, `swifttok_encoding *`, ...): the
/// pointer is the object, retained once for the caller until its `_free` releases it.
protocol CHandle: AnyObject {}

extension CHandle {
    /// A new retained pointer to this object, owned by the caller.
    var opaque: OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    /// The object behind a handle (not retained), or nil for NULL.
    static func from(_ p: OpaquePointer?) -> Self? {
        guard let p else { return nil }
        return Unmanaged<Self>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }

    /// Releases the caller's reference (a `_free`); NULL is allowed.
    static func release(_ p: OpaquePointer?) {
        guard let p else { return }
        Unmanaged<Self>.fromOpaque(UnsafeRawPointer(p)).release()
    }
}

/// A heap buffer with a stable address for the lifetime of its owner (accessors hand out pointers).
struct StableBuffer<T> {
    let pointer: UnsafeMutablePointer<T>?
    let count: Int

    init(_ values: [T]) {
        count = values.count
        if values.isEmpty {
            pointer = nil
        } else {
            let p = UnsafeMutablePointer<T>.allocate(capacity: values.count)
            values.withUnsafeBufferPointer { src in
                // Safe: `src` has exactly `count` initialized elements.
                p.initialize(from: src.baseAddress!, count: values.count)
            }
            pointer = p
        }
    }

    /// `count` elements written in place by `fill`, which must initialize every one of them
    /// (saves building an Array first and copying it).
    init(count: Int, _ fill: (UnsafeMutablePointer<T>) -> Void) {
        self.count = count
        if count == 0 {
            pointer = nil
        } else {
            let p = UnsafeMutablePointer<T>.allocate(capacity: count)
            fill(p)
            pointer = p
        }
    }

    func free() {
        guard let pointer else { return }
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }
}

/// What a `swifttok_encoding *` points to: the encoding's arrays in C layout.
final class EncodingHandle: CHandle {
    let ids: StableBuffer<UInt32>
    let typeIds: StableBuffer<UInt32>
    let attentionMask: StableBuffer<UInt32>
    let specialTokensMask: StableBuffer<UInt32>
    let offsets: StableBuffer<swifttok_offset>
    let wordIds: StableBuffer<Int64>
    let tokenBytes: StableBuffer<UInt8>
    let tokenStarts: [Int]
    let overflowing: [EncodingHandle]

    init(_ e: Encoding) {
        ids = StableBuffer(e.ids)
        typeIds = StableBuffer(e.typeIds)
        attentionMask = StableBuffer(e.attentionMask)
        specialTokensMask = StableBuffer(e.specialTokensMask)
        offsets = StableBuffer(e.offsets.map { swifttok_offset(start: UInt64($0.0), end: UInt64($0.1)) })
        wordIds = StableBuffer(e.wordIds.map { $0.map { Int64($0) } ?? -1 })
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        for t in e.tokens {
            bytes += t.utf8
            starts.append(bytes.count)
        }
        tokenBytes = StableBuffer(bytes)
        tokenStarts = starts
        overflowing = e.overflowing.map(EncodingHandle.init)
    }

    deinit {
        ids.free()
        typeIds.free()
        attentionMask.free()
        specialTokensMask.free()
        offsets.free()
        wordIds.free()
        tokenBytes.free()
    }

    /// Borrowed pointer for an overflowing part (owned by this handle).
    var opaqueUnretained: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
}

/// What a `swifttok_batch *` points to.
final class BatchHandle: CHandle {
    let ids: StableBuffer<UInt32>
    let starts: StableBuffer<Int>
    let attentionMask: StableBuffer<UInt32>
    let count: Int

    /// Flattens `rows`; with `padding`, pads them as tokenizers' pad_encodings (fixed length, or
    /// the longest row, rounded up to a multiple) and masks the padding out.
    init(_ rows: IdsRows, padding: PaddingParams? = nil) {
        var target = 0
        if let padding {
            switch padding.strategy {
            case .fixed(let n): target = n
            case .batchLongest: target = (0..<rows.count).reduce(0) { Swift.max($0, rows.count(ofRow: $1)) }
            }
            if let m = padding.padToMultipleOf, m > 0, target % m > 0 { target += m - target % m }
        }
        var starts: [Int] = [0]
        starts.reserveCapacity(rows.count + 1)
        for i in 0..<rows.count { starts.append(starts[i] + Swift.max(rows.count(ofRow: i), target)) }
        let total = starts[starts.count - 1]
        let padId = padding?.padId ?? 0
        let left = padding?.direction == .left
        // Each row: [padding] ids [padding], written straight into the buffers the accessors lend.
        ids = StableBuffer(count: total) { p in
            for i in 0..<rows.count {
                rows.withRow(i) { b in
                    var o = starts[i]
                    let extra = Swift.max(0, target - b.count)
                    if left && extra > 0 {
                        (p + o).initialize(repeating: padId, count: extra)
                        o += extra
                    }
                    if let base = b.baseAddress { (p + o).initialize(from: base, count: b.count) }
                    o += b.count
                    if !left && extra > 0 { (p + o).initialize(repeating: padId, count: extra) }
                }
            }
        }
        attentionMask = StableBuffer(count: total) { p in
            p.initialize(repeating: 1, count: total)
            guard target > 0 else { return }
            for i in 0..<rows.count where rows.count(ofRow: i) < target {
                let length = rows.count(ofRow: i)
                (p + (left ? starts[i] : starts[i] + length)).update(repeating: 0, count: target - length)
            }
        }
        self.starts = StableBuffer(starts)
        count = rows.count
    }

    deinit {
        ids.free()
        starts.free()
        attentionMask.free()
    }
}

/// What a `swifttok_texts *` points to.
final class TextsHandle: CHandle {
    let bytes: StableBuffer<UInt8>
    let starts: [Int]

    init(_ texts: [String]) {
        var b: [UInt8] = []
        var s: [Int] = [0]
        for t in texts {
            b += t.utf8
            s.append(b.count)
        }
        bytes = StableBuffer(b)
        starts = s
    }

    deinit { bytes.free() }
}

/// The caller's bytes in place (no copy), with the checks of `callerBytes`; valid for the call.
func callerBuffer(_ p: UnsafeRawPointer?, _ length: Int, _ name: String) throws(CError) -> UnsafeBufferPointer<UInt8> {
    if length == 0 { return UnsafeBufferPointer(start: nil, count: 0) }
    guard let p else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "\(name) is NULL but its length is \(UInt(bitPattern: length))") }
    try checkLength(length, name, "bytes")
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: length)
}

/// Copies caller bytes, checking the pointer/length pair (NULL is fine only with length 0).
func callerBytes(_ p: UnsafeRawPointer?, _ length: Int, _ name: String) throws(CError) -> [UInt8] {
    let text = try callerText(p, length, name)
    try requireMemory(length, perUnit: 1, "a copy of \(name)")
    return Array(text)
}

/// A caller's (pointer, length) bytes read in place, after the same checks as `callerBytes`.
func callerText(_ p: UnsafeRawPointer?, _ length: Int, _ name: String) throws(CError) -> UnsafeBufferPointer<UInt8> {
    if length == 0 { return UnsafeBufferPointer(start: nil, count: 0) }
    guard let p else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "\(name) is NULL but its length is \(UInt(bitPattern: length))") }
    try checkLength(length, name, "bytes")
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: length)
}

/// SWIFTTOK_MAX_LENGTH: the internals keep some positions in 32 bits (the Unigram lattice, the
/// precompiled normalizer's offsets), so a longer text would be cut wrongly rather than refused.
let maxLength = Int(Int32.max)

/// Refuses a length above SWIFTTOK_MAX_LENGTH, naming the limit. A size_t above PTRDIFF_MAX
/// arrives as a negative Int: no real buffer is that long either.
func checkLength(_ length: Int, _ name: @autoclosure () -> String, _ unit: String) throws(CError) {
    guard length >= 0, length <= maxLength else {
        throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT,
                     "\(name()) has \(UInt(bitPattern: length)) \(unit), above the limit of \(maxLength) (SWIFTTOK_MAX_LENGTH)")
    }
}


/// An argument problem found at the boundary.
struct CError: Error {
    let status: swifttok_status
    let message: String
    init(_ status: swifttok_status, _ message: String) {
        self.status = status
        self.message = message
    }
}
