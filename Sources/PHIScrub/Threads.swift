#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex (heap-allocated so its address is stable).
public final class Lock: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t>
    public init() {
        m = .allocate(capacity: 1)
        pthread_mutex_init(m, nil)
    }
    deinit {
        pthread_mutex_destroy(m)
        m.deallocate()
    }
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
}

/// The one way phiscrub starts threads: the filter's workers and writer (`ParallelFilter`), `scan`'s and every
/// ordered map's workers (`OrderedParallelMap`) and batch mode's workers all run on POSIX threads started here
/// with 16 MiB stacks (deep PCRE2 JIT and JSON recursion need more than the default), and are joined.
public enum Threads {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread; returns its handle for `join`.
    public static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t {
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

    public static func join(_ thread: pthread_t) {
        pthread_join(thread, nil)
    }

    /// Runs `count` copies of `body(index)` in parallel and waits for all.
    public static func parallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        if count <= 1 {
            body(0)
            return
        }
        let threads = (0..<count).map { i in start { body(i) } }
        threads.forEach(join)
    }
}
