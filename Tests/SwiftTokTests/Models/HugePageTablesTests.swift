import Testing
@testable import SwiftTok

/// The tables kept in a `HugePageBuffer` (a shared reference) still behave as values: a copy
/// written to leaves the original alone, at sizes that take the 2 MB page path and below it.
@Suite struct HugePageTablesTests {
    @Test(arguments: [1 << 10, 1 << 17, 1 << 18])
    func cacheCopiesAreIndependent(_ capacity: Int) {
        var a = Models.BPE.Cache(capacity: capacity)
        let x: [UInt8] = Array("▁hello".utf8)
        let y: [UInt8] = Array("▁world".utf8)
        x.withUnsafeBufferPointer { a.insert($0, hash: ByteSliceTable.hash($0), ids: [1, 2]) }
        var b = a
        y.withUnsafeBufferPointer { b.insert($0, hash: ByteSliceTable.hash($0), ids: [3]) }
        a.clear()
        func get(_ c: Models.BPE.Cache, _ k: [UInt8]) -> [UInt32]? {
            var out: [UInt32] = []
            let found = k.withUnsafeBufferPointer { c.lookup($0, hash: ByteSliceTable.hash($0), into: &out) }
            return found ? out : nil
        }
        #expect(get(a, x) == nil && get(a, y) == nil)
        #expect(get(b, x) == [1, 2] && get(b, y) == [3])
    }

    @Test func cacheGrowsPastTheHugeThreshold() {
        // 64 slots doubling to 1 << 17 (2 MB): every piece stays findable across the moves.
        var c = Models.BPE.Cache(capacity: 64, maxCapacity: 1 << 17)
        let keys = (0..<40_000).map { Array("w\($0)".utf8) }
        for (i, k) in keys.enumerated() {
            k.withUnsafeBufferPointer { c.insert($0, hash: ByteSliceTable.hash($0), ids: [UInt32(i)]) }
        }
        var missing = 0
        for (i, k) in keys.enumerated() {
            var out: [UInt32] = []
            let found = k.withUnsafeBufferPointer { c.lookup($0, hash: ByteSliceTable.hash($0), into: &out) }
            if !found || out != [UInt32(i)] { missing += 1 }
        }
        #expect(missing == 0)
    }

    @Test(arguments: [100, 70_000])
    func mergeTableCopiesAreIndependent(_ n: Int) {
        var a = Models.BPE.MergeTable(capacityFor: n)
        for i in 0..<UInt32(n) { a.set(i, i + 1, rank: i, newId: i + 7) }
        var b = a
        b.set(0, 1, rank: 99, newId: 5)
        b.set(UInt32(n) + 10, 3, rank: 1, newId: 2)
        #expect(a.lookup(0, 1) == (0, 7))
        #expect(a.lookup(UInt32(n) + 10, 3).rank == Models.BPE.MergeTable.absent)
        #expect(b.lookup(0, 1) == (99, 5))
        #expect(b.lookup(UInt32(n) + 10, 3) == (1, 2))
        #expect(a.count == n && b.count == n + 1)
        var wrong = 0
        for i in 1..<UInt32(n) where a.lookup(i, i + 1) != (i, i + 7) || b.lookup(i, i + 1) != (i, i + 7) { wrong += 1 }
        #expect(wrong == 0)
    }

    @Test func vocabularyOnHugePagesFindsEveryToken() {
        // 40,000 tokens: a 1 << 17-slot table (2 MB), past the threshold.
        let entries = (0..<40_000).map { ("t\($0)▁", UInt32($0)) }
        let v = Models.Vocabulary(entries)
        var wrong = 0
        for (t, id) in entries where v.id(t) != id { wrong += 1 }
        #expect(wrong == 0)
        #expect(v.id("t40000▁") == nil)
    }
}
