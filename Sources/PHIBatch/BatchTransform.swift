import PHICompliance
import PHIScan
import PHITransform

/// How batch mode replaces findings: the seam through which the transformation policy (redact, mask, token,
/// encrypt, ...) is passed in. The value is shared by the run; each worker thread asks it for its own replacer
/// (operators keep per-stream caches and are not shared between threads).
public protocol BatchTransform: Sendable {
    /// A replacer for one worker thread. Throwing (a missing or refused key) stops the run before any output.
    func makeReplacer() throws -> any FindingReplacer
}

/// Replaces findings on one thread.
public protocol FindingReplacer: AnyObject {
    /// The replacement text (plain UTF-8; batch mode escapes it for JSON itself) for one finding. `value` is the
    /// matched text, decoded: use it (e.g. to derive a token) but never store or print it. `file` is the input
    /// path. Throwing fails the file closed: nothing of it is written.
    func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>, file: String) throws -> [UInt8]
}

/// The default transformation, as in the filter: the typed token `[ENTITY]`, e.g. `[SSN]`.
public struct TypedTokenTransform: BatchTransform {
    public init() {}
    public func makeReplacer() -> any FindingReplacer { TypedTokenReplacer() }
}

/// `[ENTITY]` replacements, cached per entity.
public final class TypedTokenReplacer: FindingReplacer {
    private var cache: [String: [UInt8]] = [:]
    public init() {}
    public func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>, file: String) -> [UInt8] {
        if let hit = cache[finding.entity] { return hit }
        let token = Array("[\(finding.entity)]".utf8)
        cache[finding.entity] = token
        return token
    }
}

/// The filter's operator policy (`--action`, `--config`'s `transform:` section) with its keys: each worker gets
/// its own `Transformer`, so tokens are the same as the filter's for the same key.
public struct OperatorTransform: BatchTransform {
    public let policy: TransformPolicy
    public let keys: (any KeyProvider)?

    public init(policy: TransformPolicy, keys: (any KeyProvider)?) {
        self.policy = policy
        self.keys = keys
    }

    public func makeReplacer() throws -> any FindingReplacer {
        if policy.isPlainRedaction { return TypedTokenReplacer() }
        return OperatorReplacer(transformer: try Transformer(policy: policy, keys: keys))
    }
}

/// A `Transformer` as a batch replacer.
final class OperatorReplacer: FindingReplacer {
    let transformer: Transformer
    init(transformer: Transformer) { self.transformer = transformer }
    func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>, file: String) throws -> [UInt8] {
        try transformer.replacement(for: finding, value: value)
    }
}
