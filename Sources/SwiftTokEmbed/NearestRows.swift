import Dispatch
import SwiftTok

/// Exact nearest-row search (Euclidean) in an embedding table, for token → embedding round trips.
///
/// For a query `q` the nearest row maximizes `q·e_j − ½‖e_j‖²`; the scores come from the blocked
/// SIMD kernel, and the best two candidates are then re-measured exactly in Double, so the reported
/// distances (and the margin between them) do not depend on float32 rounding.
public struct NearestRows: Sendable {
    public let rows: Int
    public let dim: Int
    let table: [Float]
    let packed: PackedMatrix
    let halfNorms: [Float]

    /// One query's answer.
    public struct Match: Sendable, Equatable {
        /// The nearest row (the lowest index among exact ties).
        public var nearest: Int
        /// Squared Euclidean distance to it (exact, Double).
        public var distance: Double
        /// The runner-up row and its squared distance.
        public var second: Int
        public var secondDistance: Double
    }

    /// Indexes `table` (`rows × dim`, row-major).
    public init(table: [Float], rows: Int, dim: Int) throws {
        guard rows >= 2, dim > 0, table.count == rows * dim else {
            throw TokenizerError(.invalidArgument, "a table of \(table.count) values is not \(rows) × \(dim) with at least 2 rows")
        }
        self.rows = rows
        self.dim = dim
        self.table = table
        packed = PackedMatrix(table, rows: rows, cols: dim)
        halfNorms = (0..<rows).map { r in
            var s: Float = 0
            for c in 0..<dim { s += table[r * dim + c] * table[r * dim + c] }
            return s / 2
        }
    }

    /// The exact squared distance between `query` (at `q`) and row `r`.
    func exactDistance(_ query: UnsafeBufferPointer<Float>, _ q: Int, _ r: Int) -> Double {
        var s: Double = 0
        for c in 0..<dim {
            let d = Double(query[q * dim + c]) - Double(table[r * dim + c])
            s += d * d
        }
        return s
    }

    /// The nearest rows of `queries` (`count × dim`), on up to `threads` threads (0 = all cores).
    public func nearest(_ queries: [Float], threads: Int = 0) throws -> [Match] {
        guard queries.count % dim == 0 else {
            throw TokenizerError(.invalidArgument, "\(queries.count) query values are not a multiple of the dimension \(dim)")
        }
        let n = queries.count / dim
        if n == 0 { return [] }
        let blockRows = 120, blockPanels = 1024 / packed.panelWidth  // 120 queries × 1024 rows of scores per step
        let blocks = (n + blockRows - 1) / blockRows
        let results = MatchSlots(n)
        let this = self
        let work: @Sendable (Int) -> Void = { blk in
            let q0 = blk * blockRows, q1 = Swift.min(n, q0 + blockRows)
            let m = q1 - q0
            var best = [(Float, Int)](repeating: (-.infinity, 0), count: m)
            var second = [(Float, Int)](repeating: (-.infinity, 0), count: m)
            var scores = [Float](repeating: 0, count: m * blockPanels * this.packed.panelWidth)
            let ldc = blockPanels * this.packed.panelWidth
            queries.withUnsafeBufferPointer { qp in
                var p0 = 0
                while p0 < this.packed.panelCount {
                    let p1 = Swift.min(this.packed.panelCount, p0 + blockPanels)
                    scores.withUnsafeMutableBufferPointer { sp in
                        // Safe: qp has n·dim > 0 values and sp m·ldc > 0.
                        Kernels.matmul(qp.baseAddress! + q0 * this.dim, lda: this.dim, m: m, this.packed, panels: p0..<p1,
                                       into: sp.baseAddress!, ldc: ldc)
                    }
                    let c0 = p0 * this.packed.panelWidth, c1 = Swift.min(this.rows, p1 * this.packed.panelWidth)
                    for i in 0..<m {
                        var b = best[i], s = second[i]
                        for c in c0..<c1 {
                            let v = scores[i * ldc + (c - c0)] - this.halfNorms[c]
                            if v > s.0 {
                                if v > b.0 { s = b; b = (v, c) } else { s = (v, c) }
                            }
                        }
                        best[i] = b
                        second[i] = s
                    }
                    p0 = p1
                }
                for i in 0..<m {
                    let q = q0 + i
                    var a = (this.exactDistance(qp, q, best[i].1), best[i].1)
                    var z = (this.exactDistance(qp, q, second[i].1), second[i].1)
                    if z < a { swap(&a, &z) }
                    results.set(q, Match(nearest: a.1, distance: a.0, second: z.1, secondDistance: z.0))
                }
            }
        }
        let workers = Swift.max(1, Swift.min(threads <= 0 ? SentenceEmbedder.coreCount : threads, blocks))
        if workers == 1 {
            for b in 0..<blocks { work(b) }
        } else {
            let next = Counter()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let b = next.take()
                    if b >= blocks { return }
                    work(b)
                }
            }
        }
        return results.values()
    }

    /// The nearest row of each row given by index (gathered from the table).
    public func nearest(rowsAt indices: [Int], threads: Int = 0) throws -> [Match] {
        var q = [Float]()
        q.reserveCapacity(indices.count * dim)
        for r in indices {
            guard r >= 0 && r < rows else { throw TokenizerError(.invalidArgument, "row \(r) is outside 0..<\(rows)") }
            q.append(contentsOf: table[(r * dim)..<((r + 1) * dim)])
        }
        return try nearest(q, threads: threads)
    }
}

final class MatchSlots: @unchecked Sendable {
    // @unchecked: disjoint slots are written by different threads; reads happen after the join.
    private var slots: UnsafeMutableBufferPointer<NearestRows.Match>
    init(_ n: Int) {
        slots = .allocate(capacity: n)
        slots.initialize(repeating: NearestRows.Match(nearest: -1, distance: .infinity, second: -1, secondDistance: .infinity))
    }
    deinit { slots.deallocate() }
    func set(_ i: Int, _ m: NearestRows.Match) { slots[i] = m }
    func values() -> [NearestRows.Match] { Array(slots) }
}
