#if canImport(Glibc)
import Glibc
#endif

/// The project's one lock type: a pthread mutex with a condition variable on it (both heap-allocated so their
/// addresses are stable). `withLock` is the mutex; `wait` and `broadcast`, called while holding it, make it a
/// monitor, which is what `WorkerPool` needs for its queue, so no second lock type (NSLock, NSCondition) is used
/// by the threads phiscrub starts.
public final class Lock: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t>
    private let c: UnsafeMutablePointer<pthread_cond_t>
    /// An unlocked mutex and its condition.
    public init() {
        m = .allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        c = .allocate(capacity: 1)
        pthread_cond_init(c, nil)
    }
    deinit {
        pthread_cond_destroy(c)
        c.deallocate()
        pthread_mutex_destroy(m)
        m.deallocate()
    }
    /// Runs `body` holding the mutex.
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
    /// Releases the mutex until another thread calls `broadcast`, then takes it again. Only inside `withLock`;
    /// wake-ups can be spurious, so callers wait in a loop on their condition.
    public func wait() {
        pthread_cond_wait(c, m)
    }
    /// Wakes every thread in `wait`. Inside `withLock`.
    public func broadcast() {
        pthread_cond_broadcast(c)
    }
}

/// The one way phiscrub starts threads: `WorkerPool`'s workers (the filter's blocks, `scan`'s files, batch's
/// files) run on POSIX threads started here with 16 MiB stacks (deep PCRE2 JIT and JSON recursion need more than
/// the default), and are joined.
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

    /// Waits for a thread started by `start` to end.
    public static func join(_ thread: pthread_t) {
        pthread_join(thread, nil)
    }
}
