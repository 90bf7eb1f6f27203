import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform
import Testing

/// `RevealAccess` and `ComplianceRecords` without the command line.
@Suite("Reveal access and compliance records", .serialized)
struct RevealAccessTests {
    let keys = try! KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])

    func harness(_ scratch: Scratch) throws -> (PHIScrubConfig, AuditLog) {
        var config = try ConfigLoader.parse(ExampleConfig.text, file: "<example>", baseDirectory: scratch.url.path)
        config.audit.osAppendOnly = false
        let key = try keys.subkey(.audit, version: nil)
        return (config, try AuditLog(settings: config.audit, signingKey: key.bytes, keyVersion: key.version))
    }

    func records(_ config: PHIScrubConfig) throws -> [[String: Any]] {
        try jsonLines(Array(try Data(contentsOf: URL(fileURLWithPath: config.audit.directory + "/" + AuditFiles.segmentName(1)))))
    }

    @Test func aRoleWithoutReadPHIIsRefusedAuditedAndAlerted() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (config, log) = try harness(scratch)
        let access = RevealAccess(config: config, audit: log, role: "support", context: try DataContext("log"),
                                  resource: "notes.enc", environment: ["USER": "tester"])
        #expect(throws: RevealAccess.Refused.self) { try access.authorize() }
        do { try access.authorize() } catch {
            #expect(error.breach)
            #expect(error.message.hasPrefix("role 'support' may not reveal PHI"))
        }
        let events = try records(config).compactMap { $0["event"] as? String }
        #expect(events.contains("access_denied"))
        #expect(!events.contains("reveal"))
    }

    @Test func anAllowedRevealIsRecordedBeforeAndAfterWithCountsOnly() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (config, log) = try harness(scratch)
        let context = try DataContext("log")
        var policy = TransformPolicy()
        policy.defaultAction = .encrypt
        policy.context = context
        let sealed = try Scrubber.withDefaultRules().transform("SSN 365-94-0475", with: try Scrubber.withDefaultRules().transformer(policy: policy, keys: keys))
        let access = RevealAccess(config: config, audit: log, role: "clinician", context: context, resource: "notes.enc",
                                  environment: ["USER": "tester"])
        try access.authorize()
        var revealer = try access.makeRevealer(keys: keys)
        var out = MemoryOutput()
        try Array(sealed.utf8).withUnsafeBufferPointer { try revealer.feed($0, into: &out) }
        try revealer.finish(into: &out)
        try access.finished(revealer)
        // The clinician's view of SSN (excluded in the example configuration) is redacted: withheld, not revealed.
        #expect(String(decoding: out.bytes, as: UTF8.self) == "SSN [SSN]")
        let reveals = try records(config).filter { $0["event"] as? String == "reveal" }
        #expect(reveals.map { $0["outcome"] as? String } == ["started", "ok"])
        let details = try #require(reveals.last?["details"] as? [String: Any])
        #expect(details["withheld"] as? Int == 1)
        #expect(!(try String(contentsOfFile: config.audit.directory + "/" + AuditFiles.segmentName(1), encoding: .utf8)).contains("365-94"))
    }

    @Test func withoutAConfigurationTheEnvironmentListDecides() throws {
        let context = try DataContext("log")
        #expect(throws: Never.self) {
            try RevealAccess(config: nil, audit: nil, role: "admin", context: context, resource: "-", environment: [:]).authorize()
        }
        #expect(throws: RevealAccess.Refused.self) {
            try RevealAccess(config: nil, audit: nil, role: "admin", context: context, resource: "-",
                             environment: ["PHISCRUB_REVEAL_ROLES": "auditor"]).authorize()
        }
    }

    @Test func aBatchFileRecordHoldsCountsAndTheHashNeverAValue() {
        let event = ComplianceRecords.batchFile(input: "in/a.jsonl", output: "a.jsonl", sha256: "ab12", format: "jsonl",
                                                bytesIn: 100, bytesOut: 90, findingsByEntity: ["SSN": 2, "PHONE": 0],
                                                withheld: 0, role: nil, user: "tester")
        #expect(event.type == .scan)
        #expect(event.action == "batch_clean")
        #expect(event.phi)
        #expect(event.outcome == "ok")
        #expect(event.details["findings"] == .int(2))
        #expect(event.details["by_entity"] == .object(["SSN": .int(2)]))
        #expect(event.details["sha256"] == .string("ab12"))
    }

    @Test func aRequestedRecordCarriesItsFieldsRedactedAndCountsThem() throws {
        let redactor = FieldRedactor(scrubber: try Scrubber.withDefaultRules())
        let event = ComplianceRecords.requested(
            type: .toolCall, agent: "care-bot", user: "Jane_Roe_SSN_365-94-0475", role: "clinician", resource: "ehr_lookup",
            action: "call", phi: true, outcome: "ok",
            details: [("rows", "3"), ("note", "callback 312-555-0142"), ("empty", "")], redactor: redactor)
        #expect(event.user == "[NAME]_SSN_[SSN]")
        #expect(event.details["rows"] == .int(3))
        #expect(event.details["note"] == .string("callback [PHONE]"))
        #expect(event.details["empty"] == .string(""))
        #expect(event.details["redacted_fields"] == .int(2))
    }
}
