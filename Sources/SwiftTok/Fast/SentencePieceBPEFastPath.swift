/// The optimized ids-only path for SentencePiece-style BPE tokenizer.json files (Llama 2, Mistral):
/// spaces become "▁" (by `Prepend` + `Replace` normalizers, or by a `Metaspace` pre-tokenizer),
/// then one BPE model with byte fallback runs over the whole text between added tokens.
///
/// The general pipeline merges that text as one long word. Here it is cut into words at points no
/// merge can cross, proven at load for the vocabulary: when no merge rule joins a token ending in a
/// character other than "▁" to a token starting with "▁", a boundary before a "▁" that follows
/// another character is never crossed (the tokens beside it are always of those two kinds), so
/// merging the words one by one gives the same tokens as merging the whole text. With Metaspace
/// `split` the pre-tokenizer itself cuts before every "▁". Words then go through per-thread caches
/// (keyed by their raw bytes: a space and a literal "▁" both become "▁") and integer pair merges;
/// long words merge with the heap, so an unsplittable run stays O(n log n).
///
/// Taken only when that is exactly what the general pipeline computes (checked at load, see
/// `init?`); tested against the general path on the corpora and adversarial strings.
struct SentencePieceBPEFastPath: Sendable {
    /// When a "▁" is put before a segment (text between added tokens).
    enum Prepend: Sendable, Equatable {
        /// Before every non-empty segment (the `Prepend` normalizer).
        case always
        /// Before a segment that does not start with "▁" after spaces are replaced (Metaspace `always`).
        case unlessMetaspace
        /// As `unlessMetaspace`, for the segment at the start of the input only (Metaspace `first`).
        case firstUnlessMetaspace
        /// Never (Metaspace `never`).
        case never
    }

    let prepend: Prepend
    /// Cut before every "▁" (Metaspace `split`), not only before one that follows another character.
    let splitEveryMetaspace: Bool
    let merges: Models.BPE.MergeTable
    let linearScan: Bool
    /// Id of "▁".
    let metaspaceId: UInt32
    /// Id of each ASCII character as a symbol (space → "▁"); `absent` when it falls back to a byte.
    let asciiIds: [UInt32]
    /// Id of each scalar below 0x800 as a symbol; `absent` when it falls back to bytes.
    let smallScalarIds: [UInt32]
    /// `<0xNN>` id of each byte (all 256 exist).
    let byteIds: [UInt32]
    let vocab: Models.Vocabulary
    /// Bit per id: the token's string, as a word, encodes to just this token (see `Models.BPE`);
    /// empty when not available.
    let wholeTokenBits: [UInt64]

    static let absent = UInt32.max
    static let metaspace: UInt32 = 0x2581

    init?(normalizer: Normalizer?, preTokenizer: PreTokenizer?, model: Model) {
        guard case .bpe(let bpe) = model, !bpe.dropoutActive, !bpe.ignoreMerges,
              bpe.prefix.isEmpty, bpe.suffix.isEmpty, bpe.byteFallback,
              !bpe.byteFallbackIds.contains(Models.BPE.absent),
              let metaspaceId = bpe.vocab.id("\u{2581}") else { return nil }
        switch (normalizer, preTokenizer) {
        case (let n?, nil):
            // Llama 2: Prepend("▁") and Replace(" " → "▁"), in either order (both give "▁" + text
            // with spaces replaced, for non-empty text).
            guard case .sequence(let items) = n, items.count == 2 else { return nil }
            var prepends = 0
            var replaces = 0
            for item in items {
                switch item {
                case .prepend(let p) where p.prepend == "\u{2581}": prepends += 1
                case .replace(let r) where r.pattern == .string(" ") && r.content == "\u{2581}": replaces += 1
                default: return nil
                }
            }
            guard prepends == 1 && replaces == 1 else { return nil }
            prepend = .always
            splitEveryMetaspace = false
        case (nil, .metaspace(let m)?):
            guard m.replacement == SentencePieceBPEFastPath.metaspace else { return nil }
            switch m.prependScheme {
            case .always: prepend = .unlessMetaspace
            case .first: prepend = .firstUnlessMetaspace
            case .never: prepend = .never
            }
            splitEveryMetaspace = m.split
        default:
            return nil
        }
        if !splitEveryMetaspace && !SentencePieceBPEFastPath.boundariesAreSafe(bpe) { return nil }
        self.metaspaceId = metaspaceId
        merges = bpe.merges
        linearScan = bpe.linearScanIsExact
        vocab = bpe.vocab
        byteIds = bpe.byteFallbackIds
        var ascii = [UInt32](repeating: SentencePieceBPEFastPath.absent, count: 128)
        for b in 0..<128 { ascii[b] = bpe.firstCharIds[b] }
        ascii[0x20] = metaspaceId
        asciiIds = ascii
        smallScalarIds = bpe.firstCharIds
        wholeTokenBits = bpe.wholeTokenBits
    }

    /// True when no merge joins a token that ends in a character other than "▁" with a token that
    /// starts with "▁": then no merge crosses a boundary before such a "▁".
    static func boundariesAreSafe(_ bpe: Models.BPE) -> Bool {
        var safe = true
        bpe.merges.forEachPair { left, right in
            if !safe { return }
            guard let l = bpe.vocab.token(left), let r = bpe.vocab.token(right) else {
                safe = false
                return
            }
            let endsWithMetaspace = l.unicodeScalars.last?.value == metaspace
            let startsWithMetaspace = r.unicodeScalars.first?.value == metaspace
            if !endsWithMetaspace && startsWithMetaspace { safe = false }
        }
        return safe
    }

    // MARK: Encoding

    /// Length of the "▁" (a space or U+2581) at `i`, or 0.
    @inline(__always)
    static func metaspaceLength(_ t: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let b = t[i]
        if b == 0x20 { return 1 }
        if b == 0xE2 && i + 2 < t.count && t[i + 1] == 0x96 && t[i + 2] == 0x81 { return 3 }
        return 0
    }

    /// End of the word that starts at `s`: its leading "▁"s (one with `split`), then every other
    /// character up to the next "▁".
    @inline(__always)
    func wordEnd(_ t: UnsafeBufferPointer<UInt8>, from s: Int) -> Int {
        let n = t.count
        var i = s
        if splitEveryMetaspace {
            if i < n { i += SentencePieceBPEFastPath.metaspaceLength(t, i) }
        } else {
            while i < n {
                let m = SentencePieceBPEFastPath.metaspaceLength(t, i)
                if m == 0 { break }
                i += m
            }
        }
        while i < n {
            let b = t[i]
            if b == 0x20 { break }
            if b == 0xE2 && SentencePieceBPEFastPath.metaspaceLength(t, i) != 0 { break }
            i += 1
        }
        return i
    }

    /// Appends the ids of `text` (valid UTF-8, no added tokens inside); `atInputStart` tells
    /// whether it starts at the start of the input (Metaspace `first`).
    func encode(_ text: UnsafeBufferPointer<UInt8>, atInputStart: Bool, into ids: inout [UInt32],
                cache: inout FastScratch) {
        let n = text.count
        if n == 0 { return }
        let startsWithMetaspace = SentencePieceBPEFastPath.metaspaceLength(text, 0) != 0
        let prepended: Bool
        switch prepend {
        case .always: prepended = true
        case .unlessMetaspace: prepended = !startsWithMetaspace
        case .firstUnlessMetaspace: prepended = atInputStart && !startsWithMetaspace
        case .never: prepended = false
        }
        var start = 0
        if prepended {
            // The prepended "▁" joins the first word; a space stands for it (both become "▁").
            let end = wordEnd(text, from: 0)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end + 1) { first in
                first[0] = 0x20
                for i in 0..<end { first[i + 1] = text[i] }
                encodeWord(UnsafeBufferPointer(first), readable: end + 1, &ids, &cache)
            }
            start = end
        }
        while start < n {
            let end = wordEnd(text, from: start)
            encodeWord(UnsafeBufferPointer(rebasing: text[start..<end]), readable: n - start, &ids, &cache)
            start = end
        }
    }

    @inline(__always)
    func encodeWord(_ w: UnsafeBufferPointer<UInt8>, readable: Int, _ ids: inout [UInt32], _ scratch: inout FastScratch) {
        if w.count <= 16 {
            let key = scratch.hot.key(w, readable: readable)
            if scratch.hot.lookup(key, into: &ids) { return }
            let start = ids.count
            encodeCached(w, &ids, &scratch.bpeCache)
            scratch.hot.store(key, ids[start...])
        } else {
            encodeCached(w, &ids, &scratch.bpeCache)
        }
    }

    @inline(__always)
    func encodeCached(_ w: UnsafeBufferPointer<UInt8>, _ ids: inout [UInt32], _ cache: inout Models.BPE.Cache) {
        // Most words of real text are whole tokens (two thirds of English words, few of the distinct
        // ones): one vocabulary probe, ahead of the cache, so they take no cache slot and text seen
        // for the first time skips a cache probe and insert for them.
        if w.count <= 32 && !wholeTokenBits.isEmpty, let id = wholeToken(w) {
            ids.append(id)
            return
        }
        if w.count > Models.BPE.Cache.maxPieceLength {
            encodeMerging(w, into: &ids)
            return
        }
        let h = ByteSliceTable.hash(w)
        if cache.lookup(w, hash: h, into: &ids) { return }
        let start = ids.count
        encodeMerging(w, into: &ids)
        cache.insert(w, hash: h, ids: ids[start...])
    }

    /// The id of the word when its normalized form is a token that encodes to itself (most words
    /// of real text: one lookup instead of a merge).
    @inline(__always)
    func wholeToken(_ w: UnsafeBufferPointer<UInt8>) -> UInt32? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: w.count * 3) { buffer in
            var k = 0
            for b in w {
                if b == 0x20 {
                    buffer[k] = 0xE2
                    buffer[k + 1] = 0x96
                    buffer[k + 2] = 0x81
                    k += 3
                } else {
                    buffer[k] = b
                    k += 1
                }
            }
            guard let id = vocab.id(UnsafeBufferPointer(rebasing: buffer[0..<k])) else { return nil }
            let word = Int(id) >> 6
            guard word < wholeTokenBits.count, wholeTokenBits[word] & (1 << UInt64(id & 63)) != 0 else { return nil }
            return id
        }
    }

    /// The word's symbols (a character's token, else its bytes' `<0xNN>` tokens; spaces and "▁"
    /// as "▁"), merged by rank: `tokenizers`' `merge_word` + `merge_all` on the normalized word.
    func encodeMerging(_ w: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) {
        let count = w.count
        if count == 0 { return }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count) { buffer in
            guard let sym = buffer.baseAddress else { return }
            var n = 0
            var i = 0
            while i < count {
                let b = w[i]
                if b < 0x80 {
                    let id = asciiIds[Int(b)]
                    sym[n] = id != SentencePieceBPEFastPath.absent ? id : byteIds[Int(b)]
                    n += 1
                    i += 1
                    continue
                }
                let (scalar, length) = UTF8Text.decode(w, at: i)
                var id = SentencePieceBPEFastPath.absent
                if scalar == SentencePieceBPEFastPath.metaspace {
                    id = metaspaceId
                } else if scalar < UInt32(Models.BPE.smallScalarLimit) {
                    id = smallScalarIds[Int(scalar)]
                } else {
                    id = vocab.id(UnsafeBufferPointer(rebasing: w[i..<(i + length)])) ?? SentencePieceBPEFastPath.absent
                }
                if id != SentencePieceBPEFastPath.absent {
                    sym[n] = id
                    n += 1
                } else {
                    for j in i..<(i + length) {
                        sym[n] = byteIds[Int(w[j])]
                        n += 1
                    }
                }
                i += length
            }
            var rng = SplitMix64(seed: 0)
            n = merges.merge(ids: sym, lens: nil, count: n, dropout: 0, linearScan: linearScan, rng: &rng)
            out.append(contentsOf: UnsafeBufferPointer(start: sym, count: n))
        }
    }
}
