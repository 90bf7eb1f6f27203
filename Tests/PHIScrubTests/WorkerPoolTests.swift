import Foundation
import PHIScrub
import Testing
import PHILock

/// The shared worker pool on its own: order, back-pressure, errors and shutdown. Every test ends (a hang is a
/// failure of the shutdown path).
@Suite("Worker pool")
struct WorkerPoolTests {
    struct Boom: Error, Equatable { var item: Int }

    /// A counter several threads touch.
    final class Counter: @unchecked Sendable {
        private let lock = Lock()
        private var value = 0
        private var peak = 0
        func enter() { lock.withLock { value += 1; peak = max(peak, value) } }
        func leave() { lock.withLock { value -= 1 } }
        func add() { lock.withLock { value += 1 } }
        var current: Int { lock.withLock { value } }
        var maximum: Int { lock.withLock { peak } }
    }

    /// A gate workers wait at until the test opens it.
    final class Gate: @unchecked Sendable {
        private let lock = Lock()
        private var open = false
        func wait() { lock.withLock { while !open { lock.wait() } } }
        func release() { lock.withLock { open = true; lock.broadcast() } }
    }

    @Test("ordered results come back in submission order whatever order the workers finish in")
    func orderedPull() throws {
        let pool = WorkerPool<Int, Int>(workers: 4, ordered: true) {
            { i in
                usleep(useconds_t((i * 7919) % 13) * 100)  // later items often finish first
                return i * i
            }
        }
        defer { pool.shutdown() }
        var got: [Int] = []
        for i in 0..<200 {
            if pool.inFlight >= pool.capacity, let r = try pool.next() { got.append(r) }
            try pool.submit(i)
        }
        while let r = try pool.next() { got.append(r) }
        try pool.finish()
        #expect(got == (0..<200).map { $0 * $0 })
    }

    @Test("orderedMap equals a sequential map for every job count")
    func orderedMap() throws {
        for jobs in [1, 2, 3, 8] {
            var got: [String] = []
            try WorkerPool<Int, String>.orderedMap(count: 57, jobs: jobs, work: { i in
                usleep(useconds_t((57 - i) % 5) * 200)
                return "item \(i)"
            }, consume: { i, r in
                #expect(r == "item \(i)")
                got.append(r)
            })
            #expect(got == (0..<57).map { "item \($0)" }, "jobs \(jobs)")
        }
    }

    /// What `deliver` was given, in order.
    final class Delivered: @unchecked Sendable {
        private let lock = Lock()
        private var items: [Int] = []
        func add(_ i: Int) { lock.withLock { items.append(i) } }
        var all: [Int] { lock.withLock { items } }
    }

    @Test("deliver gets results in order, never two at once, from workers or from a writer thread",
          arguments: [false, true])
    func orderedDeliver(writerThread: Bool) throws {
        let inside = Counter()
        let delivered = Delivered()
        let pool = WorkerPool<Int, Int>(workers: 3, ordered: true, deliver: { r in
            inside.enter()
            usleep(50)
            delivered.add(r)
            inside.leave()
        }, writerThread: writerThread, makeWorker: { { i in usleep(useconds_t(i % 4) * 150); return i } })
        for i in 0..<300 { try pool.submit(i) }
        try pool.finish()
        #expect(delivered.all == Array(0..<300))
        #expect(inside.maximum == 1)
    }

    @Test("submit blocks while capacity items are in flight, and resumes when one is handed out")
    func backPressure() throws {
        let gate = Gate()
        let started = Counter()
        let pool = WorkerPool<Int, Int>(workers: 2, capacity: 3, ordered: true, deliver: { _ in }, makeWorker: {
            { i in started.add(); gate.wait(); return i }
        })
        defer { pool.shutdown() }
        let submitted = Counter()
        let producer = Threads.start {
            for i in 0..<4 {
                try? pool.submit(i)
                submitted.add()
            }
        }
        // Three fit; the fourth waits for the gate.
        var waited = 0
        while submitted.current < 3 && waited < 5000 { usleep(1000); waited += 1 }
        usleep(100_000)
        #expect(submitted.current == 3)
        #expect(pool.inFlight == 3)
        #expect(started.current == 2)  // two workers busy, one item queued
        gate.release()
        Threads.join(producer)
        #expect(submitted.current == 4)
        try pool.finish()
        #expect(pool.inFlight == 0)
    }

    @Test("a failing item stops the pool: next, submit and finish rethrow the first error")
    func errorPropagates() throws {
        let ran = Counter()
        let pool = WorkerPool<Int, Int>(workers: 2, ordered: true) {
            { i in
                ran.add()
                if i == 5 { throw Boom(item: i) }
                return i
            }
        }
        var got: [Int] = []
        var caught: Error?
        do {
            for i in 0..<10_000 {
                if pool.inFlight >= pool.capacity, let r = try pool.next() { got.append(r) }
                try pool.submit(i)
            }
            while let r = try pool.next() { got.append(r) }
        } catch { caught = error }
        #expect(caught as? Boom == Boom(item: 5))
        #expect(got == Array(0..<got.count) && got.count <= 5)
        #expect(ran.current < 100)  // queued items are dropped, not run
        #expect(throws: Boom(item: 5)) { try pool.submit(1) }
        #expect(throws: Boom(item: 5)) { try pool.finish() }
        pool.shutdown()  // idempotent
    }

    @Test("a worker that cannot start, or a failing deliver, stops the pool too")
    func setupAndDeliverErrors() throws {
        let noWorker = WorkerPool<Int, Int>(workers: 2, ordered: false, deliver: { _ in }) {
            throw Boom(item: -1)
        }
        #expect(throws: Boom(item: -1)) {
            for i in 0..<100 { try noWorker.submit(i) }
            try noWorker.drain()
        }
        noWorker.shutdown()

        for writerThread in [false, true] {
            let badDeliver = WorkerPool<Int, Int>(workers: 2, ordered: true, deliver: { r in
                if r == 3 { throw Boom(item: r) }
            }, writerThread: writerThread, makeWorker: { { $0 } })
            #expect(throws: Boom(item: 3)) {
                for i in 0..<100 { try badDeliver.submit(i) }
                try badDeliver.finish()
            }
            badDeliver.shutdown()
        }
    }

    @Test("unordered mode hands every result out exactly once")
    func unordered() throws {
        let pool = WorkerPool<Int, Int>(workers: 3, ordered: false) { { i in usleep(useconds_t(i % 3) * 100); return i } }
        defer { pool.shutdown() }
        var got: [Int] = []
        for i in 0..<100 {
            if pool.inFlight >= pool.capacity, let r = try pool.next() { got.append(r) }
            try pool.submit(i)
        }
        while let r = try pool.next() { got.append(r) }
        try pool.finish()
        #expect(got.sorted() == Array(0..<100))
    }

    @Test("shutdown with work queued drops it and joins without waiting for the queue")
    func shutdownDropsQueue() throws {
        let gate = Gate()
        let ran = Counter()
        let pool = WorkerPool<Int, Int>(workers: 1, capacity: 50, ordered: true) { { i in ran.add(); gate.wait(); return i } }
        for i in 0..<50 { try pool.submit(i) }
        let stopper = Threads.start { pool.shutdown() }
        usleep(50_000)
        gate.release()
        Threads.join(stopper)
        #expect(ran.current <= 2)
    }
}
