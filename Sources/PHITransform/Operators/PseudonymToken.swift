import PHICompliance

/// The `token` operator: `[SSN:tok:<20 hex>]`, the first 80 bits of HMAC-SHA256 under the token subkey over the
/// entity and a normalised value. Normalising (separators dropped for identifier numbers, case folded for
/// e-mail, URLs and names) makes `402-19-8877` and `402198877` one patient. The token subkey is pinned across key
/// rotation, so tokens from different runs, files and processes join.
public struct PseudonymTokenizer: Sendable {
    let key: [UInt8]

    public init(key: DerivedKey) {
        self.key = key.bytes
    }

    /// Entities whose values are identifiers where separators and case carry no meaning.
    static let identifierEntities: Set<String> = [
        "SSN", "PHONE", "FAX", "NPI", "DEA", "CREDIT_CARD", "MBI", "ACCOUNT", "HEALTH_PLAN", "MRN", "LICENSE", "VIN",
        "DEVICE_ID", "ZIP", "MAC_ADDRESS",
    ]

    /// The normalised form that is hashed.
    static func normalise(entity: String, value: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        if identifierEntities.contains(entity) {
            for b in value {
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(b)
                case UInt8(ascii: "a")...UInt8(ascii: "z"): out.append(b - 32)
                case 0x80...: out.append(b)
                default: continue
                }
            }
        } else {
            var lastWasSpace = false
            for b in value {
                let isSpace = b == 0x20 || b == 0x09
                if isSpace {
                    if !lastWasSpace { out.append(0x20) }
                } else {
                    out.append((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) ? b + 32 : b)
                }
                lastWasSpace = isSpace
            }
        }
        return out
    }

    /// The token for one value.
    public func token(entity: String, value: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var message = Array("phiscrub-token-1\u{0}\(entity)\u{0}".utf8)
        message.append(contentsOf: Self.normalise(entity: entity, value: value))
        let mac = HMACSHA256.mac(key: key, message: message)
        return Array("[\(entity):tok:\(Hex.encode(mac.prefix(10)))]".utf8)
    }
}
