import ArgumentParser
import Foundation
import PHICompliance
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// `phiscrub reveal`: turns `[ENC:…]` tokens back into their values for a role that may see PHI.
struct RevealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reveal",
        abstract: "Decrypt encrypt-operator tokens in a stream, for a role allowed to see PHI.",
        discussion: """
            Tokens only decrypt in the data context they were made for (--context) and under a key version the \
            keyring still holds. A token that fails stays encrypted in the output, an error names it by position, \
            and the exit status is 2.
            With --config (or ./phiscrub.yaml), the role must hold read_phi in the configuration; every reveal and \
            every refusal is written to the audit log, and a refused role raises an unauthorized_phi_access alert \
            (exit status 3). Without a configuration, the roles allowed are those in $PHISCRUB_REVEAL_ROLES \
            (comma-separated), default: privacy_officer,admin.
            """
    )

    @Argument(help: ArgumentHelp("Files to read; '-' or nothing reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(name: .customLong("role"), help: ArgumentHelp("The caller's role.", valueName: "role"))
    var role: String

    @Option(name: .customLong("context"), help: ArgumentHelp("Context the tokens were made for (default: log).", valueName: "name"))
    var context: String = "log"

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var outputPath: String?

    @OptionGroup var keys: KeyOptions

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "Configuration whose roles decide who may reveal and whose audit log records it (default ./phiscrub.yaml if present).",
        valueName: "file"))
    var configPath: String?

    /// The interim reveal permission: a role list from the environment (the RBAC policy replaces it).
    static func mayReveal(role: String, environment: [String: String]) -> Bool {
        let allowed = (environment["PHISCRUB_REVEAL_ROLES"] ?? "privacy_officer,admin")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return allowed.contains(role)
    }

    func run() throws {
        let dataContext: DataContext
        do { dataContext = try DataContext(context) } catch { throw CLIError(error.message) }
        let config = try ComplianceSupport.loadConfigIfAny(configPath)
        let provider = try ComplianceSupport.keys(keys, config: config)
        let audit = try config.flatMap { try ComplianceSupport.openAudit($0, keys: provider) }
        let user = ProcessInfo.processInfo.environment["USER"] ?? ""
        let resource = files.isEmpty ? "-" : files.joined(separator: ",")
        if let config {
            let decision = AccessPolicy(config: config).check(role: role, permission: .readPHI)
            if !decision.isAllowed {
                try appendAudit(audit, AuditEvent(type: .accessDenied, agent: "phiscrub-reveal", user: user, role: role,
                                                  resource: resource, action: "reveal", outcome: "denied",
                                                  details: ["reason": .string(decision.denial?.rawValue ?? "denied"),
                                                            "context": .string(dataContext.name)]))
                var problems: [String] = []
                let alert = BreachAlerter(settings: config.compliance, audit: audit).raise(
                    BreachAlert(trigger: .unauthorizedPHIAccess, resource: "reveal",
                                message: "role '\(role)' tried to reveal PHI without read_phi"),
                    agent: "phiscrub-reveal", user: user, role: role, problems: &problems)
                for p in problems { printError("phiscrub: " + p) }
                printError("phiscrub: role '\(role)' may not reveal PHI: \(decision.message)")
                throw ExitCode(alert != nil ? ExitStatus.breach : ExitStatus.error)
            }
        } else if !Self.mayReveal(role: role, environment: ProcessInfo.processInfo.environment) {
            throw CLIError("role '\(role)' may not reveal PHI")
        }
        // Recorded before anything is decrypted: a reveal the log cannot hold does not happen.
        try appendAudit(audit, AuditEvent(type: .reveal, agent: "phiscrub-reveal", user: user, role: role, resource: resource,
                                          action: "reveal", phi: true, outcome: "started",
                                          details: ["context": .string(dataContext.name)]))
        var output = try OutputFiles.open(outputPath)
        var revealer = Revealer(keys: provider, context: dataContext)
        var buffer = [UInt8](repeating: 0, count: InputReader.chunkSize)
        do {
            for input in files.isEmpty ? ["-"] : files {
                let fd = try InputReader.open(input)
                defer { if fd != 0 { close(fd) } }
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, InputReader.chunkSize) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw CLIError("\(input): read failed: \(String(cString: strerror(errno)))")
                    }
                    if n == 0 { break }
                    try buffer.withUnsafeBufferPointer { try revealer.feed(UnsafeBufferPointer(rebasing: $0[0..<n]), into: &output) }
                }
            }
            try revealer.finish(into: &output)
        } catch let error as OutputError where error.code == .brokenPipe {
            throw ExitCode(ExitStatus.ok)
        } catch let error as OutputError {
            throw CLIError(error.message)
        }
        var byEntity: [String: AuditValue] = [:]
        for (entity, n) in revealer.revealedByEntity { byEntity[entity] = .int(n) }
        try appendAudit(audit, AuditEvent(type: .reveal, agent: "phiscrub-reveal", user: user, role: role, resource: resource,
                                          action: "reveal", phi: revealer.revealed > 0,
                                          outcome: revealer.failures.isEmpty ? "ok" : "partial",
                                          details: ["context": .string(dataContext.name), "revealed": .int(revealer.revealed),
                                                    "refused": .int(revealer.failures.count), "by_entity": .object(byEntity)]))
        if !revealer.failures.isEmpty {
            let first = revealer.failures.prefix(3).map(\.message).joined(separator: "\nphiscrub: ")
            throw CLIError("\(revealer.failures.count) token(s) not revealed (left encrypted):\nphiscrub: \(first)")
        }
    }

    private func appendAudit(_ audit: AuditLog?, _ event: AuditEvent) throws {
        guard let audit else { return }
        do { try audit.append(event) } catch { throw CLIError("audit log: \(error.message) (fail closed)") }
    }
}
