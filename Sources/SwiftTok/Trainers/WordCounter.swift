/// Counts the words of a corpus with a tokenizer's normalizer and pre-tokenizer, on all cores.
///
/// Each sequence goes through the normalizer and pre-tokenizer exactly as `tokenizers`'
/// `Tokenizer.train` does before it calls `feed` (`normalize → pre_tokenize → get_splits`), and
/// each piece's normalized text counts once. Chunks of the input are counted on separate threads
/// into separate tables, then merged; the result is sorted, so it does not depend on the thread count.
public struct WordCounter: Sendable {
    public let normalizer: Normalizer?
    public let preTokenizer: PreTokenizer?
    /// Set to false to count every sequence through the general pipeline (for differential tests).
    public var allowsFastPath = true

    public init(normalizer: Normalizer?, preTokenizer: PreTokenizer?) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
    }

    public init(tokenizer: Tokenizer) {
        self.init(normalizer: tokenizer.normalizer, preTokenizer: tokenizer.preTokenizer)
    }

    /// The `pipeline` value written with the counts.
    public var pipelineJSON: JSON {
        .object(JSONObject([("normalizer", normalizer?.json ?? .null), ("pre_tokenizer", preTokenizer?.json ?? .null)]))
    }

    /// How a chunk is split into words: the general pipeline, or a byte-level scan that counts raw
    /// pieces and maps them to the byte-level alphabet once per distinct word.
    enum Route {
        case general
        /// ByteLevel(use_regex) with no normalizer: GPT-2 pieces of the raw bytes.
        case byteLevel(addPrefixSpace: Bool)
        /// BertNormalizer(clean_text) + BertPreTokenizer: ASCII sequences scanned in one pass
        /// (the others take the general pipeline).
        case bertASCII(lowercase: Bool)
    }

    var route: Route {
        guard allowsFastPath else { return .general }
        if normalizer == nil, case .byteLevel(let b)? = preTokenizer, b.useRegex {
            return .byteLevel(addPrefixSpace: b.addPrefixSpace)
        }
        if case .bert(let n)? = normalizer, n.cleanText, case .bert? = preTokenizer {
            return .bertASCII(lowercase: n.lowercase)
        }
        return .general
    }

    /// Counts `input` on `threads` threads (0 = all cores); `progress` gets the bytes read.
    public func count(_ input: TrainerInput, threads: Int = 0,
                      progress: TrainingProgressHandler? = nil) throws -> WordCounts {
        let workers = Parallel.workerCount(Int.max, threads: threads)
        let total = input.totalBytes
        let route = self.route
        let counter = self
        let tables = Boxes<WordTable>(workers) { WordTable() }
        let stats = Boxes<(sequences: Int, skipped: Int, error: TokenizerError?)>(workers) { (0, 0, nil) }
        var batch: [[UInt8]] = []
        var read = 0
        func flush() throws {
            let chunks = batch
            Parallel.forEach(chunks.count, threads: workers) { w, i in
                do {
                    let (n, bad) = try counter.countChunk(chunks[i], unit: input.unit, route: route, into: &tables[w])
                    stats[w].sequences += n
                    stats[w].skipped += bad
                } catch let e as TokenizerError {
                    stats[w].error = stats[w].error ?? e
                } catch {
                    stats[w].error = stats[w].error ?? TokenizerError(.invalidArgument, "\(error)")
                }
            }
            batch.removeAll()
            for w in 0..<workers { if let e = stats[w].error { throw e } }
            progress?(TrainingProgress(phase: "count", done: read, total: total))
        }
        let chunkSize = input.unit == .lines ? 1 << 20 : 1
        try input.forEachChunk(chunkSize: Swift.max(1 << 16, chunkSize)) { chunk in
            read += chunk.count
            batch.append(chunk)
            if batch.count >= workers * 4 { try flush() }
        }
        try flush()
        var merged = tables[0]
        for w in 1..<workers { merged.add(tables[w]) }
        if case .byteLevel = route { merged = WordCounter.mapToByteLevel(merged) }
        var sequences = 0
        var skipped = 0
        for w in 0..<workers { sequences += stats[w].sequences; skipped += stats[w].skipped }
        return WordCounts(table: merged, pipeline: pipelineJSON, sequences: sequences, skippedSequences: skipped,
                          inputBytes: read)
    }

    /// Counts the words of sequences given in memory (each one sequence, like `train_from_iterator`).
    public func count(sequences: [String], threads: Int = 0) throws -> WordCounts {
        var table = WordTable()
        for s in sequences {
            var b = Array(s.utf8)
            _ = try countSequence(&b, route: route, into: &table)
        }
        if case .byteLevel = route { table = WordCounter.mapToByteLevel(table) }
        return WordCounts(table: table, pipeline: pipelineJSON, sequences: sequences.count, skippedSequences: 0,
                          inputBytes: sequences.reduce(0) { $0 + $1.utf8.count })
    }

    /// Counts the sequences of one chunk; returns (sequences counted, sequences skipped).
    func countChunk(_ chunk: [UInt8], unit: TrainerInput.Unit, route: Route, into table: inout WordTable) throws -> (Int, Int) {
        var counted = 0
        var skipped = 0
        if unit == .documents {
            var doc = chunk
            if try countSequence(&doc, route: route, into: &table) { counted += 1 } else { skipped += 1 }
            return (counted, skipped)
        }
        var start = 0
        let n = chunk.count
        while start < n {
            var end = start
            chunk.withUnsafeBufferPointer { p in
                if let base = p.baseAddress, let hit = memchr(base + start, 0x0A, n - start) {
                    end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                } else {
                    end = n
                }
            }
            switch route {
            case .byteLevel(let prefix):
                let ok = chunk.withUnsafeBufferPointer { p in
                    WordCounter.countByteLevel(UnsafeBufferPointer(rebasing: p[start..<end]), addPrefixSpace: prefix, into: &table)
                }
                if ok { counted += 1 } else { skipped += 1 }
            case .bertASCII(let lowercase):
                let done = chunk.withUnsafeBufferPointer { p in
                    WordCounter.countBertASCII(UnsafeBufferPointer(rebasing: p[start..<end]), lowercase: lowercase, into: &table)
                }
                if done {
                    counted += 1
                } else {
                    var line = Array(chunk[start..<end])
                    if try countSequence(&line, route: .general, into: &table) { counted += 1 } else { skipped += 1 }
                }
            case .general:
                var line = Array(chunk[start..<end])
                if try countSequence(&line, route: route, into: &table) { counted += 1 } else { skipped += 1 }
            }
            start = end
        }
        return (counted, skipped)
    }

    /// Counts one sequence; false when it is not valid UTF-8 (nothing counted).
    func countSequence(_ bytes: inout [UInt8], route: Route, into table: inout WordTable) throws -> Bool {
        if case .byteLevel(let prefix) = route {
            return bytes.withUnsafeBufferPointer { WordCounter.countByteLevel($0, addPrefixSpace: prefix, into: &table) }
        }
        if case .bertASCII(let lowercase) = route,
           bytes.withUnsafeBufferPointer({ WordCounter.countBertASCII($0, lowercase: lowercase, into: &table) }) {
            return true
        }
        guard bytes.withUnsafeBufferPointer({ UTF8Text.isValid($0) }) else { return false }
        for piece in try pieces(bytes) {
            piece.withUnsafeBufferPointer { table.add($0) }
        }
        return true
    }

    /// The words of one valid UTF-8 sequence through the general pipeline (the reference).
    public func pieces(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var p = PreTokenizedString(bytes)
        if let normalizer { try p.normalize { try normalizer.normalize(&$0) } }
        if let preTokenizer { try preTokenizer.preTokenize(&p) }
        return p.splits.map { $0.normalized.normalized }
    }

    /// The GPT-2 pieces of raw `text`, counted as raw bytes (mapped to the alphabet later).
    static func countByteLevel(_ text: UnsafeBufferPointer<UInt8>, addPrefixSpace: Bool, into table: inout WordTable) -> Bool {
        guard UTF8Text.isValid(text) else { return false }
        if text.isEmpty { return true }
        if addPrefixSpace && text[0] != 0x20 {
            var spaced: [UInt8] = [0x20]
            spaced.append(contentsOf: text)
            return spaced.withUnsafeBufferPointer { countByteLevel($0, addPrefixSpace: false, into: &table) }
        }
        var i = 0
        while i < text.count {
            let end = KnownScanner.gpt2.nextPiece(in: text, from: i)
            table.add(UnsafeBufferPointer(rebasing: text[i..<end]))
            i = end
        }
        return true
    }

    /// BERT's clean-text normalizer and pre-tokenizer on an all-ASCII sequence: controls other
    /// than tab, newline and carriage return vanish, whitespace separates, each ASCII punctuation
    /// character is a word, the rest makes words (lowercased when asked). Returns false, counting
    /// nothing, when the sequence is not all ASCII.
    static func countBertASCII(_ text: UnsafeBufferPointer<UInt8>, lowercase: Bool, into table: inout WordTable) -> Bool {
        var any: UInt8 = 0
        for b in text { any |= b }
        if any >= 0x80 { return false }
        var word: [UInt8] = []
        word.reserveCapacity(32)
        for b in text {
            switch bertClass[Int(b)] {
            case 0: continue
            case 1:
                if !word.isEmpty { word.withUnsafeBufferPointer { table.add($0) }; word.removeAll(keepingCapacity: true) }
            case 2:
                if !word.isEmpty { word.withUnsafeBufferPointer { table.add($0) }; word.removeAll(keepingCapacity: true) }
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { p in
                    p[0] = b
                    table.add(UnsafeBufferPointer(p))
                }
            default:
                word.append(lowercase && b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            }
        }
        if !word.isEmpty { word.withUnsafeBufferPointer { table.add($0) } }
        return true
    }

    /// ASCII classes for `countBertASCII`: 0 removed, 1 whitespace, 2 punctuation, 3 word.
    static let bertClass: [UInt8] = (0..<128).map { b -> UInt8 in
        switch b {
        case 0x09, 0x0A, 0x0D, 0x20: return 1
        case 0x00..<0x20, 0x7F: return 0
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return 2
        default: return 3
        }
    }

    /// The table with every raw word rewritten in the byte-level alphabet (a bijection).
    static func mapToByteLevel(_ raw: WordTable) -> WordTable {
        var out = WordTable(capacity: raw.count)
        let table = ByteLevelAlphabet.utf8ForByte
        var buffer: [UInt8] = []
        for i in 0..<raw.count {
            buffer.removeAll(keepingCapacity: true)
            for b in raw.word(i) { buffer += table[Int(b)] }
            buffer.withUnsafeBufferPointer { out.add($0, count: raw.counts[i]) }
        }
        return out
    }
}

/// One mutable value per worker, reachable from `Parallel.forEach` bodies; each worker touches
/// only its own slot.
final class Boxes<T>: @unchecked Sendable {
    private var items: [T]
    init(_ n: Int, _ make: () -> T) { items = (0..<n).map { _ in make() } }
    subscript(i: Int) -> T {
        get { items[i] }
        _modify { yield &items[i] }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
