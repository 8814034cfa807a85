/// The optimized ids-only path for byte-level BPE tokenizers (GPT-2, RoBERTa, GPT-NeoX, cl100k,
/// o200k, Llama 3, ...): pre-tokens are cut from the raw UTF-8 and go straight to ids through the
/// model's raw-byte view, with no NormalizedString, alignments or "Ġ" rewriting.
///
/// Taken only when that is exactly what the general pipeline computes: no normalizer, a ByteLevel
/// pre-tokenizer (alone with its regex, or after one `Split` kept in place), a byte-level BPE
/// model without dropout. Tested against the general path on the corpora and random text.
///
/// A class, so the fast path enum copied per call (`Tokenizer.bufferIds`, `fastIds`) costs one
/// retain, not one for every array of the scanner and the vocabulary view (measured: ~14% of a
/// short-sentence swifttok_encode_ids on cl100k).
final class ByteLevelBPEFastPath: Sendable {
    enum Splitter: Sendable {
        case scanner(KnownScanner)
        case regex(Regex)
    }

    /// Where ByteLevel's `add_prefix_space` puts its space.
    enum Prefix: Sendable {
        case none
        /// Before each piece between added tokens (ByteLevel does the splitting itself).
        case segment
        /// Before each pre-token (ByteLevel runs after a Split).
        case piece
    }

    let splitter: Splitter
    let prefix: Prefix
    let view: Models.BPE.ByteLevelView

    init?(normalizer: Normalizer?, preTokenizer: PreTokenizer?, model: Model) {
        guard normalizer == nil, case .bpe(let bpe) = model, let view = bpe.byteLevel,
              bpe.dropout == nil || bpe.dropout == 0 else { return nil }
        switch preTokenizer {
        case .byteLevel(let b)?:
            guard let k = b.scanner else { return nil }
            splitter = .scanner(k)
            prefix = b.addPrefixSpace ? .segment : .none
        case .sequence(let items)?:
            guard items.count == 2, case .split(let s) = items[0], case .byteLevel(let b) = items[1],
                  !b.useRegex, s.behavior == .isolated, !s.invert, case .regex(let pattern) = s.pattern else { return nil }
            splitter = s.scanner.map { .scanner($0) } ?? .regex(s.regex)
            _ = pattern
            prefix = b.addPrefixSpace ? .piece : .none
        default:
            return nil
        }
        self.view = view
    }

    /// Appends the ids of `text` (valid UTF-8, no added tokens inside) to `ids`.
    func encode(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32], cache: inout FastScratch) throws {
        if text.isEmpty { return }
        if prefix == .segment && text[0] != 0x20 {
            var spaced: [UInt8] = [0x20]
            spaced.append(contentsOf: text)
            try spaced.withUnsafeBufferPointer { try encodePieces($0, into: &ids, cache: &cache) }
        } else {
            try encodePieces(text, into: &ids, cache: &cache)
        }
    }

    func encodePieces(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32], cache: inout FastScratch) throws {
        var start = 0
        switch splitter {
        case .scanner(let k):
            k.forEachPieceEnd(in: text) { end in
                piece(UnsafeBufferPointer(rebasing: text[start..<end]), text.count - start, &ids, &cache)
                start = end
            }
        case .regex(let re):
            var previous = 0
            for m in try re.matches(in: text) {
                if m.lowerBound > previous {
                    piece(UnsafeBufferPointer(rebasing: text[previous..<m.lowerBound]), text.count - previous, &ids, &cache)
                }
                if !m.isEmpty { piece(UnsafeBufferPointer(rebasing: text[m]), text.count - m.lowerBound, &ids, &cache) }
                previous = Swift.max(previous, m.upperBound)
            }
            if previous < text.count { piece(UnsafeBufferPointer(rebasing: text[previous...]), text.count - previous, &ids, &cache) }
        }
    }

    @inline(__always)
    func piece(_ p: UnsafeBufferPointer<UInt8>, _ readable: Int, _ ids: inout [UInt32], _ scratch: inout FastScratch) {
        if prefix == .piece && p[0] != 0x20 {
            var spaced: [UInt8] = [0x20]
            spaced.append(contentsOf: p)
            spaced.withUnsafeBufferPointer { encodePiece($0, $0.count, &ids, &scratch) }
        } else {
            encodePiece(p, readable, &ids, &scratch)
        }
    }

    @inline(__always)
    func encodePiece(_ p: UnsafeBufferPointer<UInt8>, _ readable: Int, _ ids: inout [UInt32], _ scratch: inout FastScratch) {
        if p.count <= 16 {
            let key = scratch.hot.key(p, readable: readable)
            if scratch.hot.lookup(key, into: &ids) { return }
            let start = ids.count
            view.encodeRawBytes(p, into: &ids, cache: &scratch.bpeCache)
            scratch.hot.store(key, ids[start...])
        } else {
            view.encodeRawBytes(p, into: &ids, cache: &scratch.bpeCache)
        }
    }
}
