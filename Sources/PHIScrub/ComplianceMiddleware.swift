import Foundation
import PHICompliance
import PHIScan
import PHITransform
import PHILock

/// Who is acting: the role (from `roles:`), the agent and the user it acts for.
public struct CallContext: Sendable, Hashable {
    public var role: String
    public var agent: String
    public var user: String

    public init(role: String, agent: String, user: String) {
        self.role = role
        self.agent = agent
        self.user = user
    }
}

/// What the middleware decided about one call, and the text that may go on.
public struct MiddlewareResult: Sendable {
    /// The call may proceed with `text`.
    public var allowed: Bool
    /// The transformed text (nil when blocked: nothing may be sent).
    public var text: String?
    /// Why the call was blocked (no PHI in it).
    public var reason: String?
    /// Findings per entity in the original text.
    public var findings: [String: Int]
    /// Breach alerts this call raised.
    public var alerts: [BreachAlert]
    /// The audit record of the call (nil when auditing is off or the event type is not recorded).
    public var receipt: AuditReceipt?
}

/// The transform step's operators before the one replacement seam; kept so hosts that made a middleware with
/// `transform: OperatorTransform(keys:)` still build.
@available(*, deprecated, message: "pass keys: to ComplianceMiddleware (or replacers: for a host's own replacement)")
public struct OperatorTransform: Sendable {
    public let keys: (any KeyProvider)?
    public init(keys: (any KeyProvider)?) { self.keys = keys }
}

/// The one call agent hosts make around every tool call, tool output, model call and memory write: the steps of
/// `compliance.middleware_order` (RBAC check, residency and BAA check, scan, transform for the role, audit
/// record), with denials audited and breach triggers raised.
///
/// Fails closed: when a step cannot complete (audit log unwritable, operator or key failure), the call is blocked
/// and no text is returned.
public final class ComplianceMiddleware: @unchecked Sendable {
    public let config: PHIScrubConfig
    public let scrubber: Scrubber
    public let access: AccessPolicy
    public let residency: ResidencyPolicy
    let audit: AuditLog?
    let alerter: BreachAlerter
    /// The transform step's replacers (the one replacement seam: a `ReplacementFactory` per role policy, the
    /// replacers lent to one call at a time and kept between calls).
    let replacers: ReplacerPool
    let basePolicy: TransformPolicy
    let fingerprinter: Fingerprinter?
    let categories: [String: String]
    let mutex = Lock()
    /// Usage per session (role, agent, user), checked against the role's `session_limits`. A host ends a session
    /// with `endSession(_:)`; until then its usage is kept, so memory grows with the number of open sessions.
    var sessions: [CallContext: SessionUsage] = [:]
    /// Controls the configuration fails (`compliance.continuous_checks`: checked when the middleware is made, and
    /// recorded as a `config_change` audit event).
    public let controlFailures: [ControlResult]

    /// `basePolicy` holds the operator parameters (mask length, context, subject); the role decides each entity's
    /// operator. `audit` nil turns auditing off (the controls check will say so). The operators are the policy
    /// operators with `keys` (`Operators(policy:keys:traits:)` with the scrubber's traits).
    public convenience init(config: PHIScrubConfig, scrubber: Scrubber, audit: AuditLog?, keys: (any KeyProvider)?,
                            basePolicy: TransformPolicy = TransformPolicy()) {
        self.init(config: config, scrubber: scrubber, audit: audit,
                  replacers: ReplacerPool(keys: keys, traits: scrubber.ruleSet.traits), basePolicy: basePolicy)
    }

    @available(*, deprecated, message: "pass keys: (or replacers: for a host's own replacement)")
    public convenience init(config: PHIScrubConfig, scrubber: Scrubber, audit: AuditLog?, transform: OperatorTransform,
                            basePolicy: TransformPolicy = TransformPolicy()) {
        self.init(config: config, scrubber: scrubber, audit: audit, keys: transform.keys, basePolicy: basePolicy)
    }

    /// As above, with the transform step's replacers given: `ReplacerPool(operators:)` plugs in a host's own
    /// `ReplacementFactory` for each role policy.
    public init(config: PHIScrubConfig, scrubber: Scrubber, audit: AuditLog?, replacers: ReplacerPool,
                basePolicy: TransformPolicy = TransformPolicy()) {
        self.config = config
        self.scrubber = scrubber
        self.access = AccessPolicy(config: config)
        self.residency = ResidencyPolicy(settings: config.residency)
        self.audit = audit
        self.alerter = BreachAlerter(settings: config.compliance, audit: audit)
        self.replacers = replacers
        self.basePolicy = basePolicy
        self.fingerprinter = try? audit?.fingerprinter()
        var categories: [String: String] = [:]
        for r in scrubber.ruleSet.rules where categories[r.rule.entity] == nil {
            categories[r.rule.entity] = r.rule.category.rawValue
        }
        self.categories = categories
        if config.compliance.continuousChecks {
            let failures = ComplianceControls.check(config).filter { !$0.passed }
            controlFailures = failures
            _ = try? audit?.append(AuditEvent(
                type: .configChange, agent: "phiscrub", resource: config.file, action: "load",
                outcome: failures.isEmpty ? "compliant" : "controls_failed",
                details: ["controls_failed": .list(failures.map { .string($0.id) })]))
        } else {
            controlFailures = []
        }
    }

    /// Before a tool runs: may the role call it, may its input go where the tool stores it, and what of the
    /// input's PHI may the tool see.
    public func toolCall(_ ctx: CallContext, tool: String, input: String, region: String? = nil,
                         category: DataCategory = .toolOutputs) -> MiddlewareResult {
        run(ctx, event: .toolCall, resource: tool, action: "call", text: input) { step, scan, trace in
            switch step {
            case .rbac:
                return self.gate(ctx, self.access.mayCallTool(role: ctx.role, tool: tool), tokens: input.utf8.count / 4,
                                 toolCall: true, resource: tool, scan: scan, trace: &trace)
            case .residency:
                guard let region else { return nil }
                return self.residencyGate(ctx, self.residency.checkWrite(category: category, region: region), resource: tool, trace: &trace)
            default: return nil
            }
        }
    }

    /// After a tool ran: its output, transformed for the role before the model or memory sees it.
    public func toolOutput(_ ctx: CallContext, tool: String, output: String) -> MiddlewareResult {
        run(ctx, event: .toolCall, resource: tool, action: "output", text: output) { step, scan, trace in
            step == .rbac ? self.gate(ctx, self.known(ctx.role), tokens: output.utf8.count / 4, toolCall: false,
                                      resource: tool, scan: scan, trace: &trace) : nil
        }
    }

    /// Before a prompt goes to an inference provider: the provider's region and BAA, then the prompt transformed
    /// for the role (and fully redacted when the provider has no BAA and the policy says redact).
    public func modelCall(_ ctx: CallContext, provider: String, prompt: String) -> MiddlewareResult {
        run(ctx, event: .modelInvocation, resource: provider, action: "invoke", text: prompt) { step, scan, trace in
            switch step {
            case .rbac:
                return self.gate(ctx, self.known(ctx.role), tokens: prompt.utf8.count / 4, toolCall: false,
                                 resource: provider, scan: scan, trace: &trace)
            case .residency:
                return self.residencyGate(ctx, self.residency.checkModelCall(provider: provider, containsPHI: !scan().isEmpty),
                                          resource: provider, trace: &trace)
            default: return nil
            }
        }
    }

    /// Before agent memory or conversation history is written to `region`.
    public func memoryWrite(_ ctx: CallContext, region: String, text: String,
                            category: DataCategory = .agentMemory) -> MiddlewareResult {
        run(ctx, event: .memoryAccess, resource: category.rawValue, action: "write", text: text) { step, scan, trace in
            switch step {
            case .rbac:
                // Writing PHI needs write_phi; text without PHI needs only a known role.
                let decision = scan().isEmpty ? self.known(ctx.role) : self.access.check(role: ctx.role, permission: .writePHI)
                return self.gate(ctx, decision, tokens: 0, toolCall: false, resource: category.rawValue, scan: scan, trace: &trace)
            case .residency:
                return self.residencyGate(ctx, self.residency.checkWrite(category: category, region: region), resource: category.rawValue, trace: &trace)
            default: return nil
            }
        }
    }

    // MARK: - steps

    /// What a gate step says: stop with a reason, or go on (possibly forcing full redaction).
    enum Gate {
        case stop(String)
        case redactAll(String)
    }

    func known(_ role: String) -> AccessDecision {
        access.roles[role] == nil ? .denied(.unknownRole, "unknown role '\(role)'") : .allowed
    }

    /// Ends a session: its usage is forgotten, and the next call with this context starts a new session with fresh
    /// limits. Agent hosts call this when a conversation ends, which keeps the session table bounded.
    public func endSession(_ ctx: CallContext) {
        mutex.withLock { _ = sessions.removeValue(forKey: ctx) }
    }

    /// Sessions with recorded usage.
    public var openSessions: Int {
        mutex.withLock { sessions.count }
    }

    /// Audit records and alerts one call produces, collected while its steps run.
    struct CallTrace {
        var records: [AuditEvent] = []
        var alerts: [BreachAlert] = []
    }

    func gate(_ ctx: CallContext, _ decision: AccessDecision, tokens: Int, toolCall: Bool, resource: String,
              scan: () -> [Finding], trace: inout CallTrace) -> Gate? {
        var decision = decision
        if decision.isAllowed, let role = access.roles[ctx.role] {
            decision = mutex.withLock {
                var usage = sessions[ctx] ?? SessionUsage()
                let decision = usage.check(role.limits, role: ctx.role, addingTokens: tokens, toolCall: toolCall)
                if decision.isAllowed {
                    usage.tokens += tokens
                    if toolCall { usage.toolCalls += 1 }
                    sessions[ctx] = usage
                }
                return decision
            }
        }
        guard let denial = decision.denial else { return nil }
        let findings = scan()
        var details: [String: AuditValue] = ["reason": .string(denial.rawValue), "message": .string(decision.message)]
        details.merge(counts(findings, bytes: nil)) { a, _ in a }
        trace.records.append(AuditEvent(type: .accessDenied, agent: ctx.agent, user: ctx.user, role: ctx.role,
                                         resource: resource, action: "deny", phi: !findings.isEmpty, outcome: "denied",
                                         details: details))
        if !findings.isEmpty {
            trace.alerts.append(BreachAlert(trigger: .unauthorizedPHIAccess, resource: resource,
                                             message: "\(decision.message) with PHI in the request", details: details))
        }
        return .stop(decision.message)
    }

    func residencyGate(_ ctx: CallContext, _ d: ResidencyDecision, resource: String, trace: inout CallTrace) -> Gate? {
        switch d.action {
        case .allow: return nil
        case .redactFirst: return .redactAll(d.reason)
        case .allowLogged:
            trace.records.append(AuditEvent(type: .residencyViolation, agent: ctx.agent, user: ctx.user, role: ctx.role,
                                             resource: resource, action: "check", outcome: "logged",
                                             details: ["reason": .string(d.reason)]))
            return nil
        case .block:
            trace.records.append(AuditEvent(type: .residencyViolation, agent: ctx.agent, user: ctx.user, role: ctx.role,
                                             resource: resource, action: "check", outcome: "blocked",
                                             details: ["reason": .string(d.reason)]))
            trace.alerts.append(BreachAlert(trigger: .residencyViolation, resource: resource, message: d.reason))
            return .stop(d.reason)
        }
    }

    func run(_ ctx: CallContext, event: AuditEventType, resource: String, action: String, text: String,
             gate: (MiddlewareStep, () -> [Finding], inout CallTrace) -> Gate?) -> MiddlewareResult {
        let bytes = Array(text.utf8)
        // One scan per call: the gates, the transform and the audit record share its findings.
        var report: (findings: [Finding], incidents: [ScanIncident])?
        let scan = { () -> [Finding] in
            if let r = report { return r.findings }
            let r = self.scrubber.scanReport(bytes)
            report = r
            return r.findings
        }
        var trace = CallTrace()
        var output: [UInt8]?
        var stopped: String?
        var forceRedact: String?
        var transformFailure: String?
        for step in config.compliance.middlewareOrder where stopped == nil {
            switch step {
            case .rbac, .residency:
                switch gate(step, scan, &trace) {
                case .stop(let reason)?: stopped = reason
                case .redactAll(let reason)?: forceRedact = reason
                case nil: break
                }
            case .scan:
                _ = scan()
            case .transform:
                var policy = RoleTransformPolicy.policy(base: basePolicy, role: ctx.role, access: access, ruleSet: scrubber.ruleSet)
                if forceRedact != nil { policy.defaultAction = .redact; policy.entityActions = [:] }
                if scan().isEmpty {
                    output = bytes
                } else {
                    do {
                        output = try replacers.with(policy) { replacer in
                            // The findings of the one scan, replaced through the filter's splice. A line the scan
                            // could not complete is withheld by scanning again as the filter does.
                            guard report?.incidents.isEmpty == true else {
                                return try scrubber.transform(bytes, replacer: replacer).output
                            }
                            return try Self.splice(bytes, findings: scan(), replacer: replacer)
                        }
                    } catch {
                        let message = (error as? TransformError)?.message ?? "the transform step failed"
                        transformFailure = message
                        trace.alerts.append(BreachAlert(trigger: .encryptionFailure, resource: resource, message: message))
                        stopped = message
                    }
                }
            case .audit:
                break  // written below, after every other step, whatever the order says about the rest
            }
        }
        let found = scan()
        var details = counts(found, bytes: bytes)
        if let forceRedact { details["redacted_for_provider"] = .string(forceRedact) }
        if let transformFailure { details["failure"] = .string(transformFailure) }
        var records = trace.records
        if stopped == nil || transformFailure != nil {
            records.append(AuditEvent(type: event, agent: ctx.agent, user: ctx.user, role: ctx.role, resource: resource,
                                      action: action, phi: !found.isEmpty, outcome: stopped == nil ? "allowed" : "blocked",
                                      details: details))
        }
        var receipt: AuditReceipt?
        var alerts: [BreachAlert] = []
        if let audit {
            do {
                for r in records { receipt = try audit.append(r) ?? receipt }
            } catch {
                // Fail closed: an unrecorded call does not proceed.
                stopped = stopped ?? "the audit log cannot be written: \(error.message)"
            }
        }
        var problems: [String] = []
        for a in trace.alerts {
            if let raised = alerter.raise(a, agent: ctx.agent, user: ctx.user, role: ctx.role, problems: &problems) {
                alerts.append(raised)
            }
        }
        let allowed = stopped == nil
        return MiddlewareResult(allowed: allowed, text: allowed ? output.map { String(decoding: $0, as: UTF8.self) } : nil,
                                reason: stopped, findings: found.reduce(into: [:]) { $0[$1.entity, default: 0] += 1 },
                                alerts: alerts, receipt: receipt)
    }

    /// `bytes` with each of `findings` (sorted, complete) replaced by `replacer`, through `Splice`.
    static func splice(_ bytes: [UInt8], findings: [Finding], replacer: any FindingReplacer) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        _ = try bytes.withUnsafeBufferPointer { b in
            try Splice.segment(b, offset: 0, findings: findings,
                               replace: { f, value in try replacer.replacement(for: f, value: value) },
                               write: { out.append(contentsOf: $0) })
        }
        return out
    }

    /// Counts per entity and (with `bytes`) keyed fingerprints of the values, at most 64.
    func counts(_ findings: [Finding], bytes: [UInt8]?) -> [String: AuditValue] {
        var byEntity: [String: Int] = [:]
        for f in findings { byEntity[f.entity, default: 0] += 1 }
        var d: [String: AuditValue] = ["findings": .int(findings.count), "by_entity": .object(byEntity.mapValues(AuditValue.int))]
        if let bytes, let fingerprinter, !findings.isEmpty {
            var fps: [AuditValue] = []
            bytes.withUnsafeBytes { raw in
                for f in findings.prefix(64) where f.end <= raw.count {
                    fps.append(.string("\(f.entity):" + fingerprinter.fingerprint(UnsafeRawBufferPointer(rebasing: raw[f.start..<f.end]))))
                }
            }
            d["fingerprints"] = .list(fps)
        }
        return d
    }
}
