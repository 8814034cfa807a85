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

        /// Best-path node ending at a byte position.
        struct Node {
            var id: Int32 = -1
            var score: Float = 0
            var start: Int32 = -1
        }

        /// Appends (start, end, id) of the best segmentation of `text` to `out`, in order.
        func encode(_ text: UnsafeBufferPointer<UInt8>, nodes: inout [Node], into out: inout [(Int, Int, Int32)]) {
            let size = text.count
            if size == 0 { return }
            // spm: `min_score() - kUnkPenalty` in float.
            let unkScore: Float = minScore - 10.0
            nodes.removeAll(keepingCapacity: true)
            nodes.append(contentsOf: repeatElement(Node(), count: size + 1))
            nodes.withUnsafeMutableBufferPointer { best in
                scores.withUnsafeBufferPointer { scores in
                    types.withUnsafeBufferPointer { types in
                        var startsAt = 0
                        while startsAt < size {
                            let tillHere = best[startsAt].score
                            let mblen = Swift.min(UTF8Text.oneCharLen(text[startsAt]), size - startsAt)
                            var hasSingleNode = false
                            trie.forEachPrefix(text, from: startsAt) { length, id in
                                let t = types[Int(id)]
                                if t == .unused { return }
                                // sentencepiece 0.2.3 (the PyPI build) keeps path scores in float and
                                // scores a user-defined piece by its stored score like any other: its
                                // source's `length * max_score - 0.1` in double disagrees with it on
                                // ties (found on albert's runs of '-' and '!'), float sums agree.
                                let candidate: Float = scores[Int(id)] + tillHere
                                let end = startsAt + length
                                if best[end].start == -1 || candidate > best[end].score {
                                    best[end].score = candidate
                                    best[end].start = Int32(startsAt)
                                    best[end].id = id
                                }
                                if length == mblen { hasSingleNode = true }
                            }
                            if !hasSingleNode {
                                let end = startsAt + mblen
                                let candidate: Float = unkScore + tillHere
                                if best[end].start == -1 || candidate > best[end].score {
                                    best[end].score = candidate
                                    best[end].start = Int32(startsAt)
                                    best[end].id = unkId
                                }
                            }
                            startsAt += mblen
                        }
                    }
                }
                let first = out.count
                var endsAt = size
                while endsAt > 0 {
                    let n = best[endsAt]
                    out.append((Int(n.start), endsAt, n.id))
                    endsAt = Int(n.start)
                }
                out[first...].reverse()
            }
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
