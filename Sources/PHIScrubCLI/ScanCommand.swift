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
        abstract: "Report PHI findings (\(FindingsFormatName.allCases.map(\.rawValue).joined(separator: ", "))) without writing redacted text. Exit 1 when anything is found."
    )

    /// The report formats are the library's (`FindingsFormatName`): a new one needs no change here.
    typealias Format = FindingsFormatName

    @Argument(help: ArgumentHelp("Files to scan; '-' reads standard input.", valueName: "file"))
    var files: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(name: .customLong("format"), help: "Report format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format = .jsonl

    @Option(name: .customLong("input-format"), help: ArgumentHelp(
        "Input format: text (the default), jsonl, json, auto or csv, as the filter's --format: JSON string values are scanned with their key as context, CSV fields with their column name.",
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
        "Files scanned at once (default: the number of cores). The report is identical for any value.",
        valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be 1...256") }
        guard (0...60_000).contains(flushIdle) else { throw ValidationError("--flush-idle must be 0...60000 milliseconds") }
    }

    func run() throws {
        Interruption.install()
        let scrubber = try rules.makeScrubber()
        let reportFormat = format.make(rules: scrubber.ruleSet, toolVersion: PhiScrubVersion.current)
        if explain && !reportFormat.explains { throw ValidationError("--explain needs --format jsonl") }
        try OutputFiles.refuseInput(outputPath, inputs: files, what: "--output", display: FieldRedactor(scrubber: scrubber).redact)
        // Keys before any output exists: a missing or refused keyring writes nothing.
        let fingerprinter = try fingerprintKey.fingerprinter(keys)
        let target = try OutputTarget.open(outputPath)
        let output = target.output
        let inputs = files.isEmpty ? ["-"] : files
        // Stable finding hashes are printed by the formats that show them (SARIF).
        let stable = fingerprintKey == .keyring && reportFormat.showsFindingHash
        let scan = FindingsScan(scrubber: scrubber,
                                reporter: FindingsReporter(format: reportFormat, output: output, fingerprinter: fingerprinter, stable: stable))
        scan.jobs = jobs
        scan.explain = explain && reportFormat.explains
        scan.interrupted = { Interruption.received }
        // A document format (SARIF) is written at the end; line formats can go out as lines complete.
        if !reportFormat.keepsRecords {
            scan.pacing = ReadPacing(millis: Int32(flushIdle), outputs: [output], everyRead: lineBuffered,
                                     interrupted: { Interruption.received })
        }
        if inputFormat != .text {
            let inputFormat = self.inputFormat
            scan.makeRouter = { stream, file in
                FormatRouter(format: inputFormat, stream: stream, scrubber: scrubber, replacer: TypedTokenReplacer(), file: file)
            }
        }
        let result: FindingsScan.Result
        do {
            result = try scan.run(paths: inputs)
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
        var failures = result.failures
        if result.withheld > 0 { failures.append("\(result.withheld) line(s) could not be scanned completely (PCRE2 match limit)") }
        if !failures.isEmpty { throw CLIError(failures.joined(separator: "\nphiscrub: ")) }
        if result.found > 0 { throw ExitCode(ExitStatus.findings) }
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
extension FindingsFormatName: ExpressibleByArgument {}
