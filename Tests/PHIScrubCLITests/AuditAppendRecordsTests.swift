import Foundation
import Testing

// `audit append-records`: many records from JSON Lines in one run (the PySpark job's driver appends one per
// partition through it); strings redacted as `audit append` does, nothing appended when a line is bad.

@Suite struct AuditAppendRecordsTests {
    @Test func appendsEveryRecordSignedAndTheLogVerifies() throws {
        let s = try ComplianceScratch()
        defer { s.cleanup() }
        let lines = [
            #"{"event":"scan","agent":"phiscrub-spark","resource":"lake/tx","action":"spark_clean","phi":true,"details":{"partition":0,"by_entity":{"SSN":3},"files":["a","b"],"ok":true}}"#,
            #"{"event":"scan","agent":"phiscrub-spark","resource":"Jane_Roe_SSN_365-94-0475.jsonl","action":"spark_clean","details":{"partition":1}}"#,
        ]
        let input = try s.scratch.write("records.jsonl", lines.joined(separator: "\n") + "\n")
        let r = CLI.run(["audit", "append-records", "--config", s.config, "--keyring", s.keyring, input], captureStdout: true)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("appended 2 records"))
        #expect(s.verify().status == 0)
        let ours = try s.records().filter { $0["action"] as? String == "spark_clean" }
        #expect(ours.count == 2)
        let details = try #require(ours.first?["details"] as? [String: Any])
        #expect((details["by_entity"] as? [String: Any])?["SSN"] as? Int == 3 && details["ok"] as? Bool == true)
        // PHI in a field is recorded redacted, and counted.
        let resource = ours[1]["resource"] as? String ?? ""
        #expect(resource.hasSuffix("_SSN_[SSN].jsonl") && !resource.contains("365-94") && !resource.contains("Jane"))
        #expect((ours[1]["details"] as? [String: Any])?["redacted_fields"] as? Int == 1)
    }

    @Test func aBadLineAppendsNothing() throws {
        let s = try ComplianceScratch()
        defer { s.cleanup() }
        let input = try s.scratch.write("records.jsonl", #"{"event":"scan"}"# + "\n" + #"{"event":"scan","details":{"x":1.5}}"# + "\n")
        let r = CLI.run(["audit", "append-records", "--config", s.config, "--keyring", s.keyring, input])
        #expect(r.status == 2)
        #expect(r.stderr.contains("line 2"))
        #expect(((try? s.records()) ?? []).filter { $0["event"] as? String == "scan" }.isEmpty)
    }
}
