import Yams

/// The result of one control of `check-config`.
public struct ControlResult: Sendable, Equatable, Codable {
    /// Stable identifier, e.g. `encryption-at-rest`.
    public var id: String
    /// What the control asks for.
    public var title: String
    /// The SOC 2 / HIPAA references it answers.
    public var reference: String
    public var passed: Bool
    /// Why it passed or failed, naming the setting.
    public var reason: String
}

/// Checks a configuration against the SOC 2 and HIPAA controls phiscrub can enforce.
public enum ComplianceControls {
    public static func check(_ c: PHIScrubConfig) -> [ControlResult] {
        var out: [ControlResult] = []
        func add(_ id: String, _ title: String, _ ref: String, _ passed: Bool, _ ok: String, _ bad: String) {
            out.append(ControlResult(id: id, title: title, reference: ref, passed: passed, reason: passed ? ok : bad))
        }
        let s = c.security
        add("encryption-at-rest", "AES-256 encryption at rest", "HIPAA 164.312(a)(2)(iv); SOC 2 CC6.1",
            s.encryptionAlgorithm == "AES-256-GCM",
            "security.encryption.algorithm is AES-256-GCM",
            "security.encryption.algorithm is \(s.encryptionAlgorithm); AES-256-GCM is required")
        add("tls-minimum", "TLS 1.3 minimum in transit", "HIPAA 164.312(e)(1); SOC 2 CC6.7",
            s.minTLSVersion == "1.3",
            "security.transport.min_tls_version is 1.3",
            "security.transport.min_tls_version is \(s.minTLSVersion); 1.3 is required")
        add("key-rotation", "Keys rotated at least every 90 days", "SOC 2 CC6.1; HIPAA 164.312(a)(2)(iv)",
            s.rotationDays <= 90,
            "security.encryption.rotation_days is \(s.rotationDays)",
            "security.encryption.rotation_days is \(s.rotationDays); at most 90 is required")
        let a = c.audit
        add("audit-enabled", "Audit logging on", "HIPAA 164.312(b); SOC 2 CC7.2",
            a.enabled, "audit.enabled is true", "audit.enabled is false")
        add("audit-retention", "Audit records kept at least six years", "HIPAA 164.316(b)(2)(i)",
            a.retentionYears >= 6,
            "audit.retention_years is \(a.retentionYears)",
            "audit.retention_years is \(a.retentionYears); at least 6 is required")
        add("audit-chain", "Tamper-evident audit chain (hashing and HMAC signing)", "HIPAA 164.312(c)(1); SOC 2 CC7.2",
            a.chainHashing && a.hmacSigning,
            "audit.chain_hashing and audit.hmac_signing are true",
            [a.chainHashing ? nil : "audit.chain_hashing is false", a.hmacSigning ? nil : "audit.hmac_signing is false"]
                .compactMap { $0 }.joined(separator: "; "))
        // The switches alone are not the truth: a transform that keeps values, or a role that sees everything in
        // clear, prints PHI into the logs while both switches say true.
        let clear = clearByDefault(c)
        add("phi-log-redaction", "PHI redacted from logs", "HIPAA 164.502(b) minimum necessary; SOC 2 C1.1",
            s.phiDetection && s.redactPHIInLogs && clear.isEmpty,
            "security.phi.detection and security.phi.redact_in_logs are true, and no entity reaches logs in clear by default",
            ([s.phiDetection ? nil : "security.phi.detection is false", s.redactPHIInLogs ? nil : "security.phi.redact_in_logs is false"]
                .compactMap { $0 } + clear).joined(separator: "; "))
        let r = c.residency
        let wildcard = r.categories.filter { $0.value.contains("*") }.map(\.key.rawValue).sorted()
        add("residency-strict", "Strict data residency, violations blocked", "SOC 2 C1.1; HIPAA 164.308(b)",
            r.mode == .strict && r.onViolation == .blockAndAlert && wildcard.isEmpty,
            "data_residency.mode is strict and on_violation is block_and_alert",
            [r.mode == .strict ? nil : "data_residency.mode is \(r.mode.rawValue)",
             r.onViolation == .blockAndAlert ? nil : "data_residency.on_violation is \(r.onViolation.rawValue)",
             wildcard.isEmpty ? nil : "any region allowed for \(wildcard.joined(separator: ", "))"]
                .compactMap { $0 }.joined(separator: "; "))
        let noBAA = r.providers.values.filter { $0.receivesPHI && !$0.baaSigned }.map(\.name).sorted()
        add("provider-baa", "A signed BAA for every provider that receives PHI", "HIPAA 164.308(b)(1), 164.502(e)",
            noBAA.isEmpty,
            "every provider with receives_phi has baa_signed (others get redacted text: phi_without_baa is \(r.phiWithoutBAA.rawValue))",
            "receives_phi without baa_signed: \(noBAA.joined(separator: ", "))")
        let loose = leastPrivilegeProblems(c.roles)
        add("least-privilege", "Least-privilege roles", "HIPAA 164.308(a)(4), 164.514(d); SOC 2 CC6.3",
            loose.isEmpty,
            c.roles.isEmpty ? "no roles: every request is denied" : "every role lists its tools, endpoints and PHI explicitly and has session limits",
            loose.joined(separator: "; "))
        add("breach-triggers", "Breach triggers raise alerts", "HIPAA 164.308(a)(6), 164.404; SOC 2 CC7.3",
            c.compliance.breachTriggers == Set(BreachTrigger.allCases),
            "every breach trigger is on",
            "breach triggers off: \(Set(BreachTrigger.allCases).subtracting(c.compliance.breachTriggers).map(\.rawValue).sorted().joined(separator: ", "))")
        return out
    }

    /// Settings that let PHI reach logs in clear by default: `transform.default: keep`, a `keep` operator in
    /// `transform.entities`, a role whose default view is clear, or a role allowed every PHI category with no view
    /// (allowed PHI without a view is shown in clear).
    static func clearByDefault(_ c: PHIScrubConfig) -> [String] {
        var out: [String] = []
        if let transform = c.transformSection {
            if transform["default"]?.string == "keep" { out.append("transform.default is keep: every entity is written in clear") }
            if let entities = transform["entities"]?.mapping {
                let kept = entities.compactMap { k, v in v.string == "keep" ? k.string : nil }.sorted()
                if !kept.isEmpty { out.append("transform.entities keeps \(kept.joined(separator: ", ")) in clear") }
            }
        }
        for role in c.roles {
            if role.defaultView == .clear {
                out.append("role \(role.name) has default_view clear: PHI it is not allowed is still shown in clear")
            } else if role.phiAllowed.contains("*") && (role.views["*"] ?? .clear) == .clear {
                out.append("role \(role.name) is allowed every PHI category with no view: everything is shown in clear")
            }
        }
        return out
    }

    /// Wildcards, PHI permissions without a PHI list, missing session limits, and admin mixed with PHI access.
    static func leastPrivilegeProblems(_ roles: [Role]) -> [String] {
        var out: [String] = []
        for role in roles {
            let n = "role \(role.name)"
            if role.allowedTools.contains("*") { out.append("\(n) allows every tool") }
            if role.allowedEndpoints.contains("*") { out.append("\(n) allows every endpoint") }
            if role.phiAllowed.contains("*") { out.append("\(n) allows every PHI category") }
            if role.defaultView == .clear { out.append("\(n) shows unlisted PHI in clear") }
            if role.permissions.contains(.toolCall) && role.allowedTools.isEmpty { out.append("\(n) has tool_call but lists no tools") }
            if role.permissions.contains(.readPHI) && role.phiAllowed.isEmpty { out.append("\(n) has read_phi but lists no PHI categories") }
            if role.permissions.contains(.admin) && (role.permissions.contains(.readPHI) || role.permissions.contains(.writePHI)) {
                out.append("\(n) combines admin with PHI access")
            }
            if !role.limits.isComplete { out.append("\(n) lacks session limits (max_tokens, max_tool_calls, max_minutes)") }
        }
        return out
    }
}
