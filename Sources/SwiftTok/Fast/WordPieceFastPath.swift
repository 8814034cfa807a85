/// The optimized ids-only path for BERT-style tokenizers: BertNormalizer (clean_text) +
/// BertPreTokenizer + WordPiece.
///
/// Pure-ASCII chunks (runs between ASCII whitespace) are normalized, split and looked up in one
/// pass over the bytes; a chunk with any non-ASCII byte goes through the general pipeline. That is
/// exact because every BertNormalizer step is per character and BertPreTokenizer always splits at
/// whitespace, so chunks between ASCII whitespace are independent. Tested against the general path.
struct WordPieceFastPath: Sendable {
    let lowercase: Bool
    let whole: ByteSliceTable
    /// Continuation pieces, keyed without their prefix.
    let continuation: ByteSliceTable
    let unkId: UInt32
    let maxInputChars: Int
    /// Non-ASCII scalars that this tokenizer's normalizer leaves unchanged and its pre-tokenizer
    /// isolates as punctuation (curly quotes, dashes, ellipses ...), found at load by running the
    /// general pipeline's own components on each candidate; a chunk whose non-ASCII scalars are all
    /// in this set stays on the fast path.
    let punctuation: Set<UInt32>
    /// Non-ASCII scalars that the normalizer turns into ASCII word characters or removes (accented
    /// Latin letters and combining marks under strip_accents + lowercase: "á" → "a"), with their
    /// replacement; found at load the same way. Only ASCII replacements are kept, so combining
    /// order (NFD reordering) cannot matter.
    let letters: [UInt32: [UInt8]]

    /// ASCII byte classes: 0 = word byte, 1 = separator (\t \n \r space), 2 = removed (other
    /// control characters), 3 = punctuation (its own piece).
    static let asciiClass: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 128)
        for b in 0..<32 { t[b] = 2 }
        t[0x7F] = 2
        for b in [0x09, 0x0A, 0x0D, 0x20] { t[b] = 1 }
        for b in Array(33...47) + Array(58...64) + Array(91...96) + Array(123...126) { t[b] = 3 }
        return t
    }()

    init?(vocabulary: [ExactString: UInt32], unkToken: String, prefix: String, maxInputChars: Int, lowercase: Bool,
          normalizer: Normalizer, preTokenizer: PreTokenizer) {
        guard let unk = vocabulary[ExactString(unkToken)], !prefix.isEmpty else { return nil }
        var punctuation: Set<UInt32> = []
        let candidates = Array(0xA1...0xBF) + Array(0x2010...0x205E) + Array(0x3001...0x3003) + Array(0x300C...0x300F)
        for c in candidates {
            var bytes: [UInt8] = []
            UTF8Text.appendScalar(UInt32(c), to: &bytes)
            var n = NormalizedString(bytes)
            guard (try? normalizer.normalize(&n)) != nil, n.normalized == bytes else { continue }
            var p = PreTokenizedString(Array("a".utf8) + bytes + Array("b".utf8))
            guard (try? preTokenizer.preTokenize(&p)) != nil else { continue }
            let pieces = p.splits.map(\.normalized.normalized)
            if pieces == [Array("a".utf8), bytes, Array("b".utf8)] { punctuation.insert(UInt32(c)) }
        }
        self.punctuation = punctuation
        var letters: [UInt32: [UInt8]] = [:]
        for c in Array(0xC0...0x24F) + Array(0x300...0x36F) where c != 0xD7 && c != 0xF7 {
            var bytes: [UInt8] = []
            UTF8Text.appendScalar(UInt32(c), to: &bytes)
            var n = NormalizedString(bytes)
            guard (try? normalizer.normalize(&n)) != nil, n.normalized.allSatisfy({ $0 < 0x80 }) else { continue }
            let replacement = n.normalized
            guard replacement.allSatisfy({ WordPieceFastPath.asciiClass[Int($0)] == 0 }) else { continue }
            var p = PreTokenizedString(Array("a".utf8) + bytes + Array("b".utf8))
            guard (try? p.normalize({ try normalizer.normalize(&$0) })) != nil,
                  (try? preTokenizer.preTokenize(&p)) != nil else { continue }
            if p.splits.map(\.normalized.normalized) == [Array("a".utf8) + replacement + Array("b".utf8)] {
                letters[UInt32(c)] = replacement
            }
        }
        self.letters = letters
        self.unkId = unk
        self.lowercase = lowercase
        self.maxInputChars = maxInputChars
        let prefixBytes = Array(prefix.utf8)
        whole = ByteSliceTable(vocabulary.map { (Array($0.key.string.utf8), $0.value) })
        continuation = ByteSliceTable(vocabulary.compactMap { entry -> ([UInt8], UInt32)? in
            let k = Array(entry.key.string.utf8)
            guard k.count > prefixBytes.count, k.starts(with: prefixBytes) else { return nil }
            return (Array(k[prefixBytes.count...]), entry.value)
        })
    }

    /// Appends the ids of `text` to `ids`; chunks with non-ASCII bytes are handed to `general`.
    func encode(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32], cache: inout Models.BPE.Cache,
                general: (UnsafeBufferPointer<UInt8>, inout [UInt32]) throws -> Void) rethrows {
        let n = text.count
        var word = [UInt8](repeating: 0, count: 256)
        var i = 0
        try Self.asciiClass.withUnsafeBufferPointer { cls in
            while i < n {
                let b = text[i]
                if b < 0x80 && cls[Int(b)] == 1 { i += 1; continue }
                // A chunk: up to the next ASCII separator.
                var end = i
                var ascii = true
                while end < n {
                    let c = text[end]
                    if c >= 0x80 { ascii = false } else if cls[Int(c)] == 1 { break }
                    end += 1
                }
                if !ascii && !onlyKnownPunctuation(text, i, end) {
                    try general(UnsafeBufferPointer(rebasing: text[i..<end]), &ids)
                    i = end
                    continue
                }
                // ASCII and known punctuation: drop control bytes, lowercase, isolate punctuation.
                var length = 0
                var j = i
                while j < end {
                    let c = text[j]
                    if c >= 0x80 {
                        let n = UTF8Text.sequenceLength(lead: c)
                        let (scalar, _) = UTF8Text.decode(text, at: j)
                        if let replacement = letters[scalar] {
                            // Part of the word, as the normalizer writes it (ASCII, maybe empty).
                            if length + replacement.count > word.count { word += [UInt8](repeating: 0, count: word.count + replacement.count) }
                            for b in replacement { word[length] = b; length += 1 }
                            j += n
                            continue
                        }
                        // A known punctuation scalar: a piece of its own.
                        if length > 0 { lookupWord(&word, length, &ids, &cache); length = 0 }
                        for k in 0..<n { word[k] = text[j + k] }
                        lookupWord(&word, n, &ids, &cache)
                        j += n
                        continue
                    }
                    let k = cls[Int(c)]
                    if k == 2 { j += 1; continue }
                    if k == 3 {
                        if length > 0 { lookupWord(&word, length, &ids, &cache); length = 0 }
                        word[0] = c
                        lookupWord(&word, 1, &ids, &cache)
                        j += 1
                        continue
                    }
                    if length == word.count { word += [UInt8](repeating: 0, count: word.count) }
                    word[length] = (lowercase && c >= 0x41 && c <= 0x5A) ? c + 0x20 : c
                    length += 1
                    j += 1
                }
                if length > 0 { lookupWord(&word, length, &ids, &cache) }
                i = end
            }
        }
    }

    /// True when every non-ASCII scalar of `text[start..<end]` is in `punctuation` or `letters`.
    func onlyKnownPunctuation(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if punctuation.isEmpty && letters.isEmpty { return false }
        var j = start
        while j < end {
            if text[j] < 0x80 { j += 1; continue }
            let n = UTF8Text.sequenceLength(lead: text[j])
            guard j + n <= end, n > 1 else { return false }
            let (s, _) = UTF8Text.decode(text, at: j)
            if !punctuation.contains(s) && letters[s] == nil { return false }
            j += n
        }
        return true
    }

    @inline(__always)
    func lookupWord(_ word: inout [UInt8], _ length: Int, _ ids: inout [UInt32], _ cache: inout Models.BPE.Cache) {
        word.withUnsafeBufferPointer { w in
            let key = UnsafeBufferPointer(rebasing: w[0..<length])
            let h = ByteSliceTable.hash(key)
            if let id = whole.get(key, hash: h) { ids.append(id); return }
            if length > Models.BPE.Cache.maxPieceLength {
                greedy(key, &ids)
                return
            }
            if cache.lookup(key, hash: h, into: &ids) { return }
            let start = ids.count
            greedy(key, &ids)
            cache.insert(key, hash: h, ids: ids[start...])
        }
    }

    /// Greedy longest-match-first, as tokenizers' WordPiece (ASCII: bytes are chars).
    func greedy(_ w: UnsafeBufferPointer<UInt8>, _ ids: inout [UInt32]) {
        if w.count > maxInputChars { ids.append(unkId); return }
        let mark = ids.count
        var start = 0
        while start < w.count {
            var end = w.count
            var found: UInt32?
            let table = start == 0 ? whole : continuation
            while start < end {
                if let id = table.get(UnsafeBufferPointer(rebasing: w[start..<end])) { found = id; break }
                end -= 1
            }
            guard let id = found else {
                ids.removeSubrange(mark...)
                ids.append(unkId)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
