import Yams

/// A loaded `phiscrub.yaml`: security, roles, audit, data residency and compliance settings, plus the raw
/// `transform:` section, which the transform layer parses itself.
///
/// `@unchecked Sendable`: Yams' `Node` is an immutable value tree that is never mutated after loading.
public struct PHIScrubConfig: @unchecked Sendable {
    /// The file the configuration came from (`<defaults>` when built in code).
    public var file: String
    public var security = SecuritySettings()
    /// Roles in file order.
    public var roles: [Role] = []
    public var audit = AuditSettings()
    public var residency = ResidencySettings()
    public var compliance = ComplianceSettings()
    /// Who may call `phiscrub serve --http` (bearer tokens and their roles).
    public var serve = ServeSettings()
    /// The top-level `transform:` node, unvalidated; PHITransform reads it (lines are relative to `file`).
    public var transformSection: Node?

    /// A configuration with the secure defaults and no roles.
    public init(file: String = "<defaults>") {
        self.file = file
    }

    /// The role named `name`, or nil.
    public func role(named name: String) -> Role? {
        roles.first { $0.name == name }
    }
}
