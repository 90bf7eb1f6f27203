import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform
import Testing

/// The middleware an agent host calls, over the example configuration with a scratch audit log.
struct MiddlewareHarness {
    let scratch: Scratch
    let config: PHIScrubConfig
    let keys: any KeyProvider
    let audit: AuditLog
    let host: ComplianceMiddleware

    init(replacers: ReplacerPool? = nil, _ edit: (inout PHIScrubConfig) -> Void = { _ in }) throws {
        scratch = try Scratch()
        var c = try ConfigLoader.parse(ExampleConfig.text, file: "phiscrub.yaml", baseDirectory: scratch.url.path)
        c.audit.osAppendOnly = false
        edit(&c)
        config = c
        keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])
        let key = try keys.subkey(.audit, version: nil)
        audit = try AuditLog(settings: c.audit, signingKey: key.bytes, keyVersion: key.version)
        let scrubber = try Scrubber.withDefaultRules()
        if let replacers {
            host = ComplianceMiddleware(config: c, scrubber: scrubber, audit: audit, replacers: replacers)
        } else {
            host = ComplianceMiddleware(config: c, scrubber: scrubber, audit: audit, keys: keys)
        }
    }

    func records() throws -> [[String: Any]] {
        try jsonLines(try String(contentsOfFile: config.audit.directory + "/" + AuditFiles.segmentName(1), encoding: .utf8))
    }

    func events() throws -> [String] { try records().compactMap { $0["event"] as? String } }

    func verifies() -> Bool {
        AuditVerifier.verify(directory: config.audit.directory) { try? keys.subkey(.audit, version: $0).bytes }.ok
    }
}

/// Operators whose every replacement fails, as an encryption failure does.
struct FailingOperators: ReplacementFactory {
    final class Replacer: FindingReplacer {
        func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
            throw TransformError(code: .encryption, message: "encryption failed (test)")
        }
    }
    func makeReplacer() -> any FindingReplacer { Replacer() }
}

@Suite("Compliance middleware", .serialized)
struct ComplianceMiddlewareTests {
    let note = "SSN 365-94-0475, phone (312) 555-0134, MRN: 40022871"
    let clinician = CallContext(role: "clinician", agent: "care", user: "dr-a")

    @Test func anAllowedToolCallGetsTheRoleViewAndAnAuditRecordWithoutValues() throws {
        let h = try MiddlewareHarness()
        defer { h.scratch.cleanup() }
        let r = h.host.toolCall(clinician, tool: "ehr_lookup", input: note)
        #expect(r.allowed)
        let text = try #require(r.text)
        #expect(text.hasPrefix("SSN [SSN], phone (***) ***-0134, MRN: [MRN:tok:"))
        #expect(r.findings == ["SSN": 1, "PHONE": 1, "MRN": 1])
        let rec = try #require(try h.records().last)
        #expect(rec["event"] as? String == "tool_call")
        #expect(rec["outcome"] as? String == "allowed")
        let details = try #require(rec["details"] as? [String: Any])
        #expect((details["by_entity"] as? [String: Int])?["SSN"] == 1)
        let fps = try #require(details["fingerprints"] as? [String])
        #expect(fps.count == 3 && fps.allSatisfy { $0.contains(":hmac-sha256:") })
        let raw = try String(contentsOfFile: h.config.audit.directory + "/" + AuditFiles.segmentName(1), encoding: .utf8)
        for value in ["365-94-0475", "555-0134", "40022871"] { #expect(!raw.contains(value)) }
        #expect(h.verifies())
    }

    @Test func loadingRunsTheControlsCheckAndRecordsIt() throws {
        let h = try MiddlewareHarness { $0.audit.retentionYears = 2 }
        defer { h.scratch.cleanup() }
        #expect(h.host.controlFailures.map(\.id) == ["audit-retention"])
        let rec = try #require(try h.records().first { $0["event"] as? String == "config_change" })
        #expect(rec["outcome"] as? String == "controls_failed")
        #expect((rec["details"] as? [String: Any])?["controls_failed"] as? [String] == ["audit-retention"])
    }

    @Test func unknownRolesAndUnlistedToolsAreDeniedAndAudited() throws {
        let h = try MiddlewareHarness()
        defer { h.scratch.cleanup() }
        let unknown = h.host.toolCall(CallContext(role: "intruder", agent: "x", user: "y"), tool: "kb_search", input: "hello")
        #expect(!unknown.allowed && unknown.text == nil)
        #expect(unknown.reason == "unknown role 'intruder'")
        #expect(unknown.alerts.isEmpty)  // no PHI in the request
        let tool = h.host.toolCall(CallContext(role: "billing", agent: "b", user: "c"), tool: "ehr_lookup", input: note)
        #expect(!tool.allowed && tool.text == nil)
        #expect(tool.alerts.map(\.trigger) == [.unauthorizedPHIAccess])
        let model = h.host.modelCall(CallContext(role: "intruder", agent: "x", user: "y"), provider: "primary-llm", prompt: note)
        #expect(!model.allowed)
        let denied = try h.records().filter { $0["event"] as? String == "access_denied" }
        #expect(denied.count == 3)
        #expect(denied.map { ($0["details"] as? [String: Any])?["reason"] as? String } == ["unknown_role", "tool_not_allowed", "unknown_role"])
        #expect(try h.events().filter { $0 == "breach_alert" }.count == 2)
        #expect(h.verifies())
    }

    @Test func aRegionOutsideThePolicyIsBlockedAuditedAndAlerted() throws {
        let h = try MiddlewareHarness()
        defer { h.scratch.cleanup() }
        let ok = h.host.memoryWrite(clinician, region: "us-west-2", text: note)
        #expect(ok.allowed)
        let r = h.host.memoryWrite(clinician, region: "eu-west-1", text: note)
        #expect(!r.allowed && r.text == nil)
        #expect(r.alerts.map(\.trigger) == [.residencyViolation])
        let tool = h.host.toolCall(clinician, tool: "ehr_lookup", input: "no phi here", region: "ap-south-1")
        #expect(!tool.allowed)
        #expect(try h.events().filter { $0 == "residency_violation" }.count == 2)
        // log_only lets it through and still records the violation.
        let logged = try MiddlewareHarness { $0.residency.onViolation = .logOnly }
        defer { logged.scratch.cleanup() }
        #expect(logged.host.memoryWrite(clinician, region: "eu-west-1", text: note).allowed)
        #expect(try logged.events().contains("residency_violation"))
        #expect(!(try logged.events().contains("breach_alert")))
    }

    @Test func phiNeverReachesAProviderWithoutABAA() throws {
        let redact = try MiddlewareHarness()
        defer { redact.scratch.cleanup() }
        let r = redact.host.modelCall(clinician, provider: "eval-llm", prompt: note)
        #expect(r.allowed)
        #expect(r.text == "SSN [SSN], phone [PHONE], MRN: [MRN]")
        let block = try MiddlewareHarness { $0.residency.phiWithoutBAA = .block }
        defer { block.scratch.cleanup() }
        let b = block.host.modelCall(clinician, provider: "eval-llm", prompt: note)
        #expect(!b.allowed && b.text == nil)
        #expect(b.reason?.contains("no BAA") == true)
        #expect(try block.events().contains("residency_violation"))
        // Without PHI the call goes through untouched.
        #expect(block.host.modelCall(clinician, provider: "eval-llm", prompt: "summarise the weather").text == "summarise the weather")
    }

    @Test func anOperatorFailureBlocksTheCallAndRaisesAnEncryptionAlert() throws {
        let h = try MiddlewareHarness(replacers: ReplacerPool(operators: { _ in FailingOperators() }))
        defer { h.scratch.cleanup() }
        let r = h.host.toolOutput(clinician, tool: "ehr_lookup", output: note)
        #expect(!r.allowed && r.text == nil)
        #expect(r.alerts.map(\.trigger) == [.encryptionFailure])
        let last = try #require(try h.records().last { $0["event"] as? String == "tool_call" })
        #expect(last["outcome"] as? String == "blocked")
    }

    @Test func sessionLimitsDenyFurtherCalls() throws {
        let h = try MiddlewareHarness { c in
            if let i = c.roles.firstIndex(where: { $0.name == "clinician" }) { c.roles[i].limits.maxToolCalls = 2 }
        }
        defer { h.scratch.cleanup() }
        #expect(h.host.toolCall(clinician, tool: "ehr_lookup", input: "a").allowed)
        #expect(h.host.toolCall(clinician, tool: "ehr_lookup", input: "b").allowed)
        let third = h.host.toolCall(clinician, tool: "ehr_lookup", input: "c")
        #expect(!third.allowed)
        #expect(third.reason?.contains("tool-call limit") == true)
        // Another session of the same role has its own budget.
        #expect(h.host.toolCall(CallContext(role: "clinician", agent: "care", user: "dr-b"), tool: "ehr_lookup", input: "d").allowed)
        #expect(h.host.openSessions == 2)
        // Ending a session forgets its usage: the table stays bounded and the next call starts a fresh budget.
        h.host.endSession(clinician)
        #expect(h.host.openSessions == 1)
        #expect(h.host.toolCall(clinician, tool: "ehr_lookup", input: "e").allowed)
    }

    @Test func theConfiguredOrderDecidesWhichGateSpeaksFirst() throws {
        let h = try MiddlewareHarness { $0.compliance.middlewareOrder = [.residency, .rbac, .scan, .transform, .audit] }
        defer { h.scratch.cleanup() }
        // billing may not call ehr_lookup and ap-south-1 is not allowed: residency runs first here.
        let r = h.host.toolCall(CallContext(role: "billing", agent: "b", user: "c"), tool: "ehr_lookup", input: "x", region: "ap-south-1")
        #expect(r.reason?.contains("ap-south-1") == true)
    }

    @Test func anUnwritableAuditLogBlocksTheCall() throws {
        let h = try MiddlewareHarness()
        defer { h.scratch.cleanup() }
        try FileManager.default.removeItem(atPath: h.config.audit.directory)
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: h.config.audit.directory))
        let r = h.host.toolCall(clinician, tool: "ehr_lookup", input: note)
        #expect(!r.allowed && r.text == nil)
        #expect(r.reason?.contains("audit log cannot be written") == true)
        #expect(r.reason?.contains("365-94-0475") == false)
    }
}
