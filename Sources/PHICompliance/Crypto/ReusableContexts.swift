import COpenSSL

/// HMAC-SHA256 under one fixed key, for many short messages (per-finding tokens, date-shift offsets): the key
/// schedule and algorithm lookup happen once. Not thread-safe; make one per stream.
public final class KeyedHMACSHA256 {
    private let context: OpaquePointer

    public init(key: [UInt8]) throws(CryptoError) {
        guard !key.isEmpty, let ctx = phs_hmac_sha256_new(key, key.count) else {
            throw CryptoError.openssl("HMAC-SHA256 context")
        }
        context = ctx
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// The 32-byte tag of `message`.
    public func mac(_ message: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        let ok = phs_hmac_sha256_compute(context, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count, out)
        // Only allocation failure inside OpenSSL can fail here; never emit an unkeyed value.
        precondition(ok == 1, "HMAC-SHA256 failed")
    }

    /// The 32-byte tag of `message`.
    public func mac(_ message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        message.withUnsafeBytes { m in out.withUnsafeMutableBufferPointer { mac(m, into: $0.baseAddress!) } }
        return out
    }
}

/// AES-256-GCM encryption under one fixed key with fresh random 96-bit nonces, for many short messages. The key
/// schedule is set once; nonces come from OpenSSL's CSPRNG in 4 KiB batches. Not thread-safe; one per stream.
public final class AESGCMSealer {
    private let context: OpaquePointer
    private var nonces: [UInt8] = []
    private var nonceOffset = 0

    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count == 32 else { throw CryptoError(code: .invalidKey, message: "AES-256-GCM needs a 32-byte key") }
        guard let ctx = phs_aes256gcm_encrypt_new(key) else { throw CryptoError.openssl("AES-256-GCM context") }
        context = ctx
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// `nonce ‖ ciphertext ‖ tag` of `plaintext` with `aad` bound.
    public func seal(_ plaintext: UnsafeBufferPointer<UInt8>, aad: [UInt8]) throws(CryptoError) -> [UInt8] {
        if nonceOffset + AESGCM.nonceByteCount > nonces.count {
            nonces = try SecureRandom.bytes(4092)
            nonceOffset = 0
        }
        var out = [UInt8](repeating: 0, count: AESGCM.nonceByteCount + plaintext.count + AESGCM.tagByteCount)
        let n = plaintext.count
        let ok = out.withUnsafeMutableBufferPointer { o in
            nonces.withUnsafeBufferPointer { nb in
                let nonce = nb.baseAddress! + nonceOffset
                o.baseAddress!.update(from: nonce, count: AESGCM.nonceByteCount)
                return aad.withUnsafeBufferPointer { a in
                    phs_aes256gcm_seal(context, nonce, a.baseAddress, a.count, plaintext.baseAddress ?? nonce, n,
                                       o.baseAddress! + AESGCM.nonceByteCount, o.baseAddress! + AESGCM.nonceByteCount + n)
                }
            }
        }
        // Each nonce is used once, even if sealing failed.
        nonceOffset += AESGCM.nonceByteCount
        guard ok == 1 else { throw CryptoError.openssl("AES-256-GCM encrypt") }
        return out
    }
}
