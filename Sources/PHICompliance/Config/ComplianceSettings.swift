/// A step of the compliance middleware, in the order `compliance.middleware_order` lists them.
public enum MiddlewareStep: String, Sendable, CaseIterable {
    /// Role check: may this role call this tool or provider at all.
    case rbac
    /// Residency and BAA check of the destination.
    case residency
    /// Find PHI in the text.
    case scan
    /// Apply each finding's operator (redact, mask, token, encrypt, ...) for the role.
    case transform
    /// Write the audit record of what happened.
    case audit
}

/// Events that count as a breach: each raises an alert record, a distinct exit status and the alert command.
public enum BreachTrigger: String, Sendable, CaseIterable, Codable {
    /// A role tried to read PHI or call a tool with PHI it is not allowed to.
    case unauthorizedPHIAccess = "unauthorized_phi_access"
    /// Encrypting or decrypting PHI failed (missing key, corrupt keyring, crypto error).
    case encryptionFailure = "encryption_failure"
    /// Data was headed for a region or provider the policy forbids.
    case residencyViolation = "residency_violation"
    /// The audit chain has a gap, a torn record or a record that does not verify.
    case auditChainBreak = "audit_chain_break"
}

/// `compliance:` — frameworks, middleware order, continuous checks and breach handling.
public struct ComplianceSettings: Sendable, Equatable {
    /// `compliance.frameworks`, e.g. `[soc2, hipaa]` (informational).
    public var frameworks: [String] = ["soc2", "hipaa"]
    /// `compliance.middleware_order`.
    public var middlewareOrder: [MiddlewareStep] = [.rbac, .residency, .scan, .transform, .audit]
    /// `compliance.continuous_checks`: run the controls check when a host loads the configuration.
    public var continuousChecks = true
    /// `compliance.breach_triggers`: which triggers raise alerts (all by default).
    public var breachTriggers: Set<BreachTrigger> = Set(BreachTrigger.allCases)
    /// `compliance.alert_command`: run through `/bin/sh -c` with the alert event as JSON on standard input.
    public var alertCommand: String?

    public init() {}
}
