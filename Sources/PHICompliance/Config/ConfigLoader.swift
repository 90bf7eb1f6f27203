import Foundation
import Yams

/// Reads `phiscrub.yaml`. Unknown keys, wrong types, out-of-range values and dangling references are errors
/// with file and line, all reported in one pass.
public enum ConfigLoader {
    static let topKeys: Set<String> = ["version", "security", "roles", "audit", "data_residency", "compliance", "transform", "serve"]
    /// Safe Harbor category names (as the rule packs spell them) that role PHI lists may use besides entities.
    public static let safeHarborCategories: Set<String> = [
        "names", "geographic", "dates", "telephone", "fax", "email", "ssn", "medical_record", "health_plan",
        "account", "license", "vehicle", "device", "url", "ip_address", "biometric", "photo", "other_unique",
    ]

    /// Loads and validates the file at `path`. `check` validates what this module keeps opaque (the
    /// `transform:` section, which PHITransform reads: `ConfigFile.load`); its problems join the one list.
    public static func load(path: String,
                            check: (PHIScrubConfig) -> [ConfigDiagnostic] = { _ in [] }) throws(ConfigError) -> PHIScrubConfig {
        // A FIFO or a device would block the read for ever or never end: only a regular file is a configuration.
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            throw ConfigError(code: .unreadable, diagnostics: [ConfigDiagnostic(
                file: path, line: 0, path: "", message: "not a regular file")])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(code: .unreadable, diagnostics: [ConfigDiagnostic(
                file: path, line: 0, path: "", message: "cannot read the configuration file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(code: .syntax, diagnostics: [ConfigDiagnostic(
                file: path, line: 0, path: "", message: "the configuration is not valid UTF-8")])
        }
        let base = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, baseDirectory: base.isEmpty ? "." : base, check: check)
    }

    /// Parses configuration text. Relative paths in it (audit directory, keyring) are taken from `baseDirectory`.
    public static func parse(_ text: String, file: String, baseDirectory: String = ".",
                             check: (PHIScrubConfig) -> [ConfigDiagnostic] = { _ in [] }) throws(ConfigError) -> PHIScrubConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(code: .syntax, diagnostics: [ConfigDiagnostic(
                file: file, line: yamlErrorLine(error), path: "", message: "invalid YAML: \(yamlErrorSummary(error))")])
        } catch {
            throw ConfigError(code: .syntax, diagnostics: [ConfigDiagnostic(file: file, line: 0, path: "", message: "invalid YAML")])
        }
        var reader = ConfigReader(fields: YAMLFields(file: file), baseDirectory: baseDirectory)
        var config = PHIScrubConfig(file: file)
        if let root {
            reader.read(root, into: &config)
        }
        // Every section's problems in one list, in file order.
        let problems = (reader.fields.problems + check(config)).enumerated()
            .sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
        if !problems.isEmpty {
            throw ConfigError(code: .invalid, diagnostics: problems)
        }
        return config
    }

    static func yamlErrorLine(_ error: YamlError) -> Int {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): return mark.line
        default: return 0
        }
    }

    static func yamlErrorSummary(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "\(problem) at column \(mark.column)"
        default:
            return "unreadable"
        }
    }
}

/// Walks the document into a `PHIScrubConfig`.
private struct ConfigReader {
    var fields: YAMLFields
    let baseDirectory: String

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
    }

    mutating func read(_ root: Node, into config: inout PHIScrubConfig) {
        guard let top = fields.mapping(root, "", keys: ConfigLoader.topKeys) else { return }
        if top["version"] != nil { _ = fields.int(top, "version", "", range: 1...1) }
        if let n = top["security"] { readSecurity(n, &config.security) }
        if let n = top["roles"] { config.roles = readRoles(n) }
        // Auditing needs a signing key; a file without an `audit:` section (e.g. only `transform:`) does not ask
        // for it, and the controls check reports it as off.
        if let n = top["audit"] { readAudit(n, &config.audit) } else { config.audit.enabled = false }
        if let n = top["data_residency"] { readResidency(n, &config.residency) }
        if let n = top["compliance"] { readCompliance(n, &config.compliance) }
        config.transformSection = top["transform"]
        if let n = top["serve"] { readServe(n, roles: config.roles, &config.serve) }
    }

    /// `serve.http.tokens`: SHA-256 digests of bearer tokens (64 hex digits) and the role each calls as.
    mutating func readServe(_ node: Node, roles: [Role], _ s: inout ServeSettings) {
        guard let map = fields.mapping(node, "serve", keys: ["http"]) else { return }
        guard let n = map["http"], let http = fields.mapping(n, "serve.http", keys: ["tokens"]) else { return }
        guard let list = http["tokens"] else { return }
        guard case .sequence(let seq) = list else {
            fields.problem("serve.http.tokens", list, "must be a list of {role, sha256}")
            return
        }
        for (i, item) in seq.enumerated() {
            let p = "serve.http.tokens[\(i)]"
            guard let m = fields.mapping(item, p, keys: ["role", "sha256"]) else { continue }
            guard let role = fields.string(m, "role", p), let digest = fields.string(m, "sha256", p) else {
                fields.problem(p, item, "needs role and sha256")
                continue
            }
            let hex = digest.lowercased()
            if hex.count != 64 || !hex.allSatisfy({ $0.isHexDigit }) {
                fields.problem("\(p).sha256", m["sha256"], "must be the SHA-256 of the token as 64 hex digits (printf %s \"$TOKEN\" | sha256sum), never the token")
                continue
            }
            if !roles.contains(where: { $0.name == role }) {
                fields.problem("\(p).role", m["role"], "names no role of the roles section")
                continue
            }
            s.httpTokens.append(.init(sha256: hex, role: role, line: item.mark?.line ?? 0))
        }
    }

    mutating func readSecurity(_ node: Node, _ s: inout SecuritySettings) {
        guard let map = fields.mapping(node, "security", keys: ["encryption", "transport", "phi"]) else { return }
        if let n = map["encryption"], let m = fields.mapping(n, "security.encryption",
                                                              keys: ["algorithm", "key_source", "keyring_path", "rotation_days"]) {
            let p = "security.encryption"
            if let v = fields.string(m, "algorithm", p, oneOf: ["AES-256-GCM", "AES-128-GCM", "none"]) { s.encryptionAlgorithm = v }
            if let v = fields.string(m, "key_source", p, oneOf: ["keyring", "env"]) { s.keySource = v }
            if let v = fields.string(m, "keyring_path", p) { s.keyringPath = resolve(v) }
            if let v = fields.int(m, "rotation_days", p, range: 1...3650) { s.rotationDays = v }
        }
        if let n = map["transport"], let m = fields.mapping(n, "security.transport", keys: ["min_tls_version"]) {
            if let v = fields.string(m, "min_tls_version", "security.transport", oneOf: ["1.0", "1.1", "1.2", "1.3"]) {
                s.minTLSVersion = v
            }
        }
        if let n = map["phi"], let m = fields.mapping(n, "security.phi", keys: ["detection", "redact_in_logs", "retention_days"]) {
            let p = "security.phi"
            if let v = fields.bool(m, "detection", p) { s.phiDetection = v }
            if let v = fields.bool(m, "redact_in_logs", p) { s.redactPHIInLogs = v }
            if let v = fields.int(m, "retention_days", p, range: 1...36500) { s.phiRetentionDays = v }
        }
    }

    static let roleKeys: Set<String> = [
        "description", "permissions", "allowed_tools", "allowed_endpoints", "phi_categories", "views", "default_view",
        "session_limits",
    ]

    mutating func readRoles(_ node: Node) -> [Role] {
        guard let map = fields.mapping(node, "roles", keys: nil) else { return [] }
        var roles: [Role] = []
        for (k, v) in map {
            guard let name = k.scalar?.string else { continue }
            let p = "roles.\(name)"
            guard let m = fields.mapping(v, p, keys: Self.roleKeys) else { continue }
            var role = Role(name: name, permissions: [], line: k.mark?.line ?? 0)
            _ = fields.string(m, "description", p)
            for perm in fields.stringList(m, "permissions", p) ?? [] {
                if let x = Permission(rawValue: perm) { role.permissions.insert(x) } else {
                    fields.problem("\(p).permissions", m["permissions"], "unknown permission '\(perm)' (expected one of: \(Permission.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            role.allowedTools = fields.stringList(m, "allowed_tools", p) ?? []
            role.allowedEndpoints = fields.stringList(m, "allowed_endpoints", p) ?? []
            if let n = m["phi_categories"], let pm = fields.mapping(n, "\(p).phi_categories", keys: ["allowed", "excluded"]) {
                role.phiAllowed = checkedPHINames(fields.stringList(pm, "allowed", "\(p).phi_categories") ?? [], pm["allowed"], "\(p).phi_categories.allowed")
                role.phiExcluded = checkedPHINames(fields.stringList(pm, "excluded", "\(p).phi_categories") ?? [], pm["excluded"], "\(p).phi_categories.excluded")
            }
            if let n = m["views"], let vm = fields.mapping(n, "\(p).views", keys: nil) {
                for (vk, _) in vm {
                    guard let entity = vk.scalar?.string else { continue }
                    _ = checkedPHINames([entity], vk, "\(p).views")
                    if let v = fields.string(vm, entity, "\(p).views", oneOf: PHIView.allCases.map(\.rawValue)),
                       let view = PHIView(rawValue: v) {
                        role.views[entity] = view
                    }
                }
            }
            if let v = fields.string(m, "default_view", p, oneOf: PHIView.allCases.map(\.rawValue)), let view = PHIView(rawValue: v) {
                role.defaultView = view
            }
            if let n = m["session_limits"], let lm = fields.mapping(n, "\(p).session_limits", keys: ["max_tokens", "max_tool_calls", "max_minutes"]) {
                let lp = "\(p).session_limits"
                role.limits.maxTokens = fields.int(lm, "max_tokens", lp, range: 1...Int(Int32.max))
                role.limits.maxToolCalls = fields.int(lm, "max_tool_calls", lp, range: 1...Int(Int32.max))
                role.limits.maxMinutes = fields.int(lm, "max_minutes", lp, range: 1...525_600)
            }
            roles.append(role)
        }
        return roles
    }

    /// Entity names are upper case (`SSN`), categories lower case and known (`medical_record`), or `*`.
    mutating func checkedPHINames(_ names: [String], _ node: Node?, _ path: String) -> [String] {
        for name in names where name != "*" {
            let isEntity = !name.isEmpty && name.allSatisfy { ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "_" }
            if !isEntity && !ConfigLoader.safeHarborCategories.contains(name) {
                fields.problem(path, node, "'\(name)' is neither an entity (upper case, e.g. SSN) nor a Safe Harbor category (\(ConfigLoader.safeHarborCategories.sorted().joined(separator: ", ")))")
            }
        }
        return names
    }

    mutating func readAudit(_ node: Node, _ a: inout AuditSettings) {
        guard let map = fields.mapping(node, "audit", keys: ["enabled", "events", "chain_hashing", "hmac_signing", "storage", "retention_years"]) else { return }
        if let v = fields.bool(map, "enabled", "audit") { a.enabled = v }
        if let list = fields.stringList(map, "events", "audit") {
            for e in list where AuditEventType(rawValue: e) == nil {
                fields.problem("audit.events", map["events"], "unknown event type '\(e)' (expected one of: \(AuditEventType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            a.events = Set(list)
        }
        if let v = fields.bool(map, "chain_hashing", "audit") { a.chainHashing = v }
        if let v = fields.bool(map, "hmac_signing", "audit") { a.hmacSigning = v }
        if let v = fields.int(map, "retention_years", "audit", range: 0...100) { a.retentionYears = v }
        if let n = map["storage"], let m = fields.mapping(n, "audit.storage", keys: ["path", "max_segment_bytes", "rotate_daily", "sync", "sync_every", "os_append_only", "witness"]) {
            let p = "audit.storage"
            if let v = fields.string(m, "path", p) { a.directory = resolve(v) }
            if let v = fields.int(m, "max_segment_bytes", p, range: 4096...(1 << 40)) { a.maxSegmentBytes = v }
            if let v = fields.bool(m, "rotate_daily", p) { a.rotateDaily = v }
            if let v = fields.string(m, "sync", p, oneOf: AuditSyncPolicy.allCases.map(\.rawValue)), let s = AuditSyncPolicy(rawValue: v) { a.sync = s }
            if let v = fields.int(m, "sync_every", p, range: 1...1_000_000) { a.syncEvery = v }
            if let v = fields.bool(m, "os_append_only", p) { a.osAppendOnly = v }
            if let v = fields.string(m, "witness", p) { a.witnessPath = resolve(v) }
        } else if map["storage"] == nil {
            a.directory = resolve(a.directory)
        }
    }

    mutating func readResidency(_ node: Node, _ r: inout ResidencySettings) {
        guard let map = fields.mapping(node, "data_residency", keys: ["mode", "default_region", "categories", "inference_providers", "on_violation", "phi_without_baa"]) else { return }
        let p = "data_residency"
        if let v = fields.string(map, "mode", p, oneOf: ResidencyMode.allCases.map(\.rawValue)), let m = ResidencyMode(rawValue: v) { r.mode = m }
        if let v = fields.string(map, "default_region", p) { r.defaultRegion = v }
        if let v = fields.string(map, "on_violation", p, oneOf: ResidencyViolationAction.allCases.map(\.rawValue)), let a = ResidencyViolationAction(rawValue: v) { r.onViolation = a }
        if let v = fields.string(map, "phi_without_baa", p, oneOf: NoBAAAction.allCases.map(\.rawValue)), let a = NoBAAAction(rawValue: v) { r.phiWithoutBAA = a }
        if let n = map["categories"], let m = fields.mapping(n, "\(p).categories", keys: Set(DataCategory.allCases.map(\.rawValue))) {
            for c in DataCategory.allCases {
                if let regions = fields.stringList(m, c.rawValue, "\(p).categories") {
                    if regions.isEmpty { fields.problem("\(p).categories.\(c.rawValue)", m[c.rawValue], "list at least one region") }
                    r.categories[c] = regions
                }
            }
        }
        if let n = map["inference_providers"], let m = fields.mapping(n, "\(p).inference_providers", keys: nil) {
            for (k, v) in m {
                guard let name = k.scalar?.string else { continue }
                let pp = "\(p).inference_providers.\(name)"
                guard let pm = fields.mapping(v, pp, keys: ["endpoint", "region", "baa_signed", "receives_phi"]) else { continue }
                let endpoint = fields.string(pm, "endpoint", pp)
                let region = fields.string(pm, "region", pp)
                let baa = fields.bool(pm, "baa_signed", pp)
                if endpoint == nil && pm["endpoint"] == nil { fields.problem(pp, v, "missing 'endpoint'") }
                if region == nil && pm["region"] == nil { fields.problem(pp, v, "missing 'region'") }
                if baa == nil && pm["baa_signed"] == nil { fields.problem(pp, v, "missing 'baa_signed'") }
                r.providers[name] = InferenceProvider(name: name, endpoint: endpoint ?? "", region: region ?? "",
                                                      baaSigned: baa ?? false,
                                                      receivesPHI: fields.bool(pm, "receives_phi", pp) ?? false)
            }
        }
    }

    mutating func readCompliance(_ node: Node, _ c: inout ComplianceSettings) {
        guard let map = fields.mapping(node, "compliance", keys: ["frameworks", "middleware_order", "continuous_checks", "breach_triggers", "alert_command"]) else { return }
        let p = "compliance"
        if let v = fields.stringList(map, "frameworks", p) {
            for f in v where !["soc2", "hipaa"].contains(f) {
                fields.problem("\(p).frameworks", map["frameworks"], "unknown framework '\(f)' (expected soc2, hipaa)")
            }
            c.frameworks = v
        }
        if let v = fields.stringList(map, "middleware_order", p) {
            var steps: [MiddlewareStep] = []
            for s in v {
                if let step = MiddlewareStep(rawValue: s) { steps.append(step) } else {
                    fields.problem("\(p).middleware_order", map["middleware_order"], "unknown step '\(s)' (expected \(MiddlewareStep.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            if let problem = Self.orderProblem(steps) {
                fields.problem("\(p).middleware_order", map["middleware_order"], problem)
            } else {
                c.middlewareOrder = steps
            }
        }
        if let v = fields.bool(map, "continuous_checks", p) { c.continuousChecks = v }
        if let v = fields.stringList(map, "breach_triggers", p) {
            var set: Set<BreachTrigger> = []
            for t in v {
                if let x = BreachTrigger(rawValue: t) { set.insert(x) } else {
                    fields.problem("\(p).breach_triggers", map["breach_triggers"], "unknown trigger '\(t)' (expected \(BreachTrigger.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            c.breachTriggers = set
        }
        if let v = fields.string(map, "alert_command", p) { c.alertCommand = v }
    }

    /// Every step exactly once, scan before transform, audit last.
    static func orderProblem(_ steps: [MiddlewareStep]) -> String? {
        if Set(steps).count != steps.count || Set(steps) != Set(MiddlewareStep.allCases) {
            return "list each of \(MiddlewareStep.allCases.map(\.rawValue).joined(separator: ", ")) exactly once"
        }
        if steps.firstIndex(of: .scan)! > steps.firstIndex(of: .transform)! { return "scan must come before transform" }
        if steps.last != .audit { return "audit must be the last step (it records what the others did)" }
        return nil
    }
}
