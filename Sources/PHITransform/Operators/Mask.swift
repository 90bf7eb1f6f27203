import PHICompliance
import PHIScan

/// The `mask` operator: every letter and digit except the last `keepLast` becomes `*`; separators and
/// punctuation stay so the shape is still readable (`***-**-6789`). Non-ASCII characters count as letters.
public struct MaskOperator: TransformOperator {
    public static let name = "mask"
    public static let keyPurpose: KeyPurpose? = nil
    public static let cacheable = true
    let keepLast: Int

    public init(policy: TransformPolicy, key: DerivedKey?) { keepLast = policy.maskKeepLast }

    public func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) -> [UInt8]? {
        Self.mask(value, keepLast: keepLast)
    }

    /// `value` masked, keeping the last `keepLast` letters and digits.
    public static func mask(_ value: UnsafeBufferPointer<UInt8>, keepLast: Int) -> [UInt8] {
        let scalars = Array(String(decoding: value, as: UTF8.self).unicodeScalars)
        let maskable = scalars.map { s in s.value >= 0x80 || (s.properties.isAlphabetic || ("0"..."9").contains(s)) }
        var remainingToKeep = max(0, keepLast)
        var keep = [Bool](repeating: false, count: scalars.count)
        for i in scalars.indices.reversed() where maskable[i] && remainingToKeep > 0 {
            keep[i] = true
            remainingToKeep -= 1
        }
        var out = String.UnicodeScalarView()
        for i in scalars.indices {
            out.append(maskable[i] && !keep[i] ? "*" : scalars[i])
        }
        return Array(String(out).utf8)
    }
}
