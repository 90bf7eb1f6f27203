#if canImport(Glibc)
import Glibc
#endif

/// Where the filter reads its bytes from: a file descriptor (files, pipes, terminals) or memory.
///
/// `read` has `read(2)`'s contract, so the filter's loops keep their handling of `EINTR` (a stop signal arrived)
/// and of errors; `canIdle` and `waitReadable` serve flush-on-idle, which only a live stream needs.
public protocol FilterInput {
    /// Reads up to `buffer.count` bytes: the count read, 0 at the end of input, or -1 with `errno` set.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// Whether the input can go quiet (a pipe or a terminal). Regular files and memory never do.
    var canIdle: Bool { get }
    /// False when nothing arrived within `millis` (true when readable, at the end, or on an error or a signal:
    /// the read that follows reports those). Asked only when `canIdle`.
    func waitReadable(millis: Int32) -> Bool
    /// On a stop signal: what the input already holds, read without waiting (a pipe's writer counts those bytes as
    /// delivered; see `StopDrain`). Empty for inputs that owe nothing.
    func drainOnStop() -> [UInt8]
}

extension FilterInput {
    public func drainOnStop() -> [UInt8] { [] }
}

/// An open file descriptor. It is not closed here: whoever opened it closes it.
public struct FileDescriptorInput: FilterInput {
    public let fd: Int32
    public let canIdle: Bool

    public init(fd: Int32) {
        self.fd = fd
        self.canIdle = !IdleWait.isRegularFile(fd)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        Glibc.read(fd, buffer.baseAddress, buffer.count)
    }

    public func waitReadable(millis: Int32) -> Bool { IdleWait.readable(fd, millis: millis) }

    public func drainOnStop() -> [UInt8] { StopDrain.take(fd) }

    /// Opens `path` (`-` = standard input, descriptor 0) for reading; errors name it as `display` (its redacted
    /// form, see `FieldRedactor`).
    public static func open(_ path: String, display: String? = nil) throws(FilterError) -> FileDescriptorInput {
        if path == "-" { return FileDescriptorInput(fd: 0) }
        let shown = display ?? path
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FilterError(.open, "\(shown): \(String(cString: strerror(errno)))") }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            _ = Glibc.close(fd)
            throw FilterError(.open, "\(shown): is a directory")
        }
        return FileDescriptorInput(fd: fd)
    }

    /// Closes the descriptor unless it is standard input.
    public func close() {
        if fd != 0 { _ = Glibc.close(fd) }
    }
}

/// Bytes in memory, handed out `chunk` bytes per read (tests and library hosts; how input is cut never changes
/// the output).
public final class MemoryInput: FilterInput {
    let bytes: [UInt8]
    let chunk: Int
    var position = 0

    public init(_ bytes: [UInt8], chunk: Int = 1 << 18) {
        self.bytes = bytes
        self.chunk = max(1, chunk)
    }

    public var canIdle: Bool { false }
    public func waitReadable(millis: Int32) -> Bool { true }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(buffer.count, chunk, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
        position += n
        return n
    }
}

/// Why the filter could not go on. `message` names the input by its displayed (redacted) name and never holds
/// data; commands print it as it is.
public struct FilterError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable {
        /// An input could not be opened (the run goes on with the others).
        case open
        /// An input is not text the rules can read (gzip, UTF-16, UTF-32): nothing of it was written.
        case refused
        /// Reading failed.
        case read
        /// The audit log could not record a batch (fail closed: the run stops).
        case audit
        /// A findings report's temporary file could not be written or read back.
        case report
        /// A confirmation (`FilterOptions.confirmLines`) could not be written to standard output.
        case confirm
    }
    public var code: Code
    public var message: String
    public var description: String { message }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
