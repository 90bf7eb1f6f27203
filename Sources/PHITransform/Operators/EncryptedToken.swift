import Foundation
import PHICompliance

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

    /// Encrypts `value` into a token.
    public static func seal(_ value: UnsafeBufferPointer<UInt8>, entity: String, context: DataContext,
                            key: DerivedKey) throws(TransformError) -> [UInt8] {
        guard value.count <= maximumPlaintext else {
            throw TransformError(code: .encryption, message: "a \(entity) finding is longer than \(maximumPlaintext) bytes; not encrypting it")
        }
        let box: AESGCM.SealedBox
        do {
            box = try AESGCM.seal(Array(value), key: key.bytes, aad: aad(context: context, entity: entity, version: key.version))
        } catch {
            throw TransformError(code: .encryption, message: "encryption failed: \(error.message)")
        }
        let payload = Base64URL.encode(box.nonce + box.ciphertext + box.tag)
        return Array("[ENC:\(entity):k\(key.version):\(payload)]".utf8)
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

/// The data context an encrypted token is bound to.
public struct DataContext: Sendable, Equatable, CustomStringConvertible {
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
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
        }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
