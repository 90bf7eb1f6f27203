// A minimal agent host on phiscrub's service core: the agent loop sends every prompt, tool call, tool output and
// memory write to a `PHIService` as a request (the same requests `phiscrub serve --stdio` takes as JSON Lines, see
// docs/serve.md), and only what the answers allow goes on. Roles, BAA routing, residency and the audit log come from
// the configuration. Run: swift run AgentHost [phiscrub.yaml]
// Without an argument it uses the example configuration with its audit log in a temporary directory and a
// throwaway key (PHISCRUB_KEY), then verifies the log it wrote. Every value below is fictional.
import Foundation
import PHICompliance
import PHIScrub
import PHITransform

let args = CommandLine.arguments.dropFirst()
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("agenthost-\(UUID().uuidString)").path

/// The service with the compliance middleware of `config` (what `phiscrub serve --stdio --config` runs).
func makeService(_ config: PHIScrubConfig, keys: any KeyProvider) throws -> PHIService {
    let auditKey = try keys.subkey(.audit, version: nil)
    let audit = try AuditLog(settings: config.audit, signingKey: auditKey.bytes, keyVersion: auditKey.version)
    let scrubber = try Scrubber.withDefaultRules()
    let middleware = ComplianceMiddleware(config: config, scrubber: scrubber, audit: audit, keys: keys)
    return PHIService(scrubber: scrubber, keys: keys, middleware: middleware)
}

/// One agent: its identity for the service, and a request counter for ids.
final class Agent {
    let service: PHIService
    var options = ServiceOptions()
    var nextID = 0

    init(service: PHIService, role: String, agent: String, user: String) {
        self.service = service
        options.role = role
        options.agent = agent
        options.user = user
    }

    /// One service request; prints the verdict and returns the text that may go on (nil: blocked).
    func ask(_ label: String, _ op: ServiceOperation, _ text: String, provider: String? = nil, tool: String? = nil,
             region: String? = nil) -> String? {
        nextID += 1
        var o = options
        o.provider = provider
        o.tool = tool
        o.region = region
        let answer = service.handle(ServiceRequest(id: .int(nextID), op: op, options: o, text: text))
        if let error = answer.error {
            print("\(label): error \(error.code.rawValue): \(error.message)")
            return nil
        }
        print("\(label): " + (answer.allowed == true ? "allowed" : "BLOCKED (\(answer.reason ?? ""))"))
        if let text = answer.string { print("  -> \(text)") }
        for a in answer.alerts ?? [] { print("  alert: \(a)") }
        return answer.allowed == true ? answer.string : nil
    }
}

/// The toy model: asks for the EHR tool once, then answers from what the tool returned.
func model(_ messages: [(role: String, content: String)]) -> (tool: String?, content: String) {
    if let last = messages.last, last.role == "tool" { return (nil, "Summary for the clinician: \(last.content)") }
    return ("ehr_lookup", "patient 48213377")
}

/// The toy tool: an EHR record full of (fictional) PHI.
func ehrLookup(_ query: String) -> String {
    "Patient MRN 48213377, SSN 402-19-8877, call (212) 555-0147 re: visit on 03/14/2024"
}

/// The agent loop: the prompt, each tool call and each tool output go through the service first.
func run(_ agent: Agent, prompt: String, provider: String) {
    guard let clean = agent.ask("prompt to \(provider)", .prompt, prompt, provider: provider) else { return }
    var messages: [(role: String, content: String)] = [("user", clean)]
    while true {
        let reply = model(messages)
        guard let tool = reply.tool else {
            print("model: \(reply.content)")
            return
        }
        guard let input = agent.ask("call \(tool)", .toolCall, reply.content, tool: tool) else { return }
        guard let output = agent.ask("output of \(tool)", .toolOutput, ehrLookup(input), tool: tool) else { return }
        messages.append(("tool", output))
    }
}

do {
    var config: PHIScrubConfig
    let keys: any KeyProvider
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
    let service = try makeService(config, keys: keys)
    let note = "Patient Jane Roe (SSN 402-19-8877) asks about her visit on 03/14/2024; call (212) 555-0147"

    print("== clinician, BAA provider: the loop runs; the tool output is shown as the clinician may see it")
    let clinician = Agent(service: service, role: "clinician", agent: "care-agent", user: "dr-example")
    run(clinician, prompt: note, provider: "primary-llm")
    print("== clinician, provider without a BAA: the prompt is redacted first")
    _ = clinician.ask("prompt to eval-llm", .prompt, note, provider: "eval-llm")
    print("== billing may not call the EHR tool; an unknown role may do nothing")
    _ = Agent(service: service, role: "billing", agent: "billing-agent", user: "clerk-example")
        .ask("call ehr_lookup", .toolCall, "patient 48213377", tool: "ehr_lookup")
    _ = Agent(service: service, role: "intruder", agent: "x", user: "y").ask("call kb_search", .toolCall, "hello", tool: "kb_search")
    print("== agent memory: residency")
    _ = clinician.ask("memory write in us-west-2", .memoryWrite, note, region: "us-west-2")
    _ = clinician.ask("memory write in eu-west-1", .memoryWrite, note, region: "eu-west-1")

    let report = AuditVerifier.verify(directory: config.audit.directory) { try? keys.subkey(.audit, version: $0).bytes }
    print("audit log \(config.audit.directory): \(report.records) records, " + (report.ok ? "verifies" : "FAILS: \(report.problems[0])"))
    if args.isEmpty { try? FileManager.default.removeItem(atPath: scratch) }
    exit(report.ok ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("agenthost: \(error)\n".utf8))
    try? FileManager.default.removeItem(atPath: scratch)
    exit(2)
}
