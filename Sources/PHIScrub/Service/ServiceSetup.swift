import Foundation
import PHICompliance
import PHIScan
import PHITransform

/// How a front end sets up its `PHIService`: the options `phiscrub serve` takes (`--rules`, `--names`,
/// `--candidates`, `--allow-partial-rules`, `--min-confidence`, `--config`, `--action`, `--context`, `--subject`,
/// `--mask-keep`, `--keyring`, `--key-max-age-days`, `--on-expired-key`, `--no-audit`) plus the role of requests
/// that name none, turned into one service by `makeService()`. `phiscrub serve` (stdio and HTTP), `phiscrub mcp`
/// and the C ABI's `phiscrub_engine_new` all build their service here, so the rules, the operator policy, the keys,
/// the compliance middleware and its audit log cannot be set up differently by one of them.
///
/// What `makeService()` does, in order (fail closed at each step):
/// 1. loads and checks the rule packs (the defaults unless `noDefaultRules`, then `rulePaths`, `rosterFiles`, the
///    candidate tier with `candidates`) and refuses a set lacking a built-in identifier entity unless
///    `allowPartialRules`;
/// 2. reads `configPath` once (every section, `transform:` included);
/// 3. builds the operator policy: the configuration's `transform:` section, then `actions`, `context`, `subject`,
///    `maskKeep`; refuses `shift` without a subject and an operator for an entity no loaded rule reports;
/// 4. loads the keys (`keyringPath`, else the environment); when there are none and neither a keyring was named
///    nor the policy needs keys, the service still scans and redacts, and `token`, `encrypt`, `shift` answer with
///    the reason;
/// 5. with a configuration: checks `role` against its roles, opens its audit log (unless `noAudit`) signed with
///    the audit subkey (keys from `keyringPath`, the configuration's `keyring_path`, then the environment) and
///    puts the compliance middleware in front.
///
/// Errors (`ServiceSetupError`) name options and files, never request text or key material; their option names are
/// spelled as the front end's users write them (`spelling`).
public struct ServiceSetup: Sendable {
    /// How option names appear in error messages: `--allow-partial-rules` on the command line,
    /// `allow_partial_rules` in the C ABI's JSON engine options.
    public enum Spelling: Sendable {
        case commandLine
        case json
    }

    /// Rule pack files or directories added to (or, with `noDefaultRules`, replacing) the default packs.
    public var rulePaths: [String] = []
    /// Leave the default rule packs out (then `rulePaths` must not be empty).
    public var noDefaultRules = false
    /// Files of names (one per line) found exactly, as rule `name-roster`.
    public var rosterFiles: [String] = []
    /// Also load the candidate tier (`rules/candidates.yaml`).
    public var candidates = false
    /// Run even when the rules cannot find every built-in identifier entity.
    public var allowPartialRules = false
    /// Findings below this confidence (0...1) are ignored.
    public var minConfidence: Double = 0
    /// `phiscrub.yaml`: its `transform:` section sets the default operators; with it the service has the compliance
    /// middleware (RBAC, role views, audit).
    public var configPath: String?
    /// `--action` arguments: an operator for all entities, or `ENTITY=OPERATOR`.
    public var actions: [String] = []
    /// The data context encrypted tokens are bound to.
    public var context: String?
    /// The subject whose dates `shift` moves by one offset.
    public var subject: String?
    /// Characters `mask` keeps at the end (0...64).
    public var maskKeep: Int?
    /// The keyring file (nil: `$PHISCRUB_KEYRING`, then keys in the environment, then the default keyring).
    public var keyringPath: String?
    /// The maximum age of the newest key for new encryptions.
    public var keyMaxAgeDays = 90
    /// What an expired newest key does: warn or refuse.
    public var onExpiredKey: KeyAgePolicy.Action = .warn
    /// With a configuration, do not open its audit log (a driver that records its own).
    public var noAudit = false
    /// The role of requests that name none; must be a role of the configuration (nil: no check). The service
    /// itself does not apply it: the front end fills it into requests (the C ABI's `role` engine option).
    public var role: String?
    /// JSON-aware cleaning for `options.json` and `options.key` (batch's `BatchJSONSupport`; nil: those options
    /// answer `invalid_option`).
    public var json: (any ServiceJSONSupport)?
    /// Where key-age warnings go (default: standard error, as `phiscrub: warning: ...`).
    public var warn: @Sendable (String) -> Void = ServiceSetup.warnOnStandardError
    /// How option names are spelled in errors.
    public var spelling: Spelling = .commandLine

    /// The defaults: the default rule packs, no configuration, keys from the environment.
    public init() {}

    /// Writes `phiscrub: warning: MESSAGE` to standard error.
    public static let warnOnStandardError: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data("phiscrub: warning: \(message)\n".utf8))
    }

    /// The service these options describe (steps in the type's documentation).
    public func makeService() throws(ServiceSetupError) -> PHIService {
        let scrubber = try makeScrubber()
        let config = try loadConfig()
        let policy = try makePolicy(config: config)
        try Self.check(policy, ruleSet: scrubber.ruleSet, spelling: spelling)
        let keys = try loadKeys(policy: policy)
        guard let config else {
            return PHIService(scrubber: scrubber, keys: keys, basePolicy: policy, json: json)
        }
        if let role, config.role(named: role) == nil {
            throw ServiceSetupError(.config, "\(name("role")) is not a role of the configuration; roles: "
                + config.roles.map(\.name).joined(separator: ", "))
        }
        let audit = config.audit.enabled && !noAudit ? try openAudit(config) : nil
        do {
            return try PHIService(scrubber: scrubber, keys: keys, config: config, audit: audit, basePolicy: policy,
                                  json: json)
        } catch {
            throw ServiceSetupError(.options, error.message)
        }
    }

    /// Loads, compiles and checks the rules (a pack whose own examples fail is refused; every problem at once) and
    /// with `requireIdentifiers` refuses a set lacking a built-in identifier entity unless `allowPartialRules`
    /// (fail closed: what those rules miss would pass through in clear).
    public func makeScrubber(requireIdentifiers: Bool = true) throws(ServiceSetupError) -> Scrubber {
        guard minConfidence.isFinite, (0...1).contains(minConfidence) else {
            throw ServiceSetupError(.options, "\(name("min_confidence")) must be between 0 and 1")
        }
        if noDefaultRules && rulePaths.isEmpty {
            throw ServiceSetupError(.options, "\(name("no_default_rules")) needs at least one \(name("rules"))")
        }
        let set: RuleSet
        do {
            set = try RuleSet.load(paths: rulePaths, includeDefaults: !noDefaultRules, rosters: rosterFiles,
                                   candidates: candidates)
        } catch {
            throw ServiceSetupError(.rules, error.description)
        }
        if requireIdentifiers && !allowPartialRules {
            let missing = set.missingIdentifierEntities
            if !missing.isEmpty {
                let source = noDefaultRules ? "\(name("no_default_rules")) with the \(name("rules")) packs given"
                    : ProcessInfo.processInfo.environment[RulePacks.environmentVariable].map { _ in
                        "the rule packs of $\(RulePacks.environmentVariable)" } ?? "the rule packs loaded"
                let verb = spelling == .commandLine ? "pass" : "set"
                throw ServiceSetupError(.rules, "refusing to run: \(source) report no \(missing.joined(separator: ", ")) "
                    + "(\(set.rules.count) rule(s) loaded), so that PHI would pass through in clear; "
                    + "\(verb) \(name("allow_partial_rules")) to run with these rules anyway")
            }
        }
        return Scrubber(ruleSet: set, minConfidence: minConfidence)
    }

    /// `configPath` read once, every section checked (nil without one). The message lists every problem, one a
    /// line.
    public func loadConfig() throws(ServiceSetupError) -> PHIScrubConfig? {
        guard let configPath else { return nil }
        do { return try ConfigFile.load(path: configPath) } catch { throw ServiceSetupError(.config, error.description) }
    }

    /// The operator policy: `config`'s `transform:` section (the default policy without one), then `actions`,
    /// `context`, `subject` and `maskKeep`.
    public func makePolicy(config: PHIScrubConfig?) throws(ServiceSetupError) -> TransformPolicy {
        do {
            var policy = try config.map { c throws(TransformError) in try TransformPolicy(config: c) } ?? TransformPolicy()
            try policy.apply(actionArguments: actions)
            if let context { policy.context = try DataContext(context) }
            if let subject { policy.subject = subject }
            if let maskKeep {
                guard (0...64).contains(maskKeep) else { throw ServiceSetupError(.options, "\(name("mask_keep")) must be 0...64") }
                policy.maskKeepLast = maskKeep
            }
            return policy
        } catch let error as ServiceSetupError {
            throw error
        } catch let error as TransformError {
            throw ServiceSetupError(.options, error.message)
        } catch {
            throw ServiceSetupError(.options, "\(error)")
        }
    }

    /// Refuses a policy that would quietly do something else than asked (fail closed):
    /// - `shift` with no subject moves every person's dates by one offset, so one known date reveals all others;
    /// - an operator for an entity no loaded rule reports (a typo in `ENTITY=OPERATOR` or in `transform.entities`)
    ///   would never apply: the error lists the entities there are.
    public static func check(_ policy: TransformPolicy, ruleSet: RuleSet, spelling: Spelling) throws(ServiceSetupError) {
        let shifts = policy.defaultAction == .shift || policy.entityActions.values.contains(.shift)
        if shifts && policy.subject.isEmpty {
            let subject = spelling == .commandLine ? "--subject ID" : "subject"
            throw ServiceSetupError(.options, "the shift operator needs a subject (\(subject), or subject: in the transform: "
                + "section): without one every person's dates would move by the same offset")
        }
        let known = Set(ruleSet.entities)
        let unknown = policy.entityActions.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw ServiceSetupError(.options, "no loaded rule reports \(unknown.joined(separator: ", ")), so its operator "
                + "would never apply; entities: \(ruleSet.entities.joined(separator: ", "))")
        }
    }

    /// The age policy of `keyMaxAgeDays` and `onExpiredKey`.
    public var agePolicy: KeyAgePolicy { KeyAgePolicy(maxAgeDays: keyMaxAgeDays, onExpired: onExpiredKey) }

    /// The operators' keys: `keyringPath`, else the environment. Without any, when no keyring was named and
    /// `policy` needs none, a provider whose every subkey fails with the reason (the service still scans and
    /// redacts; `token`, `encrypt` and `shift` answer `keys`).
    public func loadKeys(policy: TransformPolicy) throws(ServiceSetupError) -> any KeyProvider {
        guard keyMaxAgeDays >= 1 else { throw ServiceSetupError(.options, "\(name("key_max_age_days")) must be at least 1") }
        do {
            return try KeySource.load(keyringPath: keyringPath, agePolicy: agePolicy, warn: warn)
        } catch {
            if keyringPath != nil || policy.needsKeys { throw ServiceSetupError(.keys, error.message) }
            return UnavailableKeys(reason: error.message)
        }
    }

    /// Opens `config`'s audit log, signed with the audit subkey of the keys of `keyringPath`, else of the
    /// configuration's `keyring_path` (when its key source is the keyring), else of the environment.
    public func openAudit(_ config: PHIScrubConfig) throws(ServiceSetupError) -> AuditLog {
        var path = keyringPath
        if path == nil, config.security.keySource == "keyring" { path = config.security.keyringPath }
        let key: DerivedKey
        do {
            key = try KeySource.load(keyringPath: path, agePolicy: agePolicy, warn: warn).subkey(.audit, version: nil)
        } catch {
            throw ServiceSetupError(.keys, "no audit signing key: \(error.message)")
        }
        do {
            return try AuditLog(settings: config.audit, signingKey: key.bytes, keyVersion: key.version)
        } catch {
            throw ServiceSetupError(.config, "audit log: \(error.message)")
        }
    }

    /// An option's name as the front end's users write it: `allow_partial_rules` or `--allow-partial-rules`.
    func name(_ key: String) -> String {
        switch spelling {
        case .json: key
        case .commandLine: "--" + key.replacingOccurrences(of: "_", with: "-")
        }
    }
}

/// Why `ServiceSetup` could not make a service: which part failed and a message naming options and files, never
/// request text or key material. Rule and configuration messages list every problem, one a line.
public struct ServiceSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The part that failed.
    public enum Code: String, Sendable, CaseIterable {
        /// An option out of range or an operator policy refused.
        case options
        /// The rule packs: load or check problems, or a set lacking a built-in identifier entity.
        case rules
        /// The configuration file, its audit log, or a role it does not define.
        case config
        /// Keys needed and not available (operators, or the audit signing key).
        case keys
    }

    /// The part that failed.
    public var code: Code
    /// What is wrong and what to do.
    public var message: String

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Stands in for keys that could not be loaded: every operator that needs one fails with the reason (fail closed).
struct UnavailableKeys: KeyProvider {
    let reason: String
    var sourceDescription: String { "no keys" }
    var activeVersion: Int { 0 }
    var tokenKeyVersion: Int { 0 }
    var versions: [KeyInfo] { [] }
    func subkey(_ purpose: KeyPurpose, version: Int?) throws(KeyError) -> DerivedKey {
        throw KeyError(code: .missing, message: reason)
    }
}
