extension SentencePiece {
    /// spm's `unigram::Lattice` over normalized text, as `PopulateNodes` fills it for n-best and
    /// sampling: positions are characters (`OneCharLen` steps), node 0 is BOS, node 1 is EOS, the
    /// others are pieces (shortest first at each start, then the unknown node when no piece covers
    /// exactly one character). Scores and sums are `Float`, as spm keeps them.
    struct Lattice {
        /// Byte offset of each character position (count + 1 entries).
        var charByte: [Int] = []
        var nodePos: [Int32] = []
        var nodeLength: [Int32] = []
        var nodeId: [Int32] = []
        var nodeScore: [Float] = []
        /// Best score from BOS through the end of the node (after `viterbi`).
        var backtrace: [Float] = []
        var beginNodes: [[Int32]] = []
        var endNodes: [[Int32]] = []

        var length: Int { charByte.count - 1 }

        init(_ text: UnsafeBufferPointer<UInt8>, unigram u: Unigram) {
            var at = 0
            while at < text.count {
                charByte.append(at)
                at += Swift.min(UTF8Text.oneCharLen(text[at]), text.count - at)
            }
            charByte.append(text.count)
            let len = charByte.count - 1
            beginNodes = Array(repeating: [], count: len + 1)
            endNodes = Array(repeating: [], count: len + 1)
            // BOS ends at 0, EOS begins at len.
            append(pos: 0, length: 0, id: -1, score: 0)
            endNodes[0].append(0)
            append(pos: Int32(len), length: 0, id: -1, score: 0)
            beginNodes[len].append(1)
            let unkScore: Float = u.minScore - 10.0
            for pos in 0..<len {
                let from = charByte[pos]
                var hasSingleNode = false
                u.trie.forEachPrefix(text, from: from) { bytes, id in
                    let t = u.types[Int(id)]
                    if t == .unused { return }
                    // Character length of the match (spm's get_chars_length rounds up).
                    var end = pos
                    while end < len && charByte[end] < from + bytes { end += 1 }
                    insert(pos: pos, length: end - pos, id: id, score: u.scores[Int(id)])
                    if end - pos == 1 { hasSingleNode = true }
                }
                if !hasSingleNode { insert(pos: pos, length: 1, id: u.unkId, score: unkScore) }
            }
        }

        private mutating func append(pos: Int32, length: Int32, id: Int32, score: Float) {
            nodePos.append(pos)
            nodeLength.append(length)
            nodeId.append(id)
            nodeScore.append(score)
            backtrace.append(0)
        }

        private mutating func insert(pos: Int, length: Int, id: Int32, score: Float) {
            let n = Int32(nodeId.count)
            append(pos: Int32(pos), length: Int32(length), id: id, score: score)
            beginNodes[pos].append(n)
            endNodes[pos + length].append(n)
        }

        /// spm's `Lattice::Viterbi` backtrace scores (strictly greater wins; the first on ties).
        mutating func viterbi() {
            for pos in 0...length {
                for r in beginNodes[pos] {
                    var best: Float = 0
                    var found = false
                    for l in endNodes[pos] {
                        let s: Float = backtrace[Int(l)] + nodeScore[Int(r)]
                        if !found || s > best { best = s; found = true }
                    }
                    backtrace[Int(r)] = best
                }
            }
        }

        /// (start, end, id) in bytes of the nodes of a path.
        func segments(_ nodes: [Int32]) -> [(Int, Int, Int32)] {
            nodes.map { n in
                let p = Int(nodePos[Int(n)])
                return (charByte[p], charByte[p + Int(nodeLength[Int(n)])], nodeId[Int(n)])
            }
        }

        /// spm's `Lattice::NBest(n, sample: false)`: A* from EOS with the Viterbi scores as the
        /// exact heuristic, over a `std::priority_queue` (libstdc++'s heap, so equal priorities pop
        /// in the same order), shrinking the agenda as spm does. Paths best first, with scores.
        mutating func nBest(_ n: Int) -> [(nodes: [Int32], score: Float)] {
            viterbi()
            // Hypotheses: node, next hypothesis, f(x), g(x).
            var hNode: [Int32] = [1], hNext: [Int32] = [-1], hf: [Float] = [backtrace[1]], hg: [Float] = [0]
            var agenda = StdHeap()
            agenda.push(0, hf)
            var results: [(nodes: [Int32], score: Float)] = []
            while let top = agenda.pop(hf) {
                let node = hNode[Int(top)]
                if node == 0 {
                    var path: [Int32] = []
                    var h = hNext[Int(top)]
                    while h >= 0 && hNext[Int(h)] >= 0 {
                        path.append(hNode[Int(h)])
                        h = hNext[Int(h)]
                    }
                    results.append((path, hf[Int(top)]))
                    if results.count == n { break }
                    continue
                }
                let gx = hg[Int(top)]
                for l in endNodes[Int(nodePos[Int(node)])] {
                    hNode.append(l)
                    hNext.append(top)
                    hg.append(nodeScore[Int(l)] + gx)
                    hf.append(backtrace[Int(l)] + gx)
                    agenda.push(Int32(hNode.count - 1), hf)
                }
                if agenda.count >= 10_000 {
                    var shrunk = StdHeap()
                    for _ in 0..<Swift.min(512, n * 10) {
                        guard let h = agenda.pop(hf) else { break }
                        shrunk.push(h, hf)
                    }
                    agenda = shrunk
                }
            }
            return results
        }
    }

    /// A max-heap of hypothesis indices by priority, with libstdc++'s `push_heap` / `pop_heap`
    /// moves (so that ties come out in `std::priority_queue`'s order).
    struct StdHeap {
        var items: [Int32] = []
        var count: Int { items.count }

        private func less(_ a: Int32, _ b: Int32, _ key: [Float]) -> Bool { key[Int(a)] < key[Int(b)] }

        private mutating func siftUp(_ hole0: Int, top: Int, value: Int32, _ key: [Float]) {
            var hole = hole0
            var parent = (hole - 1) / 2
            while hole > top && less(items[parent], value, key) {
                items[hole] = items[parent]
                hole = parent
                parent = (hole - 1) / 2
            }
            items[hole] = value
        }

        mutating func push(_ h: Int32, _ key: [Float]) {
            items.append(h)
            siftUp(items.count - 1, top: 0, value: h, key)
        }

        mutating func pop(_ key: [Float]) -> Int32? {
            guard let last = items.last else { return nil }
            let top = items[0]
            let len = items.count - 1
            if len > 0 {
                // __adjust_heap(first, 0, len, value = old last)
                var hole = 0
                var second = 0
                while second < (len - 1) / 2 {
                    second = 2 * (second + 1)
                    if less(items[second], items[second - 1], key) { second -= 1 }
                    items[hole] = items[second]
                    hole = second
                }
                if len & 1 == 0 && second == (len - 2) / 2 {
                    second = 2 * (second + 1)
                    items[hole] = items[second - 1]
                    hole = second - 1
                }
                siftUp(hole, top: 0, value: last, key)
            }
            items.removeLast()
            return top
        }
    }

    /// One segmentation of an n-best list: its pieces as `encode` gives them, and spm's path score.
    public struct NBestEntry: Sendable, Equatable {
        public var pieces: [EncodedPiece]
        public var score: Float
        public var ids: [UInt32] { pieces.map(\.id) }
    }

    /// The `n` best segmentations of `bytes`, as `SentencePieceProcessor::NBestEncode`
    /// (`nbest_encode(text, nbest_size=n)`): `n` above 512 is an error, `n <= 1` is `encode`;
    /// unknown runs and byte fallback are applied to each path as in `encode`. Unigram models
    /// only (spm has no n-best for BPE, WORD or CHAR).
    public func nBestEncode(_ bytes: [UInt8], _ n: Int) throws -> [NBestEntry] {
        guard case .unigram(let u) = algorithm else {
            throw TokenizerError(.unsupported, "n-best encoding needs a UNIGRAM model (sentencepiece has none for \(proto.trainerSpec.modelType.name))")
        }
        guard n <= 512 else { throw TokenizerError(.invalidArgument, "nbest_size must be <= 512 (got \(n))") }
        try Tokenizer.validateUTF8(bytes)
        let n = Swift.max(1, n)
        if n == 1 { return [NBestEntry(pieces: try encode(bytes), score: 0)] }
        return try withSegments(bytes) { text in
            if text.isEmpty { return [([], 0)] }
            var lattice = Lattice(text, unigram: u)
            return lattice.nBest(n).map { (lattice.segments($0.nodes), $0.score) }
        }.map { NBestEntry(pieces: $0.0, score: $0.1) }
    }

    /// Normalizes `bytes`, lets `segmenter` propose segmentations of the normalized text (byte
    /// ranges and ids) and turns each into pieces as `PopulateSentencePieceText` does.
    func withSegments<Extra>(_ bytes: [UInt8],
                             _ segmenter: (UnsafeBufferPointer<UInt8>) throws -> [([(Int, Int, Int32)], Extra)]) throws -> [([EncodedPiece], Extra)] {
        var normalized: [UInt8] = [], normToOrig: [Int32] = []
        bytes.withUnsafeBufferPointer { normalizer.normalize($0, into: &normalized, normToOrig: &normToOrig, offsets: true) }
        return try normalized.withUnsafeBufferPointer { text in
            try segmenter(text).map { (try pieces(of: $0.0, text: text, normToOrig: normToOrig), $0.1) }
        }
    }

    /// spm's `PopulateSentencePieceText` for one segmentation: control pieces are an error (spm
    /// keeps no surface for one and then fails its "all normalized characters are consumed"
    /// check), unknown runs merge, unknown pieces become bytes with byte fallback.
    func pieces(of segments: [(Int, Int, Int32)], text: UnsafeBufferPointer<UInt8>, normToOrig: [Int32]) throws -> [EncodedPiece] {
        var out: [EncodedPiece] = []
        var isPrevUnk = false
        for (start, end, id) in segments {
            let type = types[Int(id)]
            if type == .control {
                throw controlPieceError(id)
            }
            let isUnk = type == .unknown
            let ob = Int(normToOrig[start]), oe = Int(normToOrig[end])
            let surface = String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
            if isUnk && byteFallback {
                for i in start..<end {
                    let b = text[i]
                    out.append(EncodedPiece(id: UInt32(byteIds[Int(b)]), piece: SentencePiece.byteToPiece(b),
                                            start: ob, end: i == end - 1 ? oe : ob))
                }
            } else if isPrevUnk && isUnk, let last = out.indices.last {
                out[last].piece += surface
                out[last].end = oe
            } else {
                out.append(EncodedPiece(id: UInt32(id), piece: surface, start: ob, end: oe))
            }
            isPrevUnk = isUnk
        }
        return out
    }
}
