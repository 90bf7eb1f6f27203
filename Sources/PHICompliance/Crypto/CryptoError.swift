import COpenSSL

/// A failure in the crypto layer. Never carries key bytes, plaintext or ciphertext.
public struct CryptoError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure.
    public enum Code: Sendable, Equatable {
        /// A key of the wrong length or otherwise unusable.
        case invalidKey
        /// A nonce (IV) of an unusable length.
        case invalidNonce
        /// The CSPRNG could not produce bytes.
        case randomFailure
        /// Authentication failed: wrong key, wrong context (AAD), or altered ciphertext or tag.
        case authenticationFailed
        /// A requested output size the algorithm cannot produce (HKDF over 255 blocks).
        case invalidLength
        /// OpenSSL reported an internal error.
        case openssl
    }
    public var code: Code
    public var message: String
    public var description: String { message }

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// An `.openssl` error with OpenSSL's own reason for the most recent failure (reasons never contain data).
    static func openssl(_ what: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return CryptoError(code: .openssl, message: "OpenSSL: \(what) failed") }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return CryptoError(code: .openssl, message: "OpenSSL: \(what) failed (\(reason))")
    }
}
