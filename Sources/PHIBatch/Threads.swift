#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex (heap-allocated so its address is stable).
final class Lock: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t>
    init() {
        m = .allocate(capacity: 1)
        pthread_mutex_init(m, nil)
    }
    deinit {
        pthread_mutex_destroy(m)
        m.deallocate()
    }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
}

/// Runs closures on their own POSIX threads (16 MiB stacks) and waits for them.
enum Threads {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread; returns its handle for `join`.
    static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, 16 << 20)
        defer { pthread_attr_destroy(&attr) }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attr, { arg in
            let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return thread
    }

    static func join(_ thread: pthread_t) {
        pthread_join(thread, nil)
    }

    /// Runs `count` copies of `body(index)` in parallel and waits for all.
    static func parallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        if count <= 1 {
            body(0)
            return
        }
        let threads = (0..<count).map { i in start { body(i) } }
        threads.forEach(join)
    }
}

/// Monotonic seconds.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// `syncfs(2)` (Linux): flushes the file system holding `fd`. Glibc declares it only under `_GNU_SOURCE`, which the
/// Swift module does not see, so it is bound by name.
@_silgen_name("syncfs")
func syncfs(_ fd: Int32) -> Int32
