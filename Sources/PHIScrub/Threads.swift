#if canImport(Glibc)
import Glibc
#endif

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
