import Foundation
import PHICompliance
import Testing
#if canImport(Glibc)
import Glibc
#endif

// The audit log under real processes: four `phiscrub audit append` processes at once, tampering with the result,
// a writer killed with SIGKILL mid-run, and a leak check over everything the compliance layer writes.

@Suite("Audit log across processes", .serialized, .enabled(if: Binary.url != nil, Binary.skipMessage))
struct AuditProcessTests {
    func start(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = try #require(Binary.url)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func verify(_ s: ComplianceScratch) throws -> Binary.Result {
        try Binary.run(["audit", "verify", "--config", s.config, "--keyring", s.keyring])
    }

    func text(_ r: Binary.Result) -> String { String(decoding: r.stdout, as: UTF8.self) }

    @Test func fourProcessesAppendingAtOnceKeepOneChainAndEveryTamperingIsNamed() throws {
        let s = try ComplianceScratch { $0.replacingOccurrences(of: "max_segment_bytes: 67108864", with: "max_segment_bytes: 65536") }
        defer { s.cleanup() }
        let writers = try (0..<4).map { i in
            try start(["audit", "append", "--config", s.config, "--keyring", s.keyring, "--event", "tool_call",
                       "--agent", "agent-\(i)", "--user", "u", "--resource", "ehr_lookup", "--action", "call", "--count", "150"])
        }
        for w in writers { w.waitUntilExit(); #expect(w.terminationStatus == 0) }
        let ok = try verify(s)
        #expect(ok.status == 0, "\(text(ok))")
        let segments = AuditFiles.segments(in: s.audit)
        #expect(segments.count >= 2, "the log rotated by size while four writers appended")
        #expect(text(ok).contains("ok: \(600 + segments.count) records"))

        // Every record of every writer is there, in one sequence.
        var all: [[String: Any]] = []
        for n in segments {
            all += try jsonLines(try String(contentsOfFile: s.segment(n), encoding: .utf8))
        }
        #expect(all.map { $0["seq"] as? Int } == Array(1...all.count).map { Optional($0) })
        for i in 0..<4 { #expect(all.filter { $0["agent"] as? String == "agent-\(i)" }.count == 150) }

        // Each tampering, on a fresh copy, is named. Line 40 of the first segment is seq 40.
        let original = try Data(contentsOf: URL(fileURLWithPath: s.segment(1)))
        let lines = String(decoding: original, as: UTF8.self).split(separator: "\n").map(String.init)
        func tampered(_ edit: ([String]) -> [String]) throws -> String {
            try (edit(lines).joined(separator: "\n") + "\n").write(toFile: s.segment(1), atomically: false, encoding: .utf8)
            defer { try? original.write(to: URL(fileURLWithPath: s.segment(1))) }
            let r = try verify(s)
            #expect(r.status == 3)
            return text(r)
        }
        #expect(try tampered { l in var l = l; l[39] = l[39].replacingOccurrences(of: "agent-", with: "agent-9"); return l }
            .contains("first bad record: audit-000001.jsonl:40 (seq 40): changed"))
        #expect(try tampered { l in var l = l; l.remove(at: 39); return l }
            .contains("first bad record: audit-000001.jsonl:40 (seq 40): deleted: record seq 40 was deleted"))
        #expect(try tampered { l in var l = l; l.swapAt(39, 40); return l }
            .contains("first bad record: audit-000001.jsonl:40 (seq 41): reordered: seq 41 appears before seq 40"))
        // Cutting the newest segment's last records is caught by the signed head.
        let last = try #require(segments.last)
        let lastData = try Data(contentsOf: URL(fileURLWithPath: s.segment(last)))
        let lastLines = String(decoding: lastData, as: UTF8.self).split(separator: "\n").map(String.init)
        try (lastLines.dropLast(2).joined(separator: "\n") + "\n").write(toFile: s.segment(last), atomically: false, encoding: .utf8)
        let cut = try verify(s)
        #expect(cut.status == 3)
        #expect(text(cut).contains("truncated: records seq \(all.count - 1)...\(all.count) are missing from the end"))
        try lastData.write(to: URL(fileURLWithPath: s.segment(last)))
        #expect(try verify(s).status == 0)
    }

    @Test func aWriterKilledMidRunLeavesALogThatVerifiesUpToThePreciseTear() throws {
        let s = try ComplianceScratch { $0.replacingOccurrences(of: "    sync: periodic", with: "    sync: never") }
        defer { s.cleanup() }
        let writer = try start(["audit", "append", "--config", s.config, "--keyring", s.keyring, "--event", "tool_call",
                                "--agent", "a", "--resource", "r", "--action", "call", "--count", "1000000"])
        // Let it write a few hundred records, then kill it without warning.
        var size = 0
        for _ in 0..<200 where size < 100_000 {
            usleep(20_000)
            size = AuditFiles.size(s.segment()) ?? 0
        }
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal)
        let report = AuditVerifier.verify(directory: s.audit, key: { _ in nil })  // structure only; keys below
        #expect(report.records > 100)
        let r = try verify(s)
        // Killed between records: everything verifies. Killed inside a write: exactly the last record is torn.
        if r.status != 0 {
            #expect(text(r).contains("torn: the last record is incomplete"), "\(text(r))")
        }
        // Seal whatever the kill left, then leave a writer's half-written record at the end, as a kill inside
        // write(2) would: the tear is named, and what precedes it verifies.
        #expect(try Binary.run(["audit", "append", "--config", s.config, "--keyring", s.keyring, "--event", "scan"]).status == 0)
        #expect(try verify(s).status == 0)
        let path = s.segment()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        // Line numbers and sequence numbers part when the kill above tore a record (it stays in the file, sealed
        // by a recovery record): the torn record is on the next line and carries the next sequence number.
        let lastRecord = try #require(try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
        let nextSeq = try #require(lastRecord["seq"] as? Int) + 1
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"seq\":\(nextSeq),\"ts\":\"2026-11-27T02:".utf8))
        try handle.close()
        let torn = try verify(s)
        #expect(torn.status == 3)
        #expect(text(torn).contains("audit-000001.jsonl:\(lines.count + 1) (seq \(nextSeq)): torn"), "\(text(torn))")
        #expect(!text(torn).contains("also:"), "nothing before the tear is reported")
        // The next writer seals the tear with a signed acknowledgement and the chain goes on.
        let next = try Binary.run(["audit", "append", "--config", s.config, "--keyring", s.keyring, "--event", "scan"])
        #expect(next.status == 0)
        let after = try verify(s)
        #expect(after.status == 0, "\(text(after))")
        #expect(text(after).contains("sealed by the chain_recovery record"))
    }

    @Test func noAuditRecordErrorOrAlertCarriesAPHIValue() throws {
        let s = try ComplianceScratch {
            $0.replacingOccurrences(of: "  # alert_command: /usr/local/bin/page-oncall     # gets the alert event as JSON on stdin",
                                    with: "  alert_command: cat >> alerts.jsonl")
        }
        defer { s.cleanup() }
        let intake = Fixtures.path("intake.txt")
        var channels: [(String, String)] = []
        for role in ["clinician", "billing", "support", "intruder"] {
            let r = try Binary.run(["--config", s.config, "--keyring", s.keyring, "--role", role, intake], directory: s.scratch.url)
            channels.append(("stderr (\(role))", r.stderr))
        }
        let tampered = try Binary.run(["audit", "verify", "--config", s.config, "--keyring", s.keyring, "--alert"], directory: s.scratch.url)
        channels.append(("verify", String(decoding: tampered.stdout, as: UTF8.self) + tampered.stderr))
        let broken = try s.scratch.write("broken.yaml", "audit:\n  retention_years: 365-94-0475\n  storage: { path: \"(312) 555-0134\", sync: 4012 8888 8888 1881 }\n")
        let err = try Binary.run(["check-config", "--config", broken])
        #expect(err.status == 2)
        channels.append(("config error", err.stderr))
        for n in AuditFiles.segments(in: s.audit) {
            channels.append(("segment \(n)", try String(contentsOfFile: s.segment(n), encoding: .utf8)))
        }
        channels.append(("HEAD", try String(contentsOfFile: s.audit + "/HEAD", encoding: .utf8)))
        let alerts = s.scratch.path("alerts.jsonl")
        if FileManager.default.fileExists(atPath: alerts) { channels.append(("alerts", try String(contentsOfFile: alerts, encoding: .utf8))) }
        #expect(channels.count >= 8)
        for (name, text) in channels {
            let checked = text.replacingOccurrences(of: "[0-9a-f]{20,}", with: "h", options: .regularExpression)
            for value in Fixtures.leakValues {
                #expect(!checked.contains(value), "\(name) contains a PHI value")
            }
        }
    }
}
