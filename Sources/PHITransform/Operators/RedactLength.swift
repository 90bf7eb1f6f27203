import PHICompliance
import PHIScan

/// The `redact-length` operator: `[SSN:11]`, the entity type and the value's length in characters (Swift's
/// `Character`s of the value read as UTF-8), nothing of the value itself. For a reader who must tell a truncated
/// or padded identifier from a whole one, or check column widths, without seeing it; needs no key, and one value
/// gives one output.
///
/// The length is the one fact it adds over `redact`; where the length of a field is itself identifying (a rare
/// long surname), use `redact`.
public struct RedactLengthOperator: TransformOperator {
    public static let name = "redact-length"
    public static let keyPurpose: KeyPurpose? = nil
    public static let cacheable = false

    public init(policy: TransformPolicy, key: DerivedKey?) {}

    public func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) -> [UInt8]? {
        Array("[\(entity):\(String(decoding: value, as: UTF8.self).count)]".utf8)
    }
}
