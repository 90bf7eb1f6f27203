/// What a caller asks the audit log to record. The log adds the sequence number, time, chain hash and signature.
///
/// Identifiers (agent, user, role, resource, action) name things; they must not carry PHI. Details hold counts per
/// entity and keyed fingerprints, never values.
public struct AuditEvent: Sendable, Equatable {
    public var type: AuditEventType
    public var agent: String
    public var user: String
    public var role: String?
    /// What was acted on: a tool name, a provider, a file, a data category.
    public var resource: String
    /// The action: `call`, `write`, `redact`, `verify`, ...
    public var action: String
    /// Whether PHI was in the data acted on.
    public var phi: Bool
    /// `allowed`, `denied`, `blocked`, `ok`, `failed`, ...
    public var outcome: String
    public var details: [String: AuditValue]

    public init(type: AuditEventType, agent: String = "", user: String = "", role: String? = nil, resource: String = "",
                action: String = "", phi: Bool = false, outcome: String = "ok", details: [String: AuditValue] = [:]) {
        self.type = type
        self.agent = agent
        self.user = user
        self.role = role
        self.resource = resource
        self.action = action
        self.phi = phi
        self.outcome = outcome
        self.details = details
    }
}
