import Foundation
import PHIScan
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// `phiscrub scan` as a library call: every input scanned into one findings report, in the order given. Several
/// files go to several threads (`jobs`), each printing into its own unlinked temporary file (a file may have
/// millions of findings), copied into the report in order; a document format's records are handed over in the
/// same order. The report is the same for any `jobs`.
public final class FindingsScan {
    /// What the scan found, and why inputs could not be read (each one message, its name shown redacted).
    public struct Result {
        public var found = 0
        public var withheld = 0
        public var failures: [String] = []
    }

    public let scrubber: Scrubber
    /// The report: its output receives every file's findings.
    public let reporter: FindingsReporter
    /// Files scanned at once; 1, or standard input among the inputs: one after another on this thread.
    public var jobs = 1
    /// Explain every finding (each file's scanner records why, on whichever thread scans it).
    public var explain = false
    /// Between reads on the one-thread path: stop signals and flushing of live input.
    public var pacing: ReadPacing?
    /// Polled between reads on worker threads: a stop signal's number, else 0.
    public var interrupted: @Sendable () -> Int32 = { 0 }
    /// The router of one input (`--input-format`), or nil for text: its stream scanner and the name shown.
    public var makeRouter: (@Sendable (StreamScanner, String) -> any InputRouter)?

    public init(scrubber: Scrubber, reporter: FindingsReporter) {
        self.scrubber = scrubber
        self.reporter = reporter
    }

    /// Scans `paths` (`-` is standard input) into the report and ends it (a document format prints now).
    public func run(paths: [String]) throws -> Result {
        var result = Result()
        func add(_ file: FileResult) {
            if let failure = file.failure { result.failures.append(failure) }
            result.found += file.found
            result.withheld += file.withheld
        }
        if jobs > 1 && paths.count > 1 && !paths.contains("-"), let output = reporter.output {
            let (scrubber, format, fingerprinter, stable) = (self.scrubber, reporter.format, reporter.fingerprinter, reporter.stable)
            let (makeRouter, interrupted, explain) = (self.makeRouter, self.interrupted, self.explain)
            let reporter = self.reporter
            try WorkerPool.orderedMap(count: paths.count, jobs: jobs, work: { i in
                let spool = try ReportSpool()
                let fileReporter = FindingsReporter(format: format, output: spool.output, fingerprinter: fingerprinter, stable: stable)
                let file = try Self.scanFile(paths[i], scrubber: scrubber, reporter: fileReporter, explain: explain,
                                             pacing: ReadPacing(millis: 0, outputs: [], interrupted: interrupted),
                                             makeRouter: makeRouter)
                return (file, spool, fileReporter.records)
            }, consume: { _, done in
                try done.1.copy(to: output)
                try reporter.take(bytes: [], records: done.2)
                add(done.0)
            })
        } else {
            for path in paths {
                add(try Self.scanFile(path, scrubber: scrubber, reporter: reporter, explain: explain,
                                      pacing: pacing ?? ReadPacing(millis: 0, outputs: [], interrupted: interrupted),
                                      makeRouter: makeRouter))
            }
        }
        try reporter.finish()
        return result
    }

    /// What scanning one file produced: counts, or why it could not be read.
    struct FileResult: Sendable {
        var found = 0
        var withheld = 0
        var failure: String?
    }

    /// Scans one input into `reporter`.
    static func scanFile(_ path: String, scrubber: Scrubber, reporter: FindingsReporter, explain: Bool,
                         pacing: ReadPacing, makeRouter: ((StreamScanner, String) -> any InputRouter)?) throws -> FileResult {
        // The name as findings, SARIF and errors show it: PHI in it redacted.
        let shown = path == "-" ? path : FieldRedactor(scrubber: scrubber).redact(path)
        let source: FileDescriptorInput
        do { source = try FileDescriptorInput.open(path, display: shown) } catch {
            return FileResult(failure: error.message)
        }
        defer { source.close() }
        do {
            let stream = scrubber.makeStreamScanner()
            let router = makeRouter?(stream, shown)
            reporter.file = shown
            let explainer = explain ? Explainer(scanner: stream.scanner) : nil
            reporter.explanations = explainer?.buffer
            let stats = try FilterPipeline.scan(source, name: shown, stream: stream, observer: reporter, router: router,
                                                explain: explainer, pacing: pacing).stats
            return FileResult(found: stats.findings, withheld: stats.withheld, failure: router?.problem(input: shown))
        } catch let refused as FilterError where refused.code == .refused {
            return FileResult(failure: refused.message)
        }
    }
}

/// One file's findings report, written by a worker to an unlinked temporary file (mode 0600; it holds positions
/// and fingerprints, never values) and copied into the real output in order.
final class ReportSpool {
    let output: FileOutput
    private let fd: Int32

    init() throws(FilterError) {
        var template = Array((NSTemporaryDirectory() + "/phiscrub-report-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FilterError(.report, "cannot create a temporary report file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        output = FileOutput(fd: fd, name: "temporary report")
    }

    deinit { close(fd) }

    /// Appends everything written so far to `destination`.
    func copy(to destination: FileOutput) throws {
        try output.flush()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw FilterError(.report, "cannot read back a temporary report file") }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw FilterError(.report, "cannot read back a temporary report file") }
            if n == 0 { return }
            try chunk.withUnsafeBufferPointer { try destination.write(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}
