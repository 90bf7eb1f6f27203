import ArgumentParser
import Foundation
import PHICompliance
import PHIScan
import PHIScrub

/// `phiscrub audit`: verify the audit log, or append a record to it from a script.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify the hash-chained, signed audit log, or append a record to it.",
        subcommands: [Verify.self, Append.self, AppendRecords.self]
    )

    /// Where the log is: `--dir`, else the configuration's `audit.storage.path`.
    struct Location: ParsableArguments {
        @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file (default ./phiscrub.yaml when present).", valueName: "file"))
        var configPath: String?

        @Option(name: .customLong("dir"), help: ArgumentHelp("Audit log directory (overrides audit.storage.path).", valueName: "dir"))
        var directory: String?

        @OptionGroup var keys: KeyOptions

        func resolve() throws -> (config: PHIScrubConfig, explicit: Bool) {
            var config = try ComplianceSupport.loadConfigIfAny(configPath) ?? PHIScrubConfig()
            let explicit = configPath != nil || FileManager.default.fileExists(atPath: "phiscrub.yaml")
            if let directory { config.audit.directory = directory }
            return (config, explicit)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check every record's hash, signature, sequence and chain link and the signed head.",
            discussion: """
                Names the first record that was changed, deleted, reordered or cut off, and a torn last record left by a \
                writer that was killed. Exit status: 0 the log verifies; 3 it does not (a breach: audit chain break); \
                2 it cannot be checked (no log, no key).
                With --alert, a failure also raises a breach alert: an alert record appended to the log and the \
                configured alert command run with the alert as JSON on standard input.
                """
        )

        @OptionGroup var location: Location

        @Option(name: .customLong("format"), help: ArgumentHelp("text or json.", valueName: "format"))
        var format = "text"

        @Flag(name: .customLong("alert"), help: "On failure, raise a breach alert (audit record and alert command).")
        var alert = false

        @Option(name: .customLong("witness"), help: ArgumentHelp(
            "Compare the log with the signed checkpoint in this file (default: audit.storage.witness of the configuration).",
            valueName: "file"))
        var witnessPath: String?

        func validate() throws {
            guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        }

        func run() throws {
            let (config, _) = try location.resolve()
            let dir = config.audit.directory
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw CLIError("\(dir): no audit log directory")
            }
            let provider = try ComplianceSupport.keys(location.keys, config: config)
            let witness = witnessPath ?? config.audit.witnessPath
            let report = AuditVerifier.verify(directory: dir, requireSignatures: config.audit.hmacSigning, witness: witness) { version in
                try? provider.subkey(.audit, version: version).bytes
            }
            if format == "json" {
                var obj: [String: Any] = [
                    "directory": dir, "ok": report.ok, "segments": report.segments, "records": report.records,
                    "last_seq": report.lastSeq, "notes": report.notes,
                    "problems": report.problems.map { p -> [String: Any] in
                        var d: [String: Any] = ["kind": p.kind.rawValue, "segment": p.segment, "line": p.line, "message": p.message]
                        if let s = p.seq { d["seq"] = s }
                        return d
                    },
                ]
                if let r = report.retentionYears { obj["retention_years"] = r }
                let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for note in report.notes { print("note: \(note)") }
                if report.ok {
                    print("ok: \(report.records) records in \(report.segments) segment(s) verify (last seq \(report.lastSeq); retention \(report.retentionYears.map { "\($0) years" } ?? "unknown"))")
                } else {
                    print("FAILED: first bad record: \(report.problems[0])")
                    for p in report.problems.dropFirst().prefix(20) { print("  also: \(p)") }
                    if report.problems.count > 21 { print("  ... \(report.problems.count - 21) more") }
                }
            }
            guard report.ok else {
                if alert {
                    var problems: [String] = []
                    let log = try? ComplianceSupport.openAudit(config, keys: provider)
                    BreachAlerter(settings: config.compliance, audit: log).raise(
                        BreachAlert(trigger: .auditChainBreak, resource: dir, message: report.problems[0].description,
                                    details: ["problems": .int(report.problems.count)]), problems: &problems)
                    for p in problems { printError("phiscrub: " + p) }
                }
                throw ExitCode(ExitStatus.breach)
            }
        }
    }

    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "append",
            abstract: "Append one record (for agent hosts and scripts without the Swift library).",
            discussion: """
                Identifiers and details must not carry PHI: pass counts, names and fingerprints. As a safety net, \
                --agent, --user, --resource, --action and every --detail are scanned with the default rules and \
                recorded redacted (Jane_Roe_SSN_365-94-0475.log becomes Jane_Roe_SSN_[SSN].log); the record then \
                carries redacted_fields with how many were changed.
                """
        )

        @OptionGroup var location: Location

        @Option(name: .customLong("event"), help: ArgumentHelp("Event type (\(AuditEventType.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "type"))
        var event: String

        @Option(name: .customLong("agent"), help: ArgumentHelp("The agent (or service) that acted.", valueName: "id"))
        var agent = ""
        @Option(name: .customLong("user"), help: ArgumentHelp("The user the agent acted for.", valueName: "id"))
        var user = ""
        @Option(name: .customLong("role"), help: ArgumentHelp("The user's role (as in the configuration's roles).", valueName: "name"))
        var role: String?
        @Option(name: .customLong("resource"), help: ArgumentHelp("What was acted on: a tool, endpoint, model or store.", valueName: "name"))
        var resource = ""
        @Option(name: .customLong("action"), help: ArgumentHelp("What was done (call, read, write, ...).", valueName: "verb"))
        var action = ""
        @Option(name: .customLong("outcome"), help: ArgumentHelp("How it ended: ok, denied, blocked, error, ...", valueName: "text"))
        var outcome = "ok"
        @Flag(name: .customLong("phi"), help: "The action touched PHI.") var phi = false

        @Option(name: .customLong("detail"), help: ArgumentHelp("key=value detail (repeatable; integers stay numbers).", valueName: "kv"))
        var details: [String] = []

        @Option(name: .customLong("count"), help: ArgumentHelp("Append the record this many times (load tests).", valueName: "n"))
        var count = 1

        func validate() throws {
            guard AuditEventType(rawValue: event) != nil else { throw ValidationError("unknown event type '\(event)'") }
            guard count >= 1 else { throw ValidationError("--count must be at least 1") }
            for d in details where !d.contains("=") { throw ValidationError("--detail takes key=value") }
        }

        func run() throws {
            let (config, _) = try location.resolve()
            let provider = try ComplianceSupport.keys(location.keys, config: config)
            guard let log = try ComplianceSupport.openAudit(config, keys: provider) else {
                throw CLIError("auditing is off in the configuration (audit.enabled: false)")
            }
            // Free text never reaches the log with PHI in it: scanned with the default rules, recorded redacted.
            let redactor: FieldRedactor
            do { redactor = FieldRedactor(scrubber: Scrubber(ruleSet: try RuleSet.loadDefault())) } catch {
                throw CLIError(error.description + "\nphiscrub: the audit fields cannot be checked for PHI without rules; nothing appended")
            }
            let e = ComplianceRecords.requested(
                type: AuditEventType(rawValue: event)!, agent: agent, user: user, role: role, resource: resource, action: action,
                phi: phi, outcome: outcome,
                details: details.map { d in
                    let parts = d.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    return (parts[0], parts.count > 1 ? parts[1] : "")
                },
                redactor: redactor)
            var last: AuditReceipt?
            do {
                for _ in 0..<count { last = try log.append(e) ?? last }
                try log.sync()
            } catch {
                throw CLIError("audit log: \(error.message)")
            }
            if let last { print("appended seq \(last.seq) to \(last.segment)") } else { print("not recorded: audit.events leaves out \(event)") }
        }
    }
}
