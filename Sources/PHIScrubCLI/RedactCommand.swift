import ArgumentParser
import Foundation
import PHICompliance
import PHIBatch
import PHIScan
import PHIScrub
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// `phiscrub [redact]`: the filter.
struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Copy input to output with every PHI finding replaced by a typed token (the default command).",
        discussion: """
            Examples:
              tail -f app.log | phiscrub --line-buffered > clean.log
              phiscrub --findings findings.jsonl notes.txt > notes.clean.txt
            """
    )

    @Argument(help: ArgumentHelp("Files to read; '-' or nothing reads standard input.", valueName: "file"))
    var files: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(name: .customLong("findings"), help: ArgumentHelp(
        "Also write findings as JSON Lines to this file (offsets, entity, rule, confidence, keyed fingerprint; never the value).",
        valueName: "file"))
    var findingsPath: String?

    @Option(name: .customLong("fingerprint-key"), help: ArgumentHelp(
        "Key of the --findings fingerprints: random (default, per run) or keyring (stable across runs).",
        valueName: "random|keyring"))
    var fingerprintKey: FingerprintKey = .random

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write redacted text here instead of standard output.", valueName: "file"))
    var outputPath: String?

    @Option(name: [.customLong("format"), .customLong("input-format")], help: ArgumentHelp(
        "Input format: text (lines, the default), jsonl (every line a JSON value), json (one JSON document per input), auto (per line: an object or array that parses is rewritten as JSON, anything else as text) or csv (a header row, then records; each field scanned with its column name as context). JSON is rewritten as batch does: only string values change, scanned with their key as context.",
        valueName: "format"))
    var format: StreamFormat = .text

    @Flag(name: .customLong("append"), help: ArgumentHelp(
        "Append to the -o and --findings files (O_APPEND, created 0600 if missing, never truncated; written in place, whole lines per write)."))
    var append = false

    @Option(name: .customLong("flush-idle"), help: ArgumentHelp(
        "When a pipe or terminal input has been quiet this long, flush buffered output (0: never).", valueName: "ms"))
    var flushIdle: Int = 100

    @Flag(name: .customLong("line-buffered"), help: "Write every whole line (and its findings) before reading on: lines that arrived together go out in one write (for tail -f and other live streams).")
    var lineBuffered = false

    @Flag(name: .customLong("confirm-messages"), help: """
        For rsyslog's omprog with confirmMessages="on": write OK to standard output once at start and once per line \
        after it is written to the file, and stop between lines on SIGTERM, so no message is lost or written twice \
        across restarts. Needs --append -o FILE; implies --line-buffered.
        """)
    var confirmMessages = false

    @Option(name: .customLong("line-cap"), help: ArgumentHelp(
        "Scan lines longer than this many bytes in overlapping pieces (bounds memory).", valueName: "bytes"))
    var lineCap: Int = StreamScanner.defaultLineCap

    @Flag(name: .customLong("explain"), help: "With --findings: add why each finding was reported (rule, validator, context words).")
    var explain = false

    @Flag(name: .customLong("stats"), help: "Print prefilter and matching counters to standard error at the end.")
    var stats = false

    @Option(name: [.short, .customLong("jobs")], help: ArgumentHelp(
        "Worker threads (default: the number of cores). Output is identical for any value; --line-buffered and --stats use one.",
        valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("block-size"), help: ArgumentHelp("Bytes per parallel block (tests).", visibility: .hidden))
    var blockSize: Int = ParallelFilter.defaultBlockSize

    @OptionGroup var transform: TransformOptions

    @OptionGroup var keys: KeyOptions

    @Option(name: .customLong("role"), help: ArgumentHelp(
        "Show each entity as this role of --config may see it (clear, token, masked or redacted); an unknown role sees everything redacted.",
        valueName: "name"))
    var role: String?

    func validate() throws {
        guard lineCap >= 1024 else { throw ValidationError("--line-cap must be at least 1024") }
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be 1...256") }
        guard (0...60_000).contains(flushIdle) else { throw ValidationError("--flush-idle must be 0...60000 milliseconds") }
        if confirmMessages && (outputPath == nil || outputPath == "-" || !append) {
            // Standard output carries the confirmations, and a confirmed line must already be in the file itself
            // (-o alone writes a temporary renamed at the end).
            throw ValidationError("--confirm-messages needs --append -o FILE")
        }
        if append && (outputPath == nil || outputPath == "-") && findingsPath == nil {
            throw ValidationError("--append needs -o FILE or --findings FILE (standard output is appended to with >>)")
        }
    }

    func run() throws {
        Interruption.install(holdHangup: append)
        let scrubber = try rules.makeScrubber()
        // Keys are resolved before any output exists: a missing or refused key writes nothing (fail closed).
        // phiscrub.yaml is read once: roles, audit and the transform: section.
        let config = try transform.configPath.map { try ComplianceSupport.loadConfig($0) }
        let compliance = try FilterAudit.make(config: config, role: role, keys: keys)
        let base = try transform.policy(config: config)
        let policy = try compliance?.policy(base: base, ruleSet: scrubber.ruleSet) ?? base
        try TransformOptions.check(policy, ruleSet: scrubber.ruleSet)
        let provider = policy.needsKeys ? try keys.load() : nil
        try Transformer.checkKeys(policy: policy, keys: provider, compliance: compliance)
        let names = FieldRedactor(scrubber: scrubber)
        try OutputFiles.refuseInput(outputPath, inputs: files, what: "--output", display: names.redact)
        if let findingsPath { try OutputFiles.refuseInput(findingsPath, inputs: files, what: "--findings", display: names.redact) }
        try OutputFiles.refuseSame(outputPath, findingsPath, what: "--output and --findings")
        let findingsFingerprinter = findingsPath == nil ? nil : try fingerprintKey.fingerprinter(keys)
        // -o and --findings go to temporary names, renamed into place only when the run succeeds.
        let target = try OutputTarget.open(outputPath, append: append)
        let output = target.output
        let findingsTarget = try findingsPath.map { try OutputTarget.open($0, append: append) }
        let findings = findingsTarget.map {
            FindingsReporter(format: JSONLinesFormat(), output: $0.output, fingerprinter: findingsFingerprinter!)
        }
        let inputs = files.isEmpty ? ["-"] : files
        var options = FilterOptions()
        options.jobs = jobs
        options.blockSize = blockSize
        options.lineCap = lineCap
        options.lineBuffered = lineBuffered || confirmMessages
        options.confirmLines = confirmMessages
        options.idleMillis = Int32(flushIdle)
        options.explain = explain
        options.collectStats = stats
        let pipeline: FilterPipeline
        do {
            pipeline = try FilterPipeline(scrubber: scrubber, operators: scrubber.operators(policy: policy, keys: provider),
                                          options: options, output: output, findings: findings, audit: compliance)
        } catch let error as TransformError { throw CLIError(error.message) }
        if format != .text {
            let format = self.format
            pipeline.makeRouter = { stream, replacer, file in
                FormatRouter(format: format, stream: stream, scrubber: scrubber, replacer: replacer, file: file)
            }
        }
        pipeline.hooks.interrupted = { Interruption.received }
        pipeline.hooks.stats = printStats
        if append {
            // logrotate: move the file away, then SIGHUP; the next lines go to a new file under the name.
            Interruption.installHangup()
            pipeline.hooks.reopenRequested = Interruption.takeHangup
            pipeline.hooks.reopen = {
                try findingsTarget?.reopen()
                try target.reopen()
            }
        }
        var totals = RedactionStats()
        var failures: [String] = []
        do {
            for path in inputs {
                // The name as every side channel shows it (findings, audit, errors): PHI in it redacted.
                let input = path == "-" ? path : names.redact(path)
                let source: FileDescriptorInput
                do { source = try FileDescriptorInput.open(path, display: input) } catch {
                    failures.append(error.message)
                    continue
                }
                defer { source.close() }
                do {
                    let result = try pipeline.run(source, name: input)
                    totals.merge(result.stats)
                    if let problem = result.problem { failures.append(problem) }
                } catch let refused as FilterError where refused.code == .refused {
                    // gzip or UTF-16: nothing of this input was written; the others still are, and the run exits 2.
                    failures.append(refused.message)
                }
            }
            try pipeline.finish()
        } catch let error as OutputError where error.code == .brokenPipe {
            throw ExitCode(ExitStatus.ok)
        } catch let error as OutputError {
            throw CLIError(error.message)
        } catch let stop as FilterInterrupted {
            // Whole lines scanned before the signal reach standard output; the unfinished line was dropped; a file
            // output is never renamed into place.
            try? output.flush()
            try? findings?.output?.flush()
            var message = "interrupted by \(Interruption.name(stop.signal)): output ends after the last whole line read"
            if !target.isDirect { message += "; \(outputPath!) was not written" }
            throw CLIError(message)
        } catch let error as FilterError {
            throw CLIError(error.message)
        } catch let error as TransformError {
            // Encryption failed mid-stream: the segment holding the finding was not written (fail closed).
            try? output.flush()
            if compliance?.reportEncryptionFailure(error.message) == true {
                printError("phiscrub: " + error.message + "; output stops before the affected line")
                throw ExitCode(ExitStatus.breach)
            }
            throw CLIError(error.message + "; output stops before the affected line")
        }
        // Every input that could be opened was read to the end: put the files in place. Withheld lines are marked
        // in the text, and an input that could not be opened is missing whole; both are reported and exit 2.
        try target.commit()
        try findingsTarget?.commit()
        if totals.withheld > 0 {
            failures.append("\(totals.withheld) line(s) withheld: a rule hit the PCRE2 match limit, so they were not written in clear")
        }
        if !failures.isEmpty { throw CLIError(failures.joined(separator: "\nphiscrub: ")) }
    }
}

extension FilterAudit {
    /// Loads the configuration and, when auditing is on, its log (keys from `--keyring`, the configuration or the
    /// environment). Nil without `--config`.
    static func make(config: PHIScrubConfig?, role: String?, keys: KeyOptions) throws -> FilterAudit? {
        guard let config else {
            if role != nil { throw CLIError("--role needs --config (the roles live in phiscrub.yaml)") }
            return nil
        }
        var log: AuditLog?
        if config.audit.enabled {
            let provider = try ComplianceSupport.keys(keys, config: config)
            log = try ComplianceSupport.openAudit(config, keys: provider)
        }
        return FilterAudit(config: config, audit: log, role: role)
    }

    /// Raises an encryption-failure alert and prints what went wrong raising it; true when one was raised.
    func reportEncryptionFailure(_ message: String) -> Bool {
        let (raised, problems) = encryptionFailed(message)
        for p in problems { printError("phiscrub: " + p) }
        return raised
    }
}

extension Transformer {
    /// Resolves the keys `policy` needs before any output exists; a failure is an encryption failure alert (exit 3)
    /// when a configuration raises one, else an error (exit 2).
    static func checkKeys(policy: TransformPolicy, keys: (any KeyProvider)?, compliance: FilterAudit?) throws {
        // Only the keys are checked here: no finding is replaced, so no entity traits are needed.
        do { _ = try Transformer(policy: policy, keys: keys, traits: EntityTraitTable()) } catch {
            if compliance?.reportEncryptionFailure(error.message) == true {
                printError("phiscrub: " + error.message)
                throw ExitCode(ExitStatus.breach)
            }
            throw CLIError(error.message)
        }
    }
}

func printStats(_ scanner: LineScanner, _ rules: RuleSet) {
    let c = scanner.counters
    var text = "lines=\(c.lines) whole_line_runs=\(c.wholeLineRuns) region_runs=\(c.regionRuns) anchored_runs=\(c.anchoredRuns)\n"
    for (i, runs) in c.runsByRule.enumerated() where runs > 0 {
        text += "  \(rules.rules[i].rule.id)\t\(runs)\n"
    }
    printError(text)
}

/// Opens output files (created 0600: findings and redacted text may still be sensitive).
enum OutputFiles {
    /// Refuses an output that is, or resolves to, one of `inputs` (same device and inode: the file itself, a
    /// symbolic or hard link to it, or standard input redirected from it): opening it would truncate the input
    /// before it is read. `nil` or `-` is standard output, checked the same way (`phiscrub f >> f`). Only regular
    /// files are compared (`/dev/null` as input and output is fine).
    static func refuseInput(_ path: String?, inputs: [String], what: String,
                            display: (String) -> String = { $0 }) throws {
        var out = stat()
        let isStdout = path == nil || path == "-"
        guard (isStdout ? fstat(1, &out) : stat(path!, &out)) == 0, (out.st_mode & S_IFMT) == S_IFREG else { return }
        for input in inputs.isEmpty ? ["-"] : inputs {
            var st = stat()
            guard (input == "-" ? fstat(0, &st) : stat(input, &st)) == 0 else { continue }
            if st.st_dev == out.st_dev && st.st_ino == out.st_ino {
                let name = input == "-" ? "standard input" : display(input)
                throw CLIError("\(isStdout ? "standard output" : what + " " + display(path!)): is the input \(name); "
                               + "writing it would destroy the input. Choose another file")
            }
        }
    }

    /// Refuses two outputs that are the same file (each would overwrite the other).
    static func refuseSame(_ a: String?, _ b: String?, what: String) throws {
        guard let a, let b, a != "-", b != "-" else { return }
        var sa = stat(), sb = stat()
        if a == b || (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
                      && (sa.st_mode & S_IFMT) == S_IFREG) {
            throw CLIError("\(what): \(a) and \(b) are the same file")
        }
    }

    static func open(_ path: String?) throws -> FileOutput {
        guard let path, path != "-" else { return FileOutput(fd: 1, name: "stdout") }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw CLIError("\(path): cannot open for writing: \(String(cString: strerror(errno)))") }
        return FileOutput(fd: fd, name: path)
    }
}
