#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Runs work on a number of threads chosen per call: no global pool, so it is safe after fork.
enum Parallel {
    /// The number of online cores.
    static var coreCount: Int { Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Calls `body(i)` for every `i` in `0..<count`, on up to `threads` threads (0 = all cores).
    /// Work is handed out in order through a shared counter.
    static func forEach(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let n = Swift.min(threads <= 0 ? coreCount : threads, count)
        if n <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        let job = Job(count: count, body: body)
        var workers: [pthread_t] = []
        for _ in 1..<n {
            var t = pthread_t()
            let context = Unmanaged.passRetained(job).toOpaque()
            let rc = pthread_create(&t, nil, { raw in
                guard let raw else { return nil }
                Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, context)
            if rc == 0 { workers.append(t) } else { Unmanaged<Job>.fromOpaque(context).release() }
        }
        job.run()
        for t in workers { pthread_join(t, nil) }
    }

    final class Job: Sendable {
        let count: Int
        let next = Atomic<Int>(0)
        let body: @Sendable (Int) -> Void

        init(count: Int, body: @escaping @Sendable (Int) -> Void) {
            self.count = count
            self.body = body
        }

        func run() {
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= count { return }
                body(i)
            }
        }
    }
}
