import Testing
@testable import PHICompliance

@Suite struct ResidencyTests {
    func settings(_ edit: (inout ResidencySettings) -> Void = { _ in }) throws -> ResidencyPolicy {
        var s = try ConfigLoader.parse(ExampleConfig.text, file: "x").residency
        edit(&s)
        return ResidencyPolicy(settings: s)
    }

    @Test func writesOutsideTheAllowedRegionsAreBlockedOrLogged() throws {
        let strict = try settings()
        #expect(strict.checkWrite(category: .agentMemory, region: "us-west-2").action == .allow)
        let blocked = strict.checkWrite(category: .auditLogs, region: "eu-west-1")
        #expect(blocked.action == .block && blocked.isViolation)
        #expect(blocked.reason.contains("eu-west-1"))
        let logOnly = try settings { $0.onViolation = .logOnly }
        #expect(logOnly.checkWrite(category: .auditLogs, region: "eu-west-1").action == .allowLogged)
        let permissive = try settings { $0.mode = .permissive }
        #expect(permissive.checkWrite(category: .auditLogs, region: "eu-west-1").action == .allowLogged)
        // A category without a list is allowed only in the default region.
        let defaults = try settings { $0.categories = [:] }
        #expect(defaults.checkWrite(category: .toolOutputs, region: "us-east-1").action == .allow)
        #expect(defaults.checkWrite(category: .toolOutputs, region: "us-west-2").action == .block)
    }

    @Test func phiNeverGoesToAProviderWithoutABAA() throws {
        let redact = try settings()  // phi_without_baa: redact
        #expect(redact.checkModelCall(provider: "primary-llm", containsPHI: true).action == .allow)
        #expect(redact.checkModelCall(provider: "eval-llm", containsPHI: false).action == .allow)
        #expect(redact.checkModelCall(provider: "eval-llm", containsPHI: true).action == .redactFirst)
        let block = try settings { $0.phiWithoutBAA = .block }
        let d = block.checkModelCall(provider: "eval-llm", containsPHI: true)
        #expect(d.action == .block && d.isViolation)
        #expect(block.checkModelCall(provider: "nobody", containsPHI: false).action == .block)
    }

    @Test func providersOutsideTheRegionsAreBlocked() throws {
        let p = try settings {
            $0.providers["eu-llm"] = InferenceProvider(name: "eu-llm", endpoint: "https://eu.example.com", region: "eu-central-1",
                                                       baaSigned: true, receivesPHI: true)
        }
        #expect(p.checkModelCall(provider: "eu-llm", containsPHI: false).action == .block)
        let logged = try settings {
            $0.onViolation = .logOnly
            $0.providers["eu-llm"] = InferenceProvider(name: "eu-llm", endpoint: "https://eu.example.com", region: "eu-central-1",
                                                       baaSigned: false, receivesPHI: false)
        }
        // Logged for the region, but PHI without a BAA is still redacted first.
        #expect(logged.checkModelCall(provider: "eu-llm", containsPHI: false).action == .allowLogged)
        #expect(logged.checkModelCall(provider: "eu-llm", containsPHI: true).action == .redactFirst)
    }
}
