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
}
