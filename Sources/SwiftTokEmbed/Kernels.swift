/// Dense float kernels for the encoder: `C = A · Bᵀ` with `B` stored row by row as PyTorch stores
/// a linear layer's weight (`[out, in]`) or an embedding table (`[rows, dim]`).
///
/// `Kernels.matmulReference` is the plain triple loop; `Kernels.matmul` is the blocked SIMD version
/// over a `PackedMatrix` (the two are tested against each other). The fast kernel is portable Swift
/// SIMD (no CPU-specific flags): a 6 × 8 register tile, `B` packed into panels of 8 columns so the
/// inner loop reads contiguous memory, rows of `A` taken in blocks that stay in cache.
public enum Kernels {
    /// `c[i*n + j] = Σ_k a[i*k + p] · b[j*k + p]` for `a` `[m, k]` and `b` `[n, k]`: the reference.
    public static func matmulReference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += a[i * k + p] * b[j * k + p] }
                c[i * n + j] = s
            }
        }
        return c
    }

    /// `A · Bᵀ` with the fast kernel, as a new `[m, b.rows]` array.
    public static func matmul(_ a: [Float], m: Int, _ b: PackedMatrix) -> [Float] {
        precondition(a.count == m * b.cols, "matmul: a has \(a.count) elements, expected \(m) × \(b.cols)")
        var c = [Float](repeating: 0, count: m * b.rows)
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeMutableBufferPointer { cp in
                // Safe: both buffers are non-empty whenever m > 0 and the sizes are checked above.
                if m > 0 && b.rows > 0 { matmul(ap.baseAddress!, lda: b.cols, m: m, b, panels: 0..<b.panelCount, into: cp.baseAddress!, ldc: b.rows) }
            }
        }
        return c
    }

    typealias V = SIMD8<Float>
    static let panelWidth = 8
    static let tileRows = 6
    static let rowBlock = 60

    /// `C[i, j] = A[i, :] · B[j, :]` for rows `0..<m` of `a` (row stride `lda`) and the columns of
    /// panels `panels` of `b`; column `panels.lowerBound * 8` lands at `c[i * ldc + 0]`. Columns past
    /// `b.rows` (panel padding) are not written.
    static func matmul(_ a: UnsafePointer<Float>, lda: Int, m: Int, _ b: PackedMatrix, panels: Range<Int>,
                       into c: UnsafeMutablePointer<Float>, ldc: Int) {
        let k = b.cols
        b.storage.withUnsafeBufferPointer { bs in
            guard let bBase = bs.baseAddress else { return }
            var i0 = 0
            while i0 < m {
                let i1 = Swift.min(m, i0 + rowBlock)
                for panel in panels {
                    let bp = bBase + panel * k * panelWidth
                    let col = (panel - panels.lowerBound) * panelWidth
                    let width = Swift.min(panelWidth, b.rows - panel * panelWidth)
                    var i = i0
                    while i + tileRows <= i1 {
                        tile6(a + i * lda, lda: lda, bp, k: k, c + i * ldc + col, ldc: ldc, width: width)
                        i += tileRows
                    }
                    while i < i1 {
                        tile1(a + i * lda, bp, k: k, c + i * ldc + col, width: width)
                        i += 1
                    }
                }
                i0 = i1
            }
        }
    }

    @inline(__always)
    static func store(_ v: V, _ c: UnsafeMutablePointer<Float>, width: Int) {
        if width == panelWidth {
            UnsafeMutableRawPointer(c).storeBytes(of: v, as: V.self)
        } else {
            for l in 0..<width { c[l] = v[l] }
        }
    }

    /// Six rows of `A` against one panel: 6 × 8 accumulators (12 SSE registers), one panel load per step.
    @inline(__always)
    static func tile6(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, k: Int,
                      _ c: UnsafeMutablePointer<Float>, ldc: Int, width: Int) {
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        let a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda
        for p in 0..<k {
            let bv = UnsafeRawPointer(b + p * panelWidth).loadUnaligned(as: V.self)
            c0 += V(repeating: a0[p]) * bv
            c1 += V(repeating: a1[p]) * bv
            c2 += V(repeating: a2[p]) * bv
            c3 += V(repeating: a3[p]) * bv
            c4 += V(repeating: a4[p]) * bv
            c5 += V(repeating: a5[p]) * bv
        }
        store(c0, c, width: width)
        store(c1, c + ldc, width: width)
        store(c2, c + 2 * ldc, width: width)
        store(c3, c + 3 * ldc, width: width)
        store(c4, c + 4 * ldc, width: width)
        store(c5, c + 5 * ldc, width: width)
    }

    @inline(__always)
    static func tile1(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, k: Int, _ c: UnsafeMutablePointer<Float>, width: Int) {
        var c0 = V()
        for p in 0..<k {
            c0 += V(repeating: a[p]) * UnsafeRawPointer(b + p * panelWidth).loadUnaligned(as: V.self)
        }
        store(c0, c, width: width)
    }
}

/// A `[rows, cols]` row-major matrix repacked for `Kernels.matmul`: panels of 8 rows, each stored
/// column by column (`panel[p][0..<8]` = rows `8·panel ..< 8·panel+8` at column `p`), zero-padded.
public struct PackedMatrix: Sendable {
    public let rows: Int
    public let cols: Int
    let storage: [Float]

    var panelCount: Int { (rows + Kernels.panelWidth - 1) / Kernels.panelWidth }

    /// Packs `values` (`rows × cols`, row-major).
    public init(_ values: [Float], rows: Int, cols: Int) {
        precondition(values.count == rows * cols, "PackedMatrix: \(values.count) values for \(rows) × \(cols)")
        self.rows = rows
        self.cols = cols
        let w = Kernels.panelWidth
        let panels = (rows + w - 1) / w
        var s = [Float](repeating: 0, count: panels * cols * w)
        for r in 0..<rows {
            let panel = r / w, lane = r % w
            let base = panel * cols * w + lane
            for p in 0..<cols { s[base + p * w] = values[r * cols + p] }
        }
        storage = s
    }
}
