import PHIScrub
#if canImport(Glibc)
import Glibc
#endif

/// A progress line on standard error, redrawn twice a second: files, bytes, rate and ETA. Use it only when
/// standard error is a terminal.
final class ProgressLine: @unchecked Sendable {
    let totalFiles: Int
    let totalBytes: Int
    let state: RunState
    private let lock = Lock()
    private var running = false
    private var thread: pthread_t?
    private let started = monotonicSeconds()

    init(totalFiles: Int, totalBytes: Int, state: RunState) {
        self.totalFiles = totalFiles
        self.totalBytes = totalBytes
        self.state = state
    }

    func start() {
        running = true
        thread = Threads.start { [self] in
            while lock.withLock({ running }) {
                draw()
                usleep(500_000)
            }
        }
    }

    func stop() {
        lock.withLock { running = false }
        if let thread { Threads.join(thread) }
        draw()
        write(2, "\n", 1)
    }

    private func draw() {
        let (files, bytes) = state.progress
        let elapsed = max(monotonicSeconds() - started, 0.001)
        let rate = Double(bytes) / elapsed
        var line = "\r\u{1B}[K\(files)/\(totalFiles) files, \(mb(bytes))/\(mb(totalBytes)) MB, \(mb(Int(rate))) MB/s"
        if rate > 0 && bytes < totalBytes {
            let eta = Int(Double(totalBytes - bytes) / rate)
            line += ", ETA \(eta / 60):" + (eta % 60 < 10 ? "0" : "") + "\(eta % 60)"
        }
        let bytes8 = Array(line.utf8)
        _ = bytes8.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    private func mb(_ b: Int) -> String {
        let tenths = b / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
