import COpenSSL

/// Keyed fingerprints of matched values (HMAC-SHA256 via OpenSSL), so reports can say "the same value again"
/// without ever holding the value. The key never leaves the process.
public struct Fingerprinter: Sendable {
    let key: [UInt8]

    /// Uses `key` (at least 16 bytes).
    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count >= 16 else { throw CryptoError(code: .invalidKey, message: "fingerprint key must be at least 16 bytes") }
        self.key = key
    }

    /// A fresh random key from OpenSSL's CSPRNG: fingerprints are comparable within this process only.
    public static func random() throws(CryptoError) -> Fingerprinter {
        try Fingerprinter(key: SecureRandom.bytes(32))
    }

    /// HMAC-SHA256 of `value`.
    public func mac(_ value: UnsafeRawBufferPointer) -> [UInt8] {
        HMACSHA256.mac(key: key, message: value)
    }

    /// Short printable fingerprint: `hmac-sha256:` and the first 16 hex digits of the MAC.
    public func fingerprint(_ value: UnsafeRawBufferPointer) -> String {
        let m = mac(value)
        let hex = m.prefix(8).map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        return "hmac-sha256:" + hex
    }
}
