/// A failure to find, read, trust or use key material. Messages name files and versions, never key bytes.
public struct KeyError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure.
    public enum Code: Sendable, Equatable {
        /// No keyring file and no key in the environment.
        case missing
        /// The keyring file exists but is readable or writable by group or others, or owned by someone else.
        case insecurePermissions
        /// The keyring or environment value does not parse, or a key fails its integrity check.
        case corrupt
        /// A key version that the keyring does not hold (e.g. a token encrypted under a key since removed).
        case unknownVersion
        /// The newest key is older than the policy allows and the policy refuses it.
        case expired
        /// The keyring could not be read or written.
        case io
        /// `keys init` on a path that already holds a keyring.
        case alreadyExists
        /// The crypto layer failed while deriving a key.
        case crypto
    }
    public var code: Code
    public var message: String
    public var description: String { message }

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}
