#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftTok
internal import CSwiftTokSupport
#if arch(x86_64) && canImport(SwiftTokEmbedAVX512)
import SwiftTokEmbedAVX512
#endif

/// Dense float kernels for the encoder: `C = A · Bᵀ` with `B` stored row by row as PyTorch stores
/// a linear layer's weight (`[out, in]`) or an embedding table (`[rows, dim]`).
///
/// `Kernels.matmulReference` is the plain triple loop; `Kernels.matmul` is the blocked SIMD version
/// over a `PackedMatrix` (tested against each other). Two fast kernels: portable Swift SIMD (a 6 × 8
/// register tile, `B` in panels of 8 columns) and, on x86_64 CPUs with AVX-512F (checked at run time),
/// a 12 × 16 tile with fused multiply-adds from the SwiftTokEmbedAVX512 module (panels of 16). Rows of
/// `A` are taken in blocks that stay in cache; panels make the inner loop read contiguous memory.
public enum Kernels {
    /// The fast kernels.
    public enum Variant: String, Sendable, CaseIterable {
        case portable, avx512
    }

    /// The best kernel this CPU runs: AVX-512 when compiled in and the CPU has it, unless the
    /// environment variable SWIFTTOK_EMBED_KERNEL=portable asks for the portable one.
    public static let best: Variant = {
        if let forced = getenv("SWIFTTOK_EMBED_KERNEL").map({ String(cString: $0) }), forced == "portable" { return .portable }
        return available.contains(.avx512) ? .avx512 : .portable
    }()

    /// The kernels this build and CPU can run.
    public static let available: [Variant] = {
        #if arch(x86_64) && canImport(SwiftTokEmbedAVX512)
        if cpuHasAVX512F() { return [.portable, .avx512] }
        #endif
        return [.portable]
    }()

    /// Asked of the CPU (CPUID and XCR0, see `swifttok_cpu_has_avx512f`): /proc/cpuinfo lists the
    /// host's flags even under an emulator that lacks AVX-512 (valgrind then died on the first
    /// AVX-512 instruction).
    static func cpuHasAVX512F() -> Bool { swifttok_cpu_has_avx512f() != 0 }

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

    /// `A · Bᵀ` with the fast kernel `b` was packed for, as a new `[m, b.rows]` array.
    public static func matmul(_ a: [Float], m: Int, _ b: PackedMatrix) -> [Float] {
        precondition(a.count == m * b.cols, "matmul: a has \(a.count) elements, expected \(m) × \(b.cols)")
        var c = [Float](repeating: 0, count: m * b.rows)
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeMutableBufferPointer { cp in
                guard m > 0 && b.rows > 0 && b.cols > 0, let a = ap.baseAddress, let c = cp.baseAddress else { return }  // all zeros
                matmul(a, lda: b.cols, m: m, b, panels: 0..<b.panelCount, into: c, ldc: b.rows)
            }
        }
        return c
    }

    typealias V = SIMD8<Float>
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
            #if arch(x86_64) && canImport(SwiftTokEmbedAVX512)
            if b.variant == .avx512 {
                embedMatmulAVX512(a, lda: lda, m: m, bBase, k: k, bRows: b.rows, panels: panels, into: c, ldc: ldc, rowBlock: 120)
                return
            }
            #endif
            let panelWidth = 8
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
        if width == 8 {
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
            let bv = UnsafeRawPointer(b + p * 8).loadUnaligned(as: V.self)
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
            c0 += V(repeating: a[p]) * UnsafeRawPointer(b + p * 8).loadUnaligned(as: V.self)
        }
        store(c0, c, width: width)
    }
}

/// A `[rows, cols]` row-major matrix repacked for `Kernels.matmul`: panels of `w` rows (8 for the
/// portable kernel, 16 for AVX-512), each stored column by column (`panel[p][0..<w]` = rows
/// `w·panel ..< w·panel+w` at column `p`), zero-padded.
public struct PackedMatrix: Sendable {
    public let rows: Int
    public let cols: Int
    /// The kernel this packing is for.
    public let variant: Kernels.Variant
    let storage: [Float]

    var panelWidth: Int { variant == .avx512 ? 16 : 8 }
    var panelCount: Int { (rows + panelWidth - 1) / panelWidth }

    /// Packs `values` (`rows × cols`, row-major) for `variant` (default: the best this CPU runs).
    public init(_ values: [Float], rows: Int, cols: Int, variant: Kernels.Variant = Kernels.best) {
        precondition(values.count == rows * cols, "PackedMatrix: \(values.count) values for \(rows) × \(cols)")
        self.rows = rows
        self.cols = cols
        self.variant = Kernels.available.contains(variant) ? variant : .portable
        let w = self.variant == .avx512 ? 16 : 8
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
