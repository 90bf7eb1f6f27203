import Foundation
import PHICompliance
import PHIScrub

/// Adds one audit record per cleaned batch file when the configuration's audit log is on: the file, its output
/// path, its SHA-256, bytes and counts per entity (never a value; see `ComplianceRecords.batchFile`). It runs after
/// the file's rename and before its manifest entry, so a file the log could not record is reported failed and
/// cleaned (and audited) again next run.
public final class BatchAuditObserver: BatchFileObserver, @unchecked Sendable {
    let audit: AuditLog
    let user: String
    let role: String?

    public init(audit: AuditLog, role: String?) {
        self.audit = audit
        self.role = role
        self.user = ProcessInfo.processInfo.environment["USER"] ?? ""
    }

    public func fileCleaned(_ file: BatchFileReport) throws {
        let event = ComplianceRecords.batchFile(
            input: file.input, output: file.relative, sha256: file.sha256, format: file.format, bytesIn: file.bytesIn,
            bytesOut: file.bytesOut, findingsByEntity: file.counts.findingsByEntity, withheld: file.counts.withheld,
            role: role, user: user)
        do { try audit.append(event) } catch {
            throw BatchAuditError(message: "audit log: \(error.message)")
        }
    }
}

/// The audit log could not record a cleaned file (the file is reported failed with this message).
public struct BatchAuditError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
