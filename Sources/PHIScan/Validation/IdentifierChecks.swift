/// Alphanumeric identifier checks: Medicare MBI, VIN and IBAN.
enum IdentifierChecks {
    // MARK: MBI

    /// 11 characters after removing '-', case-insensitive:
    /// 1: digit 1–9; 2, 5, 8, 9: letter; 3, 6: letter or digit; 4, 7, 10, 11: digit.
    /// Letters S, L, O, I, B and Z are never used.
    static func mbi(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var position = 0
        for b in bytes where b != UInt8(ascii: "-") {
            position += 1
            guard position <= 11, mbiAccepts(b, atPosition: position) else { return false }
        }
        return position == 11
    }

    private static func mbiAccepts(_ b: UInt8, atPosition position: Int) -> Bool {
        switch position {
        case 1: return b >= UInt8(ascii: "1") && b <= UInt8(ascii: "9")
        case 2, 5, 8, 9: return isMBILetter(b)
        case 3, 6: return ValidationASCII.isDigit(b) || isMBILetter(b)
        default: return ValidationASCII.isDigit(b)
        }
    }

    private static func isMBILetter(_ b: UInt8) -> Bool {
        guard let u = ValidationASCII.upperLetter(b) else { return false }
        switch u {
        case UInt8(ascii: "S"), UInt8(ascii: "L"), UInt8(ascii: "O"),
             UInt8(ascii: "I"), UInt8(ascii: "B"), UInt8(ascii: "Z"):
            return false
        default:
            return true
        }
    }

    // MARK: VIN

    /// Exactly 17 characters without I, O or Q; the position-9 check digit equals the weighted
    /// transliterated sum mod 11 ('X' for 10). Case-insensitive.
    static func vin(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 17 else { return false }
        var sum = 0
        for i in 0..<17 {
            guard let v = vinValue(bytes[i]) else { return false }
            sum += v * vinWeight(i)
        }
        let remainder = sum % 11
        let check = bytes[8]
        if remainder == 10 { return check == UInt8(ascii: "X") || check == UInt8(ascii: "x") }
        return ValidationASCII.digit(check) == remainder
    }

    /// ISO 3779 transliteration; `nil` for I, O, Q and non-alphanumerics.
    private static func vinValue(_ b: UInt8) -> Int? {
        if let d = ValidationASCII.digit(b) { return d }
        guard let u = ValidationASCII.upperLetter(b) else { return nil }
        switch u {
        case UInt8(ascii: "A")...UInt8(ascii: "H"): return Int(u - UInt8(ascii: "A")) + 1
        case UInt8(ascii: "J")...UInt8(ascii: "N"): return Int(u - UInt8(ascii: "J")) + 1
        case UInt8(ascii: "P"): return 7
        case UInt8(ascii: "R"): return 9
        case UInt8(ascii: "S")...UInt8(ascii: "Z"): return Int(u - UInt8(ascii: "S")) + 2
        default: return nil  // I, O, Q
        }
    }

    /// Weights 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2.
    private static func vinWeight(_ index: Int) -> Int {
        switch index {
        case 0..<7: return 8 - index
        case 7: return 10
        case 8: return 0
        default: return 18 - index
        }
    }

    // MARK: IBAN

    /// 15–34 alphanumerics after removing spaces and dashes (the printed groups of four): 2-letter country, 2
    /// check digits, then the BBAN; the ISO 7064 mod-97 of the rearranged number must be 1. Case-insensitive.
    static func iban(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var length = 0
        for b in bytes where !isGroupSeparator(b) {
            guard length < 34, ibanAccepts(b, at: length) else { return false }
            length += 1
        }
        guard length >= 15 else { return false }
        // Mod 97 of BBAN + country + check digits, folding in one character at a time.
        var remainder = 0
        var index = 0
        for b in bytes where !isGroupSeparator(b) {
            if index >= 4 { remainder = ibanFold(remainder, b) }
            index += 1
        }
        index = 0
        for b in bytes where !isGroupSeparator(b) {
            guard index < 4 else { break }
            remainder = ibanFold(remainder, b)
            index += 1
        }
        return remainder == 1
    }

    @inline(__always)
    private static func isGroupSeparator(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "-") }

    private static func ibanAccepts(_ b: UInt8, at index: Int) -> Bool {
        switch index {
        case 0, 1: return ValidationASCII.isLetter(b)
        case 2, 3: return ValidationASCII.isDigit(b)
        default: return ValidationASCII.isDigit(b) || ValidationASCII.isLetter(b)
        }
    }

    /// Appends one IBAN character (digit, or letter as 10…35) to a running mod-97 remainder.
    private static func ibanFold(_ remainder: Int, _ b: UInt8) -> Int {
        if let d = ValidationASCII.digit(b) { return (remainder * 10 + d) % 97 }
        guard let u = ValidationASCII.upperLetter(b) else { return remainder }
        return (remainder * 100 + Int(u - UInt8(ascii: "A")) + 10) % 97
    }
}
