extension SentencePiece {
    /// SentencePiece's Unigram segmentation (`unigram::Model::EncodeOptimized`): a Viterbi pass
    /// that keeps only the best path ending at each byte position.
    struct Unigram: Sendable {
        /// NORMAL, USER_DEFINED and UNUSED pieces (spm's `pieces_`).
        let trie: Trie
        let scores: [Float]
        let types: [SentencePieceModelProto.PieceType]
        let unkId: Int32
        /// Over NORMAL pieces, starting from FLT_MAX and FLT_MIN as spm does.
        let minScore: Float
        let maxScore: Float

        init(trie: Trie, pieces: [SentencePieceModelProto.Piece], unkId: Int32) {
            self.trie = trie
            scores = pieces.map(\.score)
            types = pieces.map(\.type)
            self.unkId = unkId
            var lo = Float.greatestFiniteMagnitude
            var hi = Float.leastNormalMagnitude
            for p in pieces where p.type == .normal {
                lo = Swift.min(lo, p.score)
                hi = Swift.max(hi, p.score)
            }
            minScore = lo
            maxScore = hi
        }

        /// Best-path node ending at a byte position, and the best losing candidate's score there.
        struct Node {
            var id: Int32 = -1
            var score: Float = 0
            var start: Int32 = -1
            var second: Float = -.infinity
        }

        /// What a Viterbi pass found besides the segments (the fast path's cache proofs use it).
        struct Viterbi {
            /// The score reaching position 0.
            var seed: Float = 0
            /// The score at the end of the text.
            var end: Float = 0
            /// Characters (Viterbi steps).
            var characters = 0
            /// The smallest winning margin at a node of the best path (infinity: no contest).
            var margin: Float = .infinity
            /// The largest |node score - seed| seen.
            var maxAbsValue: Float = 0
            /// False when a rebase happened or a value was not a finite number.
            var robust = true
        }

        /// sentencepiece 0.2.3 rebases path scores once the score reaching a position leaves
        /// [-rescaleBound, rescaleBound] (read from the PyPI wheel's machine code; its float sums
        /// would otherwise lose the precision that decides ties on long runs).
        static let rescaleBound: Float = 100_000

        /// The score of a user-defined piece `length` bytes long in sentencepiece 0.2.3's
        /// `EncodeOptimized` as the wheel computes it: `(length - 1) * 0.1` in double, then float
        /// (its source's `length * max_score_ - 0.1` is not what the binary does).
        @inline(__always)
        static func userDefinedScore(length: Int) -> Float {
            Float(Double(Int32(truncatingIfNeeded: length - 1)) * 0.1)
        }

        /// The score a segment of the best path added (as `encode` adds it).
        @inline(__always)
        func segmentScore(_ id: Int32, length: Int) -> Float {
            if id == unkId { return minScore - 10.0 }
            return types[Int(id)] == .userDefined ? Self.userDefinedScore(length: length) : scores[Int(id)]
        }

        /// Appends (start, end, id) of the best segmentation of `text` to `out`, in order.
        ///
        /// Arithmetic as the sentencepiece 0.2.3 wheel does it (x86-64, SSE): every candidate is
        /// a float sum `score + tillHere`, compared with strict `>` against the stored float; the
        /// unknown candidate is `(minScore - 10) + tillHere` in float; and when `tillHere` leaves
        /// ±100,000 the scores of the current position and of every reached position up to the
        /// furthest end seen so far are rebased by subtracting `tillHere` (in float) before going on.
        ///
        /// `seed` is the score reaching position 0: spm's running score where `text` starts inside
        /// a longer text that no piece crosses into (0 for a whole text). The same float additions
        /// then give the segments spm finds there.
        @discardableResult
        func encode(_ text: UnsafeBufferPointer<UInt8>, seed: Float = 0, nodes: inout [Node],
                    into out: inout [(Int, Int, Int32)]) -> Viterbi {
            var result = Viterbi(seed: seed, end: seed)
            let size = text.count
            if size == 0 { return result }
            // spm: `min_score() - kUnkPenalty` in float.
            let unkScore: Float = minScore - 10.0
            let bound = Unigram.rescaleBound
            nodes.removeAll(keepingCapacity: true)
            nodes.append(contentsOf: repeatElement(Node(), count: size + 1))
            nodes.withUnsafeMutableBufferPointer { best in
                best[0].score = seed
                scores.withUnsafeBufferPointer { scores in
                    types.withUnsafeBufferPointer { types in
                        @inline(__always) func offer(_ end: Int, _ candidate: Float, _ start: Int, _ id: Int32) {
                            if best[end].start == -1 || candidate > best[end].score {
                                if best[end].start != -1 { best[end].second = best[end].score }
                                best[end].score = candidate
                                best[end].start = Int32(start)
                                best[end].id = id
                            } else if candidate > best[end].second {
                                best[end].second = candidate
                            }
                        }
                        var startsAt = 0
                        // The furthest end position any candidate has reached.
                        var maxEnd = 0
                        while startsAt < size {
                            var tillHere = best[startsAt].score
                            if tillHere < -bound || tillHere > bound {
                                var c = startsAt
                                while c <= maxEnd {
                                    if c == startsAt || best[c].start != -1 { best[c].score -= tillHere }
                                    c += 1
                                }
                                tillHere = 0
                                result.robust = false
                            }
                            result.characters += 1
                            let mblen = Swift.min(UTF8Text.oneCharLen(text[startsAt]), size - startsAt)
                            var hasSingleNode = false
                            trie.forEachPrefix(text, from: startsAt) { length, id in
                                let t = types[Int(id)]
                                if t == .unused { return }
                                let end = startsAt + length
                                if end > maxEnd { maxEnd = end }
                                let score = t == .userDefined ? Unigram.userDefinedScore(length: length) : scores[Int(id)]
                                offer(end, score + tillHere, startsAt, id)
                                if length == mblen { hasSingleNode = true }
                            }
                            if !hasSingleNode {
                                let end = startsAt + mblen
                                offer(end, unkScore + tillHere, startsAt, unkId)
                                if end > maxEnd { maxEnd = end }
                            }
                            startsAt += mblen
                        }
                    }
                }
                var maxAbs: Float = 0
                for e in 1...size where best[e].start != -1 {
                    let d = abs(best[e].score - seed)
                    if !d.isFinite { result.robust = false }
                    maxAbs = Swift.max(maxAbs, d)
                }
                result.maxAbsValue = maxAbs
                result.end = best[size].score
                let first = out.count
                var endsAt = size
                while endsAt > 0 {
                    let n = best[endsAt]
                    let margin = n.score - n.second
                    if margin.isNaN { result.robust = false }
                    result.margin = Swift.min(result.margin, margin)
                    out.append((Int(n.start), endsAt, n.id))
                    endsAt = Int(n.start)
                }
                out[first...].reverse()
            }
            return result
        }
    }
}

extension UTF8Text {
    /// spm's `OneCharLen`: the sequence length by the lead byte's high nibble (1 for continuation bytes).
    @inline(__always)
    static func oneCharLen(_ b: UInt8) -> Int {
        switch b >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}
