import Foundation
import Testing
@testable import PHICompliance

@Suite struct BreachAlertTests {
    @Test func anAlertIsAuditedAndPipedToTheAlertCommand() throws {
        let dir = TempDirectory()
        let log = try AuditLog(settings: testAuditSettings(dir), signingKey: testAuditKey, keyVersion: 1)
        var settings = ComplianceSettings()
        let out = dir.file("alert.json")
        settings.alertCommand = "cat > '\(out)'"
        let alerter = BreachAlerter(settings: settings, audit: log)
        var problems: [String] = []
        let alert = alerter.raise(BreachAlert(trigger: .residencyViolation, resource: "agent_memory",
                                              message: "agent_memory may not be stored in region 'eu-west-1'"),
                                  problems: &problems)
        #expect(problems.isEmpty)
        #expect(alert?.receipt?.seq == 2)
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(json["trigger"] as? String == "residency_violation")
        #expect(json["audit_seq"] as? Int == 2)
        let record = try String(contentsOfFile: dir.file("audit/" + AuditFiles.segmentName(1)), encoding: .utf8)
        #expect(record.contains("\"event\":\"breach_alert\""))
        #expect(AuditVerifier.verify(directory: dir.file("audit"), key: testKeys).ok)
    }

    @Test func triggersSwitchedOffRaiseNothingAndAFailingCommandIsReported() throws {
        var settings = ComplianceSettings()
        settings.breachTriggers = [.encryptionFailure]
        settings.alertCommand = "exit 7"
        let alerter = BreachAlerter(settings: settings, audit: nil)
        var problems: [String] = []
        #expect(alerter.raise(BreachAlert(trigger: .residencyViolation, resource: "r", message: "m"), problems: &problems) == nil)
        #expect(alerter.raise(BreachAlert(trigger: .encryptionFailure, resource: "r", message: "m"), problems: &problems) != nil)
        #expect(problems == ["alert command exited with status 7"])
        #expect(alerter.alerts.count == 1)
    }
}
