#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where transformed bytes go.
public protocol ByteOutput {
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError)
    mutating func flush() throws(OutputError)
}

extension ByteOutput {
    /// Writes a byte array.
    @inline(__always)
    public mutating func write(_ bytes: [UInt8]) throws(OutputError) {
        try bytes.withUnsafeBufferPointer { (b) throws(OutputError) in try write(b) }
    }
}

/// Why output failed. A broken pipe is its own case: the filter exits 0 quietly on it.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable { case brokenPipe, ioError }
    public var code: Code
    /// The errno text; never data.
    public var message: String
    public var description: String { message }
}

/// A buffered writer over a file descriptor (256 KiB buffer; `write(2)` retried on EINTR and partial writes).
public final class FileOutput: ByteOutput {
    let fd: Int32
    /// The buffer: raw memory, so a write of a few bytes is one bounds check and one copy (no array uniqueness or
    /// exclusivity checks per call).
    let buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var count = 0
    let capacity: Int
    /// Name for error messages (a path or "stdout").
    public let name: String

    /// Write only whole lines when the buffer fills (the rest stays buffered): several writers appending to one
    /// file with `O_APPEND` then never cut into each other's lines (`--append`). `flush` still writes everything.
    /// Set before the first write; unchecked, as `count` is, so `write` makes no runtime exclusivity check (it cost
    /// 85 instructions a call, 1 % of the filter's instructions on the log benchmark).
    @exclusivity(unchecked) public var lineAligned = false

    /// Whether bytes are buffered that `flush` would write.
    public var hasPending: Bool { count > 0 }

    public init(fd: Int32, name: String, capacity: Int = 256 * 1024) {
        self.fd = fd
        self.name = name
        self.capacity = max(1, capacity)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        guard let source = bytes.baseAddress else { return }
        if lineAligned && count + bytes.count > capacity {
            var cut = count
            while cut > 0 && buffer[cut - 1] != 0x0A { cut -= 1 }
            if cut > 0 {
                let rest = count - cut
                defer {
                    memmove(buffer, buffer + cut, rest)
                    count = rest
                }
                try writeAll(UnsafeBufferPointer(start: buffer, count: cut))
            }
        }
        if count + bytes.count > capacity {
            try flushBuffer()
            if bytes.count >= capacity {
                try writeAll(bytes)
                return
            }
        }
        (buffer + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    public func flush() throws(OutputError) { try flushBuffer() }

    /// Writes a byte array.
    public func write(_ bytes: [UInt8]) throws(OutputError) {
        try bytes.withUnsafeBufferPointer { (b) throws(OutputError) in try write(b) }
    }

    func flushBuffer() throws(OutputError) {
        if count == 0 { return }
        // The buffer is emptied even when the write fails: the error ends the run, and a retry must not repeat bytes.
        defer { count = 0 }
        try writeAll(UnsafeBufferPointer(start: buffer, count: count))
    }

    func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EPIPE { throw OutputError(code: .brokenPipe, message: "\(name): broken pipe") }
                throw OutputError(code: .ioError, message: "\(name): write failed: \(String(cString: strerror(e)))")
            }
            p += n
            left -= n
        }
    }
}

/// Collects output in memory (library calls, tests).
public struct MemoryOutput: ByteOutput {
    public var bytes: [UInt8] = []
    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }
    public mutating func write(_ b: UnsafeBufferPointer<UInt8>) throws(OutputError) { bytes.append(contentsOf: b) }
    public mutating func flush() throws(OutputError) {}
}
