#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-size buffer of trivial values for large tables probed at random (merge pairs, piece
/// caches). Text never seen before turns nearly every probe into a TLB miss with 4 KB pages, and
/// under a hypervisor each miss walks two page tables; on Linux the buffer asks for 2 MB pages
/// (`MADV_HUGEPAGE`, honoured when transparent huge pages are set to `madvise` or `always`), so
/// a few TLB entries cover a whole table. Elsewhere, or when refused, it is ordinary memory.
///
/// A reference type: a struct holding one copies it before writing when it is shared
/// (`isKnownUniquelyReferenced`), to keep value semantics.
final class HugePageBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: written only through a uniquely referenced buffer (see above), read otherwise.
    let base: UnsafeMutablePointer<Element>
    let count: Int
    /// From posix_memalign (freed with free), else from `allocate` (deallocated).
    private let aligned: Bool

    /// Tables smaller than this stay on ordinary pages (a 2 MB page would mostly be waste).
    static var hugeThreshold: Int { 1 << 20 }
    static var hugePage: Int { 2 << 20 }

    init(repeating value: Element, count: Int) {
        self.count = count
        (base, aligned) = HugePageBuffer.allocate(count)
        base.initialize(repeating: value, count: count)
    }

    /// A copy of `other`'s elements.
    init(copying other: HugePageBuffer<Element>) {
        count = other.count
        (base, aligned) = HugePageBuffer.allocate(count)
        base.initialize(from: other.base, count: count)
    }

    private static func allocate(_ count: Int) -> (UnsafeMutablePointer<Element>, Bool) {
        #if os(Linux)
        let bytes = count * MemoryLayout<Element>.stride
        if bytes >= hugeThreshold {
            let rounded = (bytes + hugePage - 1) / hugePage * hugePage
            var p: UnsafeMutableRawPointer?
            if posix_memalign(&p, hugePage, rounded) == 0, let p {
                _ = madvise(p, rounded, Int32(MADV_HUGEPAGE))
                return (p.bindMemory(to: Element.self, capacity: count), true)
            }
        }
        #endif
        return (UnsafeMutablePointer<Element>.allocate(capacity: Swift.max(1, count)), false)
    }

    deinit {
        if aligned { free(base) } else { base.deallocate() }
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }
}
