import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `work(i)` for `i` in `0..<count` on `jobs` threads and hands each result to `consume` on the calling thread
/// in index order, so output built from it is identical to a sequential run. At most `2 × jobs` results wait to be
/// consumed (memory stays bounded however many items there are). The first error, from `work` or `consume`,
/// stops the run and is rethrown.
public enum OrderedParallelMap {
    public static func run<R>(count: Int, jobs: Int, work: @escaping @Sendable (Int) throws -> R,
                              consume: (Int, R) throws -> Void) throws {
        if jobs <= 1 || count <= 1 {
            for i in 0..<count { try consume(i, try work(i)) }
            return
        }
        let state = State<R>(window: 2 * jobs)
        var threads: [pthread_t] = []
        for _ in 0..<min(jobs, count) {
            threads.append(Threads.start {
                while let i = state.claim(count: count) {
                    do { state.finish(i, .success(try work(i))) } catch { state.finish(i, .failure(error)) }
                }
                state.exit()
            })
        }
        defer {
            state.stopAndWait(threads: threads.count)
            threads.forEach(Threads.join)
        }
        for i in 0..<count {
            switch state.take(i) {
            case .success(let value): try consume(i, value)
            case .failure(let error): throw error
            }
            state.consumed(i)
        }
    }

    private final class State<R>: @unchecked Sendable {
        let condition = NSCondition()
        let window: Int
        var next = 0
        var consumedUpTo = 0
        var results: [Int: Result<R, Error>] = [:]
        var stopped = false
        var exited = 0

        init(window: Int) { self.window = window }

        func claim(count: Int) -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while !stopped && next < count && next - consumedUpTo >= window { condition.wait() }
            guard !stopped, next < count else { return nil }
            next += 1
            return next - 1
        }

        func finish(_ i: Int, _ result: Result<R, Error>) {
            condition.lock()
            results[i] = result
            condition.broadcast()
            condition.unlock()
        }

        func take(_ i: Int) -> Result<R, Error> {
            condition.lock()
            defer { condition.unlock() }
            while results[i] == nil { condition.wait() }
            return results.removeValue(forKey: i)!
        }

        func consumed(_ i: Int) {
            condition.lock()
            consumedUpTo = i + 1
            condition.broadcast()
            condition.unlock()
        }

        func exit() {
            condition.lock()
            exited += 1
            condition.broadcast()
            condition.unlock()
        }

        func stopAndWait(threads: Int) {
            condition.lock()
            stopped = true
            condition.broadcast()
            while exited < threads { condition.wait() }
            condition.unlock()
        }
    }
}
