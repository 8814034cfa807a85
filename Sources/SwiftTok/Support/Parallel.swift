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
        forEach(count, threads: threads) { _, i in body(i) }
    }

    /// The number of workers `forEach` will use for `count` items.
    static func workerCount(_ count: Int, threads: Int) -> Int {
        Swift.max(1, Swift.min(threads <= 0 ? coreCount : threads, count))
    }

    /// Like `forEach`, also passing the worker's index (`0..<workerCount`), for per-worker scratch.
    static func forEach(_ count: Int, threads: Int, _ body: @escaping @Sendable (_ worker: Int, _ index: Int) -> Void) {
        let n = workerCount(count, threads: threads)
        if n <= 1 {
            for i in 0..<count { body(0, i) }
            return
        }
        let job = Job(count: count, body: body)
        var workers: [pthread_t] = []
        for w in 1..<n {
            var t = pthread_t()
            let context = Unmanaged.passRetained(Worker(job: job, index: w)).toOpaque()
            let rc = pthread_create(&t, nil, { raw in
                guard let raw else { return nil }
                let worker = Unmanaged<Worker>.fromOpaque(raw).takeRetainedValue()
                worker.job.run(worker: worker.index)
                return nil
            }, context)
            if rc == 0 { workers.append(t) } else { Unmanaged<Worker>.fromOpaque(context).release() }
        }
        job.run(worker: 0)
        for t in workers { pthread_join(t, nil) }
    }

    final class Job: Sendable {
        let count: Int
        let next = Atomic<Int>(0)
        let body: @Sendable (Int, Int) -> Void

        init(count: Int, body: @escaping @Sendable (Int, Int) -> Void) {
            self.count = count
            self.body = body
        }

        func run(worker: Int) {
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= count { return }
                body(worker, i)
            }
        }
    }

    final class Worker: Sendable {
        let job: Job
        let index: Int
        init(job: Job, index: Int) {
            self.job = job
            self.index = index
        }
    }
}
