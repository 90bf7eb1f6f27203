import Foundation
import PHICompliance

/// The audit records the commands write about their own work (the middleware builds the records of agent calls):
/// counts per entity, sizes and hashes, never a value.
public enum ComplianceRecords {
    /// One cleaned batch file: its output path, SHA-256, bytes and counts per entity.
    public static func batchFile(input: String, output: String, sha256: String?, format: String?, bytesIn: Int,
                                 bytesOut: Int, findingsByEntity: [String: Int], withheld: Int, role: String?,
                                 user: String = ProcessInfo.processInfo.environment["USER"] ?? "") -> AuditEvent {
        var byEntity: [String: AuditValue] = [:]
        for (entity, n) in findingsByEntity where n > 0 { byEntity[entity] = .int(n) }
        let findings = findingsByEntity.values.reduce(0, +)
        var details: [String: AuditValue] = [
            "output": .string(output), "bytes_in": .int(bytesIn), "bytes_out": .int(bytesOut),
            "findings": .int(findings), "by_entity": .object(byEntity), "withheld": .int(withheld),
        ]
        if let sha256 { details["sha256"] = .string(sha256) }
        if let format { details["format"] = .string(format) }
        return AuditEvent(type: .scan, agent: "phiscrub-batch", user: user, role: role, resource: input,
                          action: "batch_clean", phi: findings > 0, outcome: withheld > 0 ? "withheld" : "ok",
                          details: details)
    }

    /// A record a host or script asks for (`phiscrub audit append`). Free text never reaches the log with PHI in
    /// it: `agent`, `user`, `resource`, `action` and every detail key and text value are scanned by `redactor` and
    /// recorded redacted, and `redacted_fields` counts the fields that changed. A detail value that is an integer
    /// stays a number.
    public static func requested(type: AuditEventType, agent: String, user: String, role: String?, resource: String,
                                 action: String, phi: Bool, outcome: String, details: [(key: String, value: String)],
                                 redactor: FieldRedactor) -> AuditEvent {
        var changed = 0
        func clean(_ text: String) -> String {
            let out = redactor.redact(text)
            if out != text { changed += 1 }
            return out
        }
        var map: [String: AuditValue] = [:]
        for (key, value) in details {
            map[clean(key)] = Int(value).map(AuditValue.int) ?? .string(clean(value))
        }
        let (agent, user, resource, action) = (clean(agent), clean(user), clean(resource), clean(action))
        if changed > 0 { map["redacted_fields"] = .int(changed) }
        return AuditEvent(type: type, agent: agent, user: user, role: role, resource: resource, action: action, phi: phi,
                          outcome: outcome, details: map)
    }
}
