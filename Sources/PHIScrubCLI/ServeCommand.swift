import ArgumentParser
import Foundation
import PHIBatch
import PHICompliance
import PHIScan
import PHIScrub
import PHIServeHTTP
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// `phiscrub serve --stdio`: the service core (`PHIService`) as JSON Lines on standard input and output, for agent
/// hosts in other languages (README "Serving agent hosts", docs/serve.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer scan, redact and transform requests as JSON Lines on standard input and output, or over HTTP.",
        discussion: """
            --stdio: one JSON request per line in ({"id": 1, "op": "redact", "text": "..."}), one JSON answer per \
            line out, in the order requests complete (match them by id). Requests run concurrently on all cores. A \
            malformed request gets an error answer and the service goes on. On end of input or SIGTERM every \
            accepted request is answered, then phiscrub exits 0. --http ADDR or --unix PATH: the same requests at \
            POST /v1, Presidio's POST /analyze and /anonymize, GET /health and /metrics; bearer tokens and their \
            roles in --config (serve.http.tokens). The schema is in docs/serve.md.
            """)

    @Flag(name: .customLong("stdio"), help: "Serve JSON Lines on standard input and output.")
    var stdio = false

    @Option(name: .customLong("http"), help: ArgumentHelp(
        "Serve HTTP on ADDR: PORT, :PORT or HOST:PORT (no host: 127.0.0.1). Native API at POST /v1, Presidio's POST /analyze and /anonymize, GET /health and /metrics (docs/serve.md).",
        valueName: "addr"))
    var http: String?

    @Option(name: .customLong("unix"), help: ArgumentHelp("Serve HTTP on a Unix socket at PATH instead.", valueName: "path"))
    var unix: String?

    @OptionGroup var rules: RuleOptions
    @OptionGroup var keys: KeyOptions
    @OptionGroup var transform: TransformOptions

    @Option(name: .customLong("max-request-bytes"), help: ArgumentHelp(
        "Largest request line; a longer one is answered with too_large (default 64 MiB).", valueName: "bytes"))
    var maxRequestBytes: Int = 64 << 20

    @Option(name: .customLong("max-in-flight"), help: ArgumentHelp(
        "Requests read and not yet answered before reading pauses (default 64).", valueName: "n"))
    var maxInFlight: Int = 64

    @Option(name: [.customShort("j"), .customLong("jobs")], help: ArgumentHelp(
        "Worker threads (default: all cores).", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .customLong("no-audit"), help: ArgumentHelp(
        "With --config, do not open its audit log: the service writes no audit records (for a pipeline whose driver records its own, as the PySpark job does per partition)."))
    var noAudit = false

    func validate() throws {
        let transports = (stdio ? 1 : 0) + (http != nil ? 1 : 0) + (unix != nil ? 1 : 0)
        guard transports == 1 else { throw ValidationError("give one of --stdio, --http ADDR or --unix PATH") }
        if let http, HTTPFrontEnd.parseAddress(http) == nil {
            throw ValidationError("--http takes PORT, :PORT, HOST:PORT or [IPv6]:PORT")
        }
        guard maxRequestBytes >= 1024 else { throw ValidationError("--max-request-bytes must be at least 1024") }
        guard (1...4096).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be 1...4096") }
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be 1...256") }
    }

    func run() throws {
        if http != nil || unix != nil { return try runHTTP() }
        let service = try makeService()
        var limits = JSONLinesServer.Limits()
        limits.maxRequestBytes = maxRequestBytes
        limits.maxInFlight = maxInFlight
        limits.maxInFlightBytes = max(64 << 20, maxRequestBytes)
        limits.workers = jobs
        let server = JSONLinesServer(service: service, input: 0, output: 1, limits: limits)
        Self.handleSignals(server)
        let summary = server.run()
        if summary.stopped { printError("phiscrub: serve: stopped by a signal; every accepted request was answered") }
        // A host that closed our standard output is gone: like a closed pipe for the filter, exit quietly.
    }

    /// The service: rules, the operator policy of --config/--action as the default, keys when there are any, and
    /// the compliance middleware when --config is given.
    func makeService() throws -> PHIService {
        try Self.makeService(rules: rules, keys: keys, transform: transform, noAudit: noAudit)
    }

    /// The service of `serve` and `mcp`, from their shared options, built by the library's `ServiceSetup` (as the
    /// C ABI builds its engine); `noAudit` keeps the configuration's audit log closed (`serve --no-audit`).
    static func makeService(rules: RuleOptions, keys: KeyOptions, transform: TransformOptions,
                            noAudit: Bool = false) throws -> PHIService {
        var setup = ServiceSetup(rules: rules, keys: keys, transform: transform)
        setup.noAudit = noAudit
        setup.json = BatchJSONSupport()
        return try setup.makeServiceForCLI()
    }

    /// SIGTERM and SIGINT stop reading; the accepted requests are still answered. A second signal exits at once
    /// with status 2. The signals are blocked in every thread and taken by one thread with sigwait.
    static func handleSignals(_ server: JSONLinesServer) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let waiter = Thread {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGINT)
            sigaddset(&set, SIGTERM)
            var signals = 0
            while true {
                var sig: Int32 = 0
                guard sigwait(&set, &sig) == 0 else { continue }
                signals += 1
                if signals > 1 { _exit(ExitStatus.error) }
                server.stop()
            }
        }
        waiter.name = "phiscrub-serve-signals"
        waiter.start()
    }
}

extension ServiceSetup {
    /// The setup of the options `serve` and `mcp` share (`--rules`, `--names`, `--keyring`, `--config`,
    /// `--action`, ...), with errors spelled for the command line and key warnings on standard error.
    init(rules: RuleOptions, keys: KeyOptions, transform: TransformOptions) {
        self.init()
        rulePaths = rules.rulePaths
        noDefaultRules = rules.noDefaultRules
        rosterFiles = rules.rosterFiles
        candidates = rules.candidates
        allowPartialRules = rules.allowPartialRules
        minConfidence = rules.minConfidence
        configPath = transform.configPath
        actions = transform.actions
        context = transform.context
        subject = transform.subject
        maskKeep = transform.maskKeep
        keyringPath = keys.keyringPath
        keyMaxAgeDays = keys.maxAgeDays
        onExpiredKey = KeyAgePolicy.Action(rawValue: keys.onExpired) ?? .warn
        warn = { printError("phiscrub: warning: " + $0) }
        spelling = .commandLine
    }

    /// `makeService()` with its error as the CLI reports it (exit 2; a configuration's problems one a line, each
    /// prefixed like the first).
    func makeServiceForCLI() throws -> PHIService {
        do {
            return try makeService()
        } catch {
            throw CLIError(error.code == .config ? error.message.split(separator: "\n").joined(separator: "\nphiscrub: ")
                                                 : error.message)
        }
    }
}
