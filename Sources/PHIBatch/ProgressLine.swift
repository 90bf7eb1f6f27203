import PHIScrub
#if canImport(Glibc)
import Glibc
import PHILock
#endif

/// The progress line on standard error: files, bytes, rate and ETA. On a terminal it is redrawn in place twice a
/// second; otherwise (a log file, a pipe, journald) a plain line is written when the run starts, every `interval`
/// seconds and when the last file is done, e.g.
/// `phiscrub batch: 12/40 files, 120.5/300.0 MB, 25.1 MB/s, elapsed 0:05, ETA 0:07`.
///
/// Bytes count as they are read, so a large file in progress moves the line. The ETA comes from files and bytes
/// together: each cleaned file's time is fitted as `a + b * bytes` (a per-file cost and a per-byte cost, least
/// squares over the files cleaned so far), and the remaining work is `a * files left + b * bytes left`, shared by
/// the workers; the files being cleaned count as samples too (bytes read so far against seconds so far), so the
/// per-byte cost is known before the first large file ends. A tree with many small files after a few large ones (the queue takes the largest first, after four
/// of the smallest in a run of 32 files or more) is not estimated from the large files' byte rate alone.
final class ProgressLine: @unchecked Sendable {
    let totalFiles: Int
    let totalBytes: Int
    let state: RunState?
    let mode: ProgressMode
    let interval: Double
    let jobs: Int
    private let lock = Lock()
    private var running = false
    private var thread: pthread_t?
    private let started = monotonicSeconds()

    init(totalFiles: Int, totalBytes: Int, state: RunState?, mode: ProgressMode, interval: Double, jobs: Int) {
        self.totalFiles = totalFiles
        self.totalBytes = totalBytes
        self.state = state
        self.mode = mode
        self.interval = mode == .terminal ? 0.5 : max(interval, 0.05)
        self.jobs = max(1, jobs)
    }

    func start() {
        running = true
        thread = Threads.start { [self] in
            var next = monotonicSeconds()
            while lock.withLock({ running }) {
                if monotonicSeconds() >= next {
                    draw()
                    next = monotonicSeconds() + interval
                }
                usleep(50_000)
            }
        }
    }

    func stop() {
        lock.withLock { running = false }
        if let thread { Threads.join(thread) }
        draw()
        if mode == .terminal { write(2, "\n", 1) }
    }

    private func draw() {
        let line = text(state?.snapshot() ?? ProgressSnapshot(), elapsed: monotonicSeconds() - started)
        let bytes8 = Array((mode == .terminal ? "\r\u{1B}[K" + line : line + "\n").utf8)
        _ = bytes8.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// The line for a snapshot of the run (no escape codes, no newline).
    func text(_ s: ProgressSnapshot, elapsed: Double) -> String {
        let done = min(totalBytes, s.bytesDone + s.bytesInFlight)
        let rate = Double(done) / max(elapsed, 0.001)
        var line = "phiscrub batch: \(s.filesDone)/\(totalFiles) files, \(mb(done))/\(mb(totalBytes)) MB, \(mb(Int(rate))) MB/s"
        line += ", elapsed " + ProgressLine.clock(elapsed)
        if s.filesDone < totalFiles, let eta = eta(s, bytesLeft: totalBytes - done) {
            line += ", ETA " + ProgressLine.clock(eta)
        }
        return line
    }

    /// Seconds left, or nil before any file has been cleaned.
    func eta(_ s: ProgressSnapshot, bytesLeft: Int) -> Double? {
        let filesLeft = totalFiles - s.filesDone
        var fit = s.fit
        for sample in s.inFlight where sample.bytes > 0 && sample.seconds > 0.05 {
            fit.add(bytes: sample.bytes, seconds: sample.seconds)
        }
        guard let work = fit.work(files: filesLeft, bytes: max(0, bytesLeft)) else { return nil }
        return work / Double(max(1, min(jobs, filesLeft)))
    }

    /// `m:ss`, or `h:mm:ss` from an hour up.
    static func clock(_ seconds: Double) -> String {
        let t = Int(seconds.rounded())
        let (h, m, s) = (t / 3600, (t / 60) % 60, t % 60)
        let ss = (s < 10 ? "0" : "") + "\(s)"
        if h > 0 { return "\(h):" + (m < 10 ? "0" : "") + "\(m):" + ss }
        return "\(m):" + ss
    }

    private func mb(_ b: Int) -> String {
        let tenths = b / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// What the progress line reads from the run, at one moment.
struct ProgressSnapshot: Sendable {
    var filesDone = 0
    /// Bytes of finished files (their sizes as stored).
    var bytesDone = 0
    /// Bytes read so far of the files being cleaned now.
    var bytesInFlight = 0
    var fit = TimeFit()
    /// Per file being cleaned: bytes read and seconds since it started (a partial file is a sample of the same
    /// line: its start-up cost plus its bytes so far).
    var inFlight: [(bytes: Int, seconds: Double)] = []
}

/// Least squares of per-file time against size: `seconds = a + b * bytes`.
struct TimeFit: Sendable, Equatable {
    var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0

    mutating func add(bytes: Int, seconds: Double) {
        let x = Double(bytes)
        n += 1; sx += x; sy += seconds; sxx += x * x; sxy += x * seconds
    }

    /// (seconds per file, seconds per byte), both at least 0, when the files so far differ enough in size (a
    /// coefficient of variation of 0.5 or more) to tell the two costs apart; nil otherwise.
    func coefficients() -> (Double, Double)? {
        let det = n * sxx - sx * sx
        guard n >= 2, sx > 0, det >= 0.25 * sx * sx else { return nil }
        let b = (n * sxy - sx * sy) / det
        let a = (sy - b * sx) / n
        if a >= 0 && b >= 0 { return (a, b) }
        return b < 0 ? (sy / n, 0) : (0, sy / sx)
    }

    /// Worker-seconds for `files` more files holding `bytes` bytes; nil with no sample. With files of about one size
    /// so far the split is unknown: the estimate is the geometric mean of "all of it per file" and "all of it per
    /// byte" (the first small files of a run say little about the large ones, and the reverse).
    func work(files: Int, bytes: Int) -> Double? {
        guard n > 0 else { return nil }
        if let (a, b) = coefficients() { return a * Double(files) + b * Double(bytes) }
        let perFile = sy / n * Double(files)
        guard sx > 0 else { return perFile }
        return (perFile * (sy / sx * Double(bytes))).squareRoot()
    }
}
