import Foundation
import PHICompliance
import PHIScan
import PHITransform

extension PHIService {
    /// With a configuration, `scan`, `redact` and `transform` naming a role the configuration does not know are
    /// refused (`forbidden`) and the refusal audited: an unknown role gets nothing, as in the middleware. A request
    /// without a role is not gated (the filter's behaviour); a host that must enforce a role's view of the text
    /// uses the middleware operations.
    func gate(_ request: ServiceRequest) throws(ServiceError) {
        guard let middleware, let role = request.options.role else { return }
        if middleware.config.role(named: role) != nil { return }
        try deny(request, middleware: middleware, reason: AccessDecision.Denial.unknownRole.rawValue)
        throw ServiceError(.forbidden, "options.role is not a role of the configuration")
    }

    private func deny(_ request: ServiceRequest, middleware: ComplianceMiddleware, reason: String) throws(ServiceError) {
        guard let log = middleware.audit else { return }
        let o = request.options
        do {
            _ = try log.append(AuditEvent(type: .accessDenied, agent: o.agent ?? "phiscrub-serve", user: o.user ?? "",
                                          role: o.role, resource: "serve", action: request.op.rawValue, outcome: "denied",
                                          details: ["reason": .string(reason)]))
        } catch {
            throw ServiceError(.auditFailed, "the audit log cannot be written: \(error.message)")
        }
    }

    /// `reveal`: the `[ENC:…]` tokens of the text made in `options.context` (default `tool_output`) decrypted for
    /// `options.role`, which needs `read_phi`; each value shown as the role may see it (clear, masked, token or
    /// redacted). Recorded before anything is decrypted and again with the counts; a role without the permission is
    /// refused and the refusal recorded. Tokens that do not authenticate stay as they are. `counts` holds the
    /// values revealed per entity.
    func reveal(_ request: ServiceRequest) throws(ServiceError) -> ServiceResponse {
        guard let middleware else {
            throw ServiceError(.notConfigured, "op reveal needs a configuration with roles (--config phiscrub.yaml)")
        }
        let o = request.options
        guard let role = o.role, !role.isEmpty else { throw ServiceError(.invalidOption, "op reveal needs options.role") }
        let decision = middleware.access.check(role: role, permission: .readPHI)
        if !decision.isAllowed {
            try deny(request, middleware: middleware, reason: decision.denial?.rawValue ?? "denied")
            throw ServiceError(.forbidden, "the role may not reveal PHI (it needs read_phi)")
        }
        guard let keys else { throw ServiceError(.keys, "op reveal needs keys (--keyring, PHISCRUB_KEYS or PHISCRUB_KEY)") }
        let context: DataContext
        do { context = try DataContext(o.context ?? "tool_output") } catch {
            throw ServiceError(.invalidOption, "options.context must be lower-case letters, digits and _ (1-64 bytes), e.g. tool_output")
        }
        var base = basePolicy
        base.context = context
        let policy = RoleTransformPolicy.policy(base: base, role: role, access: middleware.access, ruleSet: scrubber.ruleSet)
        let transformer: Transformer
        do { transformer = try Transformer(policy: policy, keys: keys, traits: scrubber.ruleSet.traits) } catch {
            throw ServiceError(.keys, error.message)
        }
        let log = middleware.audit
        func record(_ outcome: String, _ details: [String: AuditValue], phi: Bool) throws(ServiceError) {
            guard let log else { return }
            do {
                _ = try log.append(AuditEvent(type: .reveal, agent: o.agent ?? "phiscrub-serve", user: o.user ?? "", role: role,
                                              resource: "serve", action: "reveal", phi: phi, outcome: outcome, details: details))
            } catch {
                throw ServiceError(.auditFailed, "the audit log cannot be written: \(error.message)")
            }
        }
        // A reveal the log cannot hold does not happen.
        try record("started", ["context": .string(context.name), "bytes": .int(request.text.count)], phi: true)
        var revealer = Revealer(keys: keys, context: context)
        revealer.presenter = { entity, value in
            let finding = Finding(start: 0, end: value.count, entity: entity, ruleID: "reveal", confidence: 1)
            return try? value.withUnsafeBufferPointer { try transformer.replacement(for: finding, value: $0) }
        }
        var out = MemoryOutput(capacity: request.text.count)
        do {
            try request.text.withUnsafeBufferPointer { try revealer.feed($0, into: &out) }
            try revealer.finish(into: &out)
        } catch {
            throw ServiceError(.internalError, "reveal failed")
        }
        var byEntity: [String: AuditValue] = [:]
        for (entity, n) in revealer.revealedByEntity { byEntity[entity] = .int(n) }
        try record(revealer.failures.isEmpty ? "ok" : "partial",
                   ["context": .string(context.name), "revealed": .int(revealer.revealed),
                    "refused": .int(revealer.failures.count), "withheld": .int(revealer.withheld),
                    "by_entity": .object(byEntity)], phi: revealer.revealed > 0)
        var r = ServiceResponse(id: request.id)
        r.text = out.bytes
        r.counts = revealer.revealedByEntity
        return r
    }
}
