import COpenSSL

/// HKDF-SHA256 (RFC 5869) through OpenSSL's HKDF key-derivation method.
public enum HKDFSHA256 {
    /// The largest output RFC 5869 allows: 255 blocks of the hash size.
    public static let maximumOutputLength = 255 * 32

    /// `length` bytes derived from input keying material `ikm` with `salt` and `info`.
    public static func derive(ikm: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        guard length > 0, length <= maximumOutputLength else {
            throw CryptoError(code: .invalidLength, message: "HKDF-SHA256 output length must be 1...\(maximumOutputLength) bytes")
        }
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else { throw CryptoError.openssl("HKDF context") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_derive_init(ctx) > 0, EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) > 0 else {
            throw CryptoError.openssl("HKDF init")
        }
        // OpenSSL wants non-null pointers even for empty inputs; an empty salt means HashLen zero bytes (RFC 5869).
        let saltBytes = salt.isEmpty ? [UInt8](repeating: 0, count: 32) : salt
        let ikmBytes = ikm.isEmpty ? [0] : ikm
        let ok = saltBytes.withUnsafeBufferPointer { s in
            ikmBytes.withUnsafeBufferPointer { k in
                EVP_PKEY_CTX_set1_hkdf_salt(ctx, s.baseAddress, Int32(s.count)) > 0
                    && EVP_PKEY_CTX_set1_hkdf_key(ctx, k.baseAddress, Int32(ikm.count)) > 0
            }
        }
        guard ok else { throw CryptoError.openssl("HKDF key") }
        if !info.isEmpty {
            let added = info.withUnsafeBufferPointer { EVP_PKEY_CTX_add1_hkdf_info(ctx, $0.baseAddress, Int32($0.count)) > 0 }
            guard added else { throw CryptoError.openssl("HKDF info") }
        }
        var out = [UInt8](repeating: 0, count: length)
        var outLength = length
        guard EVP_PKEY_derive(ctx, &out, &outLength) > 0, outLength == length else { throw CryptoError.openssl("HKDF derive") }
        return out
    }
}
