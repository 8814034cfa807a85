// This module is compiled for AVX-512 (Package.swift: -target-cpu skylake-avx512). Nothing here may run
// unless the CPU has AVX-512F: SwiftTokEmbed checks that at run time before calling in. The functions
// are deliberately not @inlinable, so their bodies are never compiled into the portable module.
#if arch(x86_64)

typealias V16 = SIMD16<Float>

/// `C = A · Bᵀ` over panels of 16 columns of `b` (`k × 16` floats each, see `PackedMatrix`):
/// the same contract as `Kernels.matmul`, with a 12 × 16 register tile and fused multiply-adds.
public func embedMatmulAVX512(_ a: UnsafePointer<Float>, lda: Int, m: Int, _ b: UnsafePointer<Float>, k: Int, bRows: Int,
                              panels: Range<Int>, into c: UnsafeMutablePointer<Float>, ldc: Int, rowBlock: Int) {
    var i0 = 0
    while i0 < m {
        let i1 = Swift.min(m, i0 + rowBlock)
        for panel in panels {
            let bp = b + panel * k * 16
            let col = (panel - panels.lowerBound) * 16
            let width = Swift.min(16, bRows - panel * 16)
            var i = i0
            while i + 12 <= i1 {
                tile12(a + i * lda, lda: lda, bp, k: k, c + i * ldc + col, ldc: ldc, width: width)
                i += 12
            }
            while i < i1 {
                var acc = V16()
                let ai = a + i * lda
                for p in 0..<k { acc.addProduct(V16(repeating: ai[p]), UnsafeRawPointer(bp + p * 16).loadUnaligned(as: V16.self)) }
                store(acc, c + i * ldc + col, width: width)
                i += 1
            }
        }
        i0 = i1
    }
}

@inline(__always)
func store(_ v: V16, _ c: UnsafeMutablePointer<Float>, width: Int) {
    if width == 16 {
        UnsafeMutableRawPointer(c).storeBytes(of: v, as: V16.self)
    } else {
        for l in 0..<width { c[l] = v[l] }
    }
}

@inline(__always)
func tile12(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, k: Int,
            _ c: UnsafeMutablePointer<Float>, ldc: Int, width: Int) {
    var c0 = V16(), c1 = V16(), c2 = V16(), c3 = V16(), c4 = V16(), c5 = V16()
    var c6 = V16(), c7 = V16(), c8 = V16(), c9 = V16(), c10 = V16(), c11 = V16()
    for p in 0..<k {
        let bv = UnsafeRawPointer(b + p * 16).loadUnaligned(as: V16.self)
        let ap = a + p
        c0.addProduct(V16(repeating: ap[0]), bv)
        c1.addProduct(V16(repeating: ap[lda]), bv)
        c2.addProduct(V16(repeating: ap[2 * lda]), bv)
        c3.addProduct(V16(repeating: ap[3 * lda]), bv)
        c4.addProduct(V16(repeating: ap[4 * lda]), bv)
        c5.addProduct(V16(repeating: ap[5 * lda]), bv)
        c6.addProduct(V16(repeating: ap[6 * lda]), bv)
        c7.addProduct(V16(repeating: ap[7 * lda]), bv)
        c8.addProduct(V16(repeating: ap[8 * lda]), bv)
        c9.addProduct(V16(repeating: ap[9 * lda]), bv)
        c10.addProduct(V16(repeating: ap[10 * lda]), bv)
        c11.addProduct(V16(repeating: ap[11 * lda]), bv)
    }
    store(c0, c, width: width); store(c1, c + ldc, width: width); store(c2, c + 2 * ldc, width: width)
    store(c3, c + 3 * ldc, width: width); store(c4, c + 4 * ldc, width: width); store(c5, c + 5 * ldc, width: width)
    store(c6, c + 6 * ldc, width: width); store(c7, c + 7 * ldc, width: width); store(c8, c + 8 * ldc, width: width)
    store(c9, c + 9 * ldc, width: width); store(c10, c + 10 * ldc, width: width); store(c11, c + 11 * ldc, width: width)
}

#endif
