import Foundation
import Testing
@testable import PHICompliance
#if canImport(Glibc)
import Glibc
#endif

/// Issue 13: deleting the last record and blanking the newer head slot, or restoring an older copy of head and
/// segments together, verified. With `audit.storage.witness`, a signed checkpoint of the head in a second place
/// makes both fail.
@Suite struct AuditWitnessTests {
    func settings(_ dir: TempDirectory) -> AuditSettings {
        var s = testAuditSettings(dir)
        s.witnessPath = dir.file("witness")
        return s
    }

    func fill(_ dir: TempDirectory, _ range: ClosedRange<Int>) throws {
        let log = try AuditLog(settings: settings(dir), signingKey: testAuditKey, keyVersion: 1)
        for i in range {
            try log.append(AuditEvent(type: .toolCall, agent: "a", user: "u", resource: "r", action: "call", details: ["n": .int(i)]))
        }
    }

    func verify(_ dir: TempDirectory, witness: Bool = true) -> AuditVerification {
        AuditVerifier.verify(directory: dir.file("audit"), witness: witness ? dir.file("witness") : nil, key: testKeys)
    }

    @Test func anIntactLogMatchesItsWitness() throws {
        let dir = TempDirectory()
        try fill(dir, 1...10)
        let report = verify(dir)
        #expect(report.ok, "\(report.problems)")
        #expect(report.notes.contains { $0.contains("witness checkpoint (seq 11) matches") })
        var st = stat()
        #expect(stat(dir.file("witness"), &st) == 0 && st.st_mode & 0o077 == 0)
    }

    @Test func deletingTheLastRecordAndBlankingTheNewerHeadSlotFails() throws {
        let dir = TempDirectory()
        try fill(dir, 1...10)  // seq 1 segment_open, 2...11
        let segment = dir.file("audit/" + AuditFiles.segmentName(1))
        var lines = try String(contentsOfFile: segment, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.removeLast()
        try (lines.joined(separator: "\n") + "\n").write(toFile: segment, atomically: false, encoding: .utf8)
        // Seq 11's head slot is at offset 512: blank it, so the head's other slot (seq 10) is the newest.
        let head = open(dir.file("audit/HEAD"), O_WRONLY)
        let blank = [UInt8](repeating: 0x20, count: 511) + [0x0A]
        #expect(blank.withUnsafeBytes { pwrite(head, $0.baseAddress, 512, 512) } == 512)
        close(head)
        #expect(verify(dir, witness: false).ok, "without a witness the cut is invisible (the hole the witness closes)")
        let report = verify(dir)
        #expect(!report.ok)
        #expect(report.problems.first?.kind == .truncated, "\(report.problems)")
        #expect(report.problems.first?.seq == 11)
    }

    @Test func restoringAnOlderCopyOfTheWholeLogFails() throws {
        let dir = TempDirectory()
        try fill(dir, 1...5)
        let saved = dir.file("saved")
        try FileManager.default.copyItem(atPath: dir.file("audit"), toPath: saved)
        try fill(dir, 6...9)
        try FileManager.default.removeItem(atPath: dir.file("audit"))
        try FileManager.default.copyItem(atPath: saved, toPath: dir.file("audit"))
        #expect(verify(dir, witness: false).ok, "an older copy verifies on its own")
        let report = verify(dir)
        #expect(report.problems.first?.kind == .truncated, "\(report.problems)")
        // A rebuilt log that reaches the checkpoint's seq with other records fails too.
        try FileManager.default.removeItem(atPath: dir.file("audit"))
        var other = testAuditSettings(dir)
        other.witnessPath = nil
        let log = try AuditLog(settings: other, signingKey: testAuditKey, keyVersion: 1)
        for i in 1...12 { try log.append(AuditEvent(type: .toolCall, agent: "b", user: "v", resource: "r", action: "call", details: ["n": .int(i)])) }
        #expect(verify(dir).problems.first?.kind == .changed)
    }

    @Test func aMissingOrForgedWitnessFails() throws {
        let dir = TempDirectory()
        try fill(dir, 1...3)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("witness"))))
        if let i = bytes.firstIndex(of: UInt8(ascii: "4")) { bytes[i] = UInt8(ascii: "9") }  // "seq":4 -> "seq":9
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("witness")))
        #expect(verify(dir).problems.first?.kind == .head)
        try FileManager.default.removeItem(atPath: dir.file("witness"))
        #expect(verify(dir).problems.first?.kind == .head)
    }
}
