#if canImport(Glibc)
import Glibc
import PHILock
#endif

/// The one worker pool behind every parallel path: the filter's blocks (`ParallelFilter`), `scan`'s files
/// (`FindingsScan` via `orderedMap`) and batch's files (PHIBatch's `BatchRunner`).
///
/// - **Per-thread state**: `makeWorker` runs once on each worker thread and returns that thread's function
///   (scanners hold per-thread state; the compiled rules are shared).
/// - **Bounded queue, back-pressure**: at most `capacity` items are in flight (submitted and not yet handed
///   out); `submit` blocks until there is room, so memory stays bounded however fast the producer is.
/// - **Order**: with `ordered: true` results are handed out in submission order (output built from them is
///   byte-identical to a sequential run); otherwise in completion order.
/// - **Hand-out**: pulled by the caller with `next()`, or, when `deliver` is given, pushed to it one result at a
///   time (never two at once): by the worker that finished the result due next, or, with `writerThread`, by one
///   extra thread that does nothing else (the filter's writer: writing then overlaps scanning, and on a busy
///   machine the pool keeps the scheduler share of a separate writer thread).
/// - **Errors**: the first error thrown by `makeWorker`, a work item or `deliver` stops the pool: queued items are
///   dropped, workers exit, and `submit`, `next`, `drain` and `finish` rethrow it.
/// - **Shutdown**: `finish()` waits for every submitted item to be handed out (and, with `deliver`, delivered),
///   then joins the threads; `shutdown()` (for `defer`, and on the error path) drops what is queued, lets running
///   items end and joins. Call one of them before the pool is released.
public final class WorkerPool<Input, Output>: @unchecked Sendable {
    /// Makes one worker thread's function; called on that thread, once.
    public typealias MakeWorker = @Sendable () throws -> (Input) throws -> Output

    /// Worker threads (the writer thread, if any, not counted).
    public let workers: Int
    /// Most items in flight before `submit` blocks.
    public let capacity: Int
    /// Results handed out in submission order (else in completion order).
    public let ordered: Bool

    private let lock = Lock()
    private let deliverResult: (@Sendable (Output) throws -> Void)?
    private var queue: [(sequence: Int, input: Input)] = []
    private var results: [Int: Output] = [:]
    /// Counts: submitted so far, handed out so far (taken by `next`, or returned from `deliver`).
    private var submitted = 0
    private var handedOut = 0
    /// Ordered mode: the sequence due next. Unordered mode: completion order is kept in `completed`.
    private var nextInOrder = 0
    private var completed: [Int] = []
    private var delivering = false
    private var closed = false
    private var failure: Error?
    private var threads: [pthread_t] = []
    private var joined = false
    private let writerThread: Bool

    /// Starts `workers` threads (at least one), and with `deliver` and `writerThread` one more that delivers.
    /// `capacity` defaults to `2 × workers`. `threadStart` runs first on every thread the pool starts (the filter
    /// blocks stop signals there, so the reading thread is the one they interrupt).
    public init(workers: Int, capacity: Int? = nil, ordered: Bool = true,
                deliver: (@Sendable (Output) throws -> Void)? = nil, writerThread: Bool = false,
                threadStart: (@Sendable () -> Void)? = nil,
                makeWorker: @escaping MakeWorker) {
        self.workers = max(1, workers)
        self.capacity = max(1, capacity ?? 2 * max(1, workers))
        self.ordered = ordered
        self.deliverResult = deliver
        self.writerThread = deliver != nil && writerThread
        for _ in 0..<self.workers {
            threads.append(Threads.start { [self] in
                threadStart?()
                workerLoop(makeWorker)
            })
        }
        if self.writerThread {
            threads.append(Threads.start { [self] in
                threadStart?()
                writerLoop()
            })
        }
    }

    /// Queues `input`; blocks while `capacity` items are in flight. Throws the pool's first failure.
    public func submit(_ input: Input) throws {
        try lock.withLock {
            while submitted - handedOut >= capacity && failure == nil { lock.wait() }
            if let failure { throw failure }
            precondition(!closed, "WorkerPool.submit after finish or shutdown")
            queue.append((submitted, input))
            submitted += 1
            lock.broadcast()
        }
    }

    /// Blocks until `submit` would not block (fewer than `capacity` items in flight). With a single producer,
    /// the room stays until it submits: batch takes a file off its run queue only when a worker can start it.
    public func waitForRoom() throws {
        try lock.withLock {
            while submitted - handedOut >= capacity && failure == nil { lock.wait() }
            if let failure { throw failure }
        }
    }

    /// Items submitted and not yet handed out.
    public var inFlight: Int { lock.withLock { submitted - handedOut } }

    /// The next result (in submission order when `ordered`), waiting for it; nil when every submitted item has been
    /// handed out. Only without `deliver`. Throws the pool's first failure.
    public func next() throws -> Output? {
        precondition(deliverResult == nil, "WorkerPool.next with a deliver function")
        return try lock.withLock {
            while failure == nil && handedOut < submitted && readySequence() == nil { lock.wait() }
            if let failure { throw failure }
            guard let sequence = readySequence() else { return nil }
            let output = take(sequence)
            handedOut += 1
            lock.broadcast()
            return output
        }
    }

    /// Waits until every item submitted so far has been handed out (with `deliver`: delivered). Throws the pool's
    /// first failure. Without `deliver`, call it only when nothing is left for `next()` to take.
    public func drain() throws {
        try lock.withLock {
            while handedOut < submitted && failure == nil { lock.wait() }
            if let failure { throw failure }
        }
    }

    /// Throws the pool's first failure, if any (a producer polls it between submissions).
    public func checkFailure() throws {
        try lock.withLock { if let failure { throw failure } }
    }

    /// No more input: waits for everything submitted to be handed out, then joins the workers. Rethrows the first
    /// failure (after joining).
    public func finish() throws {
        var error: Error?
        do { try drain() } catch let e { error = e }
        shutdown()
        if let error { throw error }
    }

    /// Stops the pool: queued items are dropped, running items end, the workers are joined. Idempotent.
    public func shutdown() {
        let toJoin: [pthread_t] = lock.withLock {
            closed = true
            queue.removeAll()
            lock.broadcast()
            if joined { return [] }
            joined = true
            return threads
        }
        toJoin.forEach(Threads.join)
    }

    // MARK: - Inside the lock

    private func readySequence() -> Int? {
        if ordered { return results[nextInOrder] == nil ? nil : nextInOrder }
        return completed.first
    }

    private func take(_ sequence: Int) -> Output {
        if ordered { nextInOrder += 1 } else { completed.removeFirst() }
        return results.removeValue(forKey: sequence)!
    }

    private func fail(_ error: Error) {
        if failure == nil { failure = error }
        queue.removeAll()
        lock.broadcast()
    }

    // MARK: - Workers

    private func workerLoop(_ makeWorker: MakeWorker) {
        let work: (Input) throws -> Output
        do { work = try makeWorker() } catch {
            lock.withLock { fail(error) }
            return
        }
        while true {
            let job: (sequence: Int, input: Input)? = lock.withLock {
                while queue.isEmpty && !closed && failure == nil { lock.wait() }
                guard failure == nil, !queue.isEmpty else { return nil }
                // The queue holds at most `capacity` items, so taking from the front is cheap, and a taken item's
                // memory (a filter block is megabytes) is released at once rather than kept in a consumed slot.
                return queue.removeFirst()
            }
            guard let job else { return }
            let output: Output
            do { output = try work(job.input) } catch {
                lock.withLock { fail(error) }
                return
            }
            lock.withLock {
                results[job.sequence] = output
                if !ordered { completed.append(job.sequence) }
                lock.broadcast()
            }
            if deliverResult != nil && !writerThread { deliverReady() }
        }
    }

    /// The writer thread: delivers each result as it becomes ready, until shutdown or the first failure.
    private func writerLoop() {
        guard let deliver = deliverResult else { return }
        while true {
            let output: Output? = lock.withLock {
                while readySequence() == nil && !closed && failure == nil { lock.wait() }
                guard failure == nil, !closed, let sequence = readySequence() else { return nil }
                return take(sequence)
            }
            guard let output else { return }
            do { try deliver(output) } catch {
                lock.withLock { fail(error) }
                return
            }
            lock.withLock {
                handedOut += 1
                lock.broadcast()
            }
        }
    }

    /// Hands out every ready result to `deliver`, one thread at a time; the others return at once (the thread
    /// already delivering picks up what they finished).
    private func deliverReady() {
        guard let deliver = deliverResult else { return }
        var output: Output? = lock.withLock {
            guard !delivering, failure == nil, let sequence = readySequence() else { return nil }
            delivering = true
            return take(sequence)
        }
        while let current = output {
            do { try deliver(current) } catch {
                lock.withLock {
                    delivering = false
                    fail(error)
                }
                return
            }
            output = lock.withLock {
                handedOut += 1
                lock.broadcast()
                guard failure == nil, let sequence = readySequence() else {
                    delivering = false
                    return nil
                }
                return take(sequence)
            }
        }
    }
}

extension WorkerPool {
    /// Runs `work(i)` for `i` in `0..<count` on `jobs` threads and hands each result to `consume` on the calling
    /// thread in index order, so output built from it is identical to a sequential run. At most `2 × jobs`
    /// results wait to be consumed. The first error, from `work` or `consume`, stops the run and is rethrown.
    /// With `jobs <= 1` (or one item) everything runs on the calling thread.
    public static func orderedMap(count: Int, jobs: Int, work: @escaping @Sendable (Int) throws -> Output,
                                  consume: (Int, Output) throws -> Void) throws where Input == Int {
        if jobs <= 1 || count <= 1 {
            for i in 0..<count { try consume(i, try work(i)) }
            return
        }
        let pool = WorkerPool<Int, Output>(workers: min(jobs, count), ordered: true) { work }
        defer { pool.shutdown() }
        var consumed = 0
        for i in 0..<count {
            // The caller both submits and consumes: take a result first when the window is full.
            while i - consumed >= pool.capacity, let output = try pool.next() {
                try consume(consumed, output)
                consumed += 1
            }
            try pool.submit(i)
        }
        while let output = try pool.next() {
            try consume(consumed, output)
            consumed += 1
        }
        try pool.finish()
    }
}
