import Foundation
import PHILock

/// A breach alert: which trigger fired, on what, and the audit record that holds it. Carries names and counts,
/// never PHI.
public struct BreachAlert: Sendable, Equatable {
    public var trigger: BreachTrigger
    public var resource: String
    public var message: String
    public var details: [String: AuditValue]
    /// Where the alert landed in the audit log (nil when the log was unavailable).
    public var receipt: AuditReceipt?

    public init(trigger: BreachTrigger, resource: String, message: String, details: [String: AuditValue] = [:]) {
        self.trigger = trigger
        self.resource = resource
        self.message = message
        self.details = details
    }

    /// The alert as one JSON object (what the alert command gets on standard input).
    public func json(timestamp: Date = Date()) -> [UInt8] {
        var fields = details
        fields["trigger"] = .string(trigger.rawValue)
        fields["resource"] = .string(resource)
        fields["message"] = .string(message)
        fields["event"] = .string(AuditEventType.breachAlert.rawValue)
        fields["ts"] = .string(UTCTimestamp.format(timestamp))
        if let receipt {
            fields["audit_seq"] = .int(receipt.seq)
            fields["audit_hash"] = .string(receipt.hash)
        }
        var out: [UInt8] = []
        AuditJSON.writeObject(fields, to: &out)
        out.append(0x0A)
        return out
    }
}

/// Raises breach alerts: an audit record, then the configured alert command with the alert as JSON on stdin.
/// Triggers switched off in `compliance.breach_triggers` are ignored.
public final class BreachAlerter: @unchecked Sendable {
    public let settings: ComplianceSettings
    let audit: AuditLog?
    let mutex = Lock()
    var raised: [BreachAlert] = []

    public init(settings: ComplianceSettings, audit: AuditLog?) {
        self.settings = settings
        self.audit = audit
    }

    /// Alerts raised so far (a CLI turns any into its breach exit status).
    public var alerts: [BreachAlert] {
        mutex.withLock { raised }
    }

    /// Records and announces `alert`. Returns the alert as recorded, or nil when its trigger is off. Failures of
    /// the audit log or the alert command are returned in `problems`, never thrown: an alert must not be lost
    /// because one channel failed.
    @discardableResult
    public func raise(_ alert: BreachAlert, agent: String = "phiscrub", user: String = "", role: String? = nil,
                      problems: inout [String]) -> BreachAlert? {
        guard settings.breachTriggers.contains(alert.trigger) else { return nil }
        var a = alert
        var details = alert.details
        details["trigger"] = .string(alert.trigger.rawValue)
        details["message"] = .string(alert.message)
        if let audit {
            do {
                a.receipt = try audit.append(AuditEvent(type: .breachAlert, agent: agent, user: user, role: role,
                                                        resource: alert.resource, action: "alert", phi: false,
                                                        outcome: "alert", details: details))
            } catch {
                problems.append("cannot record the breach alert: \(error.message)")
            }
        }
        if let command = settings.alertCommand {
            if let failure = Self.run(command, input: a.json()) { problems.append(failure) }
        }
        mutex.withLock { raised.append(a) }
        return a
    }

    /// Runs `command` through `/bin/sh -c` with `input` on stdin; nil on exit status 0, else what went wrong.
    /// The input goes through an unlinked temporary file rather than a pipe, so a command that does not read it
    /// cannot kill the host with SIGPIPE.
    static func run(_ command: String, input: [UInt8]) -> String? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-alert-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(input), attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forReadingAtPath: path) else {
            return "alert command input could not be prepared"
        }
        try? FileManager.default.removeItem(atPath: path)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = handle
        do {
            try process.run()
        } catch {
            return "alert command could not start"
        }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "alert command exited with status \(process.terminationStatus)"
    }
}
