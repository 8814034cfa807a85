/// Reader of tiktoken `.tiktoken` rank files: one `base64(token bytes) rank` per line.
public enum Tiktoken {
    /// The (token bytes, rank) pairs of a rank file, in file order.
    ///
    /// Blank lines are skipped (as tiktoken's `load_tiktoken_bpe`). Errors name the line
    /// (`source:line`): a line that is not two fields, bad base64, a rank that is not a
    /// decimal `UInt32`, a token or a rank given twice.
    public static func parseRanks(bytes: [UInt8], source: String = "") throws -> [([UInt8], UInt32)] {
        var result: [([UInt8], UInt32)] = []
        var firstLineOfToken: [[UInt8]: Int] = [:]
        var firstLineOfRank: [UInt32: Int] = [:]
        var lineNumber = 0
        var start = 0
        let n = bytes.count
        func location(_ line: Int) -> String { source.isEmpty ? "line \(line)" : "\(source):\(line)" }
        while start < n {
            var end = start
            while end < n && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            defer { start = end + 1 }
            // Fields separated by whitespace, as Python's `str.split()`.
            var fields: [Range<Int>] = []
            var i = start
            while i < end {
                while i < end && isSpace(bytes[i]) { i += 1 }
                if i >= end { break }
                let s = i
                while i < end && !isSpace(bytes[i]) { i += 1 }
                fields.append(s..<i)
            }
            if fields.isEmpty { continue }
            guard fields.count == 2 else {
                throw TokenizerError(.invalidVocabulary, "expected 'base64-token rank', found \(fields.count) field(s)", at: location(lineNumber))
            }
            guard let token = decodeBase64(bytes[fields[0]]) else {
                throw TokenizerError(.invalidVocabulary, "invalid base64 token '\(String(decoding: bytes[fields[0]], as: Unicode.UTF8.self))'", at: location(lineNumber))
            }
            guard let rank = parseRank(bytes[fields[1]]) else {
                throw TokenizerError(.invalidVocabulary, "invalid rank '\(String(decoding: bytes[fields[1]], as: Unicode.UTF8.self))' (expected an integer from 0 to 4294967295)", at: location(lineNumber))
            }
            if let first = firstLineOfToken[token] {
                throw TokenizerError(.invalidVocabulary, "token given twice (first on line \(first))", at: location(lineNumber))
            }
            if let first = firstLineOfRank[rank] {
                throw TokenizerError(.invalidVocabulary, "rank \(rank) given twice (first on line \(first))", at: location(lineNumber))
            }
            firstLineOfToken[token] = lineNumber
            firstLineOfRank[rank] = lineNumber
            result.append((token, rank))
        }
        return result
    }

    /// The ranks of a `.tiktoken` file.
    public static func loadRanks(path: String) throws -> [([UInt8], UInt32)] {
        try parseRanks(bytes: try FileIO.read(path), source: path)
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

    static func parseRank(_ digits: ArraySlice<UInt8>) -> UInt32? {
        guard !digits.isEmpty, digits.count <= 10 else { return nil }
        var v: UInt64 = 0
        for d in digits {
            guard (0x30...0x39).contains(d) else { return nil }
            v = v * 10 + UInt64(d - 0x30)
        }
        return v <= UInt64(UInt32.max) ? UInt32(v) : nil
    }

    /// Standard base64 with `=` padding (RFC 4648); nil on any other character or length.
    static func decodeBase64(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var chunk: UInt32 = 0
        var bits = 0
        var padding = 0
        for c in text {
            let v: UInt32
            switch c {
            case 0x41...0x5A: v = UInt32(c - 0x41)
            case 0x61...0x7A: v = UInt32(c - 0x61 + 26)
            case 0x30...0x39: v = UInt32(c - 0x30 + 52)
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            // Data after padding is malformed.
            if padding > 0 { return nil }
            chunk = chunk << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: chunk >> UInt32(bits)))
                chunk &= (1 << UInt32(bits)) - 1
            }
        }
        guard padding <= 2, chunk == 0 else { return nil }
        return out
    }
}

extension Models.BPE {
    /// A byte-level BPE model equal to tiktoken's encoder for these ranks: the id of a token is
    /// its rank, token strings are the GPT-2 alphabet form of their bytes, and the merge of
    /// two adjacent parts is ranked by the rank of their concatenation (lowest first, leftmost
    /// on ties). A piece that is itself a token is emitted whole (`ignore_merges`), as tiktoken
    /// does.
    public init(tiktokenRanks ranks: [([UInt8], UInt32)]) throws {
        let raw = ByteSliceTable(ranks)
        var table = MergeTable(capacityFor: ranks.count * 4)
        for (token, rank) in ranks where token.count >= 2 {
            token.withUnsafeBufferPointer { t in
                for k in 1..<t.count {
                    guard let left = raw.get(UnsafeBufferPointer(rebasing: t[..<k])),
                          let right = raw.get(UnsafeBufferPointer(rebasing: t[k...])) else { continue }
                    table.set(left, right, rank: rank, newId: rank)
                }
            }
        }
        let vocab = Models.Vocabulary(ranks.map { (ByteLevelAlphabet.encode($0.0), $0.1) })
        self.init(vocab: vocab, table: table, dropout: nil, unkToken: nil, continuingSubwordPrefix: nil,
                  endOfWordSuffix: nil, fuseUnk: false, byteFallback: false, ignoreMerges: true)
    }
}
