import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform
import Testing

/// `ServiceSetup`, the one setup of `serve`, `mcp` and the C ABI: what it builds, and that each refusal has its code
/// and names the option as the front end's users spell it (synthetic values only).
@Suite struct ServiceSetupTests {
    /// A scratch directory with a keyring (a fresh random key), the example configuration without its audit log
    /// needing the machine, and a pack that finds only TICKET.
    struct Scratch {
        let dir: URL
        var keyring: String { dir.appendingPathComponent("keyring.json").path }
        var config: String { dir.appendingPathComponent("phiscrub.yaml").path }
        var ticketPack: String { dir.appendingPathComponent("ticket.yaml").path }

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("setup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            _ = try KeyringFile.create(path: keyring)
            try ConfigFile.exampleText.write(toFile: config, atomically: true, encoding: .utf8)
            try """
                pack: setup-test
                rules:
                  - id: setup-test-ticket
                    entity: TICKET
                    category: other_unique
                    pattern: 'TICKET-[0-9]{6}'
                    max_length: 13
                    confidence: 0.9
                    examples:
                      match: ['ref ⟦TICKET-123456⟧']
                      nomatch: ['TICKET-12']

                """.write(toFile: ticketPack, atomically: true, encoding: .utf8)
        }
    }

    func failure(_ setup: ServiceSetup) -> ServiceSetupError? {
        do { _ = try setup.makeService(); return nil } catch { return error }
    }

    @Test func theDefaultsRedactWithoutAConfiguration() throws {
        let s = try Scratch()
        defer { try? FileManager.default.removeItem(at: s.dir) }
        var setup = ServiceSetup()
        setup.keyringPath = s.keyring
        let service = try setup.makeService()
        #expect(service.middleware == nil)
        let r = service.handle(ServiceRequest(id: .int(1), op: .redact, text: "SSN 365-94-0475"))
        #expect(r.string == "SSN [SSN]")
        let t = service.handle(ServiceRequest(id: .int(2), op: .transform, text: "SSN 365-94-0475"))
        #expect(t.error == nil)
    }

    @Test func partialRulesAreRefusedInTheFrontEndsSpelling() throws {
        let s = try Scratch()
        defer { try? FileManager.default.removeItem(at: s.dir) }
        var setup = ServiceSetup()
        setup.keyringPath = s.keyring
        setup.noDefaultRules = true
        setup.rulePaths = [s.ticketPack]
        setup.spelling = .json
        let json = failure(setup)
        #expect(json?.code == .rules)
        #expect(json?.message.contains("set allow_partial_rules") == true, "\(json?.message ?? "")")
        #expect(json?.message.contains("no_default_rules with the rules packs given") == true)
        setup.spelling = .commandLine
        let cli = failure(setup)
        #expect(cli?.message.contains("pass --allow-partial-rules") == true, "\(cli?.message ?? "")")
        setup.allowPartialRules = true
        let service = try setup.makeService()
        #expect(service.handle(ServiceRequest(id: .int(1), op: .redact, text: "ref TICKET-123456")).string == "ref [TICKET]")
    }

    @Test func policiesThatWouldNotDoWhatWasAskedAreRefused() throws {
        let s = try Scratch()
        defer { try? FileManager.default.removeItem(at: s.dir) }
        var setup = ServiceSetup()
        setup.keyringPath = s.keyring
        setup.actions = ["NOT_AN_ENTITY=mask"]
        let unknown = failure(setup)
        #expect(unknown?.code == .options)
        #expect(unknown?.message.contains("no loaded rule reports NOT_AN_ENTITY") == true)
        setup.actions = ["shift"]
        setup.spelling = .json
        #expect(failure(setup)?.message.contains("needs a subject (subject, or") == true)
        setup.spelling = .commandLine
        #expect(failure(setup)?.message.contains("needs a subject (--subject ID, or") == true)
        setup.subject = "subject-1"
        #expect(failure(setup) == nil)
        setup.actions = []
        setup.maskKeep = 65
        setup.spelling = .json
        #expect(failure(setup) == ServiceSetupError(.options, "mask_keep must be 0...64"))
    }

    @Test func aConfigurationBringsTheMiddlewareAndChecksTheRole() throws {
        let s = try Scratch()
        defer { try? FileManager.default.removeItem(at: s.dir) }
        var setup = ServiceSetup()
        setup.keyringPath = s.keyring
        setup.configPath = s.config
        setup.noAudit = true
        setup.spelling = .json
        setup.role = "intruder"
        let role = failure(setup)
        #expect(role?.code == .config)
        #expect(role?.message.hasPrefix("role is not a role of the configuration; roles: ") == true, "\(role?.message ?? "")")
        setup.role = "clinician"
        let service = try setup.makeService()
        #expect(service.middleware != nil)
        #expect(service.basePolicy.entityActions["SSN"] == .token, "the example configuration's transform: section")
        // A keyring that does not exist is a keys error, not a service without keys.
        setup.keyringPath = s.dir.appendingPathComponent("missing.json").path
        #expect(failure(setup)?.code == .keys)
        // A broken configuration: every problem, code config.
        try "roles: [\n".write(toFile: s.config, atomically: true, encoding: .utf8)
        setup.keyringPath = s.keyring
        #expect(failure(setup)?.code == .config)
    }
}
