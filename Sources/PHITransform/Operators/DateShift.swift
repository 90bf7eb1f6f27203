import PHICompliance
import PHIScan

/// The `shift` operator: moves a date by a per-subject offset of 1-365 days either way, keeping its format.
///
/// The offset is HMAC-SHA256 under the date-shift subkey of the subject id, so every date of one subject moves by
/// the same amount (intervals between admission and discharge survive) in every run and process, while subjects
/// differ. The date-shift subkey is pinned across key rotation like the token subkey.
public struct DateShifter: Sendable {
    let key: [UInt8]
    /// Largest shift in days, either way.
    public static let maximumShiftDays = 365

    public init(key: DerivedKey) {
        self.key = key.bytes
    }

    /// The offset in days for `subject`: never 0, within ±365.
    public func offsetDays(subject: String) -> Int {
        let mac = HMACSHA256.mac(key: key, message: Array("phiscrub-date-shift-1\u{0}\(subject)".utf8))
        let v = Int(mac[0]) << 24 | Int(mac[1]) << 16 | Int(mac[2]) << 8 | Int(mac[3])
        let n = v % (2 * Self.maximumShiftDays)
        return n < Self.maximumShiftDays ? -(n + 1) : n - Self.maximumShiftDays + 1
    }

    /// `value` moved by exactly `days`, in its original format; nil when it is not a date this operator can read.
    public static func shift(_ value: UnsafeBufferPointer<UInt8>, byDays days: Int) -> [UInt8]? {
        WrittenDate.parse(value)?.shifted(byDays: days)
    }

    /// The shifted date in its original format, or nil when the value is not a date this operator can read
    /// (the caller then redacts it).
    public func shift(_ value: UnsafeBufferPointer<UInt8>, subject: String) -> [UInt8]? {
        WrittenDate.parse(value)?.shifted(byDays: offsetDays(subject: subject))
    }
}

/// The `generalize` operator (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)): dates to the year, ZIP codes to their
/// first three digits (`000` for the three-digit areas with 20,000 people or fewer), ages over 89 to `90+`.
public enum Generalizer {
    /// The restricted three-digit ZIP areas HHS lists (2000 Census): these become `000`.
    public static let restrictedZIP3: Set<String> = [
        "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884",
        "890", "893",
    ]

    /// The value generalised by `rule` (the entity's `EntityTraits.generalization`), or nil when there is no rule
    /// or the value does not have the shape the rule reads (the caller redacts).
    public static func generalize(_ value: UnsafeBufferPointer<UInt8>, as rule: EntityTraits.Generalization?) -> [UInt8]? {
        switch rule {
        case .year?:
            return WrittenDate.parse(value).map { Array(String($0.year).utf8) }
        case .zip3?:
            let digits = value.prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard digits.count >= 5 else { return nil }
            let zip3 = String(decoding: digits.prefix(3), as: UTF8.self)
            return Array((restrictedZIP3.contains(zip3) ? "000" : zip3).utf8)
        case .age90?:
            return Array("90+".utf8)
        case nil:
            return nil
        }
    }
}

/// The `shift` operator in the operator table: dates (entities whose packs declare `date: true`) moved by the
/// policy subject's offset; other entities, and dates it cannot read, are redacted.
public struct ShiftOperator: TransformOperator {
    public static let name = "shift"
    public static let keyPurpose: KeyPurpose? = .dateShift
    public static let cacheable = true
    let shifter: DateShifter
    let subject: String

    public init(policy: TransformPolicy, key: DerivedKey?) throws(TransformError) {
        shifter = DateShifter(key: try key.required(by: Self.name))
        subject = policy.subject
    }

    public func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) -> [UInt8]? {
        traits.date ? shifter.shift(value, subject: subject) : nil
    }
}

/// The `generalize` operator in the operator table: `Generalizer` with the entity's declared generalisation rule;
/// entities without one are redacted.
public struct GeneralizeOperator: TransformOperator {
    public static let name = "generalize"
    public static let keyPurpose: KeyPurpose? = nil
    public static let cacheable = true

    public init(policy: TransformPolicy, key: DerivedKey?) {}

    public func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) -> [UInt8]? {
        Generalizer.generalize(value, as: traits.generalization)
    }
}
