/// A kind of stored data whose location the residency policy restricts (`data_residency.categories`).
public enum DataCategory: String, Sendable, CaseIterable, Codable {
    case agentMemory = "agent_memory"
    case auditLogs = "audit_logs"
    case conversationHistory = "conversation_history"
    case toolOutputs = "tool_outputs"
}

/// `data_residency.mode`: `strict` applies `on_violation` to every violation; `permissive` only logs.
public enum ResidencyMode: String, Sendable, CaseIterable {
    case strict
    case permissive
}

/// `data_residency.on_violation`.
public enum ResidencyViolationAction: String, Sendable, CaseIterable {
    /// Refuse the write or call and raise a breach alert.
    case blockAndAlert = "block_and_alert"
    /// Let it through and record a `residency_violation` event.
    case logOnly = "log_only"
}

/// `data_residency.phi_without_baa`: what happens to text with PHI bound for a provider without a signed BAA.
public enum NoBAAAction: String, Sendable, CaseIterable {
    /// Refuse the call.
    case block
    /// Redact every finding first, then send.
    case redact
}

/// An inference provider (`data_residency.inference_providers.<name>`).
public struct InferenceProvider: Sendable, Equatable {
    public var name: String
    public var endpoint: String
    public var region: String
    /// A business associate agreement is signed with this provider.
    public var baaSigned: Bool
    /// The provider is meant to receive PHI (prompts are not fully redacted for it).
    public var receivesPHI: Bool

    public init(name: String, endpoint: String, region: String, baaSigned: Bool, receivesPHI: Bool) {
        self.name = name
        self.endpoint = endpoint
        self.region = region
        self.baaSigned = baaSigned
        self.receivesPHI = receivesPHI
    }
}

/// `data_residency:` — where each kind of data may live and which providers may see PHI.
public struct ResidencySettings: Sendable, Equatable {
    public var mode: ResidencyMode = .strict
    public var defaultRegion = "us-east-1"
    /// Allowed regions per category; a category not listed is allowed only in `defaultRegion`.
    public var categories: [DataCategory: [String]] = [:]
    public var providers: [String: InferenceProvider] = [:]
    public var onViolation: ResidencyViolationAction = .blockAndAlert
    public var phiWithoutBAA: NoBAAAction = .block

    public init() {}

    /// Regions where data of `category` may be written.
    public func allowedRegions(_ category: DataCategory) -> [String] {
        categories[category] ?? [defaultRegion]
    }
}
