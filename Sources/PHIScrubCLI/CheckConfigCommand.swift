import ArgumentParser
import Foundation
import PHICompliance

/// `phiscrub check-config`: the configuration against the SOC 2 and HIPAA controls.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check phiscrub.yaml against the SOC 2 and HIPAA controls (table or JSON; exit 1 when a control fails).",
        discussion: """
            Controls: AES-256 at rest, TLS 1.3 in transit, key rotation <= 90 days, audit on, audit retention >= 6 years, \
            chain hashing and HMAC signing, PHI redacted from logs, strict residency, a BAA for every provider that \
            receives PHI, least-privilege roles, every breach trigger on.
            Exit status: 0 all pass; 1 a control fails; 2 the configuration cannot be loaded.
            """
    )

    @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file.", valueName: "file"))
    var configPath = "phiscrub.yaml"

    @Option(name: .customLong("format"), help: ArgumentHelp("table or json.", valueName: "format"))
    var format = "table"

    func validate() throws {
        guard ["table", "json"].contains(format) else { throw ValidationError("--format must be table or json") }
    }

    func run() throws {
        let config = try ComplianceSupport.loadConfig(configPath)
        let results = ComplianceControls.check(config)
        let failed = results.filter { !$0.passed }.count
        if format == "json" {
            struct Report: Encodable {
                var config: String
                var passed: Bool
                var failed: Int
                var controls: [ControlResult]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(Report(config: configPath, passed: failed == 0, failed: failed, controls: results))
            print(String(decoding: data, as: UTF8.self))
        } else {
            let width = results.map(\.id.count).max() ?? 10
            print("control".padding(toLength: width, withPad: " ", startingAt: 0) + "  result  reason")
            for r in results {
                print(r.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (r.passed ? "pass  " : "FAIL  ") + "  " + r.reason)
            }
            print(failed == 0 ? "all \(results.count) controls pass" : "\(failed) of \(results.count) controls fail")
        }
        if failed > 0 { throw ExitCode(ExitStatus.findings) }
    }
}
