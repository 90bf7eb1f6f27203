import ArgumentParser
import Foundation
import PHICompliance
import PHIBatch
import PHIScan
import PHIScrub
import PHITransform

/// `phiscrub scan`: report findings only.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Report PHI findings (JSON Lines or SARIF 2.1.0) without writing redacted text. Exit 1 when anything is found."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, sarif
    }

    @Argument(help: ArgumentHelp("Files to scan; '-' reads standard input.", valueName: "file"))
    var files: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(name: .customLong("format"), help: "Report format: jsonl or sarif.")
    var format: Format = .jsonl

    @Option(name: .customLong("input-format"), help: ArgumentHelp(
        "Input format: text (the default), jsonl, json or auto, as the filter's --format: JSON string values are scanned with their key as context.",
        valueName: "format"))
    var inputFormat: StreamFormat = .text

    @Option(name: .customLong("fingerprint-key"), help: ArgumentHelp(
        "Key of the findings' HMAC fingerprints: random (default; comparable within one run) or keyring (its fingerprint subkey: the same finding in the same place has the same fingerprint in every run; needs keys, see phiscrub keys).",
        valueName: "random|keyring"))
    var fingerprintKey: FingerprintKey = .random

    @OptionGroup var keys: KeyOptions

    @Flag(name: .customLong("line-buffered"), help: "JSON Lines report: write the findings of every line read before reading on (live streams).")
    var lineBuffered = false

    @Option(name: .customLong("flush-idle"), help: ArgumentHelp(
        "JSON Lines report: when a pipe or terminal input has been quiet this long, write the findings so far (0: never).", valueName: "ms"))
    var flushIdle: Int = 100

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the report here instead of standard output.", valueName: "file"))
    var outputPath: String?

    @Flag(name: .customLong("explain"), help: "Add to each JSON Lines finding why it was reported: rule, validator result, context words (never the value).")
    var explain = false

    @Option(name: [.short, .customLong("jobs")], help: ArgumentHelp(
        "Files scanned at once (default: the number of cores). The report is identical for any value; --explain uses one.",
        valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if explain && format == .sarif { throw ValidationError("--explain needs --format jsonl") }
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be 1...256") }
        guard (0...60_000).contains(flushIdle) else { throw ValidationError("--flush-idle must be 0...60000 milliseconds") }
    }

    /// What scanning one file produced: counts, or why it could not be read (the report went to its observers).
    struct FileResult {
        var found = 0
        var withheld = 0
        var failure: String?
    }

    /// Scans one input into `reporter`.
    static func scanFile(_ input: String, scrubber: Scrubber, inputFormat: StreamFormat = .text,
                         reporter: FindingsReporter, explainer: Explainer?, pacing: ReadPacing) throws -> FileResult {
        // The name as findings, SARIF and errors show it: PHI in it redacted.
        let shown = input == "-" ? input : FieldRedactor(scrubber: scrubber).redact(input)
        let source: FileDescriptorInput
        do { source = try FileDescriptorInput.open(input, display: shown) } catch {
            return FileResult(failure: error.message)
        }
        defer { source.close() }
        do {
            let stream = scrubber.makeStreamScanner()
            let router = inputFormat == .text ? nil : FormatRouter(
                format: inputFormat, stream: stream, scrubber: scrubber, replacer: TypedTokenReplacer(), file: shown)
            reporter.file = shown
            let stats = try FilterPipeline.scan(source, name: shown, stream: stream, observer: reporter, router: router,
                                                explain: explainer, pacing: pacing).stats
            return FileResult(found: stats.findings, withheld: stats.withheld, failure: router?.problem(input: shown))
        } catch let refused as FilterError where refused.code == .refused {
            return FileResult(failure: refused.message)
        }
    }

    func run() throws {
        Interruption.install()
        let scrubber = try rules.makeScrubber()
        try OutputFiles.refuseInput(outputPath, inputs: files, what: "--output", display: FieldRedactor(scrubber: scrubber).redact)
        // Keys before any output exists: a missing or refused keyring writes nothing.
        let fingerprinter = try fingerprintKey.fingerprinter(keys)
        let target = try OutputTarget.open(outputPath)
        let output = target.output
        let inputs = files.isEmpty ? ["-"] : files
        var failures: [String] = []
        var found = 0
        var withheld = 0
        let reportFormat: any FindingsFormat = format == .sarif
            ? SARIFFormat(rules: scrubber.ruleSet, toolVersion: PhiScrubVersion.current) : JSONLinesFormat()
        // Stable finding hashes are printed in SARIF only.
        let stable = fingerprintKey == .keyring && format == .sarif
        let reporter = FindingsReporter(format: reportFormat, output: output, fingerprinter: fingerprinter, stable: stable)
        let explainer = explain && format == .jsonl ? Explainer(ruleSet: scrubber.ruleSet) : nil
        reporter.explanations = explainer?.buffer
        // A SARIF report is one document written at the end; JSON Lines findings can go out as lines complete.
        let pacing = format == .jsonl
            ? ReadPacing(millis: Int32(flushIdle), outputs: [output], everyRead: lineBuffered, interrupted: { Interruption.received })
            : ReadPacing(millis: 0, outputs: [], interrupted: { Interruption.received })
        func add(_ result: FileResult) {
            if let failure = result.failure { failures.append(failure) }
            found += result.found
            withheld += result.withheld
        }
        do {
            if jobs > 1 && inputs.count > 1 && !explain && !inputs.contains("-") {
                // Files in parallel, reports in command-line order. Each worker writes its file's JSON Lines to an
                // unlinked temporary file (not memory: a file may have millions of findings), copied out in order;
                // a document format's records are kept and handed over in the same order.
                let inputFormat = self.inputFormat
                try OrderedParallelMap.run(count: inputs.count, jobs: jobs, work: { i in
                    let spool = try ReportSpool()
                    let fileReporter = FindingsReporter(format: reportFormat, output: spool.output, fingerprinter: fingerprinter,
                                                        stable: stable)
                    let result = try Self.scanFile(inputs[i], scrubber: scrubber, inputFormat: inputFormat, reporter: fileReporter,
                                                   explainer: nil,
                                                   pacing: ReadPacing(millis: 0, outputs: [], interrupted: { Interruption.received }))
                    return (result, spool, fileReporter.records)
                }, consume: { _, done in
                    try done.1.copy(to: output)
                    try reporter.take(bytes: [], records: done.2)
                    add(done.0)
                })
            } else {
                for input in inputs {
                    add(try Self.scanFile(input, scrubber: scrubber, inputFormat: inputFormat, reporter: reporter,
                                          explainer: explainer, pacing: pacing))
                }
            }
            try reporter.finish()
            try output.flush()
        } catch let error as OutputError where error.code == .brokenPipe {
            throw ExitCode(ExitStatus.ok)
        } catch let error as OutputError {
            throw CLIError(error.message)
        } catch let stop as FilterInterrupted {
            try? output.flush()
            throw CLIError("interrupted by \(Interruption.name(stop.signal)): the report is incomplete"
                           + (target.isDirect ? "" : "; \(outputPath!) was not written"))
        }
        try target.commit()
        if withheld > 0 { failures.append("\(withheld) line(s) could not be scanned completely (PCRE2 match limit)") }
        if !failures.isEmpty { throw CLIError(failures.joined(separator: "\nphiscrub: ")) }
        if found > 0 { throw ExitCode(ExitStatus.findings) }
    }
}

/// One file's findings report, written by a worker to an unlinked temporary file (mode 0600; it holds positions
/// and fingerprints, never values) and copied into the real output in order.
final class ReportSpool {
    let output: FileOutput
    private let fd: Int32

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/phiscrub-report-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CLIError("cannot create a temporary report file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        output = FileOutput(fd: fd, name: "temporary report")
    }

    deinit { close(fd) }

    /// Appends everything written so far to `destination`.
    func copy(to destination: FileOutput) throws {
        try output.flush()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw CLIError("cannot read back a temporary report file") }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw CLIError("cannot read back a temporary report file") }
            if n == 0 { return }
            try chunk.withUnsafeBufferPointer { try destination.write(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}

/// Where findings' fingerprint key comes from (`--fingerprint-key`).
enum FingerprintKey: String, ExpressibleByArgument, CaseIterable {
    /// Fresh random key per run: fingerprints match within the run only.
    case random
    /// The keyring's `fingerprint` subkey (HKDF, pinned like token keys so rotation does not change it).
    case keyring

    func fingerprinter(_ keys: KeyOptions) throws -> Fingerprinter {
        switch self {
        case .random: return try Fingerprinter.random()
        case .keyring:
            let provider = try keys.load()
            do {
                return try Fingerprinter(key: try provider.subkey(.fingerprint, version: nil).bytes)
            } catch {
                throw CLIError("--fingerprint-key keyring: \((error as? KeyError)?.message ?? "\(error)")")
            }
        }
    }
}
