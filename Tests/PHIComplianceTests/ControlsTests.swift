import Testing
@testable import PHICompliance

@Suite struct ControlsTests {
    @Test func theExampleConfigurationPassesEveryControl() throws {
        let results = ComplianceControls.check(try ConfigLoader.parse(ExampleConfig.text, file: "x"))
        #expect(results.count == 11)
        for r in results { #expect(r.passed, "\(r.id): \(r.reason)") }
    }

    /// Each weakening, applied alone, fails exactly its control.
    @Test(arguments: [
        ("encryption-at-rest", "    algorithm: AES-256-GCM", "    algorithm: AES-128-GCM"),
        ("tls-minimum", "    min_tls_version: \"1.3\"", "    min_tls_version: \"1.2\""),
        ("key-rotation", "    rotation_days: 90", "    rotation_days: 120"),
        ("audit-retention", "  retention_years: 6", "  retention_years: 5"),
        ("audit-chain", "  chain_hashing: true", "  chain_hashing: false"),
        ("audit-chain", "  hmac_signing: true", "  hmac_signing: false"),
        ("audit-enabled", "audit:\n  enabled: true", "audit:\n  enabled: false"),
        ("phi-log-redaction", "    redact_in_logs: true", "    redact_in_logs: false"),
        ("residency-strict", "  mode: strict", "  mode: permissive"),
        ("residency-strict", "  on_violation: block_and_alert", "  on_violation: log_only"),
        ("residency-strict", "    audit_logs: [us-east-1]", "    audit_logs: [\"*\"]"),
        ("provider-baa", "      baa_signed: true\n      receives_phi: true", "      baa_signed: false\n      receives_phi: true"),
        ("least-privilege", "    allowed_tools: [kb_search]", "    allowed_tools: [\"*\"]"),
        ("least-privilege", "    permissions: [tool_call]", "    permissions: [tool_call, admin, read_phi]"),
        ("least-privilege", "  support:\n    description: General support agent; sees no PHI\n    permissions: [tool_call, external_api]\n    allowed_tools: [kb_search]\n    allowed_endpoints: [https://kb.example.com/]\n    session_limits: { max_tokens: 50000, max_tool_calls: 30, max_minutes: 30 }",
         "  support:\n    description: General support agent; sees no PHI\n    permissions: [tool_call, external_api]\n    allowed_tools: [kb_search]\n    allowed_endpoints: [https://kb.example.com/]"),
        ("breach-triggers", "  breach_triggers: [unauthorized_phi_access, encryption_failure, residency_violation, audit_chain_break]",
         "  breach_triggers: [unauthorized_phi_access, encryption_failure, residency_violation]"),
    ])
    func weakeningOneSettingFailsItsControl(control: String, original: String, weakened: String) throws {
        #expect(ExampleConfig.text.components(separatedBy: original).count == 2, "the original text occurs once")
        let text = ExampleConfig.text.replacingOccurrences(of: original, with: weakened)
        let results = ComplianceControls.check(try ConfigLoader.parse(text, file: "x"))
        let failed = results.filter { !$0.passed }.map(\.id)
        #expect(failed == [control])
        #expect(results.first { $0.id == control }?.reason.isEmpty == false)
    }

    /// Issue 13: `transform.default: keep` (or a role that sees everything in clear) passed all 11 controls while
    /// the filter printed PHI. `phi-log-redaction` now fails for each, naming the setting.
    @Test(arguments: [
        ("  default: redact                 #", "  default: keep                 #", "transform.default is keep"),
        ("    SSN: token ", "    SSN: keep ", "keeps SSN"),
        ("  support:\n    description: General support agent; sees no PHI\n",
         "  support:\n    description: General support agent; sees no PHI\n    default_view: clear\n", "default_view clear"),
    ])
    func anEntityInClearByDefaultFailsLogRedaction(original: String, weakened: String, reason: String) throws {
        #expect(ExampleConfig.text.components(separatedBy: original).count == 2, "the original text occurs once")
        let text = ExampleConfig.text.replacingOccurrences(of: original, with: weakened)
        let results = ComplianceControls.check(try ConfigLoader.parse(text, file: "x"))
        let control = try #require(results.first { $0.id == "phi-log-redaction" })
        #expect(!control.passed)
        #expect(control.reason.contains(reason), "\(control.reason)")
    }
}
