/// One problem found in a rule pack: where, which rule, what.
public struct RuleDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// The rule id, when the problem belongs to a rule.
    public var ruleID: String?
    public var message: String

    public init(location: SourceLocation, ruleID: String?, message: String) {
        self.location = location
        self.ruleID = ruleID
        self.message = message
    }

    public var description: String {
        if let ruleID { return "\(location): rule '\(ruleID)': \(message)" }
        return "\(location): \(message)"
    }
}

/// Rule packs could not be loaded; carries every problem found in one run.
public struct RuleLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [RuleDiagnostic]
    public init(diagnostics: [RuleDiagnostic]) { self.diagnostics = diagnostics }
    public var description: String {
        "\(diagnostics.count) problem\(diagnostics.count == 1 ? "" : "s") in rule packs:\n"
            + diagnostics.map { "  " + $0.description }.joined(separator: "\n")
    }
}
