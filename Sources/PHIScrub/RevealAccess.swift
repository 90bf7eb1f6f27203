import Foundation
import PHICompliance
import PHIScan
import PHITransform

/// Who may reveal encrypted tokens, and what the audit log records about it (`phiscrub reveal`, and any host that
/// decrypts): the role check against the configuration (or, without one, an allow list from the environment),
/// an audited denial with an `unauthorized_phi_access` alert, a `reveal` record before anything is decrypted
/// and one with the counts afterwards, and the role's view of each revealed value.
public final class RevealAccess {
    public let config: PHIScrubConfig?
    public let audit: AuditLog?
    public let role: String
    public let context: DataContext
    /// What is revealed, as records name it (the inputs).
    public let resource: String
    let user: String
    let environment: [String: String]

    /// A refusal: `message` says why (no PHI in it). `breach` is true when it raised a breach alert (exit status 3);
    /// `problems` are what went wrong raising it, to be reported before `message`.
    public struct Refused: Error, CustomStringConvertible {
        public var message: String
        public var breach = false
        public var problems: [String] = []
        public var description: String { message }
    }

    public init(config: PHIScrubConfig?, audit: AuditLog?, role: String, context: DataContext, resource: String,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.config = config
        self.audit = audit
        self.role = role
        self.context = context
        self.resource = resource
        self.environment = environment
        self.user = environment["USER"] ?? ""
    }

    /// The permission without a configuration: a role list from `$PHISCRUB_REVEAL_ROLES` (comma-separated),
    /// default `privacy_officer,admin`.
    public static func mayReveal(role: String, environment: [String: String]) -> Bool {
        let allowed = (environment["PHISCRUB_REVEAL_ROLES"] ?? "privacy_officer,admin")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return allowed.contains(role)
    }

    /// Checks the role and records the start of the reveal (before anything is decrypted: a reveal the log cannot
    /// hold does not happen). A role without `read_phi` is refused, audited and alerted.
    public func authorize() throws(Refused) {
        if let config {
            let decision = AccessPolicy(config: config).check(role: role, permission: .readPHI)
            if !decision.isAllowed {
                try record(AuditEvent(type: .accessDenied, agent: "phiscrub-reveal", user: user, role: role,
                                      resource: resource, action: "reveal", outcome: "denied",
                                      details: ["reason": .string(decision.denial?.rawValue ?? "denied"),
                                                "context": .string(context.name)]))
                var problems: [String] = []
                let alert = BreachAlerter(settings: config.compliance, audit: audit).raise(
                    BreachAlert(trigger: .unauthorizedPHIAccess, resource: "reveal",
                                message: "role '\(escapedForDisplay(role))' tried to reveal PHI without read_phi"),
                    agent: "phiscrub-reveal", user: user, role: role, problems: &problems)
                throw Refused(message: "role '\(escapedForDisplay(role))' may not reveal PHI: \(decision.message)",
                              breach: alert != nil, problems: problems)
            }
        } else if !Self.mayReveal(role: role, environment: environment) {
            throw Refused(message: "role '\(escapedForDisplay(role))' may not reveal PHI")
        }
        try record(AuditEvent(type: .reveal, agent: "phiscrub-reveal", user: user, role: role, resource: resource,
                              action: "reveal", phi: true, outcome: "started",
                              details: ["context": .string(context.name)]))
    }

    /// The record of a finished reveal: counts revealed, refused and withheld per entity, never a value.
    public func finished(_ revealer: Revealer) throws(Refused) {
        var byEntity: [String: AuditValue] = [:]
        for (entity, n) in revealer.revealedByEntity { byEntity[entity] = .int(n) }
        var withheldByEntity: [String: AuditValue] = [:]
        for (entity, n) in revealer.withheldByEntity { withheldByEntity[entity] = .int(n) }
        try record(AuditEvent(type: .reveal, agent: "phiscrub-reveal", user: user, role: role, resource: resource,
                              action: "reveal", phi: revealer.revealed > 0,
                              outcome: revealer.failures.isEmpty ? "ok" : "partial",
                              details: ["context": .string(context.name), "revealed": .int(revealer.revealed),
                                        "refused": .int(revealer.failures.count), "by_entity": .object(byEntity),
                                        "withheld": .int(revealer.withheld),
                                        "withheld_by_entity": .object(withheldByEntity)]))
    }

    /// A revealer for the role: with a configuration, each value is shown as the filter with `--role` shows it
    /// (clear, masked, token or redacted).
    public func makeRevealer(keys: any KeyProvider) throws(Refused) -> Revealer {
        var revealer = Revealer(keys: keys, context: context)
        if let config {
            revealer.presenter = try Self.roleView(config: config, role: role, context: context, keys: keys)
        }
        return revealer
    }

    /// The role's view of each entity, as `phiscrub --config C --role R` applies it: the configuration's roles
    /// over the default rules' entities and categories, through the same transformer (so tokens and masks match
    /// the filter's). An entity the rules do not know, or a value the view cannot be applied to, is redacted.
    public static func roleView(config: PHIScrubConfig, role: String, context: DataContext, keys: any KeyProvider) throws(Refused)
        -> (String, [UInt8]) -> [UInt8]? {
        let ruleSet: RuleSet
        do { ruleSet = try RuleSet.loadDefault() } catch { throw Refused(message: "\(error.description)") }
        var base: TransformPolicy
        do { base = try TransformPolicy(config: config) } catch {
            throw Refused(message: error.message)
        }
        base.context = context
        let policy = RoleTransformPolicy.policy(base: base, role: role, access: AccessPolicy(config: config), ruleSet: ruleSet)
        let transformer: Transformer
        do { transformer = try Transformer(policy: policy, keys: keys, traits: ruleSet.traits) } catch { throw Refused(message: error.message) }
        return { entity, value in
            let finding = Finding(start: 0, end: value.count, entity: entity, ruleID: "reveal", confidence: 1)
            return try? value.withUnsafeBufferPointer { try transformer.replacement(for: finding, value: $0) }
        }
    }

    /// Feeds all of `input` (shown as `name` in errors) through `revealer` into `output`.
    public static func feed<Output: ByteOutput>(_ input: some FilterInput, name: String, revealer: inout Revealer,
                                                output: inout Output, buffer: inout [UInt8]) throws {
        try FilterPipeline.readLoop(input, name: name, buffer: &buffer) { try revealer.feed($0, into: &output) }
    }

    private func record(_ event: AuditEvent) throws(Refused) {
        guard let audit else { return }
        do { try audit.append(event) } catch { throw Refused(message: "audit log: \(error.message) (fail closed)") }
    }
}
