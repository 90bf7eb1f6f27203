@testable import PHIBatch
import Testing

// The ETA of the batch progress line comes from files and bytes together, and the globs of --include/--exclude.

@Suite struct ProgressETATests {
    @Test func theFitSeparatesPerFileAndPerByteCost() throws {
        var fit = TimeFit()
        // 0.5 s per file plus 1 s per MB.
        for (bytes, seconds) in [(4_000_000, 4.5), (2_000_000, 2.5), (1_000_000, 1.5), (0, 0.5)] {
            fit.add(bytes: bytes, seconds: seconds)
        }
        let (a, b) = try #require(fit.coefficients())
        #expect(abs(a - 0.5) < 1e-9 && abs(b - 1e-6) < 1e-12)
    }

    /// Halfway through the bytes, with only small files left: a byte rate alone says almost nothing is left.
    @Test func manySmallFilesLeftKeepTheETAAboveZero() throws {
        var s = ProgressSnapshot()
        // Two large files and one of the small ones taken first: 0.5 s per file plus 0.5 s per MB.
        for (bytes, seconds) in [(10_000, 0.505), (50_000_000, 25.5), (10_000_000, 5.5)] {
            s.fit.add(bytes: bytes, seconds: seconds)
        }
        s.filesDone = 3
        s.bytesDone = 60_010_000
        let line = ProgressLine(totalFiles: 1003, totalBytes: 70_010_000, state: nil, mode: .lines, interval: 10,
                                jobs: 2)
        // 1000 files of 10 kB left: (0.5 s each + 10 MB at 2 MB/s) / 2 workers.
        let eta = try #require(line.eta(s, bytesLeft: 10_000_000))
        #expect(abs(eta - (1000 * 0.5 + 5) / 2) < 0.5)
        #expect(line.text(s, elapsed: 46).hasSuffix("ETA 4:13"))
    }

    /// Files of one size so far: between all per file and all per byte (their geometric mean).
    @Test func oneSizeOnlySplitsTheDifference() throws {
        var fit = TimeFit()
        fit.add(bytes: 1000, seconds: 2)
        fit.add(bytes: 1100, seconds: 2.2)
        #expect(fit.coefficients() == nil)
        // 100 files of 10 bytes: 100 x 2.1 s per file, or 1000 bytes x 2 ms per byte.
        let work = try #require(fit.work(files: 100, bytes: 1000))
        #expect(abs(work - (210.0 * 2.0).squareRoot()) < 1e-9)
        #expect(TimeFit().work(files: 1, bytes: 1) == nil)
        #expect(ProgressLine.clock(3725) == "1:02:05" && ProgressLine.clock(65) == "1:05")
    }

    @Test func globsMatchTheRelativePathOrTheBaseName() {
        #expect(PathFilter.matches("*.log*", "sub/app.log.2.gz"))
        #expect(PathFilter.matches("syslog*", "var/syslog.1"))
        #expect(!PathFilter.matches("sub/*.gz", "other/x.gz"))
        #expect(PathFilter.matches("sub/*.gz", "sub/deeper/x.gz"))   // fnmatch without FNM_PATHNAME: * crosses /
        #expect(PathFilter.matches("app.log.[0-9]", "app.log.7") && !PathFilter.matches("app.log.[0-9]", "app.log.10"))
        let f = PathFilter(include: ["*.log", "messages"], exclude: ["debug*"])
        #expect(f.selects(file: "a/b.log") && f.selects(file: "messages") && !f.selects(file: "a/debug.log"))
        #expect(!f.selects(file: "syslog") && f.excludes(directory: "debug-old"))
        #expect(PathFilter().selects(file: "anything"))
    }
}
