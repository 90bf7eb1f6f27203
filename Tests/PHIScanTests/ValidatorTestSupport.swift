// Deterministic generators for validator tests. Every generator re-implements its
// algorithm independently of the production code so the tests are not circular.

/// SplitMix64: small, fast, deterministic.
struct ValidatorTestRNG: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func digits(_ count: Int) -> [Int] {
        (0..<count).map { _ in Int.random(in: 0...9, using: &self) }
    }

    mutating func pick<T>(_ options: [T]) -> T {
        options[Int.random(in: 0..<options.count, using: &self)]
    }
}

enum ValidatorReference {
    static func text(_ digits: [Int]) -> String {
        digits.map(String.init).joined()
    }

    /// Luhn check digit for `payload` (the digit that will sit to its right).
    static func luhnCheckDigit(_ payload: [Int]) -> Int {
        var sum = 0
        for (offset, digit) in payload.reversed().enumerated() {
            var x = digit
            if offset % 2 == 0 {  // doubled: the check digit will occupy offset -1
                x *= 2
                if x > 9 { x -= 9 }
            }
            sum += x
        }
        return (10 - sum % 10) % 10
    }

    /// A Luhn-valid number of `length` digits starting with `prefix`.
    static func luhnNumber(prefix: String, length: Int, rng: inout ValidatorTestRNG) -> String {
        let head = prefix.map { Int(String($0))! }
        let payload = head + rng.digits(length - head.count - 1)
        return text(payload + [luhnCheckDigit(payload)])
    }

    /// NPI per the CMS algorithm: Luhn over the 9-digit base with the constant 24 for "80840".
    static func npi(rng: inout ValidatorTestRNG) -> String {
        let base = [rng.pick([1, 2])] + rng.digits(8)
        var sum = 24
        for (offset, digit) in base.reversed().enumerated() {
            var x = digit
            if offset % 2 == 0 {
                x *= 2
                if x > 9 { x -= 9 }
            }
            sum += x
        }
        return text(base + [(10 - sum % 10) % 10])
    }

    static func dea(rng: inout ValidatorTestRNG) -> String {
        let first = rng.pick(Array("ABCDEFGHJKLMPRSTUXabcdefghjklmprstux"))
        let second = rng.pick(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ9"))
        let d = rng.digits(6)
        let check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
        return String(first) + String(second) + text(d + [check])
    }

    static func aba(prefix: Int, rng: inout ValidatorTestRNG) -> String {
        let d = [prefix / 10, prefix % 10] + rng.digits(6)
        let partial = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])
        return text(d + [(10 - partial % 10) % 10])
    }

    static func mbi(rng: inout ValidatorTestRNG) -> String {
        let letters = Array("ACDEFGHJKMNPQRTUVWXY")
        let alnum = letters + Array("0123456789")
        let digits = Array("0123456789")
        var out = String(rng.pick(Array("123456789")))
        for position in 2...11 {
            switch position {
            case 2, 5, 8, 9: out.append(rng.pick(letters))
            case 3, 6: out.append(rng.pick(alnum))
            default: out.append(rng.pick(digits))
            }
        }
        return out
    }

    static let vinValues: [Character: Int] = {
        var table: [Character: Int] = [:]
        for d in 0...9 { table[Character(String(d))] = d }
        let letters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")
        let values = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9]
        for (l, v) in zip(letters, values) { table[l] = v }
        return table
    }()

    static let vinWeights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]

    static func vin(rng: inout ValidatorTestRNG) -> String {
        var chars = (0..<17).map { _ in rng.pick(Array("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")) }
        let sum = zip(chars, vinWeights).reduce(0) { $0 + vinValues[$1.0]! * $1.1 }
        let remainder = sum % 11
        chars[8] = remainder == 10 ? "X" : Character(String(remainder))
        return String(chars)
    }

    /// Mod 97 of a decimal string given as characters 0-9A-Z (letters expand to 10…35).
    static func mod97(_ s: String) -> Int {
        var r = 0
        for c in s {
            let v = Int(String(c), radix: 36)!
            r = v < 10 ? (r * 10 + v) % 97 : (r * 100 + v) % 97
        }
        return r
    }

    static func iban(country: String, bbanLength: Int, rng: inout ValidatorTestRNG) -> String {
        let bban = String((0..<bbanLength).map { _ in rng.pick(Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")) })
        let check = 98 - mod97(bban + country + "00")
        let checkText = check < 10 ? "0\(check)" : "\(check)"
        return country + checkText + bban
    }

    static func isLeap(_ y: Int) -> Bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    static func pad2(_ n: Int) -> String {
        n < 10 ? "0\(n)" : "\(n)"
    }

    /// The date written in one of the supported formats (chosen by `style`).
    static func format(year y: Int, month m: Int, day d: Int, style: Int) -> String {
        let name = monthNames[m - 1]
        switch style % 8 {
        case 0: return "\(pad2(m))/\(pad2(d))/\(y)"
        case 1: return "\(m)/\(d)/\(y)"
        case 2: return "\(y)-\(pad2(m))-\(pad2(d))"
        case 3: return "\(y)/\(pad2(m))/\(pad2(d))"
        case 4: return "\(pad2(d)).\(pad2(m)).\(y)"
        case 5: return "\(name) \(d), \(y)"
        case 6: return "\(name.prefix(3)). \(d) \(y)"
        default: return "\(d) \(name) \(y)"
        }
    }
}
