import PHICompliance
import PHIScan

/// The `token` operator: `[SSN:tok:<20 hex>]`, the first 80 bits of HMAC-SHA256 under the token subkey over the
/// entity and a normalised value. Normalising (separators dropped and case folded up for identifiers, the entities
/// whose rules declare `traits: {identifier: true}`; spaces and case folded for e-mail, URLs and names) makes
/// `402-19-8877` and `402198877` one patient. The token subkey is pinned across key
/// rotation, so tokens from different runs, files and processes join.
public final class PseudonymTokenizer {
    let mac: KeyedHMACSHA256
    private var message: [UInt8] = []
    private var digest = [UInt8](repeating: 0, count: 32)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public init(key: DerivedKey) throws(TransformError) {
        do { mac = try KeyedHMACSHA256(key: key.bytes) } catch {
            throw TransformError(code: .keys, message: "cannot set up tokens: \(error.message)")
        }
    }

    /// Appends the normalised form that is hashed to `out`: for an `identifier`, where separators and case carry
    /// no meaning, its letters and digits upper-cased; otherwise the value with runs of spaces and tabs as one
    /// space and ASCII letters lower-cased.
    static func normalise(value: UnsafeBufferPointer<UInt8>, identifier: Bool, into out: inout [UInt8]) {
        if identifier {
            for b in value {
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(b)
                case UInt8(ascii: "a")...UInt8(ascii: "z"): out.append(b - 32)
                case 0x80...: out.append(b)
                default: continue
                }
            }
        } else {
            var lastWasSpace = false
            for b in value {
                let isSpace = b == 0x20 || b == 0x09
                if isSpace {
                    if !lastWasSpace { out.append(0x20) }
                } else {
                    out.append((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) ? b + 32 : b)
                }
                lastWasSpace = isSpace
            }
        }
    }

    /// The token for one value of `entity`; `identifier` is the entity's trait (`EntityTraits.identifier`).
    public func token(entity: String, value: UnsafeBufferPointer<UInt8>, identifier: Bool) -> [UInt8] {
        message.removeAll(keepingCapacity: true)
        message.append(contentsOf: "phiscrub-token-1".utf8)
        message.append(0)
        message.append(contentsOf: entity.utf8)
        message.append(0)
        Self.normalise(value: value, identifier: identifier, into: &message)
        message.withUnsafeBytes { m in digest.withUnsafeMutableBufferPointer { mac.mac(m, into: $0.baseAddress!) } }
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(entity.utf8.count + 27)
        out.append(contentsOf: entity.utf8)
        out.append(contentsOf: ":tok:".utf8)
        for b in digest.prefix(10) {
            out.append(Self.hexDigits[Int(b >> 4)])
            out.append(Self.hexDigits[Int(b & 15)])
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}

/// The `token` operator in the operator table: a `PseudonymTokenizer` under the token subkey.
public struct TokenOperator: TransformOperator {
    public static let name = "token"
    public static let keyPurpose: KeyPurpose? = .token
    public static let cacheable = true
    let tokenizer: PseudonymTokenizer

    public init(policy: TransformPolicy, key: DerivedKey?) throws(TransformError) {
        tokenizer = try PseudonymTokenizer(key: try key.required(by: Self.name))
    }

    public func replacement(_ value: UnsafeBufferPointer<UInt8>, entity: String, traits: EntityTraits) -> [UInt8]? {
        tokenizer.token(entity: entity, value: value, identifier: traits.identifier)
    }
}
