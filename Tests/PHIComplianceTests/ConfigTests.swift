import Foundation
import Testing
import Yams
@testable import PHICompliance

@Suite struct ConfigTests {
    @Test func exampleConfigurationLoadsWithEverySection() throws {
        let c = try ConfigLoader.parse(ExampleConfig.text, file: "phiscrub.yaml", baseDirectory: "/etc/phiscrub")
        #expect(c.security.encryptionAlgorithm == "AES-256-GCM")
        #expect(c.security.rotationDays == 90)
        #expect(c.roles.map(\.name) == ["clinician", "billing", "support"])
        let clinician = try #require(c.role(named: "clinician"))
        #expect(clinician.permissions == [.readPHI, .writePHI, .toolCall])
        #expect(clinician.allowedTools.contains("ehr_lookup"))
        #expect(clinician.views["telephone"] == .masked)
        #expect(clinician.limits == SessionLimits(maxTokens: 200000, maxToolCalls: 100, maxMinutes: 60))
        #expect(c.audit.directory == "/etc/phiscrub/phiscrub-audit")
        #expect(c.audit.retentionYears == 6)
        #expect(c.residency.allowedRegions(.auditLogs) == ["us-east-1"])
        #expect(c.residency.providers["eval-llm"]?.baaSigned == false)
        #expect(c.compliance.middlewareOrder == [.rbac, .residency, .scan, .transform, .audit])
        // The transform section is kept raw for the transform layer, with its line numbers.
        let transform = try #require(c.transformSection?.mapping)
        #expect(transform["default"]?.string == "redact")
        #expect(transform["entities"]?.mapping?["SSN"]?.string == "token")
        #expect((c.transformSection?.mark?.line ?? 0) > 90)
    }

    @Test func unknownKeysAreErrorsWithFileAndLine() {
        let text = """
            security:
              encryption:
                algorithm: AES-256-GCM
                rotaton_days: 30
            audti: {}
            """
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.parse(text, file: "bad.yaml") }
        let d = error?.diagnostics ?? []
        #expect(d.count == 2)
        #expect(d.contains { $0.line == 4 && $0.path == "security.encryption.rotaton_days" && $0.message.contains("unknown key") })
        #expect(d.contains { $0.line == 5 && $0.path == "audti" })
        #expect(error?.description.contains("bad.yaml:4: security.encryption.rotaton_days: unknown key") == true)
    }

    @Test func wrongTypesAndValuesAreAllReportedInOnePass() {
        let text = """
            audit:
              chain_hashing: sometimes
              retention_years: six
              storage:
                sync: hourly
            roles:
              nurse:
                permissions: read_phi
                allowed_tools: [ok, {a: b}]
                phi_categories: { allowed: [diagnosis] }
                session_limits: { max_tokens: -5 }
            data_residency:
              inference_providers:
                p: { region: us-east-1 }
            compliance:
              middleware_order: [scan, rbac, residency, audit, transform]
            """
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.parse(text, file: "c.yaml") }
        let byPath = Dictionary(grouping: error?.diagnostics ?? [], by: \.path)
        #expect(byPath["audit.chain_hashing"]?.first?.line == 2)
        #expect(byPath["audit.retention_years"]?.first?.message == "expected an integer")
        #expect(byPath["audit.storage.sync"]?.first?.line == 5)
        #expect(byPath["roles.nurse.permissions"]?.first?.message.contains("expected a list") == true)
        #expect(byPath["roles.nurse.allowed_tools"]?.first?.line == 9)
        #expect(byPath["roles.nurse.phi_categories.allowed"]?.first?.message.contains("neither an entity") == true)
        #expect(byPath["roles.nurse.session_limits.max_tokens"] != nil)
        #expect(byPath["data_residency.inference_providers.p"]?.count == 2)  // endpoint and baa_signed missing
        #expect(byPath["compliance.middleware_order"]?.first?.message == "audit must be the last step (it records what the others did)")
    }

    @Test func invalidYAMLNamesTheLine() {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.parse("roles:\n  a: [x\n  b: 1\n", file: "y.yaml") }
        #expect(error?.code == .syntax)
        #expect((error?.diagnostics.first?.line ?? 0) >= 2)
    }

    @Test func missingSectionsGetSecureDefaults() throws {
        let c = try ConfigLoader.parse("version: 1\n", file: "min.yaml")
        #expect(c.roles.isEmpty)
        #expect(c.audit.chainHashing && c.audit.hmacSigning && c.audit.retentionYears == 6)
        // No audit section: no audit log (it would need a key nobody asked for); the controls check says so.
        #expect(!c.audit.enabled)
        #expect(ComplianceControls.check(c).first { $0.id == "audit-enabled" }?.passed == false)
        #expect(try ConfigLoader.parse("audit: {}\n", file: "a.yaml").audit.enabled)
        #expect(c.residency.mode == .strict && c.residency.onViolation == .blockAndAlert)
        #expect(c.transformSection == nil)
    }

    @Test func unreadableFileIsAnError() {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(path: "/nonexistent/phiscrub.yaml") }
        #expect(error?.code == .unreadable)
    }
}
