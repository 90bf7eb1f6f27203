import Foundation
import PHIBatch
import PHICompliance

/// Adds one audit record per cleaned batch file when the configuration's audit log is on: the file, its output
/// path, its SHA-256, bytes and counts per entity (never a value). It runs after the file's rename and before its
/// manifest entry, so a file the log could not record is reported failed and cleaned (and audited) again next run.
final class BatchAuditObserver: BatchFileObserver, @unchecked Sendable {
    let audit: AuditLog
    let user: String
    let role: String?

    init(audit: AuditLog, role: String?) {
        self.audit = audit
        self.role = role
        self.user = ProcessInfo.processInfo.environment["USER"] ?? ""
    }

    func fileCleaned(_ file: BatchFileReport) throws {
        var byEntity: [String: AuditValue] = [:]
        for (entity, n) in file.counts.findingsByEntity where n > 0 { byEntity[entity] = .int(n) }
        let findings = file.counts.findingsByEntity.values.reduce(0, +)
        var details: [String: AuditValue] = [
            "output": .string(file.relative), "bytes_in": .int(file.bytesIn), "bytes_out": .int(file.bytesOut),
            "findings": .int(findings), "by_entity": .object(byEntity), "withheld": .int(file.counts.withheld),
        ]
        if let sha = file.sha256 { details["sha256"] = .string(sha) }
        if let format = file.format { details["format"] = .string(format) }
        do {
            try audit.append(AuditEvent(type: .scan, agent: "phiscrub-batch", user: user, role: role, resource: file.input,
                                        action: "batch_clean", phi: findings > 0,
                                        outcome: file.counts.withheld > 0 ? "withheld" : "ok", details: details))
        } catch {
            throw CLIError("audit log: \(error.message)")
        }
    }
}
