/// Which identifier entities a rule set can report. A run whose rules cannot find the built-in identifiers (an empty
/// `PHISCRUB_RULES_DIR`, a pack with `rules: []`, `--no-default-rules` with a narrow pack) would pass every SSN and
/// phone number through as if the text were clean; callers refuse such a set unless the user asked for it
/// (README "Fail closed").
public enum RuleCoverage {
    /// The identifier entities the default pack reports (HIPAA Safe Harbor direct identifiers). A rule set that
    /// reports none of one of these cannot be trusted to redact a log.
    public static let identifierEntities: [String] = [
        "NAME", "ADDRESS", "ZIP", "DATE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT",
        "LICENSE", "VIN", "DEVICE_ID", "URL", "IP_ADDRESS",
    ]

    /// The identifier entities no rule of `rules` reports, in `identifierEntities` order.
    public static func missingIdentifiers(in rules: [Rule]) -> [String] {
        let present = Set(rules.map(\.entity))
        return identifierEntities.filter { !present.contains($0) }
    }
}

extension RuleSet {
    /// The identifier entities (`RuleCoverage.identifierEntities`) no rule of this set reports.
    public var missingIdentifierEntities: [String] { RuleCoverage.missingIdentifiers(in: rules.map(\.rule)) }

    /// Every entity some rule of this set reports, sorted.
    public var entities: [String] { Array(Set(rules.map(\.rule.entity))).sorted() }
}
