/// A checksum or format check applied to the bytes a rule matched.
///
/// Every check works directly on the matched ASCII bytes, never allocates, and
/// returns `false` (rather than trapping) for empty, oversized or non-ASCII input.
/// The raw values are the names used in rule files.
public enum ValidatorKind: String, CaseIterable, Sendable, Codable {
    /// US Social Security Number: 9 digits, valid area/group/serial, not a known sample number.
    case ssn
    /// Any 8–19 digit number passing the Luhn mod-10 check.
    case luhn
    /// Payment card number: Luhn, 13–19 digits, known issuer prefix and brand length.
    case creditCard = "credit_card"
    /// US National Provider Identifier (10 digits, Luhn over "80840" + NPI).
    case npi
    /// US DEA registration number (2 letters + 7 digits with check digit).
    case dea
    /// ABA bank routing transit number (9 digits, 3-7-1 weighted checksum).
    case aba
    /// Medicare Beneficiary Identifier (11 characters, CMS position rules).
    case mbi
    /// Vehicle Identification Number (17 characters with position-9 check digit).
    case vin
    /// International Bank Account Number (ISO 13616, mod-97 == 1).
    case iban
    /// Calendar-valid date in a common numeric or month-name format.
    case date
    /// US/Canada (NANP) telephone number.
    case nanp
    /// Dotted-quad IPv4 address.
    case ipv4
    /// IPv6 address in RFC 4291 text form.
    case ipv6
    /// An age of 90 or above (HIPAA Safe Harbor aggregates ages over 89).
    case ageOver89 = "age_over_89"
    /// IEEE 802 MAC address.
    case mac

    /// True when `bytes` (exactly the matched span, ASCII, possibly containing
    /// separators such as `-`, ` `, `.`, `(`, `)`, `/`, `,`) passes this check.
    ///
    /// Never allocates and never traps, whatever the input.
    public func validate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .ssn: return NumericChecks.ssn(bytes)
        case .luhn: return NumericChecks.luhn(bytes)
        case .creditCard: return NumericChecks.creditCard(bytes)
        case .npi: return NumericChecks.npi(bytes)
        case .dea: return NumericChecks.dea(bytes)
        case .aba: return NumericChecks.aba(bytes)
        case .mbi: return IdentifierChecks.mbi(bytes)
        case .vin: return IdentifierChecks.vin(bytes)
        case .iban: return IdentifierChecks.iban(bytes)
        case .date: return DateCheck.date(bytes)
        case .nanp: return NumericChecks.nanp(bytes)
        case .ipv4: return NetworkChecks.ipv4(bytes)
        case .ipv6: return NetworkChecks.ipv6(bytes)
        case .ageOver89: return NumericChecks.ageOver89(bytes)
        case .mac: return NetworkChecks.mac(bytes)
        }
    }
}

extension ValidatorKind {
    /// Convenience for tests and tooling: validates the UTF-8 bytes of `s`.
    public func validate(_ s: String) -> Bool {
        var copy = s
        return copy.withUTF8 { validate($0) }
    }
}
