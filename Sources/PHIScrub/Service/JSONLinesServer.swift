import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a `PHIService` over a pair of file descriptors as JSON Lines (`phiscrub serve --stdio`).
///
/// Three kinds of thread, so that no order of reads and writes by the host can deadlock it:
/// - one reader reads the input on its own and never writes; it cuts lines (a request may be any size up to
///   `maxRequestBytes`, and the last one needs no newline) and hands each to the workers once an in-flight slot is
///   free (at most `maxInFlight` requests and `maxInFlightBytes` of request text at a time: back-pressure);
/// - workers (one per core) decode, run and encode requests concurrently;
/// - one writer writes answers as they complete, each as one line. Answers waiting for the host to read them are
///   capped at `maxPendingOutputBytes`; beyond that the workers wait, then the reader, then the host's writes.
///   A host that reads its answers concurrently (or writes one request and then reads) never blocks; only a host
///   that writes more than about `maxPendingOutputBytes + maxInFlightBytes` without reading anything can stall.
///
/// On end of input every accepted request is answered, then `run()` returns. `stop()` (from a signal handler
/// thread) stops reading at once: a partly read line is dropped unanswered (it was never accepted), every
/// accepted request is still answered.
public final class JSONLinesServer: @unchecked Sendable {
    public struct Limits: Sendable {
        /// Largest request line; a longer one is read to its end, dropped and answered with `too_large`.
        public var maxRequestBytes = 64 << 20
        /// Requests accepted and not yet answered.
        public var maxInFlight = 64
        /// Bytes of request lines accepted and not yet answered (one request is always admitted).
        public var maxInFlightBytes = 256 << 20
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

    // Guarded by `lock`.
    private let lock = NSCondition()
    private var queue: [[UInt8]] = []
    private var queueHead = 0
    private var inputDone = false
    private var inFlight = 0
    private var inFlightBytes = 0
    private var pending: [[UInt8]] = []
    private var pendingBytes = 0
    private var workersLeft = 0
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
    }

    deinit {
        if wakeRead >= 0 { close(wakeRead) }
        if wakeWrite >= 0 { close(wakeWrite) }
    }

    /// Stops reading; accepted requests are still answered. Safe from any thread, any number of times.
    public func stop() {
        lock.lock()
        stopping = true
        if !inputDone { summary.stopped = true }
        lock.broadcast()
        lock.unlock()
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    /// Serves until end of input (or `stop()`), answers every accepted request, and returns what happened.
    public func run() -> Summary {
        let done = DispatchGroup()
        lock.lock()
        workersLeft = limits.workers
        lock.unlock()
        spawn(done, name: "phiscrub-serve-reader") { self.readLoop() }
        for i in 0..<limits.workers {
            spawn(done, name: "phiscrub-serve-worker-\(i)") { self.workLoop() }
        }
        spawn(done, name: "phiscrub-serve-writer") { self.writeLoop() }
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return summary
    }

    private func spawn(_ group: DispatchGroup, name: String, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let t = Thread {
            body()
            group.leave()
        }
        t.name = name
        t.stackSize = 8 << 20
        t.start()
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
        lock.lock()
        inputDone = true
        lock.broadcast()
        lock.unlock()
    }

    private func isStopping() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// Accepts one request line once a slot is free (back-pressure on the reader, hence on the host's writes).
    private func submit(_ raw: [UInt8]) {
        var line = raw
        if line.last == 0x0D { line.removeLast() }
        // Blank lines are separators, not requests.
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        let bytes = line.count
        lock.lock()
        while inFlight > 0 && (inFlight >= limits.maxInFlight || inFlightBytes + bytes > limits.maxInFlightBytes) {
            lock.wait()
        }
        inFlight += 1
        inFlightBytes += bytes
        summary.requests += 1
        queue.append(line)
        lock.broadcast()
        lock.unlock()
    }

    /// An answer the reader makes itself (a line too large to accept): it goes straight to the writer.
    private func submitError(_ code: ServiceError.Code) {
        let answer = ServiceCodec.encode(ServiceResponse(id: .none, error: ServiceError(code,
            "the request is larger than the \(limits.maxRequestBytes) bytes this service accepts (--max-request-bytes)")))
        lock.lock()
        summary.requests += 1
        summary.errors += 1
        lock.unlock()
        enqueueAnswer(answer)
    }

    // MARK: - workers

    private func workLoop() {
        while true {
            lock.lock()
            while queueHead == queue.count && !inputDone { lock.wait() }
            if queueHead == queue.count {
                workersLeft -= 1
                lock.broadcast()
                lock.unlock()
                return
            }
            let line = queue[queueHead]
            queue[queueHead] = []
            queueHead += 1
            if queueHead > 1024 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            lock.unlock()
            let (answer, failed) = ServiceCodec.answer(line: line, service: service)
            enqueueAnswer(answer)
            lock.lock()
            inFlight -= 1
            inFlightBytes -= line.count
            if failed { summary.errors += 1 }
            lock.broadcast()
            lock.unlock()
        }
    }

    // MARK: - writer

    private func enqueueAnswer(_ answer: [UInt8]) {
        lock.lock()
        while pendingBytes > 0 && pendingBytes + answer.count > limits.maxPendingOutputBytes && !summary.outputFailed {
            lock.wait()
        }
        if !summary.outputFailed {
            pending.append(answer)
            pendingBytes += answer.count
        }
        lock.broadcast()
        lock.unlock()
    }

    private func writeLoop() {
        while true {
            lock.lock()
            while pending.isEmpty && !(inputDone && workersLeft == 0) { lock.wait() }
            if pending.isEmpty {
                lock.unlock()
                return
            }
            let batch = pending
            pending = []
            lock.unlock()
            // Small answers go out in one write(2); large ones on their own.
            var buffer: [UInt8] = []
            var ok = true
            var written = 0
            for answer in batch where ok {
                if answer.count >= 1 << 16 {
                    if !buffer.isEmpty { ok = writeAll(buffer); buffer.removeAll(keepingCapacity: true) }
                    if ok { ok = writeAll(answer) }
                } else {
                    buffer.append(contentsOf: answer)
                    if buffer.count >= 1 << 16 { ok = writeAll(buffer); buffer.removeAll(keepingCapacity: true) }
                }
                written += answer.count
            }
            if ok && !buffer.isEmpty { ok = writeAll(buffer) }
            lock.lock()
            pendingBytes -= batch.reduce(0) { $0 + $1.count }
            if !ok {
                summary.outputFailed = true
                pending = []
                pendingBytes = 0
            }
            lock.broadcast()
            lock.unlock()
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
