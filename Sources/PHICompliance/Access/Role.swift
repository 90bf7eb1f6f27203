/// A permission a role can hold (`roles.<name>.permissions`).
public enum Permission: String, Sendable, CaseIterable, Codable {
    case readPHI = "read_phi"
    case writePHI = "write_phi"
    case toolCall = "tool_call"
    case externalAPI = "external_api"
    case fileAccess = "file_access"
    case admin
}

/// What a role sees of one entity: the value itself, a keyed token, a masked form, or a typed redaction.
public enum PHIView: String, Sendable, CaseIterable, Codable {
    case clear
    case token
    case masked
    case redacted
}

/// `roles.<name>.session_limits`; nil means no limit was set.
public struct SessionLimits: Sendable, Equatable {
    public var maxTokens: Int?
    public var maxToolCalls: Int?
    public var maxMinutes: Int?

    public init(maxTokens: Int? = nil, maxToolCalls: Int? = nil, maxMinutes: Int? = nil) {
        self.maxTokens = maxTokens
        self.maxToolCalls = maxToolCalls
        self.maxMinutes = maxMinutes
    }

    /// True when every limit is set.
    public var isComplete: Bool { maxTokens != nil && maxToolCalls != nil && maxMinutes != nil }
}

/// One role of `roles:`: permissions, allowed tools and endpoints, which PHI it may see and how, session limits.
///
/// PHI names in `phi_categories` and `views` are either entity names (`SSN`, `MRN`, upper case as the rule packs
/// spell them) or Safe Harbor categories (`ssn`, `medical_record`, `dates`, lower case); `"*"` means all.
public struct Role: Sendable, Equatable {
    public var name: String
    public var permissions: Set<Permission>
    /// Tools the role may call; `"*"` allows every tool.
    public var allowedTools: [String]
    /// External endpoints (URL prefixes or host names) the role may reach; `"*"` allows every endpoint.
    public var allowedEndpoints: [String]
    /// PHI the role may see (subject to `views`); empty = none.
    public var phiAllowed: [String]
    /// PHI the role never sees, even when `phiAllowed` covers it.
    public var phiExcluded: [String]
    /// How allowed PHI is shown, per entity or category; allowed PHI without an entry is shown in clear.
    public var views: [String: PHIView]
    /// How PHI outside `phiAllowed` is shown (redacted unless set).
    public var defaultView: PHIView
    public var limits: SessionLimits
    /// Line of the role in the configuration file (0 when built in code).
    public var line: Int

    public init(name: String, permissions: Set<Permission>, allowedTools: [String] = [], allowedEndpoints: [String] = [],
                phiAllowed: [String] = [], phiExcluded: [String] = [], views: [String: PHIView] = [:],
                defaultView: PHIView = .redacted, limits: SessionLimits = SessionLimits(), line: Int = 0) {
        self.name = name
        self.permissions = permissions
        self.allowedTools = allowedTools
        self.allowedEndpoints = allowedEndpoints
        self.phiAllowed = phiAllowed
        self.phiExcluded = phiExcluded
        self.views = views
        self.defaultView = defaultView
        self.limits = limits
        self.line = line
    }
}
