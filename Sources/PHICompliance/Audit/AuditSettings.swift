/// When appended records are forced to stable storage with `fdatasync`. Every record is always handed to the
/// kernel with one `write(2)` before `append` returns, so another process sees it at once.
public enum AuditSyncPolicy: String, Sendable, CaseIterable {
    /// `fdatasync` after every record (survives power loss; slowest).
    case always
    /// `fdatasync` after every `sync_every` records and when the log is closed.
    case periodic
    /// Leave it to the kernel (survives a crash of the process, not of the machine).
    case never
}

/// `audit:` — which events are recorded, how the chain is protected, where the log lives and how long it is kept.
public struct AuditSettings: Sendable, Equatable {
    /// `audit.enabled`; true when the file has an `audit:` section that does not turn it off.
    public var enabled = true
    /// `audit.events`: event types recorded; nil = all. Denials and breach alerts are always recorded.
    public var events: Set<String>?
    /// `audit.chain_hashing`: each record carries the previous record's SHA-256.
    public var chainHashing = true
    /// `audit.hmac_signing`: each record carries an HMAC-SHA256 under the audit subkey.
    public var hmacSigning = true
    /// `audit.storage.path`: the log directory.
    public var directory = "phiscrub-audit"
    /// `audit.storage.max_segment_bytes`: start a new segment past this size.
    public var maxSegmentBytes = 64 * 1024 * 1024
    /// `audit.storage.rotate_daily`: start a new segment when the UTC day changes.
    public var rotateDaily = true
    /// `audit.storage.sync`.
    public var sync: AuditSyncPolicy = .periodic
    /// `audit.storage.sync_every` (records, for `periodic`).
    public var syncEvery = 64
    /// `audit.storage.os_append_only`: try to make segments append-only in the file system (chattr +a).
    public var osAppendOnly = true
    /// `audit.storage.witness`: a file outside the log directory (another disk, a path only the writers may
    /// append to, a mount the log's administrators cannot rewrite) that receives a signed checkpoint of the head
    /// (sequence number and hash) after every append. `audit verify --witness` compares the log with it: records
    /// cut off the end, or an older copy of the whole directory restored, end the log before the checkpoint and
    /// fail. Nil: no witness (truncation is still caught by the head, but not a rollback of head and segments together).
    public var witnessPath: String?
    /// `audit.retention_years`.
    public var retentionYears = 6

    public init() {}

    /// True when events of this type are recorded. Denials, alerts and residency violations always are.
    public func records(_ event: AuditEventType) -> Bool {
        guard enabled else { return false }
        if event.isAlwaysRecorded { return true }
        return events?.contains(event.rawValue) ?? true
    }
}
