import Synchronization

extension Tokenizer {
    /// Encodes many inputs in parallel on `threads` threads (0 = all cores), then pads them
    /// together if padding is set. The result is in input order; the first error is thrown.
    public func encodeBatch(_ texts: [String], pairs: [String?]? = nil, addSpecialTokens: Bool = true,
                            offsets: OffsetType = .byte, threads: Int = 0) throws -> [Encoding] {
        if let pairs, pairs.count != texts.count {
            throw TokenizerError(.invalidArgument, "\(texts.count) inputs but \(pairs.count) pairs")
        }
        let results = ResultSlots<Encoding>(texts.count)
        let tokenizer = self
        Parallel.forEach(texts.count, threads: threads) { i in
            results.set(i, Result {
                try tokenizer.encode(texts[i], pair: pairs?[i] ?? nil, addSpecialTokens: addSpecialTokens, offsets: offsets)
            })
        }
        var encodings = try results.values()
        if let padding { padding.pad(&encodings) }
        return encodings
    }

    /// Decodes many id lists in parallel.
    public func decodeBatch(_ sequences: [[UInt32]], skipSpecialTokens: Bool = true, threads: Int = 0) throws -> [String] {
        let results = ResultSlots<String>(sequences.count)
        let tokenizer = self
        Parallel.forEach(sequences.count, threads: threads) { i in
            results.set(i, Result { try tokenizer.decode(sequences[i], skipSpecialTokens: skipSpecialTokens) })
        }
        return try results.values()
    }
}

/// One result slot per batch item, written by worker threads: each slot by exactly one thread,
/// and read only after all workers have joined, so slots need no lock.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    // @unchecked: disjoint slots are written by different threads; reads happen after the joins.
    private let slots: UnsafeMutableBufferPointer<Result<T, Error>?>

    init(_ count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func set(_ i: Int, _ r: Result<T, Error>) { slots[i] = r }

    func values() throws -> [T] {
        try slots.map { try ($0 ?? .failure(TokenizerError(.invalidArgument, "missing result"))).get() }
    }
}

extension Tokenizer {
    /// Just the ids of each document (UTF-8 bytes), encoded in parallel: the throughput path.
    public func encodeIdsBatch(_ documents: [[UInt8]], addSpecialTokens: Bool = false, threads: Int = 0) throws -> [[UInt32]] {
        let results = ResultSlots<[UInt32]>(documents.count)
        let tokenizer = self
        let workers = Parallel.workerCount(documents.count, threads: threads)
        let scratch = WorkerScratch(workers, pool: scratchPool)
        defer { scratch.giveBack(to: scratchPool) }
        Parallel.forEach(documents.count, threads: threads) { worker, i in
            results.set(i, Result {
                try scratch.with(worker) { s in
                    try tokenizer.encodeIds(bytes: documents[i], addSpecialTokens: addSpecialTokens, scratch: &s)
                }
            })
        }
        return try results.values()
    }

    /// The ids of each text read in place, encoded in parallel into one buffer per worker and
    /// handed to `body` as rows (on the calling thread, once every text is encoded): the batch
    /// path of the Python builtins, which pass the UTF-8 their str objects keep (no copy of the
    /// texts) and make lists or flat arrays of the rows (no array per text). The caller keeps each
    /// buffer alive and unchanged until this returns. `assumingValidUTF8`: the caller guarantees
    /// each text is valid UTF-8 (a str's UTF-8 always is) and the check is skipped; otherwise
    /// invalid UTF-8 is an error. The ids of `encodeIdsBatch(_:)`; the first error by index is thrown.
    ///
    /// `eachRow`, if given, is called on the worker right after it encodes a text, with the
    /// worker's index (`0..<batchWorkerCount`), where the row starts in that worker's buffer, and
    /// the row's ids: work per row that can run in parallel while the ids are still in cache (the
    /// Python builtins look up each id's shared int there).
    package func withIdsBatch<R>(inPlace texts: [UnsafeBufferPointer<UInt8>], addSpecialTokens: Bool = false,
                                 threads: Int = 0, assumingValidUTF8: Bool = false,
                                 eachRow: (@Sendable (_ worker: Int, _ start: Int, _ ids: UnsafeBufferPointer<UInt32>) -> Void)? = nil,
                                 _ body: (IdsRows) throws -> R) throws -> R {
        let spans = ResultSlots<IdsRows.Span>(texts.count)
        let tokenizer = self
        let shared = InPlaceTexts(texts: texts)
        let workers = Parallel.workerCount(texts.count, threads: threads)
        let scratch = WorkerScratch(workers, pool: scratchPool)
        defer { scratch.giveBack(to: scratchPool) }
        let outputs = (0..<workers).map { _ in IdsRows.Output() }
        Parallel.forEach(texts.count, threads: threads) { worker, i in
            let out = outputs[worker]
            spans.set(i, Result {
                try scratch.with(worker) { s in
                    let start = out.ids.count
                    try tokenizer.appendIds(inPlace: shared.texts[i], addSpecialTokens: addSpecialTokens,
                                            checkUTF8: !assumingValidUTF8, to: &out.ids, scratch: &s)
                    if let eachRow {
                        out.ids.withUnsafeBufferPointer { all in
                            eachRow(worker, start, UnsafeBufferPointer(rebasing: all[start...]))
                        }
                    }
                    return IdsRows.Span(worker: worker, start: start, count: out.ids.count - start)
                }
            })
        }
        return try body(IdsRows(ids: outputs.map(\.ids), spans: try spans.values()))
    }

    /// The number of workers a batch of `count` texts runs on with `threads` (0 = all cores): the
    /// range of the worker index `withIdsBatch(inPlace:)` hands to `eachRow`.
    package static func batchWorkerCount(_ count: Int, threads: Int) -> Int {
        Parallel.workerCount(count, threads: threads)
    }

    /// Just the ids of one input.
    /// Borrows a warm scratch from the tokenizer's pool, so repeated short calls (the C ABI's and
    /// Python's per-call path) hit warm caches instead of building cold ones every time.
    public func encodeIds(bytes: [UInt8], addSpecialTokens: Bool = false) throws -> [UInt32] {
        var scratch = scratchPool.take()
        defer { scratchPool.give(scratch) }
        return try encodeIds(bytes: bytes, addSpecialTokens: addSpecialTokens, scratch: &scratch)
    }

    func encodeIds(bytes: [UInt8], addSpecialTokens: Bool, scratch: inout FastScratch) throws -> [UInt32] {
        if let ids = try sentencePieceIds(bytes, scratch: &scratch.sentencePiece) { return ids }
        if let ids = try fastIds(bytes, addSpecialTokens: addSpecialTokens, scratch: &scratch) { return ids }
        return try encode(bytes: bytes, addSpecialTokens: addSpecialTokens).ids
    }
}

/// The ids of a batch from `Tokenizer.withIdsBatch`: row i, the ids of text i, is a span of the
/// buffer of the worker that encoded it.
package struct IdsRows {
    struct Span: Sendable {
        let worker: Int
        let start: Int
        let count: Int
    }

    /// One worker's ids, appended by that worker alone.
    final class Output: @unchecked Sendable {
        // @unchecked: worker w appends to outputs[w] only; read after the workers have joined.
        var ids: [UInt32] = []
    }

    let ids: [[UInt32]]
    let spans: [Span]

    /// The number of rows (texts).
    package var count: Int { spans.count }

    /// The number of ids in row `i`.
    package func count(ofRow i: Int) -> Int { spans[i].count }

    /// Where row `i` is: the worker whose buffer holds it, and its start there (as `eachRow` saw it).
    package func place(ofRow i: Int) -> (worker: Int, start: Int) { (spans[i].worker, spans[i].start) }

    /// The number of ids in all rows.
    package var idCount: Int { ids.reduce(0) { $0 + $1.count } }

    /// `body` on the ids of row `i`.
    package func withRow<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt32>) throws -> R) rethrows -> R {
        let s = spans[i]
        return try ids[s.worker].withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[s.start ..< s.start + s.count]))
        }
    }
}

/// Buffers the caller of `withIdsBatch(inPlace:)` keeps alive and unchanged for the call, read
/// (never written) by the workers.
private struct InPlaceTexts: @unchecked Sendable {
    let texts: [UnsafeBufferPointer<UInt8>]
}

/// One FastScratch per worker, each in its own box; a worker only ever touches its own box.
final class WorkerScratch: Sendable {
    final class Box: @unchecked Sendable {
        // @unchecked: box i is used by worker i alone (Parallel.forEach hands each worker its index).
        var scratch: FastScratch
        init(_ scratch: FastScratch) { self.scratch = scratch }
    }

    private let boxes: [Box]

    init(_ count: Int, pool: ScratchPool) { boxes = (0..<count).map { _ in Box(pool.take()) } }

    func giveBack(to pool: ScratchPool) {
        for b in boxes { pool.give(b.scratch) }
    }

    func with<R>(_ worker: Int, _ body: (inout FastScratch) throws -> R) rethrows -> R {
        try body(&boxes[worker].scratch)
    }
}
