import Foundation
import PHICompliance
import PHIScan
import PHILock

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
    /// The entity traits of the rule set whose findings are replaced (`RuleSet.traits`).
    public let traits: EntityTraitTable

    public init(policy: TransformPolicy, keys: (any KeyProvider)?, traits: EntityTraitTable) {
        self.policy = policy
        self.keys = keys
        self.traits = traits
    }

    public func makeReplacer() throws -> any FindingReplacer {
        try makePolicyReplacer()
    }

    /// `makeReplacer` with its one failure typed: `.keys` when a key is missing or refused.
    public func makePolicyReplacer() throws(TransformError) -> any FindingReplacer {
        if policy.isPlainRedaction { return TypedTokenReplacer() }
        return try Transformer(policy: policy, keys: keys, traits: traits)
    }

    /// A `Transformer` for one thread (keys resolved now: throws `.keys` when missing or refused).
    public func makeTransformer() throws(TransformError) -> Transformer {
        try Transformer(policy: policy, keys: keys, traits: traits)
    }
}

/// The replacement factory of one policy (a role's view, a request's options): how a long-lived host that decides
/// the policy per call plugs its operators into the one seam. `Operators(policy:keys:traits:)` is the usual one; a
/// host's own replacement returns its own `ReplacementFactory`.
public typealias PolicyOperators = @Sendable (TransformPolicy) -> any ReplacementFactory

/// Policy replacers kept between calls by a long-lived host (the service, the compliance middleware), so a call
/// does not build a `Transformer` again (its keys looked up, its HMAC and AES contexts set up) for a policy an
/// earlier call already used. The replacers come from a `ReplacementFactory` per policy: `Operators` with the pool's
/// keys and traits, or the host's own (`init(operators:)`).
///
/// A replacer is lent to one call at a time (`with`) and handed back with the values it remembered forgotten, so
/// nothing of one call's text outlives it. At most `perPolicy` replacers are kept per policy (as many as calls ever
/// ran at once) and at most `policies` policies (requests may each bring their own subject or context): past that
/// the pool starts again empty.
public final class ReplacerPool: @unchecked Sendable {
    /// The keys every replacer of the pool is made with.
    public let keys: (any KeyProvider)?
    /// The entity traits every replacer of the pool reads (`RuleSet.traits`).
    public let traits: EntityTraitTable
    private let lock = Lock()
    private var free: [TransformPolicy: [any FindingReplacer]] = [:]
    private let perPolicy: Int
    private let policies: Int
    /// A host's own factories (nil: the policy operators).
    private let operators: PolicyOperators?

    public init(keys: (any KeyProvider)?, traits: EntityTraitTable, perPolicy: Int = 64, policies: Int = 64) {
        self.keys = keys
        self.traits = traits
        self.perPolicy = perPolicy
        self.policies = policies
        self.operators = nil
    }

    /// A pool of a host's own replacers: `operators` makes the factory of each policy (its keys and traits are the
    /// host's business; `keys` is nil and `traits` empty here).
    public init(operators: @escaping PolicyOperators, perPolicy: Int = 64, policies: Int = 64) {
        self.keys = nil
        self.traits = EntityTraitTable()
        self.perPolicy = perPolicy
        self.policies = policies
        self.operators = operators
    }

    /// Runs `body` with a replacer for `policy` (made by the policy's factory when none is free). Making one
    /// throws `.keys` before `body` runs; what `body` throws is passed on as it is.
    public func with<T>(_ policy: TransformPolicy, _ body: (any FindingReplacer) throws -> T) throws -> T {
        let replacer = try take(policy)
        defer { put(replacer, for: policy) }
        return try body(replacer)
    }

    /// A replacer for `policy`: a free one, or a new one.
    public func take(_ policy: TransformPolicy) throws(TransformError) -> any FindingReplacer {
        // Plain redaction has no operator state worth keeping: no lock, no hashing of the policy.
        if policy.isPlainRedaction && operators == nil { return TypedTokenReplacer() }
        let kept = lock.withLock { free[policy]?.popLast() }
        if let kept { return kept }
        guard let operators else {
            return try Operators(policy: policy, keys: keys, traits: traits).makePolicyReplacer()
        }
        do { return try operators(policy).makeReplacer() } catch let error as TransformError { throw error } catch {
            throw TransformError(code: .keys, message: "the replacement could not be set up")
        }
    }

    /// Hands back a replacer `take(policy)` gave, its remembered values forgotten.
    public func put(_ replacer: any FindingReplacer, for policy: TransformPolicy) {
        if replacer is TypedTokenReplacer { return }
        (replacer as? Transformer)?.forgetValues()
        lock.withLock {
            if free[policy] == nil && free.count >= policies { free.removeAll() }
            if free[policy, default: []].count < perPolicy { free[policy, default: []].append(replacer) }
        }
    }
}
