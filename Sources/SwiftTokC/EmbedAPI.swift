import CSwiftTokABI
import SwiftTok
import SwiftTokEmbed

/// What a `swifttok_embedder *` points to: the bundled encoder with its tokenizer (immutable).
final class EmbedderHandle: CHandle {
    let embedder: SentenceEmbedder
    /// The embedder's tokenizer as a C tokenizer (what swifttok_embedder_tokenizer hands out,
    /// and what probes the memory of long texts).
    let tokenizer: TokenizerHandle

    init(_ embedder: SentenceEmbedder) {
        self.embedder = embedder
        tokenizer = TokenizerHandle(embedder.tokenizer)
    }

    var dimension: Int { embedder.model.config.hiddenSize }

    /// Checks the output arguments of an embedding call of `count` inputs: sets `*outLength` to
    /// the floats the call writes and throws BUFFER_TOO_SMALL when `capacity` is below it.
    func checkOutput(_ count: Int, _ out: UnsafeMutablePointer<Float>?, _ capacity: Int,
                     _ outLength: UnsafeMutablePointer<Int>) throws(CError) {
        let (needed, overflow) = count.multipliedReportingOverflow(by: dimension)
        guard !overflow, needed <= Int.max / MemoryLayout<Float>.stride else {
            throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "count is too large")
        }
        outLength.pointee = needed
        if needed == 0 { return }
        guard capacity >= 0, capacity >= needed else {
            throw CError(SWIFTTOK_ERROR_BUFFER_TOO_SMALL,
                         "the embeddings need \(needed) floats (\(count) x \(dimension)); capacity is \(UInt(bitPattern: capacity))")
        }
        guard out != nil else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL but capacity is \(capacity)") }
        // The vectors are built before they are copied out: about twice their size.
        try requireMemory(needed, perUnit: 2 * MemoryLayout<Float>.stride, "\(count) embeddings of \(dimension) floats")
    }

    /// Copies one vector per input into `out` (row-major, `dimension` floats each).
    func write(_ vectors: [[Float]], _ out: UnsafeMutablePointer<Float>?) throws(CError) {
        guard let out else { return }
        var at = out
        for v in vectors {
            guard v.count == dimension else {
                throw CError(SWIFTTOK_ERROR_ENCODING, "an embedding has \(v.count) values, not \(dimension)")
            }
            v.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { at.update(from: base, count: b.count) }
            }
            at += dimension
        }
    }
}

@c @implementation
public func swifttok_embedder_from_dir(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    guard let path else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "path is NULL") }
    guard path.pointee != 0 else { return fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "path is empty") }
    do {
        out.pointee = EmbedderHandle(try SentenceEmbedder(directory: String(cString: path))).opaque
        return SWIFTTOK_OK
    } catch {
        return failLoading(error)
    }
}

@c @implementation
public func swifttok_embedder_free(_ embedder: OpaquePointer?) {
    EmbedderHandle.release(embedder)
}

@c @implementation
public func swifttok_embedder_dimension(_ embedder: OpaquePointer?) -> Int {
    EmbedderHandle.from(embedder)?.dimension ?? 0
}

@c @implementation
public func swifttok_embedder_max_length(_ embedder: OpaquePointer?) -> Int {
    EmbedderHandle.from(embedder)?.embedder.maxLength ?? 0
}

@c @implementation
public func swifttok_embedder_tokenizer(_ embedder: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> swifttok_status {
    guard let out else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out is NULL") }
    out.pointee = nil
    guard let e = EmbedderHandle.from(embedder) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "embedder is NULL") }
    out.pointee = e.tokenizer.opaque
    return SWIFTTOK_OK
}

/// The common part of swifttok_embed and swifttok_embed_ids: `*outLength` zeroed, the embedder and
/// thread count checked, count 0 answered; `body` gets the embedder and `outLength`.
func embedCall(_ embedder: OpaquePointer?, _ count: Int, _ threads: Int, _ outLength: UnsafeMutablePointer<Int>?,
               _ body: (EmbedderHandle, UnsafeMutablePointer<Int>) throws -> Void) -> swifttok_status {
    guard let outLength else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "out_length is NULL") }
    outLength.pointee = 0
    guard let e = EmbedderHandle.from(embedder) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "embedder is NULL") }
    return guarded {
        guard threads >= 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "threads is too large") }
        guard count >= 0, count < Int.max else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "count is too large") }
        if count > 0 { try body(e, outLength) }
        return SWIFTTOK_OK
    }
}

@c @implementation
public func swifttok_embed(_ embedder: OpaquePointer?, _ data: UnsafePointer<CChar>?, _ offsets: UnsafePointer<Int>?,
                           _ count: Int, _ threads: Int, _ out: UnsafeMutablePointer<Float>?, _ capacity: Int,
                           _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    embedCall(embedder, count, threads, outLength) { e, outLength in
        // Checked, and the size answered, before any text is read.
        let documents = try flatTexts(data, offsets, count)
        try e.checkOutput(count, out, capacity, outLength)
        var texts: [String] = []
        texts.reserveCapacity(count)
        for (i, bytes) in documents.enumerated() {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CError(SWIFTTOK_ERROR_INVALID_UTF8, "text \(i) is not valid UTF-8")
            }
            // Each text is encoded whole, then truncated to the model's length.
            try e.tokenizer.requireEncodingMemory(bytes)
            texts.append(text)
        }
        try e.write(try e.embedder.embed(texts, threads: threads), out)
    }
}

@c @implementation
public func swifttok_embed_ids(_ embedder: OpaquePointer?, _ ids: UnsafePointer<UInt32>?, _ starts: UnsafePointer<Int>?,
                               _ count: Int, _ threads: Int, _ out: UnsafeMutablePointer<Float>?, _ capacity: Int,
                               _ outLength: UnsafeMutablePointer<Int>?) -> swifttok_status {
    embedCall(embedder, count, threads, outLength) { e, outLength in
        guard let starts else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "starts is NULL") }
        guard starts[0] == 0 else { throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "starts[0] is \(UInt(bitPattern: starts[0])), not 0") }
        let maxLength = e.embedder.maxLength
        for i in 0..<count {
            guard starts[i + 1] >= starts[i] else {
                throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT,
                             "starts[\(i + 1)] (\(UInt(bitPattern: starts[i + 1]))) is less than starts[\(i)] (\(starts[i]))")
            }
            let n = starts[i + 1] - starts[i]
            guard n >= 1, n <= maxLength else {
                throw CError(SWIFTTOK_ERROR_INVALID_ARGUMENT, "sequence \(i) has \(n) ids; the model takes 1...\(maxLength)")
            }
        }
        guard let ids else { throw CError(SWIFTTOK_ERROR_NULL_ARGUMENT, "ids is NULL") }
        try e.checkOutput(count, out, capacity, outLength)
        let vocab = e.embedder.model.config.vocabSize
        var sequences: [[UInt32]] = []
        sequences.reserveCapacity(count)
        for i in 0..<count {
            let s = Array(UnsafeBufferPointer(start: ids + starts[i], count: starts[i + 1] - starts[i]))
            if let j = s.firstIndex(where: { Int($0) >= vocab }) {
                throw CError(SWIFTTOK_ERROR_OUT_OF_RANGE, "id \(s[j]) of sequence \(i) is outside the model's vocabulary of \(vocab)")
            }
            sequences.append(s)
        }
        try e.write(try e.embedder.embed(ids: sequences, threads: threads), out)
    }
}
