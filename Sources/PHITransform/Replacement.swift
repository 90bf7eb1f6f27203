import PHICompliance
import PHIScan

/// What replaces one finding: the one operator seam of the filter, `scan`'s JSON router, batch mode and the
/// service. A replacer keeps per-stream caches and is used on one thread; a `ReplacementFactory` (shared by a
/// run, `Sendable`) makes one per thread. The replacement is spliced into the pass-through bytes by `Splice`.
public protocol FindingReplacer: AnyObject {
    /// The bytes that replace `finding`, whose matched bytes are `value`: use them (to derive a token, to mask),
    /// never store or print them. Throwing fails closed: the segment holding the finding is not written.
    func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>) throws -> [UInt8]
}

/// Makes a replacer for each thread of a run. Throwing (a missing or refused key) stops the run before any output.
public protocol ReplacementFactory: Sendable {
    func makeReplacer() throws -> any FindingReplacer
}

/// `[ENTITY]`, e.g. `[SSN]`, cached per entity.
public final class TypedTokenReplacer: FindingReplacer {
    private var cache: [String: [UInt8]] = [:]
    public init() {}

    public func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if let hit = cache[finding.entity] { return hit }
        let token = TypedToken.bytes(finding.entity)
        cache[finding.entity] = token
        return token
    }
}

/// The typed token of an entity, built in one place.
public enum TypedToken {
    /// `[ENTITY]` as bytes.
    public static func bytes(_ entity: String) -> [UInt8] { Array("[\(entity)]".utf8) }
}

/// The default replacement, as in the filter: the typed token.
public struct TypedTokens: ReplacementFactory {
    public init() {}
    public func makeReplacer() -> any FindingReplacer { TypedTokenReplacer() }
}

extension Transformer: FindingReplacer {}

/// The operators of a `TransformPolicy` (`--action`, the `transform:` section, a role's view) with the keys they
/// need: each thread gets its own `Transformer` (tokens are the same on every thread for the same key), or the
/// typed-token replacer when the policy only redacts.
public struct Operators: ReplacementFactory {
    public let policy: TransformPolicy
    public let keys: (any KeyProvider)?

    public init(policy: TransformPolicy, keys: (any KeyProvider)?) {
        self.policy = policy
        self.keys = keys
    }

    public func makeReplacer() throws -> any FindingReplacer {
        if policy.isPlainRedaction { return TypedTokenReplacer() }
        return try Transformer(policy: policy, keys: keys)
    }

    /// A `Transformer` for one thread (keys resolved now: throws `.keys` when missing or refused).
    public func makeTransformer() throws(TransformError) -> Transformer {
        try Transformer(policy: policy, keys: keys)
    }
}
