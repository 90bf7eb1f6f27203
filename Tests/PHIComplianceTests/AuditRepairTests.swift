import Foundation
import Testing
@testable import PHICompliance

/// Issue 13: with several writers failing on a full disk, the broken bytes after the last complete record can be
/// several lines (a partial record, a seal's newline, a partial chain_recovery, another newline). The next writer
/// that succeeds acknowledges the whole region in one chain_recovery record, and the log verifies again.
@Suite struct AuditRepairTests {
    func append(_ dir: TempDirectory, _ range: ClosedRange<Int>) throws {
        let log = try AuditLog(settings: testAuditSettings(dir), signingKey: testAuditKey, keyVersion: 1)
        for i in range {
            try log.append(AuditEvent(type: .toolCall, agent: "a", user: "u", resource: "r", action: "call", details: ["n": .int(i)]))
        }
    }

    func damage(_ dir: TempDirectory, _ bytes: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.file("audit/" + AuditFiles.segmentName(1))))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes.utf8))
        try handle.close()
    }

    @Test(arguments: [
        "{\"seq\":7,\"ts\":\"2026-12-03T17:08:01Z\",\"event\":\"tool_c",                       // one partial record
        "{\"seq\":7,\"ts\":\"2026-12-0\n{\"seq\":7,\"ts\":\"2026-12-03T1\n",                    // two, sealed newline
        "{\"seq\":7,\"ts\":\"2026\n{\"seq\":7,\"event\":\"chain_rec\n\n{\"seq\":7,\"ts\":\"2",  // partial, empty line, partial
    ])
    func anyNumberOfFailedWritersIsRepairedByTheNextAppend(region: String) throws {
        let dir = TempDirectory()
        try append(dir, 1...5)  // seq 1...6
        try damage(dir, region)
        let before = AuditVerifier.verify(directory: dir.file("audit"), key: testKeys)
        #expect(!before.ok, "unsealed damage never verifies")
        try append(dir, 6...8)
        let after = AuditVerifier.verify(directory: dir.file("audit"), key: testKeys)
        #expect(after.ok, "\(after.problems)")
        #expect(after.notes.contains { $0.contains("sealed by the chain_recovery record seq 7") }, "\(after.notes)")
        #expect(after.lastSeq == 10)
        // And a later failure is repaired the same way.
        try damage(dir, "{\"seq\":11,\"ts\"")
        try append(dir, 9...9)
        #expect(AuditVerifier.verify(directory: dir.file("audit"), key: testKeys).ok)
    }

    /// A damaged line that is not the last thing in the log, or whose acknowledgement does not cover it, still fails.
    @Test func aRecoveryMustCoverTheWholeRegion() throws {
        let dir = TempDirectory()
        try append(dir, 1...3)
        try damage(dir, "{\"seq\":5,\"ts\"\n")
        try append(dir, 4...4)
        #expect(AuditVerifier.verify(directory: dir.file("audit"), key: testKeys).ok)
        // Insert a broken line in front of the region the recovery acknowledged: the cover no longer matches.
        let path = dir.file("audit/" + AuditFiles.segmentName(1))
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert("{\"seq\":5,\"forged", at: 4)
        try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(AuditVerifier.verify(directory: dir.file("audit"), key: testKeys).problems.first?.kind == .malformed)
    }
}
