/// A fixed-size buffer that worker threads write at disjoint indices; read after they have joined.
final class SharedBuffer<T>: @unchecked Sendable {
    // @unchecked: every index is written by one worker at most, and reads happen after the joins.
    let pointer: UnsafeMutableBufferPointer<T>

    init(repeating value: T, count: Int) {
        pointer = .allocate(capacity: Swift.max(count, 1))
        pointer.initialize(repeating: value)
    }

    deinit {
        pointer.deinitialize()
        pointer.deallocate()
    }

    var count: Int { pointer.count }

    subscript(i: Int) -> T {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    func toArray(_ n: Int) -> [T] { Array(pointer[0..<n]) }
}
