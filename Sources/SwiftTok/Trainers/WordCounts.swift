/// The pre-tokenized words of a corpus with their counts: what every trainer trains on.
///
/// Words are the normalized text of the pieces the tokenizer's normalizer and pre-tokenizer make
/// (as `tokenizers`' trainers receive them in `feed`), unique, in UTF-8 byte order, so that the
/// same corpus always gives the same value whatever the number of threads that counted it.
/// Counts add up: `merged(with:)` of the counts of two shards equals the counts of both together.
public struct WordCounts: Sendable, Equatable {
    /// The distinct words (valid UTF-8), ascending by bytes.
    public private(set) var words: [[UInt8]]
    /// `counts[i]` is the number of occurrences of `words[i]`.
    public private(set) var counts: [UInt64]
    /// Sequences (lines or documents) skipped because they were not valid UTF-8.
    public var skippedSequences: Int
    /// Sequences counted.
    public var sequences: Int
    /// Bytes of input read (skipped sequences included).
    public var inputBytes: Int
    /// The normalizer and pre-tokenizer that made the words, as a tokenizer.json fragment
    /// (`{"normalizer": …, "pre_tokenizer": …}`); counts merge only when these are equal.
    public var pipeline: JSON

    /// Counts from `(word, count)` pairs in any order; equal words are summed.
    public init<S: Sequence>(_ pairs: S, pipeline: JSON = .null, sequences: Int = 0, skippedSequences: Int = 0,
                             inputBytes: Int = 0) where S.Element == ([UInt8], UInt64) {
        var table = WordTable()
        for (w, c) in pairs { w.withUnsafeBufferPointer { table.add($0, count: c) } }
        self.init(table: table, pipeline: pipeline, sequences: sequences, skippedSequences: skippedSequences,
                  inputBytes: inputBytes)
    }

    init(table: WordTable, pipeline: JSON, sequences: Int, skippedSequences: Int, inputBytes: Int) {
        let order = (0..<table.count).sorted { table.word($0).lexicographicallyPrecedes(table.word($1)) }
        words = order.map { Array(table.word($0)) }
        counts = order.map { table.counts[$0] }
        self.pipeline = pipeline
        self.sequences = sequences
        self.skippedSequences = skippedSequences
        self.inputBytes = inputBytes
    }

    /// The number of distinct words.
    public var count: Int { words.count }

    /// The total number of words (with repetitions).
    public var totalCount: UInt64 { counts.reduce(0, &+) }

    /// Word `i` as a string.
    public func string(at i: Int) -> String { String(decoding: words[i], as: Unicode.UTF8.self) }

    /// The sum of `self` and `other`; throws when they were counted with different pipelines.
    public func merged(with other: WordCounts) throws -> WordCounts {
        guard pipeline == other.pipeline || pipeline == .null || other.pipeline == .null else {
            throw TokenizerError(.invalidArgument,
                "word counts made with different normalizers or pre-tokenizers cannot be merged")
        }
        var table = WordTable(capacity: count + other.count)
        for (w, c) in zip(words, counts) { w.withUnsafeBufferPointer { table.add($0, count: c) } }
        for (w, c) in zip(other.words, other.counts) { w.withUnsafeBufferPointer { table.add($0, count: c) } }
        return WordCounts(table: table, pipeline: pipeline == .null ? other.pipeline : pipeline,
                          sequences: sequences + other.sequences,
                          skippedSequences: skippedSequences + other.skippedSequences,
                          inputBytes: inputBytes + other.inputBytes)
    }
}

// MARK: - The counts file (`swifttok count`)

extension WordCounts {
    /// The first line of a counts file; the number is the format version.
    public static let fileMagic = "swifttok-counts 1"

    /// The counts file, version 1:
    ///
    ///     swifttok-counts 1\n
    ///     {"pipeline": {"normalizer": …, "pre_tokenizer": …}, "words": W, "sequences": S,
    ///      "skipped": K, "bytes": B}\n                       (one line of compact JSON)
    ///     <count> <byte length> <word bytes>\n               (W lines, words ascending by bytes)
    ///
    /// Words are raw UTF-8 (they may hold spaces or newlines: the byte length says where each
    /// ends). Summing the entries of several files gives the counts of their concatenated corpora.
    public func fileBytes() -> [UInt8] {
        var out = Array((WordCounts.fileMagic + "\n").utf8)
        let header = JSON.object(JSONObject([
            ("pipeline", pipeline), ("words", .int(Int64(count))), ("sequences", .int(Int64(sequences))),
            ("skipped", .int(Int64(skippedSequences))), ("bytes", .int(Int64(inputBytes))),
        ]))
        out += Array(header.serialized(pretty: false).utf8)
        out.append(0x0A)
        out.reserveCapacity(out.count + words.reduce(0) { $0 + $1.count + 16 })
        for (w, c) in zip(words, counts) {
            out += Array(String(c).utf8)
            out.append(0x20)
            out += Array(String(w.count).utf8)
            out.append(0x20)
            out += w
            out.append(0x0A)
        }
        return out
    }

    /// Writes the counts file to `path`.
    public func write(to path: String) throws { try FileIO.write(fileBytes(), to: path) }

    /// Reads a counts file; errors name the file and line.
    public init(contentsOfFile path: String) throws {
        let bytes = try FileIO.read(path)
        try self.init(fileBytes: bytes, source: path)
    }

    /// Reads the bytes of a counts file.
    public init(fileBytes b: [UInt8], source: String = "") throws {
        var i = 0
        var line = 1
        func fail(_ m: String) -> TokenizerError { TokenizerError(.invalidField, m, at: "\(source):\(line)") }
        func readLine() -> ArraySlice<UInt8>? {
            guard i < b.count, let nl = b[i...].firstIndex(of: 0x0A) else { return nil }
            defer { i = nl + 1; line += 1 }
            return b[i..<nl]
        }
        guard let magic = readLine(), Array(magic) == Array(WordCounts.fileMagic.utf8) else {
            throw TokenizerError(.invalidField, "not a swifttok counts file (expected '\(WordCounts.fileMagic)' on the first line)", at: source)
        }
        guard let headerLine = readLine() else { throw fail("missing header") }
        let header: JSONFields
        do { header = try JSONFields(try JSON.parse(Array(headerLine)), path: "header") } catch { throw fail("bad header: \(error)") }
        let expected = try header.int("words")
        var table = WordTable(capacity: Swift.max(16, expected))
        func number(_ stop: UInt8) throws -> UInt64 {
            var v: UInt64 = 0
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(UInt64(b[i] - 0x30))
                if o1 || o2 { throw fail("number too large") }
                v = s
                digits += 1
                i += 1
            }
            guard digits > 0, i < b.count, b[i] == stop else { throw fail("expected '<count> <length> <word>'") }
            i += 1
            return v
        }
        var entries = 0
        while i < b.count {
            let c = try number(0x20)
            let n = try number(0x20)
            guard n <= UInt64(b.count - i), i + Int(n) < b.count, b[i + Int(n)] == 0x0A else {
                throw fail("word length runs past the end of the line")
            }
            let word = b[i..<(i + Int(n))]
            let valid = word.withUnsafeBufferPointer { UTF8Text.isValid($0) }
            guard valid else { throw fail("word is not valid UTF-8") }
            word.withUnsafeBufferPointer { table.add($0, count: c) }
            i += Int(n) + 1
            line += 1
            entries += 1
        }
        guard entries == expected else { throw fail("the header says \(expected) words but the file has \(entries)") }
        self.init(table: table, pipeline: header.object["pipeline"] ?? .null,
                  sequences: try header.optionalInt("sequences") ?? 0,
                  skippedSequences: try header.optionalInt("skipped") ?? 0,
                  inputBytes: try header.optionalInt("bytes") ?? 0)
    }
}
