/// Byte-level ASCII helpers shared by the validators. All are allocation-free.
enum ValidationASCII {
    /// The value of an ASCII decimal digit, or `nil`.
    @inline(__always)
    static func digit(_ b: UInt8) -> Int? {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") ? Int(b &- UInt8(ascii: "0")) : nil
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    /// The upper-case form of an ASCII letter, or `nil` for any other byte.
    @inline(__always)
    static func upperLetter(_ b: UInt8) -> UInt8? {
        if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { return b }
        if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { return b &- 32 }
        return nil
    }

    /// The lower-case form of an ASCII letter, or `nil` for any other byte.
    @inline(__always)
    static func lowerLetter(_ b: UInt8) -> UInt8? {
        upperLetter(b).map { $0 | 0x20 }
    }

    @inline(__always)
    static func isLetter(_ b: UInt8) -> Bool {
        upperLetter(b) != nil
    }

    /// The value of an ASCII hexadecimal digit (either case), or `nil`.
    @inline(__always)
    static func hexValue(_ b: UInt8) -> Int? {
        if let d = digit(b) { return d }
        if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f") { return Int(b &- UInt8(ascii: "a")) + 10 }
        if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F") { return Int(b &- UInt8(ascii: "A")) + 10 }
        return nil
    }
}

/// Up to 19 decimal digits packed into a `UInt64`; `count` keeps leading zeros.
struct PackedDigits {
    /// Which non-digit bytes `scan` skips; any other non-digit byte fails the scan.
    enum Separators {
        /// Skip ' ' and '-' only.
        case spaceAndHyphen
        /// Skip the separators an SSN is written with: ' ', '\t', '-', '.', '/', '_', and '+' (a query string's
        /// space).
        case ssnPunctuation
        /// Skip every byte that is not an ASCII digit.
        case anyNonDigit
    }

    static let maxDigits = 19

    let value: UInt64
    let count: Int

    /// Collects the digits of `bytes`, or returns `nil` on a disallowed byte or more than 19 digits.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, separators: Separators) -> PackedDigits? {
        var value: UInt64 = 0
        var count = 0
        for b in bytes {
            if let d = ValidationASCII.digit(b) {
                guard count < maxDigits else { return nil }
                value = value * 10 + UInt64(d)
                count += 1
            } else {
                switch separators {
                case .anyNonDigit: continue
                case .spaceAndHyphen:
                    guard b == UInt8(ascii: " ") || b == UInt8(ascii: "-") else { return nil }
                case .ssnPunctuation:
                    switch b {
                    case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"),
                         UInt8(ascii: "_"), UInt8(ascii: "+"): continue
                    default: return nil
                    }
                }
            }
        }
        return PackedDigits(value: value, count: count)
    }

    /// 10^n for 0 <= n <= 19.
    static func powerOfTen(_ n: Int) -> UInt64 {
        var p: UInt64 = 1
        for _ in 0..<max(0, min(n, maxDigits)) { p *= 10 }
        return p
    }

    /// The number formed by the first `k` digits (1 <= k <= count).
    func prefix(_ k: Int) -> UInt64 {
        value / PackedDigits.powerOfTen(count - k)
    }

    /// The digit at `index`, counted from the left.
    func digit(at index: Int) -> Int {
        Int(prefix(index + 1) % 10)
    }

    /// Luhn sum of all digits (the rightmost digit is not doubled).
    var luhnSum: Int {
        var v = value
        var sum = 0
        for i in 0..<count {
            var x = Int(v % 10)
            v /= 10
            if i & 1 == 1 {
                x *= 2
                if x > 9 { x -= 9 }
            }
            sum += x
        }
        return sum
    }
}
