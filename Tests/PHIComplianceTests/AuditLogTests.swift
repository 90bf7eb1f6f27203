import Foundation
import Testing
@testable import PHICompliance

@Suite struct AuditLogTests {
    func event(_ i: Int, _ type: AuditEventType = .toolCall) -> AuditEvent {
        AuditEvent(type: type, agent: "agent-\(i % 3)", user: "user-\(i % 5)", role: "clinician", resource: "ehr_lookup",
                   action: "call", phi: i % 2 == 0, details: ["findings": .object(["SSN": .int(i)]), "n": .int(i)])
    }

    func verify(_ dir: TempDirectory) -> AuditVerification {
        AuditVerifier.verify(directory: dir.file("audit"), key: testKeys)
    }

    func filled(_ n: Int, maxSegmentBytes: Int = 1 << 20) throws -> TempDirectory {
        let dir = TempDirectory()
        let log = try AuditLog(settings: testAuditSettings(dir, maxSegmentBytes: maxSegmentBytes), signingKey: testAuditKey, keyVersion: 1)
        for i in 1...n { try log.append(event(i)) }
        return dir
    }

    func lines(_ dir: TempDirectory, segment: Int = 1) throws -> [String] {
        let text = try String(contentsOfFile: dir.file("audit/" + AuditFiles.segmentName(segment)), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func write(_ dir: TempDirectory, _ lines: [String], segment: Int = 1) throws {
        try lines.joined(separator: "\n").write(toFile: dir.file("audit/" + AuditFiles.segmentName(segment)), atomically: false, encoding: .utf8)
    }

    @Test func recordsCarryTheChainAndVerify() throws {
        let dir = try filled(20)
        let report = verify(dir)
        #expect(report.ok, "\(report.problems)")
        #expect(report.records == 21)  // segment_open + 20
        #expect(report.lastSeq == 21)
        #expect(report.retentionYears == 6)
        let first = try lines(dir)[1]
        let obj = try #require(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(obj["seq"] as? Int == 2)
        #expect(obj["event"] as? String == "tool_call")
        #expect((obj["ts"] as? String)?.hasSuffix("Z") == true)
        #expect(obj["key_version"] as? Int == 1)
        #expect((obj["prev"] as? String)?.count == 64)
        #expect((obj["hash"] as? String)?.count == 64)
        #expect((obj["sig"] as? String)?.count == 64)
        #expect(obj["phi"] as? Bool == false)  // event(1)
    }

    @Test func anEditedRecordIsNamed() throws {
        let dir = try filled(10)
        var l = try lines(dir)
        l[4] = l[4].replacingOccurrences(of: "\"user-4\"", with: "\"user-9\"")
        try write(dir, l)
        let report = verify(dir)
        #expect(report.problems.first?.kind == .changed)
        #expect(report.problems.first?.line == 5)
        #expect(report.problems.first?.seq == 5)
    }

    @Test func anEditedAndRehashedRecordFailsItsSignature() throws {
        let dir = try filled(10)
        var l = try lines(dir)
        let line = l[6]
        let marker = line.range(of: ",\"hash\":\"")!
        let body = line[..<marker.lowerBound].replacingOccurrences(of: "\"phi\":true", with: "\"phi\":false")
        let hash = Hex.encode(SHA256.hash(Array(body.utf8)))
        let sig = line[line.range(of: "\"sig\":\"")!.upperBound...].prefix(64)
        l[6] = body + ",\"hash\":\"\(hash)\",\"sig\":\"\(sig)\"}"
        try write(dir, l)
        let report = verify(dir)
        #expect(report.problems.first?.kind == .changed)
        #expect(report.problems.first?.seq == 7)
        #expect(report.problems.first?.message.contains("signature") == true)
    }

    @Test func aDeletedRecordIsNamed() throws {
        let dir = try filled(10)
        var l = try lines(dir)
        l.remove(at: 3)  // seq 4
        try write(dir, l)
        let report = verify(dir)
        #expect(report.problems.first?.kind == .deleted)
        #expect(report.problems.first?.seq == 4)
        #expect(report.problems.first?.line == 4)
    }

    @Test func swappedRecordsAreNamed() throws {
        let dir = try filled(10)
        var l = try lines(dir)
        l.swapAt(5, 6)  // seq 6 and 7
        try write(dir, l)
        let report = verify(dir)
        #expect(report.problems.first?.kind == .reordered)
        #expect(report.problems.first?.seq == 7)
        #expect(report.problems.first?.line == 6)
        #expect(report.problems.first?.message.contains("before seq 6") == true)
    }

    @Test func recordsCutOffTheEndAreNamedThroughTheSignedHead() throws {
        let dir = try filled(10)
        var l = try lines(dir)
        l.removeLast(3)  // the empty tail, seq 11 and seq 10
        l.append("")
        try write(dir, l)
        let report = verify(dir)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.kind == .truncated)
        #expect(report.problems.first?.seq == 10)
        #expect(report.problems.first?.message.contains("records seq 10...11") == true)
    }

    /// What a writer killed inside `write(2)` leaves: part of a record after the last complete one, the head not
    /// yet updated.
    @Test func aTornLastRecordIsFlaggedAndEarlierRecordsVerify() throws {
        let dir = try filled(10)
        let path = dir.file("audit/" + AuditFiles.segmentName(1))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"seq\":12,\"ts\":\"2026-11-27T02:".utf8))
        try handle.close()
        let report = verify(dir)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.kind == .torn)
        #expect(report.problems.first?.line == 12)
        #expect(report.problems.first?.seq == 12)
        #expect(report.lastSeq == 11)
        // The next writer seals the torn record and continues the chain; verification then passes with a note.
        let log = try AuditLog(settings: testAuditSettings(dir), signingKey: testAuditKey, keyVersion: 1)
        let receipt = try #require(try log.append(event(99)))
        #expect(receipt.seq == 13)  // 12 = the chain_recovery record
        let after = verify(dir)
        #expect(after.ok, "\(after.problems)")
        #expect(after.notes.contains { $0.contains("sealed by the chain_recovery record seq 12") })
    }

    /// Cutting into the last record the head names is not a crash (the head is written after the record): the tear
    /// is flagged, and the next writer records the truncation instead of continuing silently.
    @Test func cuttingIntoASignedRecordStaysABreachAfterTheNextWrite() throws {
        let dir = try filled(10)
        let path = dir.file("audit/" + AuditFiles.segmentName(1))
        let size = try #require(AuditFiles.size(path))
        #expect(truncate(path, off_t(size - 40)) == 0)
        let report = verify(dir)
        #expect(report.problems.first?.kind == .torn)
        #expect(report.problems.first?.seq == 11)
        #expect(report.lastSeq == 10)
        let log = try AuditLog(settings: testAuditSettings(dir), signingKey: testAuditKey, keyVersion: 1)
        try log.append(event(99))
        let after = verify(dir)
        #expect(after.problems.map(\.kind) == [.truncated])
        #expect(after.problems.first?.seq == 11)
        #expect(after.problems.first?.message.contains("records seq 11...11 were cut off") == true)
    }

    @Test func wholeRecordsCutOffBeforeTheNextWriteAreRecordedNotHidden() throws {
        let dir = try filled(10)
        let path = dir.file("audit/" + AuditFiles.segmentName(1))
        var l = try lines(dir)
        l.removeLast(3)
        l.append("")
        try write(dir, l)
        #expect(AuditFiles.size(path) != nil)
        let log = try AuditLog(settings: testAuditSettings(dir), signingKey: testAuditKey, keyVersion: 1)
        try log.append(event(99))
        let after = verify(dir)
        #expect(after.problems.map(\.kind) == [.truncated])
        #expect(after.problems.first?.message.contains("records seq 10...11 were cut off") == true)
    }

    @Test func aGarbageLineInTheMiddleIsNotMistakenForARecoveredTear() throws {
        let dir = try filled(6)
        var l = try lines(dir)
        l[2] = "{\"seq\":3,\"oops\"}"
        try write(dir, l)
        let report = verify(dir)
        #expect(report.problems.first?.line == 3)
        #expect(report.problems.first?.kind == .malformed)
    }

    @Test func aMissingHeadIsAProblem() throws {
        let dir = try filled(3)
        try FileManager.default.removeItem(atPath: dir.file("audit/HEAD"))
        #expect(verify(dir).problems.first?.kind == .head)
        // A forged head is caught by its signature.
        let dir2 = try filled(3)
        let head = try String(contentsOfFile: dir2.file("audit/HEAD"), encoding: .utf8)
        try head.replacingOccurrences(of: "\"retention_years\":6", with: "\"retention_years\":1").write(toFile: dir2.file("audit/HEAD"), atomically: false, encoding: .utf8)
        #expect(verify(dir2).problems.first?.message.contains("signature") == true)
        // Rolling the head back by copying the older slot over the newer one (to hide a cut-off record) shows.
        let dir3 = try filled(3)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir3.file("audit/HEAD"))))
        #expect(bytes.count == 1024)
        bytes.replaceSubrange(0..<512, with: bytes[512..<1024])
        try Data(bytes).write(to: URL(fileURLWithPath: dir3.file("audit/HEAD")))
        #expect(verify(dir3).problems.first?.kind == .head)
    }

    @Test func segmentsRotateBySizeAndTheChainContinues() throws {
        let dir = try filled(200, maxSegmentBytes: 8192)
        let segments = AuditFiles.segments(in: dir.file("audit"))
        #expect(segments.count > 3)
        let report = verify(dir)
        #expect(report.ok, "\(report.problems)")
        // Deleting a whole middle segment is caught.
        try FileManager.default.removeItem(atPath: dir.file("audit/" + AuditFiles.segmentName(2)))
        let broken = verify(dir)
        #expect(broken.problems.first?.kind == .missingSegment)
        #expect(broken.problems.first?.segment == AuditFiles.segmentName(2))
    }

    @Test func segmentsRotateWhenTheUTCDayChanges() throws {
        let dir = TempDirectory()
        var s = testAuditSettings(dir)
        s.rotateDaily = true
        let log = try AuditLog(settings: s, signingKey: testAuditKey, keyVersion: 1)
        let day1 = Date(timeIntervalSince1970: 1_790_000_000)
        try log.append(event(1), now: day1)
        try log.append(event(2), now: day1.addingTimeInterval(60))
        try log.append(event(3), now: day1.addingTimeInterval(86_400))
        #expect(AuditFiles.segments(in: s.directory) == [1, 2])
        #expect(verify(dir).ok)
    }

    @Test func recordsSignedBeforeAKeyRotationStillVerify() throws {
        let dir = TempDirectory()
        let s = testAuditSettings(dir)
        try AuditLog(settings: s, signingKey: testAuditKey, keyVersion: 1).append(event(1))
        let rotated = try AuditLog(settings: s, signingKey: testAuditKey2, keyVersion: 2)
        try rotated.append(AuditEvent(type: .keyRotation, agent: "phiscrub", resource: "keyring", action: "rotate", details: ["new_version": 2]))
        try rotated.append(event(2))
        #expect(verify(dir).ok)
        // Without version 1 the old records cannot be checked.
        let partial = AuditVerifier.verify(directory: s.directory) { $0 == 2 ? testAuditKey2 : nil }
        #expect(partial.problems.first?.kind == .unsigned)
        #expect(partial.problems.first?.seq == 1)
    }

    @Test func threadsAppendingAtOnceKeepOneChain() async throws {
        let dir = TempDirectory()
        let s = testAuditSettings(dir)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    // Each task its own log object (its own lock descriptor), as separate processes would.
                    guard let log = try? AuditLog(settings: s, signingKey: testAuditKey, keyVersion: 1) else { return }
                    for i in 0..<50 { _ = try? log.append(event(t * 100 + i)) }
                }
            }
        }
        let report = verify(dir)
        #expect(report.ok, "\(report.problems)")
        #expect(report.lastSeq == 201)
    }

    @Test func eventsLeftOutOfTheSettingsAreSkippedButDenialsNeverAre() throws {
        let dir = TempDirectory()
        var s = testAuditSettings(dir)
        s.events = ["tool_call"]
        let log = try AuditLog(settings: s, signingKey: testAuditKey, keyVersion: 1)
        #expect(try log.append(event(1, .scan)) == nil)
        #expect(try log.append(event(2, .accessDenied)) != nil)
        #expect(try log.append(event(3, .toolCall)) != nil)
    }

    @Test func theOSAppendOnlyFlagIsTriedAndRecorded() throws {
        let dir = TempDirectory()
        var s = testAuditSettings(dir)
        s.osAppendOnly = true
        let log = try AuditLog(settings: s, signingKey: testAuditKey, keyVersion: 1)
        try log.append(event(1))
        let first = try String(contentsOfFile: dir.file("audit/" + AuditFiles.segmentName(1)), encoding: .utf8)
        let path = dir.file("audit/" + AuditFiles.segmentName(1))
        let set = AppendOnlyFlag.isSet(path: path)
        #expect(first.contains("\"append_only_os\":\(set)"))
        if set {
            // The file system itself now refuses to truncate the segment.
            #expect(truncate(path, 0) != 0)
        } else {
            #expect(first.contains("append_only_error"))
        }
        #expect(verify(dir).ok)
    }

    @Test func stringsAreEscapedSoNoFieldCanForgeTheTrailer() throws {
        let dir = TempDirectory()
        let log = try AuditLog(settings: testAuditSettings(dir), signingKey: testAuditKey, keyVersion: 1)
        try log.append(AuditEvent(type: .toolCall, agent: "a\",\"hash\":\"", user: "line\nbreak\u{1}", resource: "r\\", action: "x"))
        let report = verify(dir)
        #expect(report.ok, "\(report.problems)")
        #expect(try lines(dir).count == 3)  // two records and the final empty string
    }
}

#if canImport(Glibc)
import Glibc
#endif
