/// The state of Unigram EM training: the current pieces in order (the order decides which pieces
/// the final vocabulary keeps, as in `tokenizers`), their scores, and the steps that update them.
///
/// Every step is deterministic whatever the thread count: words are cut into fixed chunks,
/// per-occurrence results land in fixed slots and are summed in corpus order; integer counts
/// (Viterbi frequencies) are summed exactly.
struct UnigramEM {
    var corpus: UnigramCorpus
    /// The current pieces (seed ids); `order[0]` is the internal unknown piece.
    var order: [Int]
    /// Score of every seed id (meaningful for live pieces).
    var score: [Double]
    /// Whether each seed id is a current piece (never true for 0, which lattices model as unknown).
    var alive: [Bool]
    var minScore: Double = 0
    let threads: Int
    static let chunk = 256

    init(corpus: UnigramCorpus, threads: Int) {
        self.corpus = corpus
        self.threads = threads
        order = Array(0..<corpus.seedScores.count)
        score = corpus.seedScores
        alive = [Bool](repeating: true, count: order.count)
        alive[0] = false
        refresh()
    }

    /// Recomputes the minimum score (the unknown piece scores 10 below it), as a model rebuild does.
    mutating func refresh() {
        var m = Double.infinity
        for id in order.dropFirst() where score[id] < m { m = score[id] }
        minScore = m
        for i in alive.indices { alive[i] = false }
        for id in order.dropFirst() { alive[id] = true }
    }

    var chunkCount: Int { (corpus.wordCount + Self.chunk - 1) / Self.chunk }

    // MARK: E-step

    /// The expected count of every seed id under the current model (forward-backward on every word).
    func expectedCounts() -> [Double] {
        let occCount = corpus.occurrences.count
        let marginals = SharedBuffer<Double>(repeating: 0, count: occCount)
        let unkScore = minScore - 10
        let corpus = self.corpus, score = self.score, alive = self.alive
        let nWords = corpus.wordCount
        Parallel.forEach(chunkCount, threads: threads) { c in
            var alpha: [Double] = []
            var beta: [Double] = []
            corpus.occurrences.withUnsafeBufferPointer { occ in
                score.withUnsafeBufferPointer { sc in
                    alive.withUnsafeBufferPointer { live in
                        for w in (c * Self.chunk)..<Swift.min(nWords, (c + 1) * Self.chunk) {
                            let len = corpus.wordLength(w)
                            if alpha.count < len + 1 {
                                alpha = [Double](repeating: 0, count: len + 1)
                                beta = alpha
                            }
                            let lo = corpus.occStart[w], hi = corpus.occStart[w + 1]
                            @inline(__always) func nodeScore(_ o: UnigramCorpus.Occurrence) -> Double? {
                                if live[Int(o.piece)] { return sc[Int(o.piece)] }
                                return o.len == 1 ? unkScore : nil
                            }
                            for p in 0...len { alpha[p] = -.infinity; beta[p] = -.infinity }
                            alpha[0] = 0
                            beta[len] = 0
                            for i in lo..<hi {
                                let o = occ[i]
                                guard let s = nodeScore(o) else { continue }
                                let st = Int(o.start), e = st + Int(o.len)
                                alpha[e] = UnigramMath.logSumExp(alpha[e], s + alpha[st])
                            }
                            // Backward, start groups from the end, each in (len) order with an
                            // unknown node last, as the lattice lists nodes beginning at a position.
                            var g = hi
                            while g > lo {
                                var first = g - 1
                                let st = occ[first].start
                                while first > lo, occ[first - 1].start == st { first -= 1 }
                                var b = beta[Int(st)]
                                var unk: Double? = nil
                                for i in first..<g {
                                    let o = occ[i]
                                    let e = Int(o.start) + Int(o.len)
                                    if o.len == 1, !live[Int(o.piece)] { unk = unkScore + beta[e]; continue }
                                    guard let s = nodeScore(o) else { continue }
                                    b = UnigramMath.logSumExp(b, s + beta[e])
                                }
                                if let unk { b = UnigramMath.logSumExp(b, unk) }
                                beta[Int(st)] = b
                                g = first
                            }
                            let z = alpha[len]
                            let freq = corpus.counts[w]
                            for i in lo..<hi {
                                let o = occ[i]
                                guard live[Int(o.piece)] else { continue }
                                let st = Int(o.start), e = st + Int(o.len)
                                marginals[i] = freq * UnigramMath.exp(alpha[st] + sc[Int(o.piece)] + beta[e] - z)
                            }
                        }
                    }
                }
            }
        }
        var expected = [Double](repeating: 0, count: score.count)
        corpus.occurrences.withUnsafeBufferPointer { occ in
            for i in 0..<occCount where marginals[i] != 0 { expected[Int(occ[i].piece)] += marginals[i] }
        }
        return expected
    }

    // MARK: M-step

    /// Keeps pieces expected at least 0.5 times and scores them by the Bayesian (digamma) update.
    mutating func maximize(_ expected: [Double]) {
        var kept: [Int] = [0]
        var sum = 0.0
        for id in order.dropFirst() where expected[id] >= 0.5 {
            kept.append(id)
            sum += expected[id]
        }
        let logSum = UnigramMath.digamma(sum)
        for id in kept.dropFirst() { score[id] = UnigramMath.digamma(expected[id]) - logSum }
        order = kept
        refresh()
    }

    // MARK: Pruning

    /// Best segmentation of word `w`'s span `[from, to)` (symbols) under the current model; skips the
    /// node `exclude` (occurrence index). Returns the score and the piece ids (0 = unknown), or nil.
    func viterbi(word w: Int, from: Int, to: Int, excluding exclude: Int, occ: UnsafeBufferPointer<UnigramCorpus.Occurrence>,
                 best: inout [Double], back: inout [Int], path: inout [UInt32]) -> Double? {
        let n = to - from
        if best.count < n + 1 {
            best = [Double](repeating: 0, count: n + 1)
            back = [Int](repeating: 0, count: n + 1)
        }
        for p in 0...n { back[p] = -1 }
        best[0] = 0
        let unkScore = minScore - 10
        var lo = corpus.occStart[w], hi = corpus.occStart[w + 1]
        if from > 0 {
            // First occurrence starting at or after `from`.
            var a = lo, b = hi
            while a < b { let m = (a + b) / 2; if Int(occ[m].start) < from { a = m + 1 } else { b = m } }
            lo = a
        }
        for i in lo..<hi {
            let o = occ[i]
            let st = Int(o.start) - from
            if st >= n { hi = i; break }
            let e = st + Int(o.len)
            if e > n || i == exclude || back[st] < 0 && st > 0 { continue }
            let s: Double
            if alive[Int(o.piece)] { s = score[Int(o.piece)] } else if o.len == 1 { s = unkScore } else { continue }
            let cand = best[st] + s
            if back[e] < 0 || cand > best[e] { best[e] = cand; back[e] = i }
        }
        if back[n] < 0 { return nil }
        path.removeAll(keepingCapacity: true)
        var p = n
        while p > 0 {
            let o = occ[back[p]]
            path.append(alive[Int(o.piece)] ? o.piece : 0)
            p = Int(o.start) - from
        }
        path.reverse()
        return best[n]
    }

    /// Removes the pieces whose loss of likelihood, if they were replaced by their second-best
    /// segmentation, is smallest, keeping `max(desired, shrinkingFactor × size)` pieces.
    mutating func prune(desiredSize: Int, shrinkingFactor: Double, sentencePieceLoss: Bool = false) {
        let pieceCount = order.count
        let nWords = corpus.wordCount
        let me = self

        // Viterbi frequencies over the corpus (integer counts: exact, order-free sums).
        let workers = Parallel.workerCount(chunkCount, threads: threads)
        let perWorker = SharedBuffer<[UInt64]>(repeating: [], count: workers)
        for k in 0..<workers { perWorker[k] = [UInt64](repeating: 0, count: score.count) }
        Parallel.forEach(chunkCount, threads: threads) { worker, c in
            var best: [Double] = [], back: [Int] = [], path: [UInt32] = []
            var local = perWorker[worker]
            perWorker[worker] = []
            me.corpus.occurrences.withUnsafeBufferPointer { occ in
                for w in (c * Self.chunk)..<Swift.min(nWords, (c + 1) * Self.chunk) {
                    guard me.viterbi(word: w, from: 0, to: me.corpus.wordLength(w), excluding: -1, occ: occ,
                                     best: &best, back: &back, path: &path) != nil else { continue }
                    let count = me.corpus.rawCounts[w]
                    for id in path { local[Int(id)] &+= count }
                }
            }
            perWorker[worker] = local
        }
        var freq = [Double](repeating: 0, count: score.count)
        var counts = [UInt64](repeating: 0, count: score.count)
        for k in 0..<workers {
            let a = perWorker[k]
            for i in 0..<a.count { counts[i] &+= a[i] }
        }
        for i in 0..<counts.count { freq[i] = Double(counts[i]) }

        // Second-best segmentation of every piece (its alternatives when removed).
        let altStart = SharedBuffer<Int>(repeating: 0, count: pieceCount + 1)
        var acc = 0
        for k in 0..<pieceCount { altStart[k] = acc; acc += corpus.pieceLength[order[k]] }
        altStart[pieceCount] = acc
        let alts = SharedBuffer<UInt32>(repeating: 0, count: acc)
        let altCount = SharedBuffer<Int>(repeating: 0, count: pieceCount)
        let keepFlag = SharedBuffer<Bool>(repeating: true, count: pieceCount)
        let pieceChunks = (pieceCount + 1023) / 1024
        Parallel.forEach(pieceChunks, threads: threads) { c in
            var best: [Double] = [], back: [Int] = [], path: [UInt32] = []
            me.corpus.occurrences.withUnsafeBufferPointer { occ in
                for k in (c * 1024)..<Swift.min(pieceCount, (c + 1) * 1024) where k > 0 {
                    let id = me.order[k]
                    let len = me.corpus.pieceLength[id]
                    if len == 1 { continue }  // a single character: the only path; kept, no alternatives
                    let pos = me.corpus.piecePosition[id]
                    // The word holding the piece's representative occurrence.
                    var a = 0, b = nWords
                    while b - a > 1 { let m = (a + b) / 2; if me.corpus.wordStart[m] <= pos { a = m } else { b = m } }
                    let w = a
                    let from = pos - me.corpus.wordStart[w]
                    // The full-span node of this piece.
                    var full = -1
                    for i in me.corpus.occStart[w]..<me.corpus.occStart[w + 1] {
                        let o = occ[i]
                        if Int(o.start) == from, Int(o.len) == len, Int(o.piece) == id { full = i; break }
                    }
                    guard let alt = me.viterbi(word: w, from: from, to: from + len, excluding: full, occ: occ,
                                               best: &best, back: &back, path: &path) else { continue }
                    if alt > me.score[id] {
                        keepFlag[k] = false  // the piece is not its own best segmentation
                        continue
                    }
                    let base = altStart[k]
                    for (j, p) in path.enumerated() { alts[base + j] = p }
                    altCount[k] = path.count
                }
            }
        }

        var total = 0.0
        for id in order { total += freq[id] }
        let logSum = UnigramMath.log(total)
        let vsum = corpus.counts.reduce(0, +)
        var newOrder: [Int] = [0]
        var candidates: [(k: Int, loss: Double)] = []
        for k in 1..<pieceCount {
            let id = order[k]
            if freq[id] == 0 && !keepFlag[k] { continue }
            if altCount[k] == 0 { newOrder.append(id); continue }
            let f = freq[id]
            if f == 0 || f.isNaN { continue }
            let logProbPiece = UnigramMath.log(freq[id]) - logSum
            // Removing the piece moves its frequency to each alternative: SentencePiece adds
            // freq × (alternatives − 1) to the total; `tokenizers` adds freq × (pieces − 1).
            let spread = sentencePieceLoss ? altCount[k] - 1 : pieceCount - 1
            let logSumAlt = UnigramMath.log(total + freq[id] * Double(spread))
            var logProbAlt = 0.0
            for j in 0..<altCount[k] {
                let n = Int(alts[altStart[k] + j])
                logProbAlt += UnigramMath.log(freq[n] + freq[id]) - logSumAlt
            }
            candidates.append((k, (f / vsum) * (logProbPiece - logProbAlt)))
        }
        let prunedSize = Swift.max(desiredSize, Int(Double(pieceCount) * shrinkingFactor))
        candidates.sort { $0.loss != $1.loss ? $0.loss > $1.loss : $0.k < $1.k }
        for c in candidates {
            if newOrder.count == prunedSize { break }
            newOrder.append(order[c.k])
        }
        order = newOrder
        refresh()
        corpus.compact(alive: alive)
    }
}
