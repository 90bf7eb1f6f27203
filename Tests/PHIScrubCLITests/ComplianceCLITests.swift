import Foundation
import PHICompliance
import PHIScrubCLI
import PHITransform
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A scratch directory with a keyring and a copy of the example configuration whose audit log lives in it (without
/// the OS append-only flag, so tests can edit and delete the files).
struct ComplianceScratch {
    let scratch: Scratch
    let config: String
    let keyring: String
    var audit: String { scratch.path("audit") }

    init(_ edit: (String) -> String = { $0 }) throws {
        scratch = try Scratch()
        keyring = scratch.path("keyring.json")
        let text = ExampleConfig.text
            .replacingOccurrences(of: "    path: phiscrub-audit", with: "    path: audit")
            .replacingOccurrences(of: "    os_append_only: true", with: "    os_append_only: false")
        config = try scratch.write("phiscrub.yaml", edit(text))
        let made = CLI.run(["keys", "init", "--keyring", keyring], captureStdout: true)
        precondition(made.status == 0, made.stderr)
    }

    func segment(_ n: Int = 1) -> String { (audit as NSString).appendingPathComponent(String(format: "audit-%06d.jsonl", n)) }

    func records() throws -> [[String: Any]] {
        try jsonLines(try String(contentsOfFile: segment(), encoding: .utf8))
    }

    func verify() -> CLIResult {
        CLI.run(["audit", "verify", "--config", config, "--keyring", keyring], captureStdout: true)
    }

    func cleanup() { scratch.cleanup() }
}

@Suite("Compliance CLI", .serialized)
struct ComplianceCLITests {
    @Test func initWritesTheExampleAndKeepsAnExistingFile() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = scratch.path("phiscrub.yaml")
        let first = CLI.run(["init", "--output", path], captureStdout: true)
        #expect(first.status == 0)
        // The example with the transform layer's operator list written over its placeholder comment.
        #expect(try scratch.text("phiscrub.yaml") == ConfigFile.exampleText)
        #expect(ConfigFile.exampleText != ExampleConfig.text)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let again = CLI.run(["init", "--output", path])
        #expect(again.status == 2)
        #expect(again.stderr.contains("exists; pass --force"))
        #expect(CLI.run(["init", "--output", path, "--force"], captureStdout: true).status == 0)
        let check = CLI.run(["check-config", "--config", path], captureStdout: true)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("all 11 controls pass"))
    }

    @Test func checkConfigFailsAWeakenedControlWithJSONForCI() throws {
        let s = try ComplianceScratch { $0.replacingOccurrences(of: "rotation_days: 90", with: "rotation_days: 365") }
        defer { s.cleanup() }
        let table = CLI.run(["check-config", "--config", s.config], captureStdout: true)
        #expect(table.status == 1)
        #expect(table.stdout.contains("key-rotation        FAIL    security.encryption.rotation_days is 365; at most 90 is required"))
        let json = CLI.run(["check-config", "--config", s.config, "--format", "json"], captureStdout: true)
        #expect(json.status == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(obj["passed"] as? Bool == false)
        #expect(obj["failed"] as? Int == 1)
        let controls = try #require(obj["controls"] as? [[String: Any]])
        #expect(controls.first { $0["id"] as? String == "key-rotation" }?["passed"] as? Bool == false)
    }

    @Test func aBrokenConfigurationNamesFileAndLineAndExitsTwo() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = try scratch.write("bad.yaml", "security:\n  encryption:\n    algorithm: ROT13\naudit:\n  retention: 6\n")
        let r = CLI.run(["check-config", "--config", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yaml:3: security.encryption.algorithm: must be one of"))
        #expect(r.stderr.contains("bad.yaml:5: audit.retention: unknown key 'retention'"))
    }

    /// `transform:` is read with the rest of the file: check-config reports its problems in the same list, and the
    /// filter refuses the file before any output.
    @Test func aBrokenTransformSectionIsReportedWithTheRest() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = try scratch.write("bad.yaml", "security:\n  encryption:\n    algorithm: ROT13\ntransform:\n  default: scramble\n  entities:\n    ssn: token\n")
        let r = CLI.run(["check-config", "--config", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yaml:3: security.encryption.algorithm: must be one of"))
        #expect(r.stderr.contains("bad.yaml:5: transform: default: unknown operator 'scramble'"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.yaml:7: transform.entities: 'ssn' is not an entity name"))
        let input = try scratch.write("in.txt", "SSN 365-94-0475\n")
        let filter = CLI.run(["--config", path, "-o", scratch.path("out.txt"), input])
        #expect(filter.status == 2)
        #expect(filter.stderr.contains("bad.yaml:5: transform: default: unknown operator 'scramble'"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out.txt")))
    }

    @Test func theFilterAuditsEachBatchWithCountsAndNeverValues() throws {
        let s = try ComplianceScratch()
        defer { s.cleanup() }
        let out = s.scratch.path("out.txt")
        let r = CLI.run(["--config", s.config, "--keyring", s.keyring, "-o", out, Fixtures.path("intake.txt")])
        #expect(r.status == 0, "\(r.stderr)")
        let records = try s.records()
        #expect(records.map { $0["event"] as? String } == ["segment_open", "scan"])
        let details = try #require(records[1]["details"] as? [String: Any])
        let byEntity = try #require(details["by_entity"] as? [String: Int])
        #expect(byEntity["SSN"] == 2)
        #expect(details["findings"] as? Int == byEntity.values.reduce(0, +))
        #expect(records[1]["phi"] as? Bool == true)
        #expect(s.verify().status == 0)
    }

    @Test func everyBatchIsAuditedOnOneThreadAndInParallelAlike() throws {
        let s = try ComplianceScratch()
        defer { s.cleanup() }
        let intake = String(decoding: try Fixtures.bytes("intake.txt"), as: UTF8.self)
        let input = try s.scratch.write("big.txt", String(repeating: intake + "\n", count: 1000))  // about 650 KB
        var totals: [String: [String: Int]] = [:]
        for (name, extra) in [("sequential", ["-j", "1"]), ("parallel", ["-j", "2", "--block-size", "65536"])] {
            let before = (try? s.records().count) ?? 0
            let r = CLI.run(["--config", s.config, "--keyring", s.keyring, "-o", s.scratch.path("out-\(name)")] + extra + [input])
            #expect(r.status == 0, "\(r.stderr)")
            let scans = try s.records().dropFirst(before).filter { $0["event"] as? String == "scan" }
            #expect(scans.count >= 3, "\(name): one record per batch")
            var sum: [String: Int] = [:]
            for rec in scans {
                for (k, v) in (rec["details"] as? [String: Any])?["by_entity"] as? [String: Int] ?? [:] { sum[k, default: 0] += v }
            }
            #expect(scans.map { ($0["details"] as? [String: Any])?["bytes"] as? Int ?? 0 }.reduce(0, +) == AuditFiles.size(input))
            totals[name] = sum
        }
        #expect(totals["sequential"] == totals["parallel"])
        #expect(totals["sequential"]?["SSN"] == 2000)
        #expect(s.verify().status == 0)
    }

    @Test func theFilterShowsEachEntityAsTheRoleMaySeeIt() throws {
        let s = try ComplianceScratch()
        defer { s.cleanup() }
        let input = try s.scratch.write("in.txt", "SSN 365-94-0475 phone (312) 555-0134 DOB: 07/04/1958\n")
        let clinician = CLI.run(["--config", s.config, "--keyring", s.keyring, "--role", "clinician", "-o", s.scratch.path("c.txt"), input])
        #expect(clinician.status == 0, "\(clinician.stderr)")
        // ssn excluded -> redacted; telephone masked; dates allowed in clear.
        #expect(try s.scratch.text("c.txt") == "SSN [SSN] phone (***) ***-0134 DOB: 07/04/1958\n")
        let support = CLI.run(["--config", s.config, "--keyring", s.keyring, "--role", "support", "-o", s.scratch.path("s.txt"), input])
        #expect(support.status == 0)
        #expect(try s.scratch.text("s.txt") == "SSN [SSN] phone [PHONE] DOB: [DATE]\n")
        // An unknown role sees everything redacted, and the denial is audited.
        let unknown = CLI.run(["--config", s.config, "--keyring", s.keyring, "--role", "intruder", "-o", s.scratch.path("u.txt"), input])
        #expect(unknown.status == 0)
        #expect(try s.scratch.text("u.txt") == "SSN [SSN] phone [PHONE] DOB: [DATE]\n")
        let denied = try s.records().filter { $0["event"] as? String == "access_denied" }
        #expect(denied.count == 1)
        #expect(denied.first?["role"] as? String == "intruder")
        #expect(CLI.run(["--role", "clinician", input]).stderr.contains("--role needs --config"))
    }

    @Test func verifyNamesTheFirstBadRecordAndExitsWithTheBreachStatus() throws {
        let s = try ComplianceScratch { $0.replacingOccurrences(of: "  # alert_command: /usr/local/bin/page-oncall     # gets the alert event as JSON on stdin",
                                                                with: "  alert_command: cat > alert.json") }
        defer { s.cleanup() }
        let append = CLI.run(["audit", "append", "--config", s.config, "--keyring", s.keyring, "--event", "tool_call",
                              "--agent", "a1", "--user", "u1", "--resource", "ehr_lookup", "--action", "call", "--detail", "n=3",
                              "--count", "5"], captureStdout: true)
        #expect(append.status == 0, "\(append.stderr)")
        #expect(append.stdout.contains("appended seq 6"))
        let ok = s.verify()
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("ok: 6 records"))
        var lines = try String(contentsOfFile: s.segment(), encoding: .utf8).split(separator: "\n").map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: "\"n\":3", with: "\"n\":4")
        try (lines.joined(separator: "\n") + "\n").write(toFile: s.segment(), atomically: false, encoding: .utf8)
        let bad = s.verify()
        #expect(bad.status == 3)
        #expect(bad.stdout.contains("FAILED: first bad record: audit-000001.jsonl:4 (seq 4): changed"))
        let json = CLI.run(["audit", "verify", "--config", s.config, "--keyring", s.keyring, "--format", "json"], captureStdout: true)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(obj["ok"] as? Bool == false)
        #expect((obj["problems"] as? [[String: Any]])?.first?["seq"] as? Int == 4)
        // --alert records the breach and runs the alert command (from the configuration's directory? no: cwd).
        let cwd = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(s.scratch.url.path)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        let alerted = CLI.run(["audit", "verify", "--config", s.config, "--keyring", s.keyring, "--alert"], captureStdout: true)
        #expect(alerted.status == 3)
        let alert = try s.scratch.text("alert.json")
        #expect(alert.contains("\"trigger\":\"audit_chain_break\""))
        #expect(try String(contentsOfFile: s.segment(), encoding: .utf8).contains("\"event\":\"breach_alert\""))
    }

    @Test func verifyWithoutALogOrKeyIsAnError() throws {
        let s = try ComplianceScratch()
        defer { s.cleanup() }
        #expect(s.verify().status == 2)
        #expect(CLI.run(["audit", "append", "--config", s.config, "--keyring", s.keyring, "--event", "nonsense"]).status == 2)
    }

    @Test func missingKeysStopTheFilterBeforeAnyOutput() throws {
        let s = try ComplianceScratch()
        defer { s.cleanup() }
        let input = try s.scratch.write("in.txt", "SSN 365-94-0475\n")
        // Without the keyring neither the audit signature nor `encrypt` has a key: nothing is written (fail closed).
        let audited = CLI.run(["--config", s.config, "--keyring", s.keyring, "--action", "encrypt", "-o", s.scratch.path("x"), input])
        #expect(audited.status == 0)
        try FileManager.default.removeItem(atPath: s.keyring)
        let r = CLI.run(["--config", s.config, "--keyring", s.keyring, "--action", "encrypt", "-o", s.scratch.path("out.txt"), input])
        #expect(r.status == 2)
        #expect(!FileManager.default.fileExists(atPath: s.scratch.path("out.txt")))
        #expect(!r.stderr.contains("365-94-0475"))
    }
}

@Suite("reveal and key rotation under the compliance configuration", .serialized)
struct RevealAuditCLITests {
    @Test func revealNeedsReadPHIAndEveryRevealAndRefusalIsAudited() throws {
        let c = try ComplianceScratch()
        defer { c.cleanup() }
        let input = Fixtures.path("intake.txt")
        let encrypted = c.scratch.path("enc.txt")
        #expect(CLI.run(["--action", "encrypt", "--context", "tool_output", "--keyring", c.keyring, input, "-o", encrypted]).status == 0)

        // clinician holds read_phi: each value comes back exactly as the filter with --role clinician shows it
        // (issue 13: reveal used to decrypt every token in clear, the SSN the role excludes too), and the log holds
        // a started and a finished reveal that counts what was withheld.
        let ok = CLI.run(["reveal", "--config", c.config, "--keyring", c.keyring, "--role", "clinician",
                          "--context", "tool_output", encrypted, "-o", c.scratch.path("plain.txt")])
        #expect(ok.status == 0, "\(ok.stderr)")
        let view = CLI.run(["--config", c.config, "--keyring", c.keyring, "--role", "clinician", input,
                            "-o", c.scratch.path("view.txt")])
        #expect(view.status == 0, "\(view.stderr)")
        let plain = try c.scratch.text("plain.txt")
        #expect(plain == (try c.scratch.text("view.txt")))
        #expect(!plain.contains("365-94-0475") && !plain.contains("(312) 555-0134") && plain.contains("Orla Vestergaard"))
        var reveals = try c.records().filter { $0["event"] as? String == "reveal" }
        #expect(reveals.map { $0["outcome"] as? String } == ["started", "ok"])
        let details = try #require(reveals.last?["details"] as? [String: Any])
        #expect((details["withheld"] as? Int ?? 0) > 0 && (details["revealed"] as? Int ?? 0) > 0, "\(details)")
        #expect((details["withheld_by_entity"] as? [String: Any])?["SSN"] != nil, "\(details)")

        // billing lacks read_phi: nothing is revealed, the refusal and a breach alert are audited, exit 3.
        let denied = CLI.run(["reveal", "--config", c.config, "--keyring", c.keyring, "--role", "billing",
                              "--context", "tool_output", encrypted, "-o", c.scratch.path("p2.txt")])
        #expect(denied.status == 3)
        #expect(!FileManager.default.fileExists(atPath: c.scratch.path("p2.txt")))
        let events = try c.records().map { $0["event"] as? String }
        #expect(events.contains("access_denied") && events.contains("breach_alert"))
        // An unknown role is refused the same way.
        #expect(CLI.run(["reveal", "--config", c.config, "--keyring", c.keyring, "--role", "intruder",
                         "--context", "tool_output", encrypted, "-o", c.scratch.path("p3.txt")]).status == 3)
        reveals = try c.records().filter { $0["event"] as? String == "reveal" }
        #expect(reveals.count == 2)
        // No audit record or message holds a value; the chain verifies.
        let log = Fixtures.withoutFingerprints(try String(contentsOfFile: c.segment(), encoding: .utf8))
        for value in Fixtures.leakValues {
            #expect(!log.contains(value))
            #expect(!denied.stderr.contains(value))
        }
        #expect(c.verify().status == 0)
    }

    @Test func keyRotationIsAuditedUnderTheNewKeyAndTheChainStillVerifies() throws {
        let c = try ComplianceScratch()
        defer { c.cleanup() }
        #expect(CLI.run(["--config", c.config, "--keyring", c.keyring, Fixtures.path("intake.txt"), "-o", c.scratch.path("o1")]).status == 0)
        let rotated = CLI.run(["keys", "rotate", "--config", c.config, "--keyring", c.keyring], captureStdout: true)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let rotation = try #require(try c.records().first { $0["event"] as? String == "key_rotation" })
        #expect(rotation["key_version"] as? Int == 2)
        #expect(CLI.run(["--config", c.config, "--keyring", c.keyring, Fixtures.path("intake.txt"), "-o", c.scratch.path("o2")]).status == 0)
        let versions = Set(try c.records().compactMap { $0["key_version"] as? Int })
        #expect(versions == [1, 2], "records before the rotation stay signed by version 1")
        #expect(c.verify().status == 0)
    }
}

@Suite("batch under the compliance configuration", .serialized)
struct BatchAuditCLITests {
    @Test func eachCleanedFileAddsOneAuditRecordAndTheChainVerifies() throws {
        let c = try ComplianceScratch()
        defer { c.cleanup() }
        let folder = c.scratch.path("in")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("2026-11-27 INFO patient SSN 365-94-0475 called (312) 555-0134\n".utf8).write(to: URL(fileURLWithPath: folder + "/a.log"))
        try Data(#"{"messages":[{"role":"user","content":"my email is m.quennel@example.com"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/b.json"))
        try Data("nothing to see\n".utf8).write(to: URL(fileURLWithPath: folder + "/c.txt"))
        let run = CLI.run(["batch", folder, "--out", c.scratch.path("out"), "--config", c.config, "--keyring", c.keyring, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try c.records().filter { $0["agent"] as? String == "phiscrub-batch" }
        #expect(records.count == 3)
        let a = try #require(records.first { ($0["resource"] as? String)?.hasSuffix("a.log") == true })
        let details = try #require(a["details"] as? [String: Any])
        #expect((details["by_entity"] as? [String: Any])?["SSN"] as? Int == 1)
        #expect(a["phi"] as? Bool == true)
        let log = try String(contentsOfFile: c.segment(), encoding: .utf8)
        for value in ["365-94-0475", "555-0134", "m.quennel@example.com"] { #expect(!log.contains(value)) }
        #expect(c.verify().status == 0)
        // A second run skips the finished files and adds no records.
        #expect(CLI.run(["batch", folder, "--out", c.scratch.path("out"), "--config", c.config, "--keyring", c.keyring, "--quiet"]).status == 0)
        #expect(try c.records().filter { $0["agent"] as? String == "phiscrub-batch" }.count == 3)
    }
}
