#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import SwiftTok

/// Text → swifttok's tokenizer (the model's tokenizer.json) → ids → `BertModel` → pooled sentence
/// embedding, as sentence-transformers computes it. Immutable and `Sendable`: share it.
public struct SentenceEmbedder: Sendable {
    /// The model's tokenizer, with its padding removed (batches are padded here) and truncation set
    /// to `maxLength`.
    public let tokenizer: Tokenizer
    public let model: BertModel
    public let pooling: Pooling
    /// Longest input in tokens (`max_seq_length` of sentence_bert_config.json, else the model's positions).
    public let maxLength: Int
    /// Sentences per forward pass (each pass is one padded batch).
    public var batchSize = 32

    /// Loads a sentence-transformers directory (config.json, model.safetensors, tokenizer.json,
    /// 1_Pooling/config.json, modules.json, sentence_bert_config.json); `pooling` overrides the mode.
    public init(directory: String, pooling mode: Pooling.Mode? = nil) throws {
        let model = try BertModel(directory: directory)
        var pooling = try Pooling(directory: directory)
        if let mode { pooling.mode = mode }
        var maxLength = model.config.maxPositions
        if let bytes = try? FileIO.read(directory + "/sentence_bert_config.json") {
            let path = directory + "/sentence_bert_config.json"
            if let n = try JSONFields(try JSON.parse(bytes), path: "\(path): $").optionalInt("max_seq_length") {
                maxLength = Swift.min(maxLength, n)
            }
        }
        try self.init(tokenizer: try Tokenizer(contentsOfFile: directory + "/tokenizer.json"), model: model,
                      pooling: pooling, maxLength: maxLength)
    }

    public init(tokenizer: Tokenizer, model: BertModel, pooling: Pooling, maxLength: Int) throws {
        guard maxLength > 0 && maxLength <= model.config.maxPositions else {
            throw TokenizerError(.invalidArgument, "maxLength \(maxLength) must be in 1...\(model.config.maxPositions)")
        }
        var t = tokenizer
        t.padding = nil
        t.truncation = TruncationParams(maxLength: maxLength)
        self.tokenizer = t
        self.model = model
        self.pooling = pooling
        self.maxLength = maxLength
    }

    /// The ids the model sees for each text (special tokens added, truncated to `maxLength`).
    public func ids(_ texts: [String], threads: Int = 0) throws -> [[UInt32]] {
        try tokenizer.encodeBatch(texts, threads: threads).map(\.ids)
    }

    /// One embedding per text.
    public func embed(_ texts: [String], threads: Int = 0) throws -> [[Float]] {
        let encodings = try tokenizer.encodeBatch(texts, threads: threads)
        return try embed(ids: encodings.map(\.ids), typeIds: encodings.map(\.typeIds), threads: threads)
    }

    /// One embedding per id sequence.
    public func embed(ids: [[UInt32]], typeIds: [[UInt32]]? = nil, threads: Int = 0) throws -> [[Float]] {
        let h = model.config.hiddenSize
        let pooling = pooling
        return try forEachBatch(ids, typeIds: typeIds, threads: threads) { states in pooling.pool(states, dim: h) }
    }

    /// The last hidden state (`[length, hiddenSize]`) of each id sequence.
    public func hiddenStates(ids: [[UInt32]], typeIds: [[UInt32]]? = nil, threads: Int = 0) throws -> [[Float]] {
        try forEachBatch(ids, typeIds: typeIds, threads: threads) { $0 }
    }

    /// Cuts the inputs into padded batches of sequences of similar length, runs them on up to
    /// `threads` threads (0 = all cores), and maps each sequence's states with `finish`.
    func forEachBatch(_ ids: [[UInt32]], typeIds: [[UInt32]]?, threads: Int,
                      _ finish: @escaping @Sendable ([Float]) -> [Float]) throws -> [[Float]] {
        let n = ids.count
        if n == 0 { return [] }
        if let typeIds, typeIds.count != n { throw TokenizerError(.invalidArgument, "\(n) inputs but \(typeIds.count) type id lists") }
        // Sorting by length keeps the padding in each batch small; results go back in input order.
        let order = (0..<n).sorted { (ids[$0].count, $0) < (ids[$1].count, $1) }
        let workers = Swift.max(1, Swift.min(threads <= 0 ? SentenceEmbedder.coreCount : threads, n))
        let size = Swift.max(1, Swift.min(batchSize, (n + workers - 1) / workers))
        let batches = stride(from: 0, to: n, by: size).map { Array(order[$0..<Swift.min(n, $0 + size)]) }
        let slots = Slots(n)
        let model = model
        let run: @Sendable (Int) -> Void = { bi in
            let batch = batches[bi]
            do {
                let states = try model.hiddenStates(batch.map { ids[$0] }, typeIds: typeIds.map { t in batch.map { t[$0] } })
                for (i, s) in zip(batch, states) { slots.set(i, .success(finish(s))) }
            } catch {
                for i in batch { slots.set(i, .failure(error)) }
            }
        }
        if workers == 1 {
            for bi in batches.indices { run(bi) }
        } else {
            let next = Counter()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let bi = next.take()
                    if bi >= batches.count { return }
                    run(bi)
                }
            }
        }
        return try slots.values()
    }

    static var coreCount: Int { Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// A shared counter handing out work items to threads.
final class Counter: @unchecked Sendable {
    // @unchecked: every access goes through the lock.
    private var value = 0
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }
    func take() -> Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        value += 1
        return value - 1
    }
}

/// One result per input, each written by exactly one worker and read after all have finished.
final class Slots: @unchecked Sendable {
    // @unchecked: disjoint slots are written by different threads; reads happen after the join.
    private var slots: UnsafeMutableBufferPointer<Result<[Float], Error>?>
    init(_ n: Int) {
        slots = .allocate(capacity: n)
        slots.initialize(repeating: nil)
    }
    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }
    func set(_ i: Int, _ r: Result<[Float], Error>) { slots[i] = r }
    func values() throws -> [[Float]] {
        try slots.map { try ($0 ?? .failure(TokenizerError(.invalidArgument, "missing result"))).get() }
    }
}
