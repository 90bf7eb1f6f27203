import PHIScan
#if canImport(Glibc)
import Glibc
#endif

/// Reads inputs with `read(2)` in large chunks and feeds a stream scanner; one scanner per input so offsets and
/// a last line without a newline stay per file.
enum InputReader {
    static let chunkSize = 256 * 1024

    /// Opens `path` (`-` = standard input) for reading.
    static func open(_ path: String) throws -> Int32 {
        if path == "-" { return 0 }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw CLIError("\(path): \(String(cString: strerror(errno)))") }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CLIError("\(path): is a directory")
        }
        return fd
    }

    /// Feeds all of `fd` through `stream` into `sink`.
    static func pump<S: ScanSink>(fd: Int32, name: String, stream: StreamScanner, sink: inout S,
                                  buffer: inout [UInt8]) throws {
        if buffer.count < chunkSize { buffer = [UInt8](repeating: 0, count: chunkSize) }
        while true {
            // A stop signal: what was fed is written; the unfinished last line is dropped (never `finish`ed).
            try Interruption.check()
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError("\(name): read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            try buffer.withUnsafeBufferPointer { b in
                try stream.feed(UnsafeBufferPointer(rebasing: b[0..<n]), into: &sink)
            }
        }
        try stream.finish(into: &sink)
    }
}
