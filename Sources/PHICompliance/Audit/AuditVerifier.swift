import Foundation

/// One thing wrong with an audit log, located at a segment line. Messages never quote record contents.
public struct AuditProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The record's contents do not match its hash or signature.
        case changed
        /// Records are missing from the middle of the chain.
        case deleted
        /// Records are out of sequence.
        case reordered
        /// The last record is incomplete (a writer died mid-append, or the file was cut).
        case torn
        /// Whole records are missing from the end (the signed head names a later record).
        case truncated
        /// A line that is not a record.
        case malformed
        /// The record is unsigned, or signed with a key version that is not available.
        case unsigned
        /// The head record is missing, unreadable or its signature does not verify.
        case head
        /// A segment file is missing from the sequence.
        case missingSegment = "missing_segment"
    }

    public var kind: Kind
    public var segment: String
    /// 1-based line within the segment (0 for the head or a missing segment).
    public var line: Int
    /// The sequence number concerned, when known.
    public var seq: Int?
    public var message: String

    public var description: String {
        let at = line > 0 ? "\(segment):\(line)" : segment
        let s = seq.map { " (seq \($0))" } ?? ""
        return "\(at)\(s): \(kind.rawValue): \(message)"
    }
}

/// The result of verifying a log: problems (the first is the first bad record) and notes.
public struct AuditVerification: Sendable {
    public var segments = 0
    public var records = 0
    public var lastSeq = 0
    public var problems: [AuditProblem] = []
    /// Facts worth knowing that are not failures (recovered torn records, records after the head, append-only flag).
    public var notes: [String] = []
    public var retentionYears: Int?

    public var ok: Bool { problems.isEmpty }
}

/// Checks every record's hash, signature, sequence number and chain link, every segment's presence, and the
/// signed head, and names the first record that was changed, deleted, reordered or cut off.
public enum AuditVerifier {
    /// `key(version)` returns the audit subkey of a key version (nil when unavailable). With `requireSignatures`,
    /// an unsigned record is a problem (someone could strip a signature and recompute the hash).
    ///
    /// `witness` is the checkpoint file `audit.storage.witness` names: the log must reach the checkpoint's sequence
    /// number with the very record it signed, or records were cut off or an older log restored.
    public static func verify(directory: String, requireSignatures: Bool = true, witness: String? = nil,
                              key: (Int) -> [UInt8]?) -> AuditVerification {
        var report = AuditVerification()
        func path(_ n: String) -> String { (directory as NSString).appendingPathComponent(n) }
        let indices = AuditFiles.segments(in: directory)
        report.segments = indices.count
        if indices.isEmpty {
            report.problems.append(AuditProblem(kind: .missingSegment, segment: directory, line: 0, seq: nil,
                                                message: "no audit segments in the directory"))
            return report
        }
        // Lines of every segment, and where each sequence number appears (to tell deletion from reordering).
        struct Line { var segment: Int; var number: Int; var offset: Int; var bytes: ArraySlice<UInt8>; var terminated: Bool }
        var lines: [Line] = []
        for index in indices {
            guard let bytes = AuditFiles.read(path(AuditFiles.segmentName(index))) else {
                report.problems.append(AuditProblem(kind: .missingSegment, segment: AuditFiles.segmentName(index), line: 0,
                                                    seq: nil, message: "cannot read the segment"))
                continue
            }
            var start = 0, number = 0
            while start < bytes.count {
                number += 1
                let nl = bytes[start...].firstIndex(of: 0x0A)
                let end = nl ?? bytes.count
                lines.append(Line(segment: index, number: number, offset: start, bytes: bytes[start..<end], terminated: nl != nil))
                start = end + 1
            }
        }
        let parsed = lines.map { AuditRecordFormat.parse($0.bytes) }
        var position: [Int: Int] = [:]
        for (i, p) in parsed.enumerated() { if let p, position[p.seq] == nil { position[p.seq] = i } }
        for (k, index) in indices.enumerated() where index != k + 1 {
            let expected = k == 0 ? 1 : indices[k - 1] + 1
            if index != expected {
                report.problems.append(AuditProblem(kind: .missingSegment, segment: AuditFiles.segmentName(expected), line: 0,
                                                    seq: nil, message: "segment missing (the next present is \(AuditFiles.segmentName(index)))"))
            }
            break
        }

        var expectedSeq = 1
        var lastHash = AuditRecordFormat.zeroHash
        // Broken lines since the last record (a region several failing writers left), waiting for the
        // chain_recovery record that acknowledges all of them at once.
        var unacknowledged: [Int] = []
        func region(_ pending: [Int]) -> ChainState.Torn {
            var bytes: [UInt8] = []
            for (k, i) in pending.enumerated() {
                if k > 0 { bytes.append(0x0A) }
                bytes += lines[i].bytes
            }
            let first = lines[pending[0]]
            return ChainState.Torn(segment: first.segment, offset: first.offset, length: bytes.count,
                                   sha256: Hex.encode(SHA256.hash(bytes)))
        }
        var appendOnly = (set: 0, unset: 0)
        for (i, line) in lines.enumerated() {
            let segName = AuditFiles.segmentName(line.segment)
            func problem(_ kind: AuditProblem.Kind, _ seq: Int?, _ message: String) {
                report.problems.append(AuditProblem(kind: kind, segment: segName, line: line.number, seq: seq, message: message))
            }
            guard let rec = parsed[i] else {
                if !line.terminated {
                    problem(.torn, expectedSeq, "the last record is incomplete (\(line.bytes.count) bytes, no newline): a writer stopped mid-append or the file was cut; records before it verify")
                } else if let first = unacknowledged.first, lines[first].segment != line.segment {
                    unacknowledged = [i]
                } else {
                    unacknowledged.append(i)
                }
                continue
            }
            report.records += 1
            if !unacknowledged.isEmpty {
                let torn = region(unacknowledged)
                let l = lines[unacknowledged[0]]
                if rec.event == AuditEventType.chainRecovery.rawValue, recovery(rec) == torn {
                    let what = unacknowledged.count == 1 ? "torn record" : "\(unacknowledged.count) torn lines"
                    report.notes.append("\(AuditFiles.segmentName(torn.segment)):\(l.number): \(what) (\(torn.length) bytes) left by an interrupted writer, sealed by the chain_recovery record seq \(rec.seq)")
                } else {
                    report.problems.append(AuditProblem(kind: .malformed, segment: AuditFiles.segmentName(l.segment), line: l.number,
                                                        seq: expectedSeq, message: "not a valid record (changed or cut)"))
                }
                unacknowledged = []
            }
            var seqProblem = false
            if rec.seq != expectedSeq {
                seqProblem = true
                if rec.seq > expectedSeq {
                    let moved = (expectedSeq..<rec.seq).filter { position[$0] != nil }
                    if moved.isEmpty {
                        let range = rec.seq - expectedSeq == 1 ? "seq \(expectedSeq) was" : "seq \(expectedSeq)...\(rec.seq - 1) were"
                        problem(.deleted, expectedSeq, "record \(range) deleted (this line holds seq \(rec.seq))")
                    } else {
                        problem(.reordered, rec.seq, "seq \(rec.seq) appears before seq \(moved[0])")
                    }
                } else {
                    problem(.reordered, rec.seq, "seq \(rec.seq) appears after seq \(expectedSeq - 1)")
                }
            }
            let actual = Hex.encode(SHA256.hash(rec.body))
            if actual != rec.hash {
                problem(.changed, rec.seq, "the record does not match its hash")
            } else if let sig = rec.sig {
                if let k = key(rec.keyVersion) {
                    if !(Hex.decode(sig).map { HMACSHA256.verify(tag: $0, key: k, message: rec.body) } ?? false) {
                        problem(.changed, rec.seq, "the signature does not verify (contents changed and re-hashed, or a forged record)")
                    }
                } else {
                    problem(.unsigned, rec.seq, "no audit key of version \(rec.keyVersion) to check the signature with")
                }
            } else if requireSignatures {
                problem(.unsigned, rec.seq, "the record carries no signature")
            }
            if let prev = rec.prev, !seqProblem, prev != lastHash {
                problem(.changed, expectedSeq - 1, "the chain link does not match the previous record (the previous record was changed or replaced)")
            }
            if rec.event == AuditEventType.chainRecovery.rawValue, let cut = truncation(rec) {
                problem(.truncated, cut.found + 1, "records seq \(cut.found + 1)...\(cut.head) were cut off the end of the log; the next writer found the signed head ahead of the files and recorded it here (seq \(rec.seq))")
            }
            if rec.event == AuditEventType.segmentOpen.rawValue {
                if rec.body.elementsEqual(rec.body) && String(decoding: rec.body, as: UTF8.self).contains("\"append_only_os\":true") {
                    appendOnly.set += 1
                } else {
                    appendOnly.unset += 1
                }
                if let ry = detailsInt(rec, "retention_years") { report.retentionYears = ry }
            }
            expectedSeq = rec.seq + 1
            lastHash = rec.hash
        }
        if let first = unacknowledged.first {
            let l = lines[first]
            report.problems.append(AuditProblem(kind: .malformed, segment: AuditFiles.segmentName(l.segment), line: l.number,
                                                seq: expectedSeq, message: "not a valid record (changed or cut)"))
        }
        report.lastSeq = expectedSeq - 1
        report.notes.append("segments made append-only by the file system: \(appendOnly.set) of \(appendOnly.set + appendOnly.unset)")
        checkHead(directory: path(AuditHead.fileName), lines: lines.map { (AuditFiles.segmentName($0.segment), $0.number) },
                  parsed: parsed, position: position, key: key, requireSignatures: requireSignatures, report: &report)
        if let witness {
            checkWitness(witness, lines: lines.map { (AuditFiles.segmentName($0.segment), $0.number) }, parsed: parsed,
                         position: position, key: key, report: &report)
        }
        return report
    }

    /// Compares the log with the signed checkpoint in the witness file.
    static func checkWitness(_ witnessPath: String, lines: [(String, Int)], parsed: [AuditRecordFormat.Parsed?],
                             position: [Int: Int], key: (Int) -> [UInt8]?, report: inout AuditVerification) {
        func problem(_ kind: AuditProblem.Kind, _ message: String, seq: Int? = nil, segment: String = witnessPath) {
            report.problems.append(AuditProblem(kind: kind, segment: segment, line: 0, seq: seq, message: message))
        }
        guard let bytes = AuditFiles.read(witnessPath), let (checkpoint, sig, _) = AuditHead.slots(bytes).first else {
            problem(.head, "the witness checkpoint is missing or unreadable: a rollback or truncation cannot be ruled out")
            return
        }
        guard let k = key(checkpoint.keyVersion), checkpoint.signatureValid(sig, key: k) else {
            problem(.head, "the witness checkpoint's signature does not verify")
            return
        }
        let last = report.lastSeq
        if last < checkpoint.seq {
            let at = lines.last.map { "\($0.0):\($0.1)" } ?? "the log"
            problem(.truncated, "the witness checkpoint records seq \(checkpoint.seq) at \(checkpoint.timestamp), but the log ends at seq \(last) (\(at)): records were cut off or an older copy of the log was restored",
                    seq: last + 1, segment: lines.last?.0 ?? witnessPath)
        } else if let i = position[checkpoint.seq], let rec = parsed[i], rec.hash != checkpoint.hash {
            problem(.changed, "the record at the witness checkpoint's seq \(checkpoint.seq) is not the one it signed (a different or rebuilt log)",
                    seq: checkpoint.seq, segment: lines[i].0)
        } else {
            report.notes.append("the witness checkpoint (seq \(checkpoint.seq)) matches the log")
        }
    }

    static func checkHead(directory headPath: String, lines: [(String, Int)], parsed: [AuditRecordFormat.Parsed?],
                          position: [Int: Int], key: (Int) -> [UInt8]?, requireSignatures: Bool,
                          report: inout AuditVerification) {
        func problem(_ message: String, seq: Int? = nil, kind: AuditProblem.Kind = .head, segment: String = AuditHead.fileName) {
            report.problems.append(AuditProblem(kind: kind, segment: segment, line: 0, seq: seq, message: message))
        }
        guard let bytes = AuditFiles.read(headPath) else {
            problem("the signed head record is missing: records cut off the end cannot be ruled out")
            return
        }
        let slots = AuditHead.slots(bytes)
        guard let (head, sig, _) = slots.first else {
            problem("the head record is unreadable")
            return
        }
        // Each slot sits at the offset its seq selects, and the two are consecutive: an older slot copied over the
        // newer one (to hide records cut off the end) shows.
        for s in slots where s.head.slotOffset != s.offset {
            problem("head slot at byte \(s.offset) holds seq \(s.head.seq), which belongs in the other slot")
            return
        }
        if slots.count == 2 && slots[0].head.seq != slots[1].head.seq + 1 {
            problem("the head slots (seq \(slots[0].head.seq) and \(slots[1].head.seq)) are not consecutive")
            return
        }
        if slots.count == 1 && head.seq > 1 && bytes.count > AuditHead.slotSize {
            report.notes.append("one head slot is unreadable (torn by a crash?); the other, seq \(head.seq), is used")
        }
        if sig != nil || requireSignatures {
            guard let k = key(head.keyVersion), head.signatureValid(sig, key: k) else {
                problem("the head record's signature does not verify")
                return
            }
        }
        report.retentionYears = head.retentionYears
        let last = report.lastSeq
        let tornAtEnd = report.problems.last?.kind == .torn
        if tornAtEnd && head.seq == last + 1 {
            report.notes.append("the signed head names seq \(head.seq), the torn record")
        } else if last < head.seq {
            let at = lines.last.map { "after \($0.0):\($0.1)" } ?? ""
            let what = head.seq - last == 1 ? "record seq \(last + 1) is" : "records seq \(last + 1)...\(head.seq) are"
            problem("\(what) missing from the end \(at) (the signed head records seq \(head.seq))", seq: last + 1,
                    kind: .truncated, segment: lines.last?.0 ?? AuditHead.fileName)
        } else if let i = position[head.seq], let rec = parsed[i], rec.hash != head.hash {
            problem("the record at the head's seq \(head.seq) is not the one the head signed", seq: head.seq, kind: .changed,
                    segment: lines[i].0)
        } else if last > head.seq {
            report.notes.append("\(last - head.seq) record(s) after the signed head (a writer stopped before updating HEAD); they verify on their own")
        }
    }

    static func recovery(_ rec: AuditRecordFormat.Parsed) -> ChainState.Torn? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(rec.body + Array("}".utf8))) as? [String: Any],
              let d = obj["details"] as? [String: Any], let offset = d["torn_offset"] as? Int,
              let length = d["torn_length"] as? Int, let sha = d["torn_sha256"] as? String,
              let resource = obj["resource"] as? String, let segment = AuditFiles.segmentIndex(resource) else { return nil }
        return ChainState.Torn(segment: segment, offset: offset, length: length, sha256: sha)
    }

    /// A writer's record that the head was ahead of the files: (the head's seq, the last seq found).
    static func truncation(_ rec: AuditRecordFormat.Parsed) -> (head: Int, found: Int)? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(rec.body + Array("}".utf8))) as? [String: Any],
              obj["action"] as? String == "record_truncation", let d = obj["details"] as? [String: Any],
              let head = d["head_seq"] as? Int, let found = d["last_seq_found"] as? Int else { return nil }
        return (head, found)
    }

    static func detailsInt(_ rec: AuditRecordFormat.Parsed, _ key: String) -> Int? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(rec.body + Array("}".utf8))) as? [String: Any],
              let d = obj["details"] as? [String: Any] else { return nil }
        return d[key] as? Int
    }
}
