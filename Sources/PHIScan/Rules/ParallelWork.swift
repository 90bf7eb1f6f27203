import Dispatch
import Synchronization

/// Independent pieces of start-up work (one rule pack file each) spread over the machine's cores.
enum ParallelWork {
    /// `items.map(transform)`, with the items transformed side by side (`DispatchQueue.concurrentPerform`, one
    /// thread per core); the results are in `items`' order, whatever order they finish in. `transform` must not
    /// depend on the order the items run in.
    static func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        if items.count < 2 { return items.map(transform) }
        let results = Mutex<[R?]>(Array(repeating: nil, count: items.count))
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            let r = transform(items[i])
            results.withLock { $0[i] = r }
        }
        return results.withLock { $0.map { $0! } }
    }

    /// `(first(), second())`, the two run side by side (on the dispatch pool; the calling thread takes one).
    static func pair<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
        let a = Mutex<A?>(nil), b = Mutex<B?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                let r = first()
                a.withLock { $0 = r }
            } else {
                let r = second()
                b.withLock { $0 = r }
            }
        }
        return (a.withLock { $0! }, b.withLock { $0! })
    }
}
