import ArgumentParser
import Foundation
import PHIScan
import PHIBatch
import PHIScrub
import PHITransform

/// The `phiscrub` command tree. The executable only calls `PhiScrubCommand.runMain()`; tests call commands in
/// process.
public struct PhiScrubCommand: ParsableCommand {
    /// The `--action` entry of the overview: the operators from `TransformAction`, wrapped under the column the
    /// other entries use (80 columns in all).
    static var actionHelp: String {
        let text = TransformAction.listed(lastJoiner: " or ") + ", for all entities or as ENTITY=OP (repeatable)."
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > 53 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n" + String(repeating: " ", count: 26))
    }

    public static let configuration = CommandConfiguration(
        commandName: "phiscrub",
        abstract: "Find and redact protected health information (PHI) in text streams.",
        discussion: """
            With no subcommand, phiscrub is a Unix filter: it reads standard input (or FILEs) and writes the text \
            with every finding replaced by a typed token such as [SSN]. Everything else passes through byte for byte.

            Filter options (phiscrub [redact] [options] [<file> ...]):
              --rules <path>          Add a rule pack file or directory (repeatable).
              --no-default-rules      Do not load the default rule packs.
              --min-confidence <x>    Ignore findings below this confidence (0...1).
              --names <file>          A roster of names to find exactly (repeatable).
              --allow-partial-rules   Run even if the rules miss built-in identifiers.
              --candidates            Also load the candidate tier (recall first).
              --findings <file>       Also write findings as JSON Lines to this file.
              --explain               With --findings: say why each finding was reported.
              --fingerprint-key <k>   random (per run) or keyring (stable fingerprints).
              -o, --output <file>     Write redacted text here instead of standard output.
              --format <f>            Input: text (default), jsonl, json or auto (JSON
                                      lines rewritten JSON-aware); also --input-format.
              --append                Append to -o / --findings files (O_APPEND).
              --flush-idle <ms>       Flush when a pipe input is quiet this long (100).
              --line-buffered         Write each line read before reading on (tail -f).
              --confirm-messages      OK per line on stdout (rsyslog confirmMessages).
              --line-cap <bytes>      Scan longer lines in overlapping pieces.
              --stats                 Print prefilter and matching counters to stderr.
              -j, --jobs <n>          Worker threads (default: all cores); same output.
              --action <op>           \(actionHelp)
              --config <file>         phiscrub.yaml: operators (transform:), roles, and one
                                      audit record per line batch when audit is on.
              --role <name>           Show each entity as this role may see it
                                      (needs --config).
              --context <name>        Context encrypted tokens are bound to (default log).
              --subject <id>          Subject whose dates shift moves by one offset.
              --mask-keep <n>         Characters mask keeps at the end (default 4).
              --keyring <file>        Keys for token, encrypt, shift (see phiscrub keys).
              --key-max-age-days <n>  Maximum age of the newest key (default 90).
              --on-expired-key <x>    warn (default) or refuse when it is older.

            Other commands: scan (findings as JSONL or SARIF), rules (test and list packs), batch (clean stored \
            transcripts and logs into a directory), keys (init, rotate, list), reveal (decrypt encrypt tokens for an \
            allowed role), init (example phiscrub.yaml), check-config (SOC 2 / HIPAA controls), audit (verify or \
            append to the audit log), serve (the service as JSON Lines on stdin/stdout, or over HTTP with \
            Presidio's API), mcp (an MCP server, or a proxy scrubbing another one).

            Exit status: 0 ok; 1 findings (scan only); 2 error, or input withheld because it could not be scanned \
            completely; 3 a breach alert was raised (encryption failure, audit chain break). A closed output pipe ends the run quietly with status 0.
            """,
        version: PhiScrubVersion.current,
        subcommands: [RedactCommand.self, ScanCommand.self, RulesCommand.self, KeysCommand.self, RevealCommand.self,
                      EvalCommand.self, BatchCommand.self, InitCommand.self, CheckConfigCommand.self, AuditCommand.self,
                      ServeCommand.self, MCPCommand.self],
        defaultSubcommand: RedactCommand.self
    )

    public init() {}
}

/// The version string printed by `--version`: the release and the git commit it was built from (`unknown` when the
/// build had neither git nor a `COMMIT` file; see scripts/build-info.sh).
public enum PhiScrubVersion {
    public static let number = "0.1.0"
    public static let commit = BuildInfo.commit
    public static let current = "phiscrub \(number) (commit \(commit))"
}

/// Options shared by every command that loads rules.
public struct RuleOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp(
        "Add a rule pack file or directory (repeatable). A rule with the id of a default rule replaces it.",
        valueName: "path"))
    public var rulePaths: [String] = []

    @Flag(name: .customLong("no-default-rules"), help: "Do not load the default rule packs.")
    public var noDefaultRules = false

    @Option(name: .customLong("min-confidence"), help: ArgumentHelp(
        "Ignore findings below this confidence (0...1).", valueName: "x"))
    public var minConfidence: Double = 0

    @Option(name: .customLong("names"), help: ArgumentHelp(
        "A roster of names to find exactly, one per line, case and diacritics folded (repeatable); found as NAME by rule 'name-roster'.",
        valueName: "file"))
    public var rosterFiles: [String] = []

    @Flag(name: .customLong("candidates"), help: """
        Also load the candidate tier (rules/candidates.yaml): bare nine-digit numbers, dates without a label, bare \
        domain names and other shapes that are PHI only some of the time, found at confidence below 0.5. \
        For recall-first sweeps and review queues; not for logs.
        """)
    public var candidates = false

    @Flag(name: .customLong("allow-partial-rules"), help: """
        Run even when the rules cannot find every built-in identifier entity (SSN, PHONE, EMAIL, ...): \
        without it such a run is refused, because everything those rules miss would pass through in clear.
        """)
    public var allowPartialRules = false

    public init() {}

    public func validate() throws {
        guard (0...1).contains(minConfidence) else { throw ValidationError("--min-confidence must be between 0 and 1") }
        if noDefaultRules && rulePaths.isEmpty { throw ValidationError("--no-default-rules needs at least one --rules") }
    }

    /// Loads, compiles and checks the selected rules (a pack whose own examples fail is refused); throws every
    /// problem at once.
    /// With `requireIdentifiers` (every command that writes or judges text), a rule set lacking any built-in
    /// identifier entity is refused unless `--allow-partial-rules` was given (fail closed: no rules, no output).
    func makeScrubber(requireIdentifiers: Bool = true) throws -> Scrubber {
        // The library's ServiceSetup does it, so every command refuses the same rule sets `serve` and the C ABI do.
        var setup = ServiceSetup()
        setup.rulePaths = rulePaths
        setup.noDefaultRules = noDefaultRules
        setup.rosterFiles = rosterFiles
        setup.candidates = candidates
        setup.allowPartialRules = allowPartialRules
        setup.minConfidence = minConfidence
        do { return try setup.makeScrubber(requireIdentifiers: requireIdentifiers) } catch { throw CLIError(error.message) }
    }
}

/// An error the CLI reports on one line (or a few, for rule diagnostics) with exit status 2.
public struct CLIError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Exit statuses.
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let findings: Int32 = 1
    public static let error: Int32 = 2
}

extension StreamFormat: ExpressibleByArgument {}
