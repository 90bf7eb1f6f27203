import Foundation
import Yams

/// Which operator applies to which entity, and the operators' parameters.
///
/// Built from the `transform:` section of `phiscrub.yaml` and from `--action` flags (flags win):
/// ```yaml
/// transform:
///   default: redact          # redact | mask | token | encrypt | shift | generalize | keep
///   entities:                # per entity type, overriding the default
///     SSN: token
///     DATE: shift
///   mask:
///     keep_last: 4
///   context: log             # the data context encrypted tokens are bound to
///   subject: patient-0042    # whose dates `shift` moves (one offset per subject)
/// ```
public struct TransformPolicy: Sendable, Equatable {
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

    /// Parses a `transform:` node; unknown keys and wrong types are errors naming file and line.
    public static func parse(section: Node, file: String) throws(TransformError) -> TransformPolicy {
        func fail(_ node: Node, _ what: String) -> TransformError {
            TransformError(code: .invalidPolicy, message: "\(file):\((node.mark?.line ?? 0)): transform: \(what)")
        }
        guard let mapping = section.mapping else { throw fail(section, "must be a mapping") }
        var policy = TransformPolicy()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "default":
                guard let s = value.string else { throw fail(value, "default must be an operator name") }
                do { policy.defaultAction = try action(s, from: "default") } catch { throw fail(value, error.message) }
            case "entities":
                guard let entities = value.mapping else { throw fail(value, "entities must map entity types to operators") }
                for (entityNode, actionNode) in entities {
                    guard let entity = entityNode.string, isEntityName(entity) else {
                        throw fail(entityNode, "'\(entityNode.string ?? "")' is not an entity name (upper case, e.g. SSN)")
                    }
                    guard let s = actionNode.string else { throw fail(actionNode, "\(entity) must name an operator") }
                    do { policy.entityActions[entity] = try action(s, from: entity) } catch { throw fail(actionNode, error.message) }
                }
            case "mask":
                guard let m = value.mapping else { throw fail(value, "mask must be a mapping with keep_last") }
                for (k, v) in m {
                    guard k.string == "keep_last" else { throw fail(k, "unknown key mask.\(k.string ?? "")") }
                    guard let n = v.int, (0...64).contains(n) else { throw fail(v, "mask.keep_last must be an integer 0...64") }
                    policy.maskKeepLast = n
                }
            case "context":
                guard let s = value.string else { throw fail(value, "context must be a name") }
                do { policy.context = try DataContext(s) } catch { throw fail(value, error.message) }
            case "subject":
                guard let s = value.string else { throw fail(value, "subject must be a string") }
                policy.subject = s
            default:
                throw fail(keyNode, "unknown key '\(key)' (expected default, entities, mask, context, subject)")
            }
        }
        return policy
    }

    static func action(_ name: String, from source: String) throws(TransformError) -> TransformAction {
        guard let a = TransformAction(rawValue: name) else {
            throw TransformError(code: .invalidPolicy, message: "\(source): unknown operator '\(name)' "
                + "(expected \(TransformAction.allCases.map(\.rawValue).joined(separator: ", ")))")
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
