/// Network address checks: IPv4, IPv6 and MAC.
enum NetworkChecks {
    // MARK: IPv4

    /// Exactly four dot-separated decimal octets 0–255 without leading zeros ("01" is invalid).
    /// The unspecified address 0.0.0.0 is rejected; loopback, broadcast etc. are accepted.
    static func ipv4(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let address = dottedQuad(bytes, from: 0) else { return false }
        return address != 0
    }

    /// Parses `bytes[start...]` (to the very end) as a dotted quad.
    private static func dottedQuad(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt32? {
        var address: UInt32 = 0
        var octets = 0
        var octet = 0
        var digits = 0
        var i = start
        while i <= bytes.count {
            if i == bytes.count || bytes[i] == UInt8(ascii: ".") {
                guard digits > 0, octets < 4 else { return nil }
                address = address << 8 | UInt32(octet)
                octets += 1
                octet = 0
                digits = 0
            } else {
                guard let d = ValidationASCII.digit(bytes[i]), !(digits == 1 && octet == 0) else { return nil }
                octet = octet * 10 + d
                digits += 1
                guard octet <= 255 else { return nil }
            }
            i += 1
        }
        return octets == 4 ? address : nil
    }

    // MARK: IPv6

    /// RFC 4291 text form: eight groups of 1–4 hex digits, or fewer with exactly one "::"
    /// standing for one or more zero groups; the last 32 bits may be a dotted quad.
    /// Rejects zone ids ("%eth0"), stray leading/trailing ':' and the unspecified address "::".
    static func ipv6(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        let colon = UInt8(ascii: ":")
        guard n >= 2, n <= 45 else { return false }  // 45 = longest form with an embedded IPv4
        var i = 0
        var groups = 0
        var compressed = false
        var nonZero = false
        if bytes[0] == colon {
            guard bytes[1] == colon else { return false }
            compressed = true
            i = 2
        }
        while i < n {
            let start = i
            var value = 0
            var length = 0
            while i < n, let h = ValidationASCII.hexValue(bytes[i]) {
                length += 1
                guard length <= 4 else { return false }
                value = value * 16 + h
                i += 1
            }
            if i < n && bytes[i] == UInt8(ascii: ".") {
                // Embedded IPv4 must take the final 32 bits and run to the end.
                guard groups <= 6, let v4 = dottedQuad(bytes, from: start) else { return false }
                groups += 2
                nonZero = nonZero || v4 != 0
                break
            }
            guard length > 0 else { return false }
            groups += 1
            nonZero = nonZero || value != 0
            if i == n { break }
            guard bytes[i] == colon, groups < 8 else { return false }
            i += 1
            if i < n && bytes[i] == colon {
                guard !compressed else { return false }
                compressed = true
                i += 1
            } else if i == n {
                return false  // trailing single ':'
            }
        }
        return nonZero && (compressed ? groups <= 7 : groups == 8)
    }

    // MARK: MAC

    /// Six 2-hex-digit groups separated consistently by ':' or '-', or three 4-hex-digit groups
    /// separated by '.'. Rejects 00:00:00:00:00:00 and the broadcast address ff:ff:ff:ff:ff:ff.
    static func mac(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let separator: UInt8
        let stride: Int
        switch bytes.count {
        case 17:
            separator = bytes[2]
            guard separator == UInt8(ascii: ":") || separator == UInt8(ascii: "-") else { return false }
            stride = 3
        case 14:
            separator = UInt8(ascii: ".")
            stride = 5
        default:
            return false
        }
        var allZero = true
        var allOnes = true
        for i in 0..<bytes.count {
            if i % stride == stride - 1 {
                guard bytes[i] == separator else { return false }
            } else {
                guard let h = ValidationASCII.hexValue(bytes[i]) else { return false }
                allZero = allZero && h == 0
                allOnes = allOnes && h == 15
            }
        }
        return !allZero && !allOnes
    }
}
