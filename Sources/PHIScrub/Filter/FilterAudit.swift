import Foundation
import PHICompliance
import PHIScan
import PHITransform

/// The compliance side of the filter when a configuration is given: the role's view of each entity, one `scan`
/// audit record per line batch with counts per entity (never values), audited denials and breach alerts.
public final class FilterAudit {
    public let config: PHIScrubConfig
    public let audit: AuditLog?
    let alerter: BreachAlerter
    public let role: String?
    let user: String
    /// Bytes of input per `scan` record (records close at the first line end past this many bytes).
    public static let batchBytes = 256 * 1024

    /// `audit` nil: roles apply, nothing is recorded. `user` is the acting user as records name it.
    public init(config: PHIScrubConfig, audit: AuditLog?, role: String?,
                user: String = ProcessInfo.processInfo.environment["USER"] ?? "") {
        self.config = config
        self.audit = audit
        self.alerter = BreachAlerter(settings: config.compliance, audit: audit)
        self.role = role
        self.user = user
    }

    /// `base` narrowed to what the role may see. An unknown role sees everything redacted, and the denial is audited.
    public func policy(base: TransformPolicy, ruleSet: RuleSet) throws(FilterError) -> TransformPolicy {
        guard let role else { return base }
        let access = AccessPolicy(config: config)
        if config.role(named: role) == nil {
            try record(AuditEvent(type: .accessDenied, agent: "phiscrub-filter", user: user, role: role, resource: "filter",
                                  action: "read_phi", outcome: "denied", details: ["reason": "unknown_role"]))
        }
        return RoleTransformPolicy.policy(base: base, role: role, access: access, ruleSet: ruleSet)
    }

    /// Appends `event`; a log that cannot take it stops the run (fail closed).
    public func record(_ event: AuditEvent) throws(FilterError) {
        guard let audit else { return }
        do { try audit.append(event) } catch { throw FilterError(.audit, "audit log: \(error.message); stopping (fail closed)") }
    }

    /// Raises an encryption-failure alert. `raised`: an alert was raised (the run then exits with the breach
    /// status); `problems`: what went wrong raising it, to be reported.
    public func encryptionFailed(_ message: String) -> (raised: Bool, problems: [String]) {
        var problems: [String] = []
        let raised = alerter.raise(BreachAlert(trigger: .encryptionFailure, resource: "filter", message: message),
                                   agent: "phiscrub-filter", user: user, role: role, problems: &problems)
        return (raised != nil, problems)
    }

    /// The `scan` record of one batch whose counts are `stats`.
    public func batchEvent(_ stats: RedactionStats, batch: Int, input: String) -> AuditEvent {
        var byEntity: [String: AuditValue] = [:]
        for (entity, n) in stats.findingsByEntity where n > 0 { byEntity[entity] = .int(n) }
        return AuditEvent(
            type: .scan, agent: "phiscrub-filter", user: user, role: role, resource: input,
            action: "redact", phi: stats.findings > 0, outcome: stats.withheld > 0 ? "withheld" : "ok",
            details: ["batch": .int(batch), "bytes": .int(stats.bytesIn), "lines": .int(stats.lines),
                      "findings": .int(stats.findings), "by_entity": .object(byEntity), "withheld": .int(stats.withheld)])
    }

    /// Appends the `scan` record of one batch whose counts are `stats`.
    public func recordBatch(_ stats: RedactionStats, batch: Int, input: String) throws(FilterError) {
        try record(batchEvent(stats, batch: batch, input: input))
    }

    /// Numbers the batches of one input for the parallel filter, whose blocks arrive in order with their counts.
    final class BatchCounter: @unchecked Sendable {
        let audit: FilterAudit
        let input: String
        var batch = 0

        init(audit: FilterAudit, input: String) {
            self.audit = audit
            self.input = input
        }

        /// Called on the pool's writer thread only, in output order.
        func record(_ stats: RedactionStats) throws {
            guard stats.bytesIn > 0 else { return }
            batch += 1
            try audit.recordBatch(stats, batch: batch, input: input)
        }
    }

    /// Runs `body` over `sink`, wrapped so each line batch is audited when a log is open.
    func pump<S: StatsReportingSink>(_ sink: inout S, input: String, body: (inout AuditingSink<S>) throws -> Void) throws {
        var wrapped = AuditingSink(inner: sink, audit: self, input: input)
        defer { sink = wrapped.inner }
        try body(&wrapped)
        try wrapped.closeBatch()
    }
}

/// A sink that keeps running counts of what it wrote.
public protocol StatsReportingSink: ScanSink {
    var stats: RedactionStats { get }
}

extension RedactingSink: StatsReportingSink {}

/// Forwards segments to the real sink and appends one `scan` record per batch of lines (at the first line end past
/// `batchBytes`): bytes, lines, findings per entity and withheld segments, taken as differences of the inner
/// sink's running counts, so the per-segment cost is an addition and a comparison. Never values.
struct AuditingSink<Inner: StatsReportingSink>: ScanSink {
    var inner: Inner
    let audit: FilterAudit
    let input: String
    var batch = 0
    /// The inner sink's counts when the current batch began.
    var mark = RedactionStats()
    /// Bytes of the current batch (counted here: reading the inner sink's stats per segment would copy them).
    var batchBytes = 0

    init(inner: Inner, audit: FilterAudit, input: String) {
        self.inner = inner
        self.audit = audit
        self.input = input
        self.mark = inner.stats
    }

    mutating func segment(_ segment: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding], incident: ScanIncident?) throws {
        try inner.segment(segment, offset: offset, findings: findings, incident: incident)
        batchBytes += segment.count
        if batchBytes >= FilterAudit.batchBytes && segment.last == 0x0A {
            try closeBatch()
        }
    }

    mutating func cleanLines(_ segment: UnsafeBufferPointer<UInt8>, offset: Int, newlines: Int) throws {
        try inner.cleanLines(segment, offset: offset, newlines: newlines)
        batchBytes += segment.count
        if batchBytes >= FilterAudit.batchBytes {
            try closeBatch()
        }
    }

    mutating func rewrittenLine(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, inputCount: Int,
                                findings: [RewrittenFinding], withheld: Int) throws {
        try inner.rewrittenLine(bytes, offset: offset, inputCount: inputCount, findings: findings, withheld: withheld)
        batchBytes += inputCount
        if batchBytes >= FilterAudit.batchBytes && bytes.last == 0x0A {
            try closeBatch()
        }
    }

    mutating func closeBatch() throws {
        batchBytes = 0
        let now = inner.stats
        guard now.bytesIn > mark.bytesIn else { return }
        batch += 1
        var delta = RedactionStats()
        delta.bytesIn = now.bytesIn - mark.bytesIn
        delta.lines = now.lines - mark.lines
        delta.findings = now.findings - mark.findings
        delta.withheld = now.withheld - mark.withheld
        for (entity, n) in now.findingsByEntity { delta.findingsByEntity[entity] = n - mark.findingsByEntity[entity, default: 0] }
        try audit.recordBatch(delta, batch: batch, input: input)
        mark = now
    }
}
