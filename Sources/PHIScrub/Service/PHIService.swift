import Foundation
import PHICompliance
import PHIScan
import PHITransform
import PHILock

/// The long-lived service core every front end (`phiscrub serve --stdio`, and later HTTP, MCP, a C ABI) calls: one
/// request in, one answer out, concurrently from any thread.
///
/// A request carries an id the answer echoes, an operation, per-request options and the text. An answer carries the
/// text (for operations that produce one), the findings (entity, byte offsets, rule, confidence; never the matched
/// values) or a typed error whose message never contains request text. A bad request gets an error answer and
/// changes nothing for the next one. See README.md ("Serving agent hosts") and docs/serve.md for the wire format.
public final class PHIService: Sendable {
    public let scrubber: Scrubber
    /// Keys for `token`, `encrypt` and `shift` (nil: those operators answer with a `keys` error).
    public let keys: (any KeyProvider)?
    /// The compliance pipeline for `prompt`, `toolCall`, `toolOutput`, `memoryWrite`, `endSession` (nil: those
    /// operations answer `not_configured`).
    public let middleware: ComplianceMiddleware?
    /// Operator parameters used when a request does not give its own (context, subject, mask length, operators).
    public let basePolicy: TransformPolicy
    private let entities: Set<String>
    /// Per-thread scanner state (PCRE2 match data, feature buffers) kept between requests: making it costs more
    /// than scanning a 2 KB prompt.
    private let scanners: ScannerPool
    /// The operators' replacers (`Transformer`s with their keys set up) kept between requests, per policy.
    private let replacers: ReplacerPool
    /// JSON-aware cleaning for `options.json` and `options.key` (batch's rewriter, linked in by the front end; nil:
    /// those options answer `invalid_option`). See `ServiceRecords.swift`.
    public let json: (any ServiceJSONSupport)?
    /// The keys' `fingerprint` subkey for `options.fingerprints` (nil without usable keys).
    let fingerprinter: Fingerprinter?

    public init(scrubber: Scrubber, keys: (any KeyProvider)? = nil, middleware: ComplianceMiddleware? = nil,
                basePolicy: TransformPolicy = TransformPolicy(), json: (any ServiceJSONSupport)? = nil) {
        self.scrubber = scrubber
        self.keys = keys
        self.middleware = middleware
        self.basePolicy = basePolicy
        self.json = json
        self.fingerprinter = keys.flatMap { k in (try? k.subkey(.fingerprint, version: nil)).flatMap { try? Fingerprinter(key: $0.bytes) } }
        self.entities = Set(scrubber.ruleSet.entities)
        self.scanners = ScannerPool(ruleSet: scrubber.ruleSet)
        self.replacers = ReplacerPool(keys: keys, traits: scrubber.ruleSet.traits)
    }

    /// Answers one request. Never throws and never traps on bad input: every failure is a `ServiceError` in the
    /// answer.
    public func handle(_ request: ServiceRequest) -> ServiceResponse {
        do {
            return try answer(request)
        } catch {
            return ServiceResponse(id: request.id, error: error)
        }
    }

    private func answer(_ request: ServiceRequest) throws(ServiceError) -> ServiceResponse {
        let options = request.options
        let r: ServiceResponse
        if request.op == .scan || request.op == .redact || request.op == .transform { try gate(request) }
        if request.texts != nil || options.usesRecords {
            r = try records(request)
        } else {
        switch request.op {
        case .reveal:
            return try reveal(request)
        case .scan:
            try refuseOperators(options, op: request.op)
            let confidence = try minConfidence(options)
            var sink = FindingCollector()
            scanners.with(minConfidence: confidence) { line in
                let stream = StreamScanner(scanner: line, lineCap: Self.lineCap(for: request.text))
                // FindingCollector never throws.
                try? stream.feed(request.text, into: &sink)
                try? stream.finish(into: &sink)
            }
            var scan = ServiceResponse(id: request.id)
            scan.findings = sink.findings
            scan.withheld = sink.incidents.count
            r = scan
        case .redact:
            try refuseOperators(options, op: request.op)
            r = try transform(request, minConfidence: try minConfidence(options), policy: policy(options, forceRedact: true))
        case .transform:
            r = try transform(request, minConfidence: try minConfidence(options), policy: policy(options, forceRedact: false))
        case .prompt, .toolCall, .toolOutput, .memoryWrite, .endSession:
            return try middlewareCall(request)
        }
        }
        try audit(request, findings: r.findings ?? [])
        return r
    }

    /// With a configuration whose audit log is on, `scan`, `redact` and `transform` each leave a `scan` record (counts
    /// per entity and keyed fingerprints, never values), as the filter does per batch. Fail closed: when the record
    /// cannot be written the answer is an error and carries no text.
    private func audit(_ request: ServiceRequest, findings: [Finding]) throws(ServiceError) {
        guard let middleware, let log = middleware.audit else { return }
        let o = request.options
        // Several texts (or JSON offsets): counts only, no fingerprints from offsets into request.text.
        let plain = request.texts == nil && !o.usesRecords
        var details = middleware.counts(findings, bytes: plain ? request.text : nil)
        details["bytes"] = .int(request.texts.map { $0.reduce(0) { $0 + $1.count } } ?? request.text.count)
        if let texts = request.texts { details["records"] = .int(texts.count) }
        do {
            _ = try log.append(AuditEvent(type: .scan, agent: o.agent ?? "phiscrub-serve", user: o.user ?? "", role: o.role,
                                          resource: "serve", action: request.op.rawValue, phi: !findings.isEmpty,
                                          outcome: "ok", details: details))
        } catch {
            throw ServiceError(.auditFailed, "the audit log cannot be written: \(error.message)")
        }
    }

    /// The request's confidence floor, never below the service's.
    func minConfidence(_ options: ServiceOptions) throws(ServiceError) -> Double {
        guard let m = options.minConfidence else { return scrubber.minConfidence }
        guard m.isFinite, (0...1).contains(m) else {
            throw ServiceError(.invalidOption, "options.min_confidence must be a number in 0...1")
        }
        return max(m, scrubber.minConfidence)
    }

    /// A line cap no line of `text` can exceed when the text is small (so nothing is cut differently), without
    /// reserving the default 256 KiB carry buffer for a 2 KB prompt.
    static func lineCap(for text: [UInt8]) -> Int {
        min(StreamScanner.defaultLineCap, max(text.count + 1, 4096))
    }

    func refuseOperators(_ options: ServiceOptions, op: ServiceOperation) throws(ServiceError) {
        if options.defaultOperator != nil || !options.operators.isEmpty {
            throw ServiceError(.invalidOption, "options.operator and options.operators apply to op transform, not \(op.rawValue)")
        }
    }

    /// The operator policy of one request: the service's base policy with the request's options over it.
    func policy(_ options: ServiceOptions, forceRedact: Bool) throws(ServiceError) -> TransformPolicy {
        var policy = basePolicy
        if let role = options.viewRole {
            // What the role may see of each entity (clear, token, masked, redacted), as the filter's --role.
            guard let middleware else {
                throw ServiceError(.notConfigured, "options.view_role needs the compliance configuration: start the service with --config phiscrub.yaml")
            }
            guard !forceRedact else { throw ServiceError(.invalidOption, "options.view_role applies to op transform") }
            policy = RoleTransformPolicy.policy(base: policy, role: role, access: middleware.access, ruleSet: scrubber.ruleSet)
        }
        if forceRedact {
            policy.defaultAction = .redact
            policy.entityActions = [:]
        }
        if let name = options.defaultOperator {
            guard let action = TransformAction(rawValue: name) else {
                throw ServiceError(.invalidOption, "options.operator must be one of \(Self.operatorNames)")
            }
            policy.defaultAction = action
        }
        for (entity, name) in options.operators {
            guard entities.contains(entity) else {
                // The key is caller text: name the option, not the key.
                throw ServiceError(.invalidOption, "options.operators names an entity no loaded rule reports; entities: "
                    + entities.sorted().joined(separator: ", "))
            }
            guard let action = TransformAction(rawValue: name) else {
                throw ServiceError(.invalidOption, "options.operators.\(entity) must be one of \(Self.operatorNames)")
            }
            policy.entityActions[entity] = action
        }
        if let context = options.context {
            do { policy.context = try DataContext(context) } catch {
                throw ServiceError(.invalidOption, "options.context must be lower-case letters, digits and _ (1-64 bytes), e.g. prompt, tool_output")
            }
        }
        if let subject = options.subject { policy.subject = subject }
        if let keep = options.maskKeep {
            guard (0...64).contains(keep) else { throw ServiceError(.invalidOption, "options.mask_keep must be an integer 0...64") }
            policy.maskKeepLast = keep
        }
        let shifts = policy.defaultAction == .shift || policy.entityActions.values.contains(.shift)
        if shifts && policy.subject.isEmpty {
            throw ServiceError(.invalidOption, "the shift operator needs options.subject: without one every person's dates would move by the same offset")
        }
        return policy
    }

    static let operatorNames = TransformAction.listed()

    /// The operator names requests may give (`TransformAction.names`), for front ends' schemas and help.
    public static let operators: [String] = TransformAction.names

    func transform(_ request: ServiceRequest, minConfidence: Double, policy: TransformPolicy) throws(ServiceError) -> ServiceResponse {
        // Every entity to its typed token (op redact, and transform without operators): the sink writes the tokens
        // itself, with no operator state to take from the pool and no per-finding policy lookup.
        if policy.isPlainRedaction { return try transform(request, minConfidence: minConfidence, replacement: .typedToken) }
        // The replacement seam: the policy's operators (`Operators(policy:keys:)`), kept between requests.
        let replacer: any FindingReplacer
        do { replacer = try replacers.take(policy) } catch {
            throw ServiceError(error.code == .keys ? .keys : .invalidOption, error.message)
        }
        defer { replacers.put(replacer, for: policy) }
        return try transform(request, minConfidence: minConfidence, replacement: .using(replacer))
    }

    private func transform(_ request: ServiceRequest, minConfidence: Double,
                           replacement: ReplacementPolicy) throws(ServiceError) -> ServiceResponse {
        var sink = RedactingSink(output: MemoryOutput(capacity: request.text.count + 64), observer: FindingList(),
                                 policy: replacement)
        var failure: ServiceError?
        scanners.with(minConfidence: minConfidence) { line in
            let stream = StreamScanner(scanner: line, lineCap: Self.lineCap(for: request.text))
            do {
                try stream.feed(request.text, into: &sink)
                try stream.finish(into: &sink)
            } catch let error as TransformError {
                // Fail closed: no text when an operator failed.
                failure = ServiceError(.transformFailed, error.message)
            } catch {
                failure = ServiceError(.transformFailed, "the transform failed")
            }
        }
        if let failure { throw failure }
        var r = ServiceResponse(id: request.id)
        r.text = sink.output.bytes
        r.findings = sink.observer.findings
        r.withheld = sink.withheldSegments
        return r
    }

    private func middlewareCall(_ request: ServiceRequest) throws(ServiceError) -> ServiceResponse {
        guard let middleware else {
            throw ServiceError(.notConfigured, "op \(request.op.rawValue) needs the compliance middleware: start the service with a configuration (--config phiscrub.yaml)")
        }
        let o = request.options
        guard let role = o.role, !role.isEmpty else { throw ServiceError(.invalidOption, "op \(request.op.rawValue) needs options.role") }
        let ctx = CallContext(role: role, agent: o.agent ?? "phiscrub-serve", user: o.user ?? "")
        let text = String(decoding: request.text, as: UTF8.self)
        let result: MiddlewareResult
        switch request.op {
        case .prompt:
            guard let provider = o.provider else { throw ServiceError(.invalidOption, "op prompt needs options.provider (an inference provider of the configuration)") }
            result = middleware.modelCall(ctx, provider: provider, prompt: text)
        case .toolCall:
            guard let tool = o.tool else { throw ServiceError(.invalidOption, "op toolCall needs options.tool") }
            result = middleware.toolCall(ctx, tool: tool, input: text, region: o.region)
        case .toolOutput:
            guard let tool = o.tool else { throw ServiceError(.invalidOption, "op toolOutput needs options.tool") }
            result = middleware.toolOutput(ctx, tool: tool, output: text)
        case .memoryWrite:
            guard let region = o.region else { throw ServiceError(.invalidOption, "op memoryWrite needs options.region") }
            result = middleware.memoryWrite(ctx, region: region, text: text)
        case .endSession:
            middleware.endSession(ctx)
            var r = ServiceResponse(id: request.id)
            r.allowed = true
            return r
        case .scan, .redact, .transform, .reveal:
            throw ServiceError(.internalError, "not a middleware operation")
        }
        var r = ServiceResponse(id: request.id)
        r.allowed = result.allowed
        r.reason = result.reason
        r.text = result.text.map { Array($0.utf8) }
        r.counts = result.findings
        r.alerts = result.alerts.map(\.trigger.rawValue)
        return r
    }
}

/// Line scanners kept for reuse, one taken per request. A scanner is not thread-safe, so each is used by one request
/// at a time; at most `limit` are kept (as many as requests ever ran at once, in practice the worker count).
final class ScannerPool: @unchecked Sendable {
    let ruleSet: RuleSet
    private let lock = Lock()
    private var free: [LineScanner] = []
    private let limit = 64

    init(ruleSet: RuleSet) { self.ruleSet = ruleSet }

    func with<T>(minConfidence: Double, _ body: (LineScanner) throws -> T) rethrows -> T {
        let scanner = lock.withLock { free.popLast() } ?? LineScanner(ruleSet: ruleSet, minConfidence: minConfidence)
        scanner.minConfidence = minConfidence
        defer {
            lock.withLock { if free.count < limit { free.append(scanner) } }
        }
        return try body(scanner)
    }
}

/// Collects findings while the sink writes the transformed text.
struct FindingList: FindingObserver {
    var findings: [Finding] = []
    mutating func observe(_ finding: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) {
        findings.append(finding)
    }
}

/// What a request asks for.
public enum ServiceOperation: String, Sendable, CaseIterable {
    /// Findings only.
    case scan
    /// The text with every finding replaced by its typed token (`[SSN]`), and the findings.
    case redact
    /// The text with each finding replaced by the operator the options choose (default `redact`), and the findings.
    case transform
    /// ComplianceMiddleware.modelCall: a prompt on its way to `options.provider`, transformed for `options.role`.
    case prompt
    /// ComplianceMiddleware.toolCall: may `options.role` call `options.tool` with this input.
    case toolCall
    /// ComplianceMiddleware.toolOutput: a tool's output, transformed for `options.role`.
    case toolOutput
    /// ComplianceMiddleware.memoryWrite: text stored in `options.region`.
    case memoryWrite
    /// ComplianceMiddleware.endSession: forget the session usage of (role, agent, user).
    case endSession
    /// `[ENC:…]` tokens back to their values for `options.role` (needs read_phi; audited), in the role's view.
    case reveal
}

/// The id a request carries and its answer echoes: a JSON string or integer, or null when the request had none
/// (or could not be read far enough to find it).
public enum ServiceID: Sendable, Hashable {
    case string(String)
    case int(Int)
    case none
}

/// Per-request options; every field is optional.
public struct ServiceOptions: Sendable, Equatable {
    /// `transform`: the operator for every entity (one of `PHIService.operators`).
    public var defaultOperator: String?
    /// `transform`: operators per entity, e.g. `["SSN": "mask"]`.
    public var operators: [String: String] = [:]
    /// Ignore findings below this confidence (0...1); never lower than the service's own.
    public var minConfidence: Double?
    /// The data context encrypted tokens are bound to (`prompt`, `tool_output`, ...).
    public var context: String?
    /// Whose dates `shift` moves.
    public var subject: String?
    /// Letters and digits `mask` keeps.
    public var maskKeep: Int?
    /// Middleware operations: the caller's role, agent and user, the tool, provider and region.
    public var role: String?
    public var agent: String?
    public var user: String?
    public var tool: String?
    public var provider: String?
    public var region: String?
    /// The text (each of `texts`) is one JSON text, cleaned as `phiscrub batch` cleans a JSON Lines record: only
    /// string values change, each scanned with its key as context (`ServiceRecords.swift`).
    public var json: Bool?
    /// The text (each of `texts`) is one string value under this JSON key, cleaned as batch cleans such a value.
    public var key: String?
    /// Whether answers list findings (default true); false gives `counts` per entity instead.
    public var findings: Bool?
    /// Whether findings carry a keyed fingerprint of their value (the keys' fingerprint subkey).
    public var fingerprints: Bool?
    /// `transform`: operators as this role of the configuration may see each entity (the filter's `--role`).
    public var viewRole: String?

    /// Whether the request takes the records path (`PHIService.records`).
    var usesRecords: Bool { json != nil || key != nil || findings != nil || fingerprints != nil }

    public init() {}
}

/// One request.
public struct ServiceRequest: Sendable {
    public var id: ServiceID
    public var op: ServiceOperation
    public var options: ServiceOptions
    /// The text, as UTF-8 bytes; offsets in findings index these bytes.
    public var text: [UInt8]
    /// Several texts in one request (the wire's `texts`), each cleaned on its own; `text` is then empty.
    public var texts: [[UInt8]]?

    public init(id: ServiceID, op: ServiceOperation, options: ServiceOptions = ServiceOptions(), text: [UInt8]) {
        self.id = id
        self.op = op
        self.options = options
        self.text = text
    }

    public init(id: ServiceID, op: ServiceOperation, options: ServiceOptions = ServiceOptions(), text: String) {
        self.init(id: id, op: op, options: options, text: Array(text.utf8))
    }
}

/// One answer. `error` set means nothing else is.
public struct ServiceResponse: Sendable {
    public var id: ServiceID
    /// The output text (`redact`, `transform`, allowed middleware calls).
    public var text: [UInt8]?
    /// Findings with byte offsets into the request text (`scan`, `redact`, `transform`).
    public var findings: [Finding]?
    /// Lines (or pieces) that could not be scanned completely: replaced by `[WITHHELD]` in `text`.
    public var withheld = 0
    /// Middleware operations: whether the call may go on, why not, findings per entity, alerts raised.
    public var allowed: Bool?
    public var reason: String?
    public var counts: [String: Int]?
    public var alerts: [String]?
    public var error: ServiceError?
    /// Requests with `texts`: the output texts, in order.
    public var texts: [[UInt8]]?
    /// Parallel to `findings` when set: the index in `texts` each finding belongs to.
    public var findingRecords: [Int]?
    /// Parallel to `findings` when set: each finding's keyed fingerprint (`hmac-sha256:` and 16 hex digits).
    public var fingerprints: [String]?
    /// `options.json`: indices of the texts that were not JSON and were cleaned as text instead.
    public var invalid: [Int]?

    public init(id: ServiceID, error: ServiceError? = nil) {
        self.id = id
        self.error = error
    }

    /// The text as a String (nil when there is none).
    public var string: String? { text.map { String(decoding: $0, as: UTF8.self) } }
}

/// A typed failure of one request. The message names options and limits, never request text.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The line is not a JSON object.
        case invalidJSON = "invalid_json"
        /// A required field is missing or has the wrong type.
        case invalidRequest = "invalid_request"
        /// `op` is not an operation the service knows.
        case unknownOp = "unknown_op"
        /// An option has a bad value.
        case invalidOption = "invalid_option"
        /// The request is larger than the service accepts.
        case tooLarge = "too_large"
        /// An operator needs keys the service does not have.
        case keys
        /// An operator failed; no text is returned (fail closed).
        case transformFailed = "transform_failed"
        /// The configuration's audit log could not record the call; no text is returned (fail closed).
        case auditFailed = "audit_failed"
        /// The operation needs a configuration the service was not started with.
        case notConfigured = "not_configured"
        /// The service is shutting down and did not run the request.
        case shuttingDown = "shutting_down"
        /// The role may not do this (unknown role, or reveal without read_phi); the refusal is audited.
        case forbidden
        /// A bug; the service goes on.
        case internalError = "internal"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code.rawValue): \(message)" }
}
