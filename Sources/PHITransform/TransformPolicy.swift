import Foundation
import PHICompliance
import Yams

/// Which operator applies to which entity, and the operators' parameters.
///
/// Built from the `transform:` section of `phiscrub.yaml` and from `--action` flags (flags win):
/// ```yaml
/// transform:
///   default: redact          # an operator: `TransformAction.names`
///   entities:                # per entity type, overriding the default
///     SSN: token
///     DATE: shift
///   mask:
///     keep_last: 4
///   context: log             # the data context encrypted tokens are bound to
///   subject: patient-0042    # whose dates `shift` moves (one offset per subject)
/// ```
public struct TransformPolicy: Sendable, Hashable {
    public var defaultAction: TransformAction
    public var entityActions: [String: TransformAction]
    /// Letters and digits `mask` keeps at the end of a value.
    public var maskKeepLast: Int
    /// Where the output goes; bound into encrypted tokens.
    public var context: DataContext
    /// The subject whose dates `shift` moves.
    public var subject: String

    public init(defaultAction: TransformAction = .redact, entityActions: [String: TransformAction] = [:],
                maskKeepLast: Int = 4, context: DataContext = .log, subject: String = "") {
        self.defaultAction = defaultAction
        self.entityActions = entityActions
        self.maskKeepLast = maskKeepLast
        self.context = context
        self.subject = subject
    }

    /// Plain typed redaction for everything.
    public static let redactAll = TransformPolicy()

    /// The operator for `entity`.
    @inline(__always)
    public func action(for entity: String) -> TransformAction {
        entityActions[entity] ?? defaultAction
    }

    /// True when some entity's operator needs key material.
    public var needsKeys: Bool {
        defaultAction.needsKeys || entityActions.values.contains { $0.needsKeys }
    }

    /// True when every entity is redacted to its type (the fast path, no operator state).
    public var isPlainRedaction: Bool {
        defaultAction == .redact && entityActions.values.allSatisfy { $0 == .redact }
    }

    /// Applies `--action` arguments: `ACTION` sets the default, `ENTITY=ACTION` one entity.
    public mutating func apply(actionArguments: [String]) throws(TransformError) {
        for argument in actionArguments {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 1 {
                defaultAction = try Self.action(parts[0], from: "--action")
            } else {
                guard Self.isEntityName(parts[0]) else {
                    throw TransformError(code: .invalidPolicy, message: "--action \(argument): '\(parts[0])' is not an entity name (e.g. SSN, DATE)")
                }
                entityActions[parts[0]] = try Self.action(parts[1], from: "--action \(argument)")
            }
        }
    }

    /// The `transform:` section of a configuration file; a file without one gives the default policy.
    public static func load(configPath path: String) throws(TransformError) -> TransformPolicy {
        let text: String
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            throw TransformError(code: .invalidPolicy, message: "configuration \(path) is not a regular file")
        }
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw TransformError(code: .invalidPolicy, message: "cannot read configuration \(path)")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw TransformError(code: .invalidPolicy, message: "\(path): not valid YAML (\(Self.describe(error)))")
        }
        guard let root, let mapping = root.mapping else {
            if root == nil { return TransformPolicy() }
            throw TransformError(code: .invalidPolicy, message: "\(path): the top level must be a mapping")
        }
        guard let section = mapping["transform"] else { return TransformPolicy() }
        return try parse(section: section, file: path)
    }

    /// Parses a `transform:` node; unknown keys and wrong types are errors naming file and line (the first one;
    /// `read(section:file:)` gives them all).
    public static func parse(section: Node, file: String) throws(TransformError) -> TransformPolicy {
        let (policy, problems) = read(section: section, file: file)
        if let first = problems.first { throw TransformError(code: .invalidPolicy, message: first.description) }
        return policy
    }

    /// Reads a `transform:` node into a policy and every problem in it, with file, line and key path.
    public static func read(section: Node, file: String) -> (policy: TransformPolicy, problems: [ConfigDiagnostic]) {
        var problems: [ConfigDiagnostic] = []
        func fail(_ node: Node, _ path: String, _ what: String) {
            problems.append(ConfigDiagnostic(file: file, line: node.mark?.line ?? 0, path: path, message: what))
        }
        var policy = TransformPolicy()
        guard let mapping = section.mapping else {
            fail(section, "transform", "must be a mapping")
            return (policy, problems)
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "default":
                guard let s = value.string else { fail(value, "transform", "default must be an operator name"); continue }
                do { policy.defaultAction = try action(s, from: "default") } catch { fail(value, "transform", error.message) }
            case "entities":
                guard let entities = value.mapping else {
                    fail(value, "transform", "entities must map entity types to operators")
                    continue
                }
                for (entityNode, actionNode) in entities {
                    guard let entity = entityNode.string, isEntityName(entity) else {
                        fail(entityNode, "transform.entities", "'\(entityNode.string ?? "")' is not an entity name (upper case, e.g. SSN)")
                        continue
                    }
                    guard let s = actionNode.string else { fail(actionNode, "transform.entities", "\(entity) must name an operator"); continue }
                    do { policy.entityActions[entity] = try action(s, from: entity) } catch {
                        fail(actionNode, "transform.entities", error.message)
                    }
                }
            case "mask":
                guard let m = value.mapping else { fail(value, "transform", "mask must be a mapping with keep_last"); continue }
                for (k, v) in m {
                    guard k.string == "keep_last" else { fail(k, "transform.mask", "unknown key mask.\(k.string ?? "")"); continue }
                    guard let n = v.int, (0...64).contains(n) else {
                        fail(v, "transform.mask", "mask.keep_last must be an integer 0...64")
                        continue
                    }
                    policy.maskKeepLast = n
                }
            case "context":
                guard let s = value.string else { fail(value, "transform", "context must be a name"); continue }
                do { policy.context = try DataContext(s) } catch { fail(value, "transform", error.message) }
            case "subject":
                guard let s = value.string else { fail(value, "transform", "subject must be a string"); continue }
                policy.subject = s
            default:
                fail(keyNode, "transform", "unknown key '\(key)' (expected default, entities, mask, context, subject)")
            }
        }
        return (policy, problems)
    }

    static func action(_ name: String, from source: String) throws(TransformError) -> TransformAction {
        guard let a = TransformAction(rawValue: name) else {
            throw TransformError(code: .invalidPolicy, message: "\(source): unknown operator '\(name)' "
                + "(expected \(TransformAction.listed()))")
        }
        return a
    }

    static func isEntityName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) }
    }

    private static func describe(_ error: Error) -> String {
        if let y = error as? YamlError { return "\(y)".split(separator: "\n").first.map(String.init) ?? "parse error" }
        return "parse error"
    }
}

extension TransformPolicy {
    /// The `transform:` section of a configuration loaded by `ConfigFile.load` (the node parsed with the rest of
    /// the file: nothing is read twice); the default policy when there is none.
    public init(config: PHIScrubConfig) throws(TransformError) {
        guard let section = config.transformSection else {
            self.init()
            return
        }
        self = try Self.parse(section: section, file: config.file)
    }

    /// Every problem of the configuration's `transform:` section.
    public static func diagnostics(in config: PHIScrubConfig) -> [ConfigDiagnostic] {
        guard let section = config.transformSection else { return [] }
        return read(section: section, file: config.file).problems
    }
}

/// `phiscrub.yaml` read once: every section, `transform:` included, checked in one pass into one list of problems
/// (file, line, key path).
public enum ConfigFile {
    /// The example configuration `phiscrub init` writes, with the operators listed from `TransformAction`.
    public static var exampleText: String {
        ExampleConfig.text.replacingOccurrences(of: "# " + ExampleConfig.operatorsComment,
                                                with: "# " + TransformAction.names.joined(separator: " | "))
    }

    public static func load(path: String) throws(ConfigError) -> PHIScrubConfig {
        try ConfigLoader.load(path: path, check: TransformPolicy.diagnostics(in:))
    }

    public static func parse(_ text: String, file: String, baseDirectory: String = ".") throws(ConfigError) -> PHIScrubConfig {
        try ConfigLoader.parse(text, file: file, baseDirectory: baseDirectory, check: TransformPolicy.diagnostics(in:))
    }
}
