/// `security:` — encryption at rest, transport and PHI handling settings.
public struct SecuritySettings: Sendable, Equatable {
    /// `security.encryption.algorithm`, e.g. `AES-256-GCM`.
    public var encryptionAlgorithm = "AES-256-GCM"
    /// `security.encryption.key_source`: `keyring` (a keyring file) or `env` (`PHISCRUB_KEYS`/`PHISCRUB_KEY`).
    public var keySource = "keyring"
    /// `security.encryption.keyring_path`; nil means the default location.
    public var keyringPath: String?
    /// `security.encryption.rotation_days`: the longest a key may stay active.
    public var rotationDays = 90
    /// `security.transport.min_tls_version`, e.g. `"1.3"`.
    public var minTLSVersion = "1.3"
    /// `security.phi.detection`: scan for PHI at all.
    public var phiDetection = true
    /// `security.phi.redact_in_logs`: PHI never appears in logs, errors or audit records.
    public var redactPHIInLogs = true
    /// `security.phi.retention_days`: how long PHI-bearing data (memory, transcripts) may be kept; nil = unset.
    public var phiRetentionDays: Int?

    public init() {}
}
