/// The type of an audit record (`event` field).
public enum AuditEventType: String, Sendable, CaseIterable, Codable {
    /// Text was scanned (filter batch, prompt, tool output): counts per entity, never values.
    case scan
    case toolCall = "tool_call"
    case modelInvocation = "model_invocation"
    case memoryAccess = "memory_access"
    /// A role was refused something (unknown role, tool, endpoint, permission, session limit).
    case accessDenied = "access_denied"
    /// Encrypted PHI was decrypted for a role.
    case reveal
    case keyRotation = "key_rotation"
    case configChange = "config_change"
    case residencyViolation = "residency_violation"
    /// A breach trigger fired (`details.trigger` says which).
    case breachAlert = "breach_alert"
    /// A new log segment was started (records whether the OS append-only flag could be set).
    case segmentOpen = "segment_open"
    /// A writer found a torn last record (a writer killed mid-append) and sealed it off.
    case chainRecovery = "chain_recovery"

    /// Events recorded even when `audit.events` leaves them out.
    public var isAlwaysRecorded: Bool {
        switch self {
        case .accessDenied, .breachAlert, .residencyViolation, .segmentOpen, .chainRecovery, .keyRotation, .reveal:
            return true
        default:
            return false
        }
    }
}
