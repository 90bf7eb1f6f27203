/// What operators need to know about an entity, declared in the rule packs (a rule's `traits:` key) rather than
/// known by name to the code: whether its values are identifiers, whether they are dates, and how Safe Harbor
/// generalises them. Every rule of an entity shares one set of traits: a rule that declares none takes those another
/// rule of its entity declares, and two rules that declare different ones are a load problem.
public struct EntityTraits: Sendable, Hashable {
    /// The value is an identifier whose separators and letter case carry no meaning: `token` hashes only its
    /// letters and digits, upper-cased, so `402-19-8877` and `402198877` give one token.
    public var identifier: Bool
    /// The value is a calendar date: `shift` moves it (other entities are redacted by `shift`).
    public var date: Bool
    /// What `generalize` keeps of the value (nil: `generalize` redacts it).
    public var generalization: Generalization?

    /// A Safe Harbor generalisation rule (45 CFR 164.514(b)(2)).
    public enum Generalization: String, Sendable, Hashable, CaseIterable {
        /// A date to its year.
        case year
        /// A ZIP code to its first three digits (`000` for the restricted three-digit areas).
        case zip3
        /// An age over 89 to `90+`.
        case age90 = "age_90_plus"
    }

    public init(identifier: Bool = false, date: Bool = false, generalization: Generalization? = nil) {
        self.identifier = identifier
        self.date = date
        self.generalization = generalization
    }

    /// No trait: `token` folds case and spaces, `shift` and `generalize` redact.
    public static let none = EntityTraits()

    /// The keys of a rule's `traits:` mapping.
    static let keys: Set<String> = ["identifier", "date", "generalize"]
}

/// The traits of every entity a rule set reports (`RuleSet.traits`), looked up by a finding's entity.
public struct EntityTraitTable: Sendable, Hashable {
    public private(set) var byEntity: [String: EntityTraits]

    public init(_ byEntity: [String: EntityTraits] = [:]) { self.byEntity = byEntity }

    /// The traits the rules of `rules` declare, per entity (the first declaration of an entity wins; the loader
    /// reports declarations that disagree).
    public init(rules: [Rule]) {
        var table: [String: EntityTraits] = [:]
        for rule in rules {
            if let t = rule.traits, table[rule.entity] == nil { table[rule.entity] = t }
        }
        byEntity = table
    }

    /// The traits of `entity` (`.none` when no rule declares any).
    @inline(__always)
    public subscript(entity: String) -> EntityTraits { byEntity[entity] ?? .none }

    /// The traits of the entity `finding` reports.
    @inline(__always)
    public subscript(finding: Finding) -> EntityTraits { self[finding.entity] }

    /// Rules whose declared traits differ from an earlier declaration for the same entity.
    static func conflicts(in rules: [Rule]) -> [RuleDiagnostic] {
        var first: [String: Rule] = [:]
        var problems: [RuleDiagnostic] = []
        for rule in rules {
            guard let t = rule.traits else { continue }
            if let earlier = first[rule.entity] {
                if earlier.traits != t {
                    problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id,
                        message: "traits of \(rule.entity) differ from those rule \(earlier.id) declares (\(earlier.source)); every rule of an entity shares one set of traits"))
                }
            } else {
                first[rule.entity] = rule
            }
        }
        return problems
    }
}
