import COpenSSL

/// OpenSSL's CSPRNG.
public enum SecureRandom {
    /// `count` random bytes; throws if OpenSSL cannot seed.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_bytes(&out, Int32(count)) == 1 else {
            throw CryptoError(code: .randomFailure, message: "OpenSSL RAND_bytes failed")
        }
        return out
    }
}
