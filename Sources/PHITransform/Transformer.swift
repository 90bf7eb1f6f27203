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
    let tokenizer: PseudonymTokenizer?
    let shifter: DateShifter?
    let sealer: EncryptedTokenSealer?
    /// `[ENTITY]` bytes per entity.
    private var typedTokens: [String: [UInt8]] = [:]
    /// Deterministic replacements (token, mask, shift, generalize) per entity and value; values repeat in logs.
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
        func need(_ purpose: KeyPurpose, for action: TransformAction) throws(TransformError) -> DerivedKey? {
            guard actions.contains(action) else { return nil }
            guard let keys else {
                throw TransformError(code: .keys, message: "the \(action.rawValue) operator needs a key: create a keyring with "
                    + "`phiscrub keys init`, pass --keyring, or set PHISCRUB_KEYS")
            }
            do { return try keys.subkey(purpose, version: nil) } catch {
                throw TransformError(code: .keys, message: error.message)
            }
        }
        tokenizer = try need(.token, for: .token).map { (k) throws(TransformError) in try PseudonymTokenizer(key: k) }
        shifter = try need(.dateShift, for: .shift).map(DateShifter.init)
        let context = policy.context
        sealer = try need(.encrypt, for: .encrypt).map { (k) throws(TransformError) in try EncryptedTokenSealer(key: k, context: context) }
    }

    /// The bytes that replace `finding`, whose matched bytes are `value`.
    public func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>) throws(TransformError) -> [UInt8] {
        let entity = finding.entity
        let action = policy.action(for: entity)
        switch action {
        case .redact:
            return typed(entity)
        case .keep:
            return Array(value)
        case .encrypt:
            return try sealer!.seal(value, entity: entity)
        case .mask, .token, .shift, .generalize:
            let key = MemoKey(entity: entity, value: Array(value))
            if let hit = memo[key] { return hit }
            let out: [UInt8]
            switch action {
            case .mask: out = MaskOperator.mask(value, keepLast: policy.maskKeepLast)
            case .token: out = tokenizer!.token(entity: entity, value: value, identifier: traits[entity].identifier)
            case .shift: out = (traits[entity].date ? shifter!.shift(value, subject: policy.subject) : nil) ?? typed(entity)
            default: out = Generalizer.generalize(value, as: traits[entity].generalization) ?? typed(entity)
            }
            if memo.count >= Self.memoLimit { memo.removeAll(keepingCapacity: true) }
            memo[key] = out
            return out
        }
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
