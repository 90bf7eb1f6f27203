/// A failure of the audit log itself (the directory, a segment, the lock, the head record). Messages name files,
/// never record contents.
public struct AuditError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: Sendable, Equatable {
        /// A file or directory could not be created, opened, locked, written or synced.
        case io
        /// The log's files are not in a state a writer can continue from.
        case corrupt
        /// No key to sign or check records with.
        case key
    }

    public var code: Code
    public var message: String
    public var description: String { message }

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}
