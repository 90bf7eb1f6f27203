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
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), value.baseAddress?.assumingMemoryBound(to: UInt8.self),
                     value.count, &out, &length)
        }
        return Array(out[0..<Int(length)])
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

/// OpenSSL's CSPRNG.
public enum SecureRandom {
    /// `count` random bytes; throws if OpenSSL cannot seed.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&out, Int32(count)) == 1 else {
            throw CryptoError(code: .randomFailure, message: "OpenSSL RAND_bytes failed")
        }
        return out
    }
}

/// A failure in the crypto layer. Never carries key bytes or plaintext.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: Sendable { case invalidKey, randomFailure, openssl }
    public var code: Code
    public var message: String
    public var description: String { message }
}
