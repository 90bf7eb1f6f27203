/// Why one file could not be cleaned. The message names the file and the position, never its content.
public struct BatchError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, for the report's `reason` and for the exit status.
    public enum Code: String, Sendable {
        case unreadable, vanished, binary, invalidJSON = "invalid_json", tooLarge = "too_large"
        case corruptGzip = "corrupt_gzip", writeFailed = "write_failed", transformFailed = "transform_failed"
        case pathCollision = "path_collision", io
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
