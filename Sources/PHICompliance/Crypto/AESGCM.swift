import COpenSSL

/// AES-GCM authenticated encryption (OpenSSL EVP) with a 128-bit tag.
///
/// The general form accepts AES-128/192/256 keys and any non-empty nonce so it can be checked against the full
/// Wycheproof set; phiscrub itself only calls it with 256-bit keys and fresh random 96-bit nonces (`seal`).
public enum AESGCM {
    /// Tag length in bytes.
    public static let tagByteCount = 16
    /// The nonce length phiscrub uses (NIST SP 800-38D's recommended 96 bits).
    public static let nonceByteCount = 12

    /// The result of an encryption.
    public struct SealedBox: Sendable, Equatable {
        public var nonce: [UInt8]
        public var ciphertext: [UInt8]
        public var tag: [UInt8]

        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }
    }

    /// Encrypts `plaintext` under a 256-bit `key` with a fresh random 96-bit nonce, binding `aad`.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], aad: [UInt8]) throws(CryptoError) -> SealedBox {
        guard key.count == 32 else { throw CryptoError(code: .invalidKey, message: "AES-256-GCM needs a 32-byte key") }
        return try encrypt(plaintext, key: key, nonce: SecureRandom.bytes(nonceByteCount), aad: aad)
    }

    /// Encrypts with an explicit nonce. Never reuse a nonce under one key; prefer `seal`.
    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]) throws(CryptoError) -> SealedBox {
        let cipher = try cipherFor(key: key, nonce: nonce)
        if nonce.count > evpMaximumNonceByteCount {
            var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
            var tag = [UInt8](repeating: 0, count: tagByteCount)
            guard phs_aes_gcm_long_iv(1, key, Int32(key.count * 8), nonce, nonce.count, aad, aad.count,
                                      plaintext, &ciphertext, plaintext.count, &tag) == 1
            else { throw CryptoError.openssl("AES-GCM (long nonce) encrypt") }
            return SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.openssl("cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_EncryptInit_ex(ctx, cipher, nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1,
              EVP_EncryptInit_ex(ctx, nil, nil, key, nonce) == 1
        else { throw CryptoError.openssl("AES-GCM init") }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard EVP_EncryptUpdate(ctx, nil, &length, aad, Int32(aad.count)) == 1 else { throw CryptoError.openssl("AES-GCM aad") }
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var total = 0
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(ctx, &ciphertext, &length, plaintext, Int32(plaintext.count)) == 1 else {
                throw CryptoError.openssl("AES-GCM encrypt")
            }
            total = Int(length)
        }
        let finalOK = ciphertext.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(ctx, $0.baseAddress! + total, &length) == 1 }
        guard finalOK else { throw CryptoError.openssl("AES-GCM final") }
        total += Int(length)
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), &tag) == 1 else {
            throw CryptoError.openssl("AES-GCM tag")
        }
        return SealedBox(nonce: nonce, ciphertext: Array(ciphertext[0..<total]), tag: tag)
    }

    /// Decrypts and authenticates. Any change to the key, nonce, `aad`, ciphertext or tag throws
    /// `.authenticationFailed` and returns nothing.
    public static func open(_ box: SealedBox, key: [UInt8], aad: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard box.tag.count == tagByteCount else {
            throw CryptoError(code: .authenticationFailed, message: "AES-GCM tag has the wrong length")
        }
        let cipher = try cipherFor(key: key, nonce: box.nonce)
        if box.nonce.count > evpMaximumNonceByteCount {
            var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count)
            var tag = box.tag
            guard phs_aes_gcm_long_iv(0, key, Int32(key.count * 8), box.nonce, box.nonce.count, aad, aad.count,
                                      box.ciphertext, &plaintext, box.ciphertext.count, &tag) == 1
            else { throw authenticationFailure }
            return plaintext
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.openssl("cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_DecryptInit_ex(ctx, cipher, nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(box.nonce.count), nil) == 1,
              EVP_DecryptInit_ex(ctx, nil, nil, key, box.nonce) == 1
        else { throw CryptoError.openssl("AES-GCM init") }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard EVP_DecryptUpdate(ctx, nil, &length, aad, Int32(aad.count)) == 1 else { throw CryptoError.openssl("AES-GCM aad") }
        }
        var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count + 16)
        var total = 0
        if !box.ciphertext.isEmpty {
            guard EVP_DecryptUpdate(ctx, &plaintext, &length, box.ciphertext, Int32(box.ciphertext.count)) == 1 else {
                throw CryptoError.openssl("AES-GCM decrypt")
            }
            total = Int(length)
        }
        var tag = box.tag
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), &tag) == 1 else {
            throw CryptoError.openssl("AES-GCM tag")
        }
        let verified = plaintext.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(ctx, $0.baseAddress! + total, &length) > 0 }
        ERR_clear_error()
        guard verified else {
            // Wipe whatever the update step produced before it was authenticated.
            for i in plaintext.indices { plaintext[i] = 0 }
            throw authenticationFailure
        }
        return Array(plaintext[0..<total])
    }

    /// OpenSSL's EVP GCM accepts nonces up to 128 bytes (`GCM_IV_MAX_SIZE`); longer ones take the GCM128 path.
    static let evpMaximumNonceByteCount = 128

    static let authenticationFailure = CryptoError(
        code: .authenticationFailed, message: "AES-GCM authentication failed (wrong key, wrong context, or altered data)")

    private static func cipherFor(key: [UInt8], nonce: [UInt8]) throws(CryptoError) -> OpaquePointer {
        guard !nonce.isEmpty else { throw CryptoError(code: .invalidNonce, message: "AES-GCM nonce must not be empty") }
        let cipher: OpaquePointer?
        switch key.count {
        case 16: cipher = EVP_aes_128_gcm()
        case 24: cipher = EVP_aes_192_gcm()
        case 32: cipher = EVP_aes_256_gcm()
        default: throw CryptoError(code: .invalidKey, message: "AES-GCM key must be 16, 24 or 32 bytes")
        }
        guard let cipher else { throw CryptoError.openssl("AES-GCM cipher") }
        return cipher
    }
}
