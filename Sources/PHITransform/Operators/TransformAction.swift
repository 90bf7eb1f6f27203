/// What happens to one finding in the output: an operator of `TransformOperators.all`, by name.
///
/// A value type over the operator table (not an enum), so adding an operator needs no case here. The built-in
/// operators have static names (`.redact`, `.mask`, ...) for code that picks one.
public struct TransformAction: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Position in `TransformOperators.all`.
    let index: Int

    /// The operator named `rawValue`, or nil when no operator has that name.
    public init?(rawValue: String) {
        guard let index = TransformOperators.indexByName[rawValue] else { return nil }
        self.index = index
    }

    private init(registered name: String) {
        self.init(rawValue: name)!
    }

    /// The operator's name.
    public var rawValue: String { TransformOperators.all[index].name }
    public var description: String { rawValue }

    /// `[SSN]`: the entity type only.
    public static let redact = TransformAction(registered: RedactOperator.name)
    /// `***-**-6789`: every letter and digit but the last N becomes `*`; separators stay.
    public static let mask = TransformAction(registered: MaskOperator.name)
    /// `[SSN:tok:…]`: a keyed, deterministic pseudonym. One value gives one token under one key.
    public static let token = TransformAction(registered: TokenOperator.name)
    /// `[ENC:SSN:k1:…]`: AES-256-GCM ciphertext bound to the data context; `phiscrub reveal` reverses it.
    public static let encrypt = TransformAction(registered: EncryptOperator.name)
    /// Dates moved by a per-subject offset, format kept; other entities are redacted.
    public static let shift = TransformAction(registered: ShiftOperator.name)
    /// Safe Harbor generalisation: dates to the year, ZIP to its first three digits, ages over 89 to `90+`;
    /// other entities are redacted.
    public static let generalize = TransformAction(registered: GeneralizeOperator.name)
    /// The value passes through unchanged (a role that may see it in clear). Still counted and audited.
    public static let keep = TransformAction(registered: KeepOperator.name)

    /// Every operator, in table order.
    public static let allCases: [TransformAction] = TransformOperators.all.indices.map { TransformAction(index: $0) }

    private init(index: Int) { self.index = index }

    /// Every operator name, in table order: the one list help text, schemas, messages and the example
    /// configuration are made from (`docs/` and README.md are checked against it by a test).
    public static let names: [String] = TransformOperators.all.map { $0.name }

    /// The names joined for prose: `redact, mask, ..., generalize, keep`, or with `or` before the last one.
    public static func listed(lastJoiner: String = ", ") -> String {
        names.dropLast().joined(separator: ", ") + lastJoiner + names[names.count - 1]
    }

    /// True for the actions that need key material.
    public var needsKeys: Bool { TransformOperators.all[index].keyPurpose != nil }
}

/// A failure to transform a finding. Never holds the value.
public struct TransformError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: Sendable {
        /// The policy (from YAML or flags) is malformed.
        case invalidPolicy
        /// An operator that needs keys has none, or the keys could not be used.
        case keys
        /// Encryption failed; the value must not be written.
        case encryption
    }
    public var code: Code
    public var message: String
    public var description: String { message }

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}
