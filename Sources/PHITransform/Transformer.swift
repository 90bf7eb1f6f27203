import PHICompliance
import PHIScan

/// Applies a `TransformPolicy` to findings: the replacement bytes for each one.
///
/// One per stream (it keeps small caches and is not shared between threads). Keys are resolved when it is made,
/// so a missing, corrupt or expired key stops the run before any output is written (fail closed).
public final class Transformer {
    public let policy: TransformPolicy
    /// What each entity is (identifier, date, how it generalises), as the rule packs declare it: the operators read
    /// a finding's traits here, never its entity name.
    public let traits: EntityTraitTable
    /// One instance per operator of `TransformOperators.all` the policy uses (nil for the others), by table index.
    private let operators: [(any TransformOperator)?]
    /// Whether each operator's outputs are remembered (`TransformOperator.cacheable`), by table index.
    private let cacheable: [Bool]
    /// `[ENTITY]` bytes per entity.
    private var typedTokens: [String: [UInt8]] = [:]
    /// Replacements of cacheable operators (token, mask, shift, generalize) per entity and value; values repeat in logs.
    private var memo: [MemoKey: [UInt8]] = [:]
    private static let memoLimit = 4096

    private struct MemoKey: Hashable {
        var entity: String
        var value: [UInt8]
    }

    /// Resolves the keys `policy` needs from `keys`; throws `.keys` when they are missing or refused. `traits` are
    /// those of the rule set whose findings it replaces (`RuleSet.traits`).
    public init(policy: TransformPolicy, keys: (any KeyProvider)?, traits: EntityTraitTable) throws(TransformError) {
        self.policy = policy
        self.traits = traits
        let actions = Set([policy.defaultAction] + policy.entityActions.values)
        var operators: [(any TransformOperator)?] = Array(repeating: nil, count: TransformOperators.all.count)
        for (index, type) in TransformOperators.all.enumerated() where actions.contains(where: { $0.index == index }) {
            var key: DerivedKey?
            if let purpose = type.keyPurpose {
                guard let keys else {
                    throw TransformError(code: .keys, message: "the \(type.name) operator needs a key: create a keyring with "
                        + "`phiscrub keys init`, pass --keyring, or set PHISCRUB_KEYS")
                }
                do { key = try keys.subkey(purpose, version: nil) } catch {
                    throw TransformError(code: .keys, message: error.message)
                }
            }
            operators[index] = try type.init(policy: policy, key: key)
        }
        self.operators = operators
        cacheable = TransformOperators.all.map { $0.cacheable }
    }

    /// The bytes that replace `finding`, whose matched bytes are `value`.
    public func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>) throws(TransformError) -> [UInt8] {
        let entity = finding.entity
        let action = policy.action(for: entity)
        if action == .redact { return typed(entity) }
        guard let op = operators[action.index] else { return typed(entity) }
        guard cacheable[action.index] else {
            return try op.replacement(value, entity: entity, traits: traits[entity]) ?? typed(entity)
        }
        let key = MemoKey(entity: entity, value: Array(value))
        if let hit = memo[key] { return hit }
        let out = try op.replacement(value, entity: entity, traits: traits[entity]) ?? typed(entity)
        if memo.count >= Self.memoLimit { memo.removeAll(keepingCapacity: true) }
        memo[key] = out
        return out
    }

    /// Drops the values remembered for deterministic replacements, so a transformer kept between calls
    /// (`ReplacerPool`) holds no value of an earlier call; keys, typed tokens and per-entity prefixes stay.
    func forgetValues() {
        if !memo.isEmpty { memo.removeAll(keepingCapacity: true) }
    }

    /// How many values the transformer remembers (tests).
    var rememberedValues: Int { memo.count }

    private func typed(_ entity: String) -> [UInt8] {
        if let hit = typedTokens[entity] { return hit }
        let token = TypedToken.bytes(entity)
        typedTokens[entity] = token
        return token
    }
}
