/// Digit-string checks: SSN, Luhn, payment cards, NPI, DEA, ABA, NANP phones and ages.
enum NumericChecks {
    // MARK: SSN

    /// 9 digits (ignoring ' ', tab, '-', '.', '/' and '_'); area not 000, 666 or 900–999; group not 00;
    /// serial not 0000; not a well-known sample number (see `isPublishedSampleSSN`).
    static func ssn(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let d = PackedDigits.scan(bytes, separators: .ssnPunctuation), d.count == 9 else { return false }
        let area = d.value / 1_000_000
        let group = (d.value / 10_000) % 100
        let serial = d.value % 10_000
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return false }
        return !isPublishedSampleSSN(d.value)
    }

    /// Numbers that are valid in form but are known not to identify anyone:
    /// - 078-05-1120 (the Woolworth wallet-insert number),
    /// - 219-09-9999 (printed in a 1940 SSA pamphlet),
    /// - 123-45-6789 (the ubiquitous example),
    /// - all-same-digit numbers 111-11-1111 … 999-99-9999.
    /// (987-65-4320…4329, also used in adverts, already fail the 900–999 area rule.)
    private static func isPublishedSampleSSN(_ value: UInt64) -> Bool {
        switch value {
        case 78_051_120, 219_099_999, 123_456_789: return true
        default: return value % 111_111_111 == 0
        }
    }

    // MARK: Luhn and payment cards

    /// 8–19 digits (ignoring ' ' and '-') passing the Luhn mod-10 check.
    static func luhn(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let d = PackedDigits.scan(bytes, separators: .spaceAndHyphen), (8...19).contains(d.count) else { return false }
        return d.luhnSum % 10 == 0
    }

    /// Luhn-valid, 13–19 digits, and a known issuer prefix whose length rule the number meets.
    static func creditCard(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let d = PackedDigits.scan(bytes, separators: .spaceAndHyphen),
              (13...19).contains(d.count), d.luhnSum % 10 == 0 else { return false }
        return issuerAccepts(d)
    }

    /// True when some card brand issues numbers with this prefix and length.
    private static func issuerAccepts(_ d: PackedDigits) -> Bool {
        let n = d.count
        let p1 = d.prefix(1), p2 = d.prefix(2), p3 = d.prefix(3), p4 = d.prefix(4), p6 = d.prefix(6)
        let long = (16...19).contains(n)
        // Visa
        if p1 == 4 { return n == 13 || n == 16 || n == 19 }
        // Mastercard
        if (51...55).contains(p2) || (2221...2720).contains(p4) { return n == 16 }
        // American Express
        if p2 == 34 || p2 == 37 { return n == 15 }
        // Discover
        if p4 == 6011 || (644...649).contains(p3) || p2 == 65 || (622_126...622_925).contains(p6) { if long { return true } }
        // Diners Club
        if (300...305).contains(p3) || p2 == 36 || p2 == 38 || p2 == 39 { return n >= 14 }
        // JCB
        if (3528...3589).contains(p4) { return long }
        // UnionPay
        if p2 == 62 && long { return true }
        // UATP (airline travel cards)
        if p1 == 1 { return n == 15 }
        // Maestro (12–19 digits in the wild; 13 is the floor here)
        if p2 == 50 || (56...58).contains(p2) || p4 == 6304 || p4 == 6759 || (6761...6763).contains(p4) { return true }
        return false
    }

    // MARK: NPI

    /// 10 digits (ignoring ' ' and '-'), first digit 1 or 2, and the CMS check digit:
    /// Luhn over "80840" + NPI, i.e. the NPI's own Luhn sum plus the constant 24.
    static func npi(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let d = PackedDigits.scan(bytes, separators: .spaceAndHyphen), d.count == 10 else { return false }
        let first = d.prefix(1)
        guard first == 1 || first == 2 else { return false }
        return (d.luhnSum + 24) % 10 == 0
    }

    // MARK: DEA

    /// Exactly 9 characters, no separators: registrant-type letter, a letter or '9', then 7 digits
    /// where the last digit of (d1+d3+d5) + 2·(d2+d4+d6) equals d7. Letters are case-insensitive.
    static func dea(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 9, let first = ValidationASCII.upperLetter(bytes[0]),
              isDEARegistrantType(first),
              ValidationASCII.isLetter(bytes[1]) || bytes[1] == UInt8(ascii: "9") else { return false }
        var odd = 0, even = 0
        for i in 0..<6 {
            guard let d = ValidationASCII.digit(bytes[2 + i]) else { return false }
            if i & 1 == 0 { odd += d } else { even += d }
        }
        guard let check = ValidationASCII.digit(bytes[8]) else { return false }
        return (odd + 2 * even) % 10 == check
    }

    /// Registrant-type letters: A B C D E F G H J K L M P R S T U X.
    private static func isDEARegistrantType(_ upper: UInt8) -> Bool {
        switch upper {
        case UInt8(ascii: "I"), UInt8(ascii: "N"), UInt8(ascii: "O"), UInt8(ascii: "Q"),
             UInt8(ascii: "V"), UInt8(ascii: "W"), UInt8(ascii: "Y"), UInt8(ascii: "Z"):
            return false
        default:
            return true
        }
    }

    // MARK: ABA routing number

    /// 9 digits (ignoring ' ' and '-'), Federal Reserve prefix 00–12, 21–32, 61–72 or 80,
    /// and 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10).
    static func aba(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Nine zeros pass the checksum and the government prefix 00, but route nowhere.
        guard let d = PackedDigits.scan(bytes, separators: .spaceAndHyphen), d.count == 9, d.value != 0 else { return false }
        let prefix = d.prefix(2)
        guard prefix <= 12 || (21...32).contains(prefix) || (61...72).contains(prefix) || prefix == 80 else { return false }
        var v = d.value
        var sum = 0
        // Walk from the right: d9, d8, d7, … carry weights 1, 7, 3, 1, 7, 3, …
        for i in 0..<9 {
            let x = Int(v % 10)
            v /= 10
            switch i % 3 {
            case 0: sum += x
            case 1: sum += 7 * x
            default: sum += 3 * x
            }
        }
        return sum % 10 == 0
    }

    // MARK: NANP telephone numbers

    /// Every non-digit byte is ignored, up to an extension: a letter after the first digit ends the number
    /// (`345-899-3560x4587`, `... ext. 12`: the span keeps the extension, the check reads the number). 10 digits,
    /// 11 with a leading '1' or 13 with a leading '001'. NPA and NXX must start with 2–9 and not be N11; ten identical digits are rejected.
    /// The fictional 555-0100…555-0199 block is deliberately valid.
    static func nanp(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = bytes.count, seenDigit = false
        for (i, b) in bytes.enumerated() {
            if b &- 0x30 < 10 { seenDigit = true } else if seenDigit && (b | 0x20) &- 0x61 < 26 { end = i; break }
        }
        guard let d = PackedDigits.scan(UnsafeBufferPointer(rebasing: bytes[..<end]), separators: .anyNonDigit)
        else { return false }
        // 1 or 001 before the area code: the country code as dialled at home or from abroad.
        guard d.count == 10 || (d.count == 11 && d.prefix(1) == 1) || (d.count == 13 && d.prefix(3) == 1)
        else { return false }
        let number = d.value % 10_000_000_000
        let npa = number / 10_000_000
        let nxx = (number / 10_000) % 1000
        guard npa >= 200, nxx >= 200, npa % 100 != 11, nxx % 100 != 11 else { return false }
        return number % 1_111_111_111 != 0
    }

    // MARK: Age

    /// The first run of digits, read as a number, is 90…125.
    static func ageOver89(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var value = 0
        var inDigits = false
        for b in bytes {
            if let d = ValidationASCII.digit(b) {
                inDigits = true
                value = min(value * 10 + d, 1000)  // saturate: anything above 125 is already invalid
            } else if inDigits {
                break
            }
        }
        return inDigits && (90...125).contains(value)
    }
}
