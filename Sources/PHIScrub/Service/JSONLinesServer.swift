import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a `PHIService` over a pair of file descriptors as JSON Lines (`phiscrub serve --stdio`).
///
/// Threads are arranged so that no order of reads and writes by the host can deadlock it:
/// - one reader reads the input and never writes; it cuts lines (a request may be any size up to
///   `maxRequestBytes`, and the last one needs no newline) and queues each once an in-flight slot is free (at most
///   `maxInFlight` requests and `maxInFlightBytes` of request text at a time: back-pressure);
/// - workers (one per core) decode, run and encode requests concurrently, and write each answer as one line as
///   soon as it is complete: one worker at a time owns the output and writes what the others leave for it.
///   Answers waiting for the host to read are capped at `maxPendingOutputBytes`; beyond that the workers wait, then
///   the reader, then the host's writes. A host that reads its answers concurrently (or writes one request and then
///   reads) never blocks; only a host that writes more than about `maxPendingOutputBytes + maxInFlightBytes`
///   without reading anything can stall.
///
/// On end of input every accepted request is answered, then `run()` returns. `stop()` (from a signal handling
/// thread) stops reading at once: a partly read line is dropped unanswered (it was never accepted), every
/// accepted request is still answered.
public final class JSONLinesServer: @unchecked Sendable {
    public struct Limits: Sendable {
        /// Largest request line; a longer one is read to its end, dropped and answered with `too_large`.
        public var maxRequestBytes = 64 << 20
        /// Requests accepted and not yet answered.
        public var maxInFlight = 64
        /// Bytes of request lines accepted and not yet answered (one request is always admitted).
        public var maxInFlightBytes = 64 << 20
        /// Bytes of answers written by workers and not yet taken by the host (one answer is always admitted).
        public var maxPendingOutputBytes = 64 << 20
        /// Worker threads (default: all cores).
        public var workers = ProcessInfo.processInfo.activeProcessorCount
        public init() {}
    }

    /// What a run did.
    public struct Summary: Sendable, Equatable {
        public var requests = 0
        public var errors = 0
        /// The output closed or failed: answers after that were dropped.
        public var outputFailed = false
        /// `stop()` ended the run before end of input.
        public var stopped = false
    }

    let service: PHIService
    let input: Int32
    let output: Int32
    let limits: Limits
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// One mutex; a condition per kind of waiter, signalled only when someone waits, so a request costs one wake-up
    /// (reader to worker) and no thread is woken for nothing.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let workReady = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let slotFree = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let outputSpace = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// A job: a request line to answer, or an answer the reader made itself (a line too large), which a worker
    /// writes so that the reader never writes.
    private enum Job {
        case line([UInt8])
        case answer([UInt8])
    }

    // Guarded by `mutex`.
    private var queue: [Job] = []
    private var queueHead = 0
    private var idleWorkers = 0
    private var readerWaiting = false
    private var outputWaiters = 0
    private var inputDone = false
    private var inFlight = 0
    private var inFlightBytes = 0
    /// Answers waiting for the worker that is writing; `writing` is true while one worker owns the output.
    private var pending: [[UInt8]] = []
    private var pendingBytes = 0
    private var writing = false
    private var summary = Summary()
    private var stopping = false

    public init(service: PHIService, input: Int32, output: Int32, limits: Limits = Limits()) {
        self.service = service
        self.input = input
        self.output = output
        var l = limits
        l.workers = max(1, l.workers)
        l.maxInFlight = max(1, l.maxInFlight)
        self.limits = l
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        for fd in fds where fd >= 0 {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        pthread_mutex_init(mutex, nil)
        for c in [workReady, slotFree, outputSpace] { pthread_cond_init(c, nil) }
    }

    deinit {
        if wakeRead >= 0 { close(wakeRead) }
        if wakeWrite >= 0 { close(wakeWrite) }
        for c in [workReady, slotFree, outputSpace] {
            pthread_cond_destroy(c)
            c.deallocate()
        }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always) private func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) private func unlock() { pthread_mutex_unlock(mutex) }

    /// Stops reading; accepted requests are still answered. Safe from any thread, any number of times.
    public func stop() {
        lock()
        stopping = true
        if !inputDone { summary.stopped = true }
        unlock()
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    /// Serves until end of input (or `stop()`), answers every accepted request, and returns what happened.
    public func run() -> Summary {
        var threads: [pthread_t] = [spawn { self.readLoop() }]
        for _ in 0..<limits.workers {
            threads.append(spawn { self.workLoop() })
        }
        for t in threads { pthread_join(t, nil) }
        lock()
        defer { unlock() }
        return summary
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// A POSIX thread with an 8 MiB stack (the scanner's recursion and PCRE2's JIT stack live on the heap).
    private func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, 8 << 20)
        defer { pthread_attr_destroy(&attr) }
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attr, { arg in
            Unmanaged<Body>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return thread
    }

    // MARK: - reader

    private func readLoop() {
        let chunkSize = 1 << 20
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        var line: [UInt8] = []
        var discarding = false  // the current line went over maxRequestBytes
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        reading: while true {
            if isStopping() { break }
            fds[0].revents = 0
            fds[1].revents = 0
            let p = poll(&fds, 2, -1)
            if p < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 { break }
            let n = read(input, chunk, chunkSize)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                break  // a read error ends input like EOF
            }
            if n == 0 {
                // End of input: the last request needs no newline.
                if discarding {
                    submitError(.tooLarge)
                } else if !line.isEmpty {
                    submit(line)
                }
                line = []
                break
            }
            var start = 0
            while start < n {
                let rest = n - start
                if let nl = memchr(chunk + start, 0x0A, rest) {
                    let end = chunk.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    if discarding {
                        discarding = false
                        submitError(.tooLarge)
                    } else if line.count + (end - start) > limits.maxRequestBytes {
                        line = []
                        submitError(.tooLarge)
                    } else {
                        line.append(contentsOf: UnsafeBufferPointer(start: chunk + start, count: end - start))
                        submit(line)
                        line = []
                    }
                    start = end + 1
                    if isStopping() { break reading }
                } else {
                    if !discarding {
                        if line.count + rest > limits.maxRequestBytes {
                            discarding = true
                            line = []
                        } else {
                            line.append(contentsOf: UnsafeBufferPointer(start: chunk + start, count: rest))
                        }
                    }
                    start = n
                }
            }
        }
        lock()
        inputDone = true
        pthread_cond_broadcast(workReady)
        unlock()
    }

    private func isStopping() -> Bool {
        lock()
        defer { unlock() }
        return stopping
    }

    /// Accepts one request line once a slot is free (back-pressure on the reader, hence on the host's writes).
    private func submit(_ raw: [UInt8]) {
        var line = raw
        if line.last == 0x0D { line.removeLast() }
        // Blank lines are separators, not requests.
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        let bytes = line.count
        lock()
        while inFlight > 0 && (inFlight >= limits.maxInFlight || inFlightBytes + bytes > limits.maxInFlightBytes) {
            readerWaiting = true
            pthread_cond_wait(slotFree, mutex)
        }
        readerWaiting = false
        inFlight += 1
        inFlightBytes += bytes
        summary.requests += 1
        queue.append(.line(line))
        if idleWorkers > 0 { pthread_cond_signal(workReady) }
        unlock()
    }

    /// An answer the reader makes itself (a line too large to accept): a worker writes it.
    private func submitError(_ code: ServiceError.Code) {
        let answer = ServiceCodec.encode(ServiceResponse(id: .none, error: ServiceError(code,
            "the request is larger than the \(limits.maxRequestBytes) bytes this service accepts (--max-request-bytes)")))
        lock()
        while inFlight > 0 && inFlight >= limits.maxInFlight {
            readerWaiting = true
            pthread_cond_wait(slotFree, mutex)
        }
        readerWaiting = false
        inFlight += 1
        summary.requests += 1
        summary.errors += 1
        queue.append(.answer(answer))
        if idleWorkers > 0 { pthread_cond_signal(workReady) }
        unlock()
    }

    // MARK: - workers

    private func workLoop() {
        while true {
            lock()
            while queueHead == queue.count && !inputDone {
                idleWorkers += 1
                pthread_cond_wait(workReady, mutex)
                idleWorkers -= 1
            }
            if queueHead == queue.count {
                unlock()
                return
            }
            let job = queue[queueHead]
            queue[queueHead] = .answer([])
            queueHead += 1
            if queueHead == queue.count {
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
            } else if queueHead > 1024 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            unlock()
            let answer: [UInt8], failed: Bool, requestBytes: Int
            switch job {
            case .line(let line):
                (answer, failed) = ServiceCodec.answer(line: line, service: service)
                requestBytes = line.count
            case .answer(let a):
                (answer, failed, requestBytes) = (a, false, 0)
            }
            deliver(answer)
            lock()
            inFlight -= 1
            inFlightBytes -= requestBytes
            if failed { summary.errors += 1 }
            // Wake a waiting reader once half the slots are free (or none is taken), not after every answer: it
            // then queues a run of requests in one go instead of one per wake-up.
            if readerWaiting && (inFlight <= limits.maxInFlight / 2 || inFlight == 0) { pthread_cond_signal(slotFree) }
            unlock()
        }
    }

    // MARK: - output

    /// Writes `answer`, or leaves it to the worker that is writing. Whoever owns the output writes until nothing is
    /// pending, so an answer never waits for a writer that is not there. Only workers call this: the reader never
    /// writes, so a host that does not read can block workers, never the reader.
    private func deliver(_ answer: [UInt8]) {
        lock()
        if summary.outputFailed {
            unlock()
            return
        }
        if writing {
            while writing && pendingBytes > 0 && pendingBytes + answer.count > limits.maxPendingOutputBytes && !summary.outputFailed {
                outputWaiters += 1
                pthread_cond_wait(outputSpace, mutex)
                outputWaiters -= 1
            }
            if summary.outputFailed {
                unlock()
                return
            }
            if writing {
                pending.append(answer)
                pendingBytes += answer.count
                unlock()
                return
            }
        }
        writing = true
        unlock()
        var batch = [answer]
        while true {
            var ok = true
            if batch.count == 1 {
                ok = writeAll(batch[0])
            } else {
                // Small answers go out in one write(2).
                var buffer: [UInt8] = []
                buffer.reserveCapacity(min(batch.reduce(0) { $0 + $1.count }, 1 << 20))
                for a in batch where ok {
                    if a.count >= 1 << 16 {
                        if !buffer.isEmpty { ok = writeAll(buffer); buffer.removeAll(keepingCapacity: true) }
                        if ok { ok = writeAll(a) }
                    } else {
                        buffer.append(contentsOf: a)
                        if buffer.count >= 1 << 16 { ok = writeAll(buffer); buffer.removeAll(keepingCapacity: true) }
                    }
                }
                if ok && !buffer.isEmpty { ok = writeAll(buffer) }
            }
            lock()
            if !ok {
                summary.outputFailed = true
                pending = []
                pendingBytes = 0
            }
            if pending.isEmpty {
                writing = false
                if outputWaiters > 0 { pthread_cond_broadcast(outputSpace) }
                unlock()
                return
            }
            batch = pending
            pending = []
            pendingBytes = 0
            if outputWaiters > 0 { pthread_cond_broadcast(outputSpace) }
            unlock()
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(output, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN {
                        var p = pollfd(fd: output, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&p, 1, -1)
                        continue
                    }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}
