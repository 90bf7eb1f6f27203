import PHICompliance
import PHIScan

/// The `encrypt` operator's token: `[ENC:<ENTITY>:k<version>:<base64url(nonce ‖ ciphertext ‖ tag)>]`.
///
/// AES-256-GCM under the encrypt subkey of the newest key, with a fresh random 96-bit nonce. The additional data
/// binds the data context (`log`, `prompt`, `tool_output`, `agent_memory`, …), the entity and the key version,
/// so a token copied into another context, relabelled with another entity, or altered in any bit fails to
/// decrypt. The context is deliberately not written in the token: the reader states the context it reads.
public enum EncryptedToken {
    /// Longest plaintext the operator accepts; findings are far shorter (rules declare `max_length`).
    public static let maximumPlaintext = 1024
    /// Longest token text `reveal` looks for.
    public static let maximumTokenLength = 32 + (12 + maximumPlaintext + 16) * 4 / 3 + 4

    /// The additional authenticated data for one token.
    static func aad(context: DataContext, entity: String, version: Int) -> [UInt8] {
        Array("phiscrub-enc-1\u{0}\(context.name)\u{0}\(entity)\u{0}k\(version)".utf8)
    }

    /// Encrypts `value` into a token (one-shot; streams use `EncryptedTokenSealer`).
    public static func seal(_ value: UnsafeBufferPointer<UInt8>, entity: String, context: DataContext,
                            key: DerivedKey) throws(TransformError) -> [UInt8] {
        try EncryptedTokenSealer(key: key, context: context).seal(value, entity: entity)
    }

    /// A token found in text, not yet decrypted.
    public struct Parsed: Equatable, Sendable {
        public var entity: String
        public var version: Int
        public var payload: [UInt8]
    }

    /// Parses the token text between and including the brackets; nil if it is not an encrypt token.
    public static func parse(_ token: some Collection<UInt8>) -> Parsed? {
        let text = String(decoding: token, as: UTF8.self)
        guard text.hasPrefix("[ENC:"), text.hasSuffix("]") else { return nil }
        let parts = text.dropFirst(5).dropLast().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }),
              parts[1].hasPrefix("k"), let version = Int(parts[1].dropFirst()), version > 0,
              let payload = Base64URL.decode(String(parts[2])), payload.count >= 12 + 16 else { return nil }
        return Parsed(entity: String(parts[0]), version: version, payload: payload)
    }

    /// Decrypts a parsed token read in `context`. Wrong context, entity, key version or any altered bit throws.
    public static func open(_ token: Parsed, context: DataContext, keys: any KeyProvider) throws(RevealError) -> [UInt8] {
        let key: DerivedKey
        do { key = try keys.subkey(.encrypt, version: token.version) } catch {
            throw RevealError(code: .unknownKeyVersion, message: "token uses key version \(token.version), which \(keys.sourceDescription) does not hold")
        }
        let box = AESGCM.SealedBox(nonce: Array(token.payload.prefix(12)),
                                   ciphertext: Array(token.payload.dropFirst(12).dropLast(16)),
                                   tag: Array(token.payload.suffix(16)))
        do {
            return try AESGCM.open(box, key: key.bytes, aad: aad(context: context, entity: token.entity, version: token.version))
        } catch {
            throw RevealError(code: .authenticationFailed, message: "a \(token.entity) token does not authenticate in context '\(context.name)' "
                + "(read in another context, altered, or made under another key)")
        }
    }
}

/// Makes encrypt tokens for one stream: one AES-256-GCM context keyed once, and the token prefix and AAD per entity
/// computed once.
public final class EncryptedTokenSealer {
    let sealer: AESGCMSealer
    let version: Int
    let context: DataContext
    private var perEntity: [String: (prefix: [UInt8], aad: [UInt8])] = [:]

    public init(key: DerivedKey, context: DataContext) throws(TransformError) {
        do { sealer = try AESGCMSealer(key: key.bytes) } catch {
            throw TransformError(code: .encryption, message: "cannot set up encryption: \(error.message)")
        }
        version = key.version
        self.context = context
    }

    /// The token for `value`.
    public func seal(_ value: UnsafeBufferPointer<UInt8>, entity: String) throws(TransformError) -> [UInt8] {
        guard value.count <= EncryptedToken.maximumPlaintext else {
            throw TransformError(code: .encryption, message: "a \(entity) finding is longer than \(EncryptedToken.maximumPlaintext) bytes; not encrypting it")
        }
        let parts: (prefix: [UInt8], aad: [UInt8])
        if let hit = perEntity[entity] {
            parts = hit
        } else {
            parts = (Array("[ENC:\(entity):k\(version):".utf8), EncryptedToken.aad(context: context, entity: entity, version: version))
            perEntity[entity] = parts
        }
        let payload: [UInt8]
        do { payload = try sealer.seal(value, aad: parts.aad) } catch {
            throw TransformError(code: .encryption, message: "encryption failed: \(error.message)")
        }
        var token = parts.prefix
        token.reserveCapacity(parts.prefix.count + (payload.count * 4 + 2) / 3 + 1)
        Base64URL.append(payload, to: &token)
        token.append(UInt8(ascii: "]"))
        return token
    }
}

/// The data context an encrypted token is bound to.
public struct DataContext: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// The contexts the design names; others are allowed if they are lower-case words.
    public static let known = ["prompt", "tool_output", "tool_call", "agent_memory", "log", "conversation_history", "audit"]
    public static let log = DataContext(validated: "log")

    private init(validated: String) { name = validated }

    /// A context name: lower-case letters, digits and `_`, 1-64 bytes.
    public init(_ name: String) throws(TransformError) {
        guard !name.isEmpty, name.utf8.count <= 64,
              name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else {
            throw TransformError(code: .invalidPolicy, message: "context '\(name)' must be lower-case letters, digits and _ (e.g. \(DataContext.known.joined(separator: ", ")))")
        }
        self.name = name
    }

    public var description: String { name }
}

/// URL-safe base64 without padding, so tokens survive URLs, JSON and shell words.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the unpadded base64url text of `bytes`.
    static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        let n = bytes.count
        let produced = (n / 3) * 4 + [0, 2, 3][n % 3]
        let base = out.count
        out.append(contentsOf: repeatElement(0, count: produced))
        alphabet.withUnsafeBufferPointer { a in
            bytes.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    var i = 0, o = base
                    while i + 3 <= n {
                        let v = UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
                        dst[o] = a[Int(v >> 18)]
                        dst[o + 1] = a[Int(v >> 12 & 63)]
                        dst[o + 2] = a[Int(v >> 6 & 63)]
                        dst[o + 3] = a[Int(v & 63)]
                        i += 3
                        o += 4
                    }
                    if n - i >= 1 {
                        let v = UInt32(src[i]) << 16 | (n - i == 2 ? UInt32(src[i + 1]) << 8 : 0)
                        dst[o] = a[Int(v >> 18)]
                        dst[o + 1] = a[Int(v >> 12 & 63)]
                        if n - i == 2 { dst[o + 2] = a[Int(v >> 6 & 63)] }
                    }
                }
            }
        }
    }

    /// The bytes of unpadded (or padded) base64url text; nil for anything else, including non-canonical tails.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        var sawPadding = false
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - 65
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - 97 + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - 48 + 52
            case UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="): sawPadding = true; continue
            default: return nil
            }
            if sawPadding { return nil }
            values.append(v)
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i + 4 <= values.count {
            let v = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6 | UInt32(values[i + 3])
            out += [UInt8(v >> 16), UInt8(v >> 8 & 255), UInt8(v & 255)]
            i += 4
        }
        let rest = values.count - i
        if rest == 2 {
            guard values[i + 1] & 15 == 0 else { return nil }
            out.append(values[i] << 2 | values[i + 1] >> 4)
        } else if rest == 3 {
            guard values[i + 2] & 3 == 0 else { return nil }
            let v = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6
            out += [UInt8(v >> 16), UInt8(v >> 8 & 255)]
        }
        return out
    }
}

/// The `encrypt` operator in the operator table: an `EncryptedTokenSealer` under the newest encrypt subkey, bound
/// to the policy's data context. Never cached (each token has a fresh nonce).
public struct EncryptOperator: TransformOperator {
    public static let name = "encrypt"
    public static let keyPurpose: KeyPurpose? = .encrypt
    public static let cacheable = false
    let sealer: EncryptedTokenSealer

    public init(policy: TransformPolicy, key: DerivedKey?) throws(TransformError) {
        sealer = try EncryptedTokenSealer(key: try key.required(by: Self.name), context: policy.context)
    }

    public func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) throws(TransformError) -> [UInt8]? {
        try sealer.seal(value, entity: entity)
    }
}
