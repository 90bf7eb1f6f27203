// A minimal agent host: every tool call, tool output, model call and memory write goes through phiscrub's
// compliance middleware. Run: swift run AgentHost [phiscrub.yaml]
// Without an argument it uses the example configuration with its audit log in a temporary directory and a
// throwaway key (PHISCRUB_KEY), then verifies the log it wrote.
import Foundation
import PHICompliance
import PHIScrub
import PHITransform

let args = CommandLine.arguments.dropFirst()
var config: PHIScrubConfig
var keys: any KeyProvider
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("agenthost-\(UUID().uuidString)").path
do {
    if let path = args.first {
        config = try ConfigLoader.load(path: path)
        keys = try KeySource.load(keyringPath: config.security.keyringPath)
    } else {
        config = try ConfigLoader.parse(ExampleConfig.text, file: "example", baseDirectory: scratch)
        config.audit.osAppendOnly = false  // a demo directory we delete afterwards
        let key = try SecureRandom.bytes(32)
        keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": Data(key).base64EncodedString()])
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }
    let auditKey = try keys.subkey(.audit, version: nil)
    let audit = try AuditLog(settings: config.audit, signingKey: auditKey.bytes, keyVersion: auditKey.version)
    let host = ComplianceMiddleware(config: config, scrubber: try Scrubber.withDefaultRules(), audit: audit,
                                    transform: OperatorTransform(keys: keys))

    let clinician = CallContext(role: "clinician", agent: "care-agent", user: "dr-example")
    let billing = CallContext(role: "billing", agent: "billing-agent", user: "clerk-example")
    let note = "Patient MRN 48213377, SSN 402-19-8877, call (212) 555-0147 re: visit on 03/14/2024"

    func show(_ label: String, _ r: MiddlewareResult) {
        let verdict = r.allowed ? "allowed" : "BLOCKED (\(r.reason ?? ""))"
        print("\(label): \(verdict)")
        if let text = r.text { print("  -> \(text)") }
        for a in r.alerts { print("  alert: \(a.trigger.rawValue)") }
    }
    show("clinician calls ehr_lookup", host.toolCall(clinician, tool: "ehr_lookup", input: note))
    show("clinician reads the tool output", host.toolOutput(clinician, tool: "ehr_lookup", output: note))
    show("billing calls ehr_lookup", host.toolCall(billing, tool: "ehr_lookup", input: note))
    show("unknown role calls kb_search", host.toolCall(CallContext(role: "intruder", agent: "x", user: "y"), tool: "kb_search", input: "hello"))
    show("prompt to primary-llm (BAA)", host.modelCall(clinician, provider: "primary-llm", prompt: note))
    show("prompt to eval-llm (no BAA)", host.modelCall(clinician, provider: "eval-llm", prompt: note))
    show("memory write in us-west-2", host.memoryWrite(clinician, region: "us-west-2", text: note))
    show("memory write in eu-west-1", host.memoryWrite(clinician, region: "eu-west-1", text: note))

    let report = AuditVerifier.verify(directory: config.audit.directory) { try? keys.subkey(.audit, version: $0).bytes }
    print("audit log \(config.audit.directory): \(report.records) records, " + (report.ok ? "verifies" : "FAILS: \(report.problems[0])"))
    if args.isEmpty { try? FileManager.default.removeItem(atPath: scratch) }
    exit(report.ok ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("agenthost: \(error)\n".utf8))
    try? FileManager.default.removeItem(atPath: scratch)
    exit(2)
}
