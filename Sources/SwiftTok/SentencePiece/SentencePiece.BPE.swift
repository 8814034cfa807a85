extension SentencePiece {
    /// SentencePiece's BPE segmentation (`bpe::Model`): characters (user-defined symbols frozen
    /// whole), then repeatedly the adjacent pair whose concatenation is the best-scored piece
    /// (ties: leftmost); UNUSED pieces are split back into the pair they were merged from.
    struct BPE: Sendable {
        /// NORMAL, USER_DEFINED and UNUSED pieces (spm's `pieces_`), by bytes.
        let pieces: Trie
        let scores: [Float]
        let types: [SentencePieceModelProto.PieceType]
        let userDefined: Trie?

        struct Symbol {
            var prev: Int32
            var next: Int32
            var start: Int32
            var length: Int32
            var frozen: Bool
        }

        struct Pair {
            var score: Float
            var left: Int32
            var right: Int32
            var size: Int32

            /// Heap order: higher score first, then smaller left index.
            @inline(__always)
            static func before(_ a: Pair, _ b: Pair) -> Bool {
                a.score != b.score ? a.score > b.score : a.left < b.left
            }
        }

        /// Scratch reused across calls.
        struct Scratch {
            var symbols: [Symbol] = []
            var heap: [Pair] = []
            /// Draws for BPE-dropout (`encode(..., dropout:)`).
            var rng = SplitMix64(seed: 0)
        }

        /// Appends (start, end) ranges of `text`'s final symbols to `out`, with the piece id when the
        /// symbol is a piece of `pieces_` (nil: look it up among the reserved pieces, else unk).
        /// With `dropout` > 0 each merge is skipped with that probability (spm's `SampleEncode`,
        /// drawing from `scratch.rng`); 1 or more skips them all.
        func encode(_ text: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, into out: inout [(Int, Int, Int32?)], dropout: Double = 0) {
            if text.isEmpty { return }
            var symbols = scratch.symbols
            var heap = scratch.heap
            symbols.removeAll(keepingCapacity: true)
            heap.removeAll(keepingCapacity: true)
            defer { scratch.symbols = symbols; scratch.heap = heap }
            var pos = 0
            while pos < text.count {
                var len = 0
                var frozen = false
                if let ud = userDefined {
                    len = ud.longestPrefix(text, from: pos)
                    frozen = len > 0
                }
                if len == 0 { len = Swift.min(UTF8Text.oneCharLen(text[pos]), text.count - pos) }
                let i = Int32(symbols.count)
                symbols.append(Symbol(prev: i - 1, next: pos + len >= text.count ? -1 : i + 1,
                                      start: Int32(pos), length: Int32(len), frozen: frozen))
                pos += len
            }
            // Unused pieces made by a merge: piece bytes -> (left length) to split them back.
            var revMerge: [[UInt8]: (Int, Int)] = [:]

            func push(_ left: Int32, _ right: Int32) {
                if left < 0 || right < 0 { return }
                let l = symbols[Int(left)], r = symbols[Int(right)]
                if l.frozen || r.frozen { return }
                let range = Int(l.start)..<Int(l.start + l.length + r.length)
                guard let id = pieces.id(UnsafeBufferPointer(rebasing: text[range])) else { return }
                heapPush(&heap, Pair(score: scores[Int(id)], left: left, right: right, size: l.length + r.length))
                if types[Int(id)] == .unused {
                    revMerge[Array(text[range])] = (Int(l.length), Int(r.length))
                }
            }

            for i in 1..<symbols.count { push(Int32(i - 1), Int32(i)) }
            while let top = heapPop(&heap) {
                let l = symbols[Int(top.left)], r = symbols[Int(top.right)]
                if l.length == 0 || r.length == 0 || l.length + r.length != top.size { continue }
                if dropout > 0 && (dropout >= 1 || Double(scratch.rng.next() >> 11) * 0x1p-53 < dropout) { continue }
                symbols[Int(top.left)].length = l.length + r.length
                symbols[Int(top.left)].next = r.next
                if r.next >= 0 { symbols[Int(r.next)].prev = top.left }
                symbols[Int(top.right)].length = 0
                push(symbols[Int(top.left)].prev, top.left)
                push(top.left, symbols[Int(top.left)].next)
            }

            func resegment(_ range: Range<Int>) {
                let piece = UnsafeBufferPointer(rebasing: text[range])
                guard let id = pieces.id(piece) else { out.append((range.lowerBound, range.upperBound, nil)); return }
                if types[Int(id)] != .unused { out.append((range.lowerBound, range.upperBound, id)); return }
                guard let split = revMerge[Array(piece)] else { out.append((range.lowerBound, range.upperBound, id)); return }
                resegment(range.lowerBound..<(range.lowerBound + split.0))
                resegment((range.lowerBound + split.0)..<range.upperBound)
            }
            var index: Int32 = 0
            while index != -1 {
                let s = symbols[Int(index)]
                resegment(Int(s.start)..<Int(s.start + s.length))
                index = s.next
            }
        }

        @inline(__always)
        private func heapPush(_ h: inout [Pair], _ p: Pair) {
            h.append(p)
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if !Pair.before(h[i], h[parent]) { break }
                h.swapAt(i, parent)
                i = parent
            }
        }

        @inline(__always)
        private func heapPop(_ h: inout [Pair]) -> Pair? {
            guard let last = h.popLast() else { return nil }
            if h.isEmpty { return last }
            let top = h[0]
            h[0] = last
            var i = 0
            let n = h.count
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                var c = l
                if l + 1 < n && Pair.before(h[l + 1], h[l]) { c = l + 1 }
                if !Pair.before(h[c], h[i]) { break }
                h.swapAt(i, c)
                i = c
            }
            return top
        }
    }
}
