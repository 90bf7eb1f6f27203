import ArgumentParser
import PHIBatch
import PHIScan
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// `phiscrub batch IN... --out DIR`: clean stored transcripts and logs into a directory.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Clean stored transcripts and logs (JSON, JSON Lines, text; .gz and .zst too) into a directory.",
        discussion: """
            Each file is written to the same relative path under --out (a directory argument's files relative to \
            it, a file argument under its base name), through a temporary name and a rename, mode 0600. JSON \
            (.json, .jsonl, .ndjson) is rewritten string by string, keys and shape unchanged; CSV (.csv, with a header \
            row) field by field with the column names as context, quoting kept; .log and .txt are \
            cleaned line by line as the filter does; .gz and .zst versions of all are read and written compressed \
            the same way. Other names (rotated app.log.1, syslog, messages) are skipped and reported unless \
            --as-text cleans them line by line; --include and --exclude choose files inside directories by glob. \
            A manifest in \
            --out records finished inputs, so running the same command again skips them and finishes the rest. \
            --action, --config and the key options choose the operators as for the filter; with --config and its \
            audit log on, each cleaned file adds a scan record (file, output, SHA-256, counts per entity).

            Progress goes to standard error: redrawn in place on a terminal, otherwise one line every \
            --progress-interval seconds. --report - writes the per-file records to standard output as files finish.

            Exit status: 0 when every file was cleaned (or was already, or was excluded); 2 when any file was not \
            (unreadable, binary, invalid JSON, too large, a name it does not know without --as-text, ...) or a \
            string or line had to be withheld.

            Examples:
              phiscrub batch transcripts/ --out clean/ --report report.jsonl
              phiscrub batch a.jsonl logs/ --out clean/ --jobs 4 --on-invalid text
              phiscrub batch /var/log/app --out clean/ --as-text --exclude '*.journal' -j 2
            """
    )

    @Argument(help: ArgumentHelp("Files and directories to clean.", valueName: "in"))
    var inputs: [String] = []

    @Option(name: .customLong("out"), help: ArgumentHelp("Directory the cleaned files are written to.", valueName: "dir"))
    var outputDirectory: String

    @Option(name: [.customShort("j"), .customLong("jobs")],
            help: ArgumentHelp("Files cleaned in parallel (default: all cores).", valueName: "n"))
    var jobs: Int?

    @Option(name: .customLong("include"), help: ArgumentHelp(
        "Inside directories, clean only files whose path relative to the directory argument (or, for a pattern without /, whose base name) matches this fnmatch glob (repeatable; files named on the command line are always cleaned).",
        valueName: "glob"))
    var include: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Inside directories, leave out files and directories matching this glob (repeatable; reported as excluded, exit status unchanged).",
        valueName: "glob"))
    var exclude: [String] = []

    @Flag(name: .customLong("as-text"), help: """
        Clean names batch mode does not know (app.log.1, app.log.2.gz, syslog, messages) line by line instead of \
        skipping them (a skipped file makes the exit status 2).
        """)
    var asText = false

    @Option(name: .customLong("progress-interval"), help: ArgumentHelp(
        "When standard error is not a terminal, write a progress line every this many seconds (0: never).",
        valueName: "seconds"))
    var progressInterval: Double = 10

    @Option(name: .customLong("on-invalid"), help: ArgumentHelp(
        "A .json file or JSON Lines record that does not parse: skip the file, clean it as text, or fail the run.",
        valueName: "skip|text|fail"))
    var onInvalid: String = InvalidJSONPolicy.skip.rawValue

    @Option(name: .customLong("report"), help: ArgumentHelp(
        "Also write the report as JSON Lines (one record per file, then a total; never a value).", valueName: "file"))
    var reportPath: String?

    @Option(name: .customLong("max-json-size"), help: ArgumentHelp(
        "Largest .json document or JSON Lines record held in memory; larger ones fail with an error.", valueName: "bytes"))
    var maxJSONBytes: Int = 64 << 20

    @Option(name: .customLong("line-cap"), help: ArgumentHelp(
        "Scan lines and string values longer than this many bytes in overlapping pieces.", valueName: "bytes"))
    var lineCap: Int = StreamScanner.defaultLineCap

    @Option(name: .customLong("sync"), help: ArgumentHelp(
        "When outputs reach the disk: grouped (one syncfs about every second before the manifest records them), file (fsync each before its rename) or none.",
        valueName: "grouped|file|none"))
    var sync: String = SyncMode.grouped.rawValue

    @Flag(name: .customLong("follow-links"), help: """
        Follow symbolic links inside an input directory that lead outside it (by default they are skipped and \
        reported as symlink_outside).
        """)
    var followLinks = false

    @Flag(name: .customLong("quiet"), help: "Do not print the per-file table and the progress line.")
    var quiet = false

    @OptionGroup var rules: RuleOptions

    @OptionGroup var transform: TransformOptions

    @OptionGroup var keys: KeyOptions

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one file or directory to clean") }
        guard (jobs ?? 1) >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard InvalidJSONPolicy(rawValue: onInvalid) != nil else {
            throw ValidationError("--on-invalid must be skip, text or fail")
        }
        guard SyncMode(rawValue: sync) != nil else { throw ValidationError("--sync must be grouped, file or none") }
        guard maxJSONBytes >= 1024 else { throw ValidationError("--max-json-size must be at least 1024") }
        guard lineCap >= 1024 else { throw ValidationError("--line-cap must be at least 1024") }
        guard progressInterval >= 0 else { throw ValidationError("--progress-interval must be 0 or more") }
        for glob in include + exclude where glob.isEmpty { throw ValidationError("--include and --exclude need a pattern") }
    }

    func run() throws {
        let scrubber = try rules.makeScrubber()
        var options = BatchOptions(outputDirectory: outputDirectory, jobs: jobs ?? BatchOptions.defaultJobs)
        options.onInvalid = InvalidJSONPolicy(rawValue: onInvalid)!
        options.maxJSONBytes = maxJSONBytes
        options.lineCap = lineCap
        options.sync = SyncMode(rawValue: sync)!
        options.progress = quiet ? .none : isatty(2) == 1 ? .terminal : progressInterval > 0 ? .lines : .none
        options.progressInterval = progressInterval
        options.filter = PathFilter(include: include, exclude: exclude, asText: asText)
        options.followLinks = followLinks
        options.otherOutputs = reportPath.map { [$0] } ?? []
        // The filter's operators and keys; keys are resolved before any output exists (fail closed).
        // With a compliance configuration (--config, read once), each cleaned file is audited; keys come from it too.
        let config = try transform.configPath.map { try ComplianceSupport.loadConfig($0) }
        let policy = try transform.policy(config: config)
        try TransformOptions.check(policy, ruleSet: scrubber.ruleSet)
        let auditing = config?.audit.enabled == true
        let provider = policy.needsKeys || auditing ? try ComplianceSupport.keys(keys, config: config) : nil
        options.transform = scrubber.operators(policy: policy, keys: policy.needsKeys ? provider : nil)
        if let config, auditing, let provider, let log = try ComplianceSupport.openAudit(config, keys: provider) {
            options.observer = BatchAuditObserver(audit: log, role: nil)
        }
        if let reportPath { try OutputFiles.refuseInput(reportPath, inputs: inputs, what: "--report") }
        // Through a temporary and a rename, like -o: a run that cannot start or a failed write leaves no report
        // that looks complete.
        let reportTarget = try reportPath.map { try OutputTarget.open($0) }
        let report = reportTarget?.output
        // Standard output or a FIFO (--report -): each record is flushed as its file finishes (a live report).
        let sink = ReportSink(output: report, live: reportTarget?.isDirect == true)
        let summary: BatchSummary
        do {
            summary = try BatchRunner(scrubber: scrubber, options: options).run(inputs: inputs) { sink.write($0.jsonLine()) }
        } catch {
            throw CLIError(error.message)
        }
        sink.write(summary.jsonLine())
        if let reportTarget, !sink.failed {
            do { try reportTarget.commit() } catch { sink.failed = true }
        }
        if !quiet {
            printError(summary.table())
        } else {
            for f in summary.files where f.status == .failed { printError("phiscrub: " + (f.message ?? f.input)) }
            if summary.uncleaned > 0 {
                printError("phiscrub: \(summary.uncleaned) file(s) skipped, not cleaned (see the report; --as-text, --exclude)")
            }
        }
        if sink.failed { throw CLIError("\(reportPath ?? "report"): cannot write the report") }
        if !summary.ok { throw ExitCode(ExitStatus.error) }
    }
}

/// Writes report lines from the runner's (serialised) callback.
private final class ReportSink: @unchecked Sendable {
    let output: FileOutput?
    let live: Bool
    var failed = false
    init(output: FileOutput?, live: Bool = false) {
        self.output = output
        self.live = live
    }
    func write(_ line: String) {
        guard let output, !failed else { return }
        do {
            try output.write(Array((line + "\n").utf8))
            if live { try output.flush() }
        } catch { failed = true }
    }
}
