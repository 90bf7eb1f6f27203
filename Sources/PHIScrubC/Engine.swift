import Foundation
import PHIBatch
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform

/// A status of the C ABI: the values of `phiscrub_status` in `include/phiscrub.h` (the C test checks each constant
/// against `phiscrub_status_name`, so the two cannot drift apart unnoticed).
enum ABIStatus: Int32, CaseIterable {
    case ok = 0
    case invalidArgument = 1
    case bufferTooSmall = 2
    case invalidUTF8 = 3
    case noValue = 4
    case engineOptions = 10
    case rules = 11
    case config = 12
    case invalidJSON = 20
    case invalidRequest = 21
    case unknownOp = 22
    case invalidOption = 23
    case tooLarge = 24
    case keys = 25
    case transformFailed = 26
    case auditFailed = 27
    case notConfigured = 28
    case shuttingDown = 29
    case forbidden = 30
    case internalError = 31

    /// The status of a service error: the codes 20-31 are `ServiceError.Code` one for one.
    init(_ code: ServiceError.Code) {
        switch code {
        case .invalidJSON: self = .invalidJSON
        case .invalidRequest: self = .invalidRequest
        case .unknownOp: self = .unknownOp
        case .invalidOption: self = .invalidOption
        case .tooLarge: self = .tooLarge
        case .keys: self = .keys
        case .transformFailed: self = .transformFailed
        case .auditFailed: self = .auditFailed
        case .notConfigured: self = .notConfigured
        case .shuttingDown: self = .shuttingDown
        case .forbidden: self = .forbidden
        case .internalError: self = .internalError
        }
    }

    /// The name `phiscrub_status_name` returns: the wire code for service errors. Static, NUL-terminated.
    var name: StaticString {
        switch self {
        case .ok: "ok"
        case .invalidArgument: "invalid_argument"
        case .bufferTooSmall: "buffer_too_small"
        case .invalidUTF8: "invalid_utf8"
        case .noValue: "no_value"
        case .engineOptions: "engine_options"
        case .rules: "rules"
        case .config: "config"
        case .invalidJSON: "invalid_json"
        case .invalidRequest: "invalid_request"
        case .unknownOp: "unknown_op"
        case .invalidOption: "invalid_option"
        case .tooLarge: "too_large"
        case .keys: "keys"
        case .transformFailed: "transform_failed"
        case .auditFailed: "audit_failed"
        case .notConfigured: "not_configured"
        case .shuttingDown: "shutting_down"
        case .forbidden: "forbidden"
        case .internalError: "internal"
        }
    }
}

/// A failure of an ABI call: the status returned and the message written to the caller's buffer (never request
/// text or values).
struct ABIError: Error {
    var status: ABIStatus
    var message: String
    init(_ status: ABIStatus, _ message: String) {
        self.status = status
        self.message = message
    }
    init(_ error: ServiceError) {
        self.init(ABIStatus(error.code), error.message)
    }
}

/// What a `phiscrub_engine *` points at (retained by `Unmanaged` until `phiscrub_engine_free`): the service core and
/// the role of requests that name none. Immutable, so any number of threads may use it at once; `PHIService` is
/// itself safe to call concurrently.
final class Engine: Sendable {
    let service: PHIService
    let defaultRole: String?

    init(service: PHIService, defaultRole: String?) {
        self.service = service
        self.defaultRole = defaultRole
    }

    /// The engine `options` describe, built as `phiscrub serve` builds its service (`ServeCommand.makeService`):
    /// the rules (refused when they lack a built-in identifier entity, unless allowed), the operator policy of the
    /// configuration's `transform:` section and `action`, keys when there are any, and with `config` the
    /// compliance middleware and its audit log.
    static func make(_ options: EngineOptions) throws(ABIError) -> Engine {
        let set: RuleSet
        do {
            set = try RuleSet.load(paths: options.rules, includeDefaults: !options.noDefaultRules,
                                   rosters: options.names, candidates: options.candidates)
        } catch {
            throw ABIError(.rules, error.description)
        }
        if !options.allowPartialRules {
            let missing = set.missingIdentifierEntities
            if !missing.isEmpty {
                throw ABIError(.rules, "refusing to run: the rule packs loaded report no \(missing.joined(separator: ", ")) "
                    + "(\(set.rules.count) rule(s) loaded), so that PHI would pass through in clear; "
                    + "set allow_partial_rules to run with these rules anyway")
            }
        }
        let scrubber = Scrubber(ruleSet: set, minConfidence: options.minConfidence)

        var config: PHIScrubConfig?
        if let path = options.config {
            do { config = try ConfigFile.load(path: path) } catch { throw ABIError(.config, error.description) }
        }
        var policy: TransformPolicy
        do {
            policy = try config.map { c throws(TransformError) in try TransformPolicy(config: c) } ?? TransformPolicy()
            try policy.apply(actionArguments: options.actions)
            if let context = options.context { policy.context = try DataContext(context) }
            if let subject = options.subject { policy.subject = subject }
            if let keep = options.maskKeep { policy.maskKeepLast = keep }
        } catch {
            throw ABIError(.engineOptions, error.message)
        }
        // As TransformOptions.check: no shift without a subject, no operator for an entity no rule reports.
        let shifts = policy.defaultAction == .shift || policy.entityActions.values.contains(.shift)
        if shifts && policy.subject.isEmpty {
            throw ABIError(.engineOptions, "the shift operator needs a subject (subject, or subject: in the transform: section): "
                + "without one every person's dates would move by the same offset")
        }
        let known = Set(set.entities)
        let unknown = policy.entityActions.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw ABIError(.engineOptions, "no loaded rule reports \(unknown.joined(separator: ", ")), so its operator would never apply; "
                + "entities: \(set.entities.joined(separator: ", "))")
        }

        let agePolicy = KeyAgePolicy(maxAgeDays: options.keyMaxAgeDays,
                                     onExpired: KeyAgePolicy.Action(rawValue: options.onExpiredKey) ?? .warn)
        let warn: @Sendable (String) -> Void = { message in
            FileHandle.standardError.write(Data("phiscrub: warning: \(message)\n".utf8))
        }
        var provider: (any KeyProvider)?
        do {
            provider = try KeySource.load(keyringPath: options.keyring, agePolicy: agePolicy, warn: warn)
        } catch {
            // Without keys the engine still scans and redacts; token, encrypt and shift answer with this reason.
            if options.keyring != nil || policy.needsKeys { throw ABIError(.keys, error.message) }
            provider = UnavailableKeys(reason: error.message)
        }

        var middleware: ComplianceMiddleware?
        if let config {
            if let role = options.role, config.role(named: role) == nil {
                throw ABIError(.config, "role is not a role of the configuration; roles: "
                    + config.roles.map(\.name).joined(separator: ", "))
            }
            var audit: AuditLog?
            if config.audit.enabled && !options.noAudit {
                // The audit signing key: keyring, then the configuration's keyring_path, then the environment.
                var keyringPath = options.keyring
                if keyringPath == nil, config.security.keySource == "keyring" { keyringPath = config.security.keyringPath }
                let auditKeys: any KeyProvider
                let key: DerivedKey
                do {
                    auditKeys = try KeySource.load(keyringPath: keyringPath, agePolicy: agePolicy, warn: warn)
                    key = try auditKeys.subkey(.audit, version: nil)
                } catch {
                    throw ABIError(.keys, "no audit signing key: \(error.message)")
                }
                do {
                    audit = try AuditLog(settings: config.audit, signingKey: key.bytes, keyVersion: key.version)
                } catch {
                    throw ABIError(.config, "audit log: \(error.message)")
                }
            }
            middleware = ComplianceMiddleware(config: config, scrubber: scrubber, audit: audit,
                                              transform: OperatorTransform(keys: provider), basePolicy: policy)
        }
        let service = PHIService(scrubber: scrubber, keys: provider, middleware: middleware, basePolicy: policy,
                                 json: BatchJSONSupport())
        return Engine(service: service, defaultRole: options.role)
    }

    /// Runs one request (never throws for a request the service answers with an error: that is an `ABIError`).
    func run(_ request: ServiceRequest) -> Swift.Result<ServiceResponse, ABIError> {
        var request = request
        if request.options.role == nil, let defaultRole { request.options.role = defaultRole }
        let answer = service.handle(request)
        if let error = answer.error { return .failure(ABIError(error)) }
        return .success(answer)
    }
}

/// Stands in for keys that could not be loaded: every operator that needs one fails with the reason (fail closed),
/// as `serve` does.
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
