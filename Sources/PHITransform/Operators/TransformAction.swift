/// What happens to one finding in the output.
public enum TransformAction: String, Sendable, CaseIterable {
    /// `[SSN]`: the entity type only.
    case redact
    /// `***-**-6789`: every letter and digit but the last N becomes `*`; separators stay.
    case mask
    /// `[SSN:tok:…]`: a keyed, deterministic pseudonym. One value gives one token under one key.
    case token
    /// `[ENC:SSN:k1:…]`: AES-256-GCM ciphertext bound to the data context; `phiscrub reveal` reverses it.
    case encrypt
    /// Dates moved by a per-subject offset, format kept; other entities are redacted.
    case shift
    /// Safe Harbor generalisation: dates to the year, ZIP to its first three digits, ages over 89 to `90+`;
    /// other entities are redacted.
    case generalize
    /// The value passes through unchanged (a role that may see it in clear). Still counted and audited.
    case keep

    /// Every operator name, in declaration order: the one list help text, schemas, messages and the example
    /// configuration are made from (`docs/` and README.md are checked against it by a test).
    public static let names: [String] = allCases.map(\.rawValue)

    /// The names joined for prose: `redact, mask, ..., generalize, keep`, or with `or` before the last one.
    public static func listed(lastJoiner: String = ", ") -> String {
        names.dropLast().joined(separator: ", ") + lastJoiner + names[names.count - 1]
    }

    /// True for the actions that need key material.
    public var needsKeys: Bool {
        switch self {
        case .token, .encrypt, .shift: return true
        case .redact, .mask, .generalize, .keep: return false
        }
    }
}

/// A failure to transform a finding. Never holds the value.
public struct TransformError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: Sendable {
        /// The policy (from YAML or flags) is malformed.
        case invalidPolicy
        /// An operator that needs keys has none, or the keys could not be used.
        case keys
        /// Encryption failed; the value must not be written.
        case encryption
    }
    public var code: Code
    public var message: String
    public var description: String { message }

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}
