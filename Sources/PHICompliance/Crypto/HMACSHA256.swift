import COpenSSL

/// HMAC-SHA256 (OpenSSL), with tag verification in constant time.
public enum HMACSHA256 {
    /// Tag length in bytes.
    public static let byteCount = 32

    /// The 32-byte tag of `message` under `key` (any length; RFC 2104 hashes long keys).
    public static func mac(key: [UInt8], message: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // A zero-length key still needs a valid pointer for OpenSSL.
        let keyBytes = key.isEmpty ? [0] : key
        keyBytes.withUnsafeBufferPointer { k in
            _ = HMAC(EVP_sha256(), k.baseAddress, Int32(key.count),
                     message.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? k.baseAddress, message.count,
                     &out, &length)
        }
        return Array(out[0..<Int(length)])
    }

    /// The tag of `message` under `key`.
    public static func mac(key: [UInt8], message: some Sequence<UInt8>) -> [UInt8] {
        Array(message).withUnsafeBytes { mac(key: key, message: $0) }
    }

    /// True when `tag` (full, or truncated to at least 16 bytes) is the tag of `message` under `key`.
    public static func verify(tag: [UInt8], key: [UInt8], message: some Sequence<UInt8>) -> Bool {
        guard tag.count >= 16, tag.count <= byteCount else { return false }
        let full = mac(key: key, message: message)
        return constantTimeEquals(Array(full.prefix(tag.count)), tag)
    }
}
