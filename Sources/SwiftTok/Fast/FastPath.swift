/// The optimized ids-only encoders, chosen once per tokenizer from its components. Each is exact:
/// it is taken only for configurations where it computes what the general pipeline computes, and
/// the tests compare the two (the general pipeline is the reference implementation).
enum FastPath: Sendable {
    case byteLevelBPE(ByteLevelBPEFastPath)
    case wordPiece(WordPieceFastPath)
    case unigram(UnigramFastPath)
    case sentencePieceBPE(SentencePieceBPEFastPath)

    /// The fast path for `t`, if one applies.
    static func make(for t: Tokenizer) -> FastPath? {
        // Added tokens matched on normalized text would need the normalizer's output.
        if t.normalizer != nil && t.addedVocabulary.hasNormalizedMatches { return nil }
        if let p = ByteLevelBPEFastPath(normalizer: t.normalizer, preTokenizer: t.preTokenizer, model: t.model) {
            return .byteLevelBPE(p)
        }
        if let p = SentencePieceBPEFastPath(normalizer: t.normalizer, preTokenizer: t.preTokenizer, model: t.model) {
            return .sentencePieceBPE(p)
        }
        if let normalizer = t.normalizer, case .bert(let n) = normalizer, n.cleanText,
           let preTokenizer = t.preTokenizer, case .bert = preTokenizer,
           case .wordPiece(let w) = t.model,
           let p = WordPieceFastPath(vocabulary: w.vocab.dictionary, unkToken: w.unkToken,
                                     prefix: w.continuingSubwordPrefix, maxInputChars: w.maxInputCharsPerWord,
                                     lowercase: n.lowercase, normalizer: normalizer, preTokenizer: preTokenizer) {
            return .wordPiece(p)
        }
        if let p = UnigramFastPath(normalizer: t.normalizer, preTokenizer: t.preTokenizer, model: t.model) {
            return .unigram(p)
        }
        return nil
    }
}

/// Per-worker scratch for the fast paths.
struct FastScratch {
    /// Pieces to ids: BPE results (keyed by raw bytes) or WordPiece results (by word bytes).
    var bpeCache: Models.BPE.Cache
    var hot: HotPieceCache
    /// Unigram: Viterbi arrays and text buffers.
    var unigram = UnigramScratch()
    var unigramBuffer: [UInt8] = []
    var unigramBuffer2: [UInt8] = []
    var unigramPiece: [UInt8] = []
    /// Buffers of the SentencePiece `.model` pipeline.
    var sentencePiece = SentencePiece.Scratch()
    var unigramBounds: [Int] = []
    /// The ids of one short call (`Tokenizer.withIds`), reused from call to call.
    var ids: [UInt32] = []
    /// Unigram words (raw bytes, see `UnigramFastPath.encodeWord`) → ids, behind `hot`; apart from
    /// `bpeCache`, whose keys are pieces (the same bytes may be a word and a different piece).
    var unigramWords: Models.BPE.Cache
    /// Unigram stretches with a non-ASCII byte or a CR (raw bytes, see `UnigramFastPath.encodeStretches`)
    /// → the general pipeline's ids.
    var unigramStretches: Models.BPE.Cache
    /// Unigram words: a small hot cache in front of `hot` (same hash, fewer slots: `slot & unigramHotMask`).
    var unigramHot: HotPieceCache
    let unigramHotMask: Int
    /// Unigram: flags per scalar (inert beside a cut, stable under the normalizer: see
    /// `UnigramFastPath.scalarHas`); 0 = nothing decided yet. Pages of 256 scalars (index
    /// `scalar >> 8`), each allocated on first use.
    var unigramScalars: [[UInt8]] = []

    /// Caches sized for a worker of a batch; short calls borrow one warm from the tokenizer's
    /// `ScratchPool`, so none is built per call.
    init() {
        // Grows to its full size as pieces come: a first call does not zero 4 MB it may not use.
        bpeCache = Models.BPE.Cache(capacity: 1 << 12, maxCapacity: 1 << 18)
        unigramWords = Models.BPE.Cache(capacity: 1 << 14, maxCapacity: 1 << 19)
        unigramStretches = Models.BPE.Cache(capacity: 1 << 10, maxCapacity: 1 << 17)
        unigramHot = HotPieceCache(log2Size: 12)
        unigramHotMask = (1 << 12) - 1
        hot = HotPieceCache(log2Size: 16)
    }
}

extension Tokenizer {
    /// One piece without added tokens through `fast`, its ids appended to `ids` (`atInputStart`:
    /// the piece begins the input, which the SentencePiece BPE path needs to know).
    func fastSegment(_ fast: FastPath, _ segment: UnsafeBufferPointer<UInt8>, atInputStart: Bool,
                     into ids: inout [UInt32], scratch: inout FastScratch) throws {
        switch fast {
        case .byteLevelBPE(let f):
            try f.encode(segment, into: &ids, cache: &scratch)
        case .sentencePieceBPE(let f):
            f.encode(segment, atInputStart: atInputStart, into: &ids, cache: &scratch)
        case .wordPiece(let f):
            try f.encode(segment, into: &ids, cache: &scratch.bpeCache) { chunk, out in
                out += try generalIds(Array(chunk))
            }
        case .unigram(let f):
            // The tokenizer is passed borrowed: a closure capturing `self` copied it per segment.
            try f.encode(segment, into: &ids, scratch: &scratch, general: self)
        }
    }

    /// Ids of `bytes` through the fast path (added tokens cut first), or nil when the tokenizer has
    /// none or `addSpecialTokens` needs the post-processor.
    func fastIds(_ bytes: [UInt8], addSpecialTokens: Bool, scratch: inout FastScratch) throws -> [UInt32]? {
        guard let fast = fastPath else { return nil }
        if truncation != nil || padding != nil { return nil }
        try Tokenizer.validateUTF8(bytes)
        var ids: [UInt32] = []
        ids.reserveCapacity(bytes.count / 3 + 4)
        try bytes.withUnsafeBufferPointer { text in
            let pieces: [(range: Range<Int>, id: UInt32?)] = addedVocabulary.matchesNothing
                ? [(0..<text.count, nil)] : addedVocabulary.rawPieces(text)
            for p in pieces {
                if let id = p.id { ids.append(id); continue }
                try fastSegment(fast, UnsafeBufferPointer(rebasing: text[p.range]), atInputStart: p.range.lowerBound == 0,
                                into: &ids, scratch: &scratch)
            }
        }
        if addSpecialTokens, let p = postProcessor, p.addedTokenCount(isPair: false) > 0 {
            // The post-processor places special tokens by position only: run it on an encoding
            // that has the ids (token strings and offsets play no part in which ids come out).
            var e = Encoding()
            e.ids = ids
            e.typeIds = [UInt32](repeating: 0, count: ids.count)
            e.tokens = [String](repeating: "", count: ids.count)
            e.wordIds = [UInt32?](repeating: nil, count: ids.count)
            e.offsets = [(Int, Int)](repeating: (0, 0), count: ids.count)
            e.specialTokensMask = [UInt32](repeating: 0, count: ids.count)
            e.attentionMask = [UInt32](repeating: 1, count: ids.count)
            return try p.process(e, pair: nil, addSpecialTokens: true).ids
        }
        return ids
    }

    /// The ids of a piece with no added tokens through the general pipeline.
    func generalIds(_ bytes: [UInt8]) throws -> [UInt32] {
        var p = PreTokenizedString(bytes)
        if let normalizer { try p.normalize { try normalizer.normalize(&$0) } }
        if let preTokenizer { try preTokenizer.preTokenize(&p) }
        var ids: [UInt32] = []
        for s in p.splits {
            for t in try model.tokenize(s.normalized) { ids.append(t.id) }
        }
        return ids
    }
}

import Synchronization

/// Per-thread scratch kept between calls, so caches stay warm across batches (as the fastest
/// engines keep theirs). Workers borrow one for a call and give it back; nothing outlives a call
/// on a thread, so it stays safe after fork. A tokenizer whose components change gets a new pool.
final class ScratchPool: Sendable {
    private let free = Mutex<[FastScratch]>([])
    /// Scratches kept at most (more are dropped when given back).
    static let limit = 16

    func take() -> FastScratch {
        free.withLock { $0.popLast() } ?? FastScratch()
    }

    func give(_ s: FastScratch) {
        free.withLock { list in
            if list.count < ScratchPool.limit { list.append(s) }
        }
    }

    /// A scratch in a box, worked on in place: moving a FastScratch out of the pool and back
    /// retains and releases each of its buffers, a cost that shows on short calls.
    final class Box: @unchecked Sendable {
        // @unchecked: a box is out of the pool (`boxes`, under its lock) while one call uses it.
        var scratch = FastScratch()
    }

    private let boxes = Mutex<[Box]>([])

    /// Runs `body` on a warm scratch of this pool without copying it (the short-call path).
    func withScratch<R>(_ body: (inout FastScratch) throws -> R) rethrows -> R {
        let box = boxes.withLock { $0.popLast() } ?? Box()
        defer {
            boxes.withLock { list in
                if list.count < ScratchPool.limit { list.append(box) }
            }
        }
        return try body(&box.scratch)
    }
}
