extension Tokenizer {
    /// The ids of one UTF-8 input read in place, written to `out` when they fit: the short-call
    /// path of the C ABI. Returns how many ids `text` has (more than `out.count`: nothing written).
    ///
    /// Nothing is allocated on the fast paths once the borrowed scratch is warm: the input is not
    /// copied, the ids go to a buffer the scratch keeps, and an input without added tokens is one
    /// piece without a pieces array. Same ids as `encodeIds(bytes:addSpecialTokens:)`.
    // Not inlined, and neither generic nor taking a closure: either made callers copy the whole
    // Tokenizer value around the call (a retain and release of every stage, most of a short call).
    @inline(never)
    public func encodeIds(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool = false,
                          into out: UnsafeMutableBufferPointer<UInt32>) throws -> Int {
        try Tokenizer.validateUTF8(text)
        return try scratchPool.withScratch { scratch in
            scratch.ids.removeAll(keepingCapacity: true)
            if !(try bufferIds(text, addSpecialTokens: addSpecialTokens, scratch: &scratch)) {
                // The general pipeline (or a post-processor that adds tokens): it allocates anyway.
                let ids = try encodeIds(bytes: Array(text), addSpecialTokens: addSpecialTokens, scratch: &scratch)
                scratch.ids = ids
            }
            let count = scratch.ids.count
            if count <= out.count, let target = out.baseAddress {
                scratch.ids.withUnsafeBufferPointer { ids in
                    if let source = ids.baseAddress { target.update(from: source, count: count) }
                }
            }
            return count
        }
    }

    /// Appends the ids of one UTF-8 input read in place (a text of `withIdsBatch(inPlace:)`) to
    /// `out` (nothing on an error), on the worker's scratch; `checkUTF8` false: the caller
    /// guarantees the text is valid UTF-8. The ids of `encodeIds(bytes:addSpecialTokens:)`; only
    /// the general pipeline copies the text.
    func appendIds(inPlace text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, checkUTF8: Bool,
                   to out: inout [UInt32], scratch: inout FastScratch) throws {
        if checkUTF8 { try Tokenizer.validateUTF8(text) }
        scratch.ids.removeAll(keepingCapacity: true)
        if try bufferIds(text, addSpecialTokens: addSpecialTokens, scratch: &scratch) {
            out.append(contentsOf: scratch.ids)
        } else {
            out.append(contentsOf: try encodeIds(bytes: Array(text), addSpecialTokens: addSpecialTokens, scratch: &scratch))
        }
    }

    /// Appends the ids of valid UTF-8 `text` to `scratch.ids` through the `.model` pipeline or a
    /// fast path that needs no post-processing; false (nothing appended) when neither applies.
    private func bufferIds(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool,
                           scratch: inout FastScratch) throws -> Bool {
        if truncation != nil || padding != nil { return false }
        if let sp = sentencePiece {
            try sp.encodeIds(text, into: &scratch.ids, scratch: &scratch.sentencePiece)
            return true
        }
        guard let fast = fastPath else { return false }
        if addSpecialTokens, let p = postProcessor, p.addedTokenCount(isPair: false) > 0 { return false }
        // As fastIds: the added tokens cut first.
        guard let pieces = addedVocabulary.rawPiecesUnlessPlain(text) else {
            try fastSegment(fast, text, atInputStart: true, scratch: &scratch)
            return true
        }
        for p in pieces {
            if let id = p.id { scratch.ids.append(id); continue }
            try fastSegment(fast, UnsafeBufferPointer(rebasing: text[p.range]), atInputStart: p.range.lowerBound == 0,
                            scratch: &scratch)
        }
        return true
    }

    /// One piece without added tokens through `fast`, appended to `scratch.ids` (as `fastIds`).
    private func fastSegment(_ fast: FastPath, _ segment: UnsafeBufferPointer<UInt8>, atInputStart: Bool,
                             scratch: inout FastScratch) throws {
        var ids = scratch.ids
        scratch.ids = []  // `ids` uniquely owned while the encoders append (no copy on write).
        defer { scratch.ids = ids }
        try fastSegment(fast, segment, atInputStart: atInputStart, into: &ids, scratch: &scratch)
    }
}
