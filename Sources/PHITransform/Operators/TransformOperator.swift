import PHICompliance
import PHIScan

/// One transform operator: what replaces a finding's value. Every operator is a type conforming to this protocol,
/// listed once in `TransformOperators.all`; policies, `--action`, help text, the service's schema and the example
/// configuration all read that table, and `Transformer` makes one instance of each operator a policy uses.
///
/// Adding an operator: a file under `Operators/` with its type, one line in `TransformOperators.all`, a test, and
/// the user docs that list operators (checked by `OperatorListTests`).
public protocol TransformOperator {
    /// The name in policies, `--action` and requests (`redact`, `mask`, ...).
    static var name: String { get }
    /// The key purpose whose subkey the operator needs, or nil for operators without key material.
    static var keyPurpose: KeyPurpose? { get }
    /// True when one value always gives the same output and computing it costs more than a lookup: the
    /// transformer then remembers recent outputs per entity and value.
    static var cacheable: Bool { get }
    /// Made once per `Transformer` (one per stream or worker thread, so instances need not be thread-safe) with
    /// the policy and, when `keyPurpose` is set, its subkey (never nil then).
    init(policy: TransformPolicy, key: DerivedKey?) throws(TransformError)
    /// The bytes that replace `value`, a finding of `entity` whose rule packs declare `traits`; nil redacts it as
    /// `[ENTITY]` (an operator that does not apply to the entity, e.g. `shift` on an SSN).
    func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) throws(TransformError) -> [UInt8]?
}

/// The operator table: the one place operators are registered.
public enum TransformOperators {
    /// Every operator, in the order help, docs and messages list them.
    public static let all: [any TransformOperator.Type] = [
        RedactOperator.self,
        RedactLengthOperator.self,
        MaskOperator.self,
        TokenOperator.self,
        EncryptOperator.self,
        ShiftOperator.self,
        GeneralizeOperator.self,
        KeepOperator.self,
    ]

    /// The operator of `action`.
    public static func type(of action: TransformAction) -> any TransformOperator.Type { all[action.index] }

    /// Table index by name.
    static let indexByName: [String: Int] = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.name, $0) })
}

/// The `redact` operator: `[SSN]`, the entity type only.
public struct RedactOperator: TransformOperator {
    public static let name = "redact"
    public static let keyPurpose: KeyPurpose? = nil
    public static let cacheable = false
    public init(policy: TransformPolicy, key: DerivedKey?) {}
    public func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) -> [UInt8]? { nil }
}

/// The `keep` operator: the value passes through unchanged (a role that may see it in clear). Still counted and
/// audited.
public struct KeepOperator: TransformOperator {
    public static let name = "keep"
    public static let keyPurpose: KeyPurpose? = nil
    public static let cacheable = false
    public init(policy: TransformPolicy, key: DerivedKey?) {}
    public func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) -> [UInt8]? { Array(value) }
}

extension DerivedKey? {
    /// The subkey an operator with a `keyPurpose` is always given (`Transformer` derives it first).
    func required(by name: String) throws(TransformError) -> DerivedKey {
        guard let key = self else { throw TransformError(code: .keys, message: "the \(name) operator needs a key") }
        return key
    }
}
