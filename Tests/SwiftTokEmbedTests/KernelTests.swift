import Testing
@testable import SwiftTokEmbed

/// The blocked SIMD kernel and the nearest-row search against their plain reference loops.
struct KernelTests {
    @Test(arguments: [(1, 1, 1), (6, 8, 16), (13, 19, 37), (61, 9, 384), (7, 130, 5), (120, 33, 64), (125, 47, 100)])
    func fastMatmulMatchesReference(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = EmbedTestSupport.randomFloats(m * k, seed: UInt64(m * 1000 + k))
        let b = EmbedTestSupport.randomFloats(n * k, seed: UInt64(n * 7 + 3))
        let reference = Kernels.matmulReference(a, b, m: m, n: n, k: k)
        // Every kernel this machine can run (the AVX-512 one only where the CPU has it).
        for variant in Kernels.available {
            let packed = PackedMatrix(b, rows: n, cols: k, variant: variant)
            #expect(packed.variant == variant)
            let fast = Kernels.matmul(a, m: m, packed)
            #expect(fast.count == m * n)
            // Same products, another summation order: equal to float32 rounding (|terms| ≤ 1).
            #expect(EmbedTestSupport.maxAbsDiff(fast, reference) <= 1e-5 * Double(k), "\(variant)")
        }
    }

    @Test func kernelChoice() {
        print("matmul kernels on this machine: \(Kernels.available.map(\.rawValue)), using \(Kernels.best.rawValue)")
        #expect(Kernels.available.contains(.portable))
        #expect(Kernels.available.contains(Kernels.best))
    }

    @Test func nearestRowsMatchesBruteForce() throws {
        let rows = 1037, dim = 24
        var table = EmbedTestSupport.randomFloats(rows * dim, seed: 42)
        // Row 5 is an exact copy of row 900: a collision the search must report as a tie.
        for c in 0..<dim { table[5 * dim + c] = table[900 * dim + c] }
        let index = try NearestRows(table: table, rows: rows, dim: dim)
        let queries = EmbedTestSupport.randomFloats(250 * dim, seed: 7) + Array(table[(900 * dim)..<(901 * dim)])
        let found = try index.nearest(queries, threads: 2)
        for q in 0..<(queries.count / dim) {
            var best = (Double.infinity, -1)
            for r in 0..<rows {
                var d = 0.0
                for c in 0..<dim { let x = Double(queries[q * dim + c]) - Double(table[r * dim + c]); d += x * x }
                if d < best.0 { best = (d, r) }
            }
            #expect(found[q].distance == best.0)
            #expect(found[q].nearest == best.1 || found[q].distance == found[q].secondDistance)
        }
        let tie = found[found.count - 1]
        #expect(tie.distance == 0 && tie.secondDistance == 0)
        #expect(Set([tie.nearest, tie.second]) == [5, 900])
        // Every row of a table without duplicates finds itself.
        let own = try index.nearest(rowsAt: Array(0..<rows).filter { $0 != 5 && $0 != 900 }, threads: 1)
        #expect(zip(own, Array(0..<rows).filter { $0 != 5 && $0 != 900 }).allSatisfy { $0.nearest == $1 && $0.distance == 0 })
    }
}
