#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The project's one lock type: a pthread mutex with a condition variable on it (both heap-allocated so their
/// addresses are stable). `withLock` is the mutex; `wait` and `broadcast`, called while holding it, make it a
/// monitor, which is what `WorkerPool` needs for its queue, so no second lock type (NSLock, NSCondition) is used
/// anywhere in phiscrub. Its own module, below every other, so the lowest modules (PHIScan, PHICompliance) use it
/// too.
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
    /// Runs `body` holding the mutex (what it throws, typed or not, is passed on).
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
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
