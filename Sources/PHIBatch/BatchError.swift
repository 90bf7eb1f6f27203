/// Why one file could not be cleaned. The message names the file and the position, never its content.
public struct BatchError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, for the report's `reason` and for the exit status.
    public enum Code: String, Sendable {
        case unreadable, vanished, binary, invalidJSON = "invalid_json", tooLarge = "too_large"
        case corruptGzip = "corrupt_gzip", corruptZstd = "corrupt_zstd", writeFailed = "write_failed", transformFailed = "transform_failed"
        case pathCollision = "path_collision", io
        /// An output that is, or resolves to, an input (same device and inode), or the output directory is an input
        /// directory: refused before anything is written.
        case outputIsInput = "output_is_input"
        /// The output path leads outside the output directory (a symbolic link under --out).
        case unsafeOutput = "unsafe_output"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
