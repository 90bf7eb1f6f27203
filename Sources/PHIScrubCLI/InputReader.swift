import PHIScan
import PHIScrub
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// Reads inputs with `read(2)` in large chunks and feeds a stream scanner; one scanner per input so offsets and
/// a last line without a newline stay per file.
enum InputReader {
    static let chunkSize = 256 * 1024

    /// Opens `path` (`-` = standard input) for reading; errors name it as `display` (its redacted form).
    static func open(_ path: String, display: String? = nil) throws -> Int32 {
        if path == "-" { return 0 }
        let shown = display ?? path
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw CLIError("\(shown): \(String(cString: strerror(errno)))") }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CLIError("\(shown): is a directory")
        }
        return fd
    }

    /// An input the filter and `scan` cannot read as text, recognised from its first bytes: it would otherwise pass
    /// through unscanned (gzip) or with every ASCII character split by NUL bytes, so no rule matches (UTF-16).
    struct Refused: Error {
        var message: String
    }

    /// Throws `Refused` when `first` (the first bytes read from `name`) is gzip, zstd or UTF-16/UTF-32 text.
    static func sniff(_ first: UnsafeBufferPointer<UInt8>, name: String) throws {
        let shown = name == "-" ? "standard input" : name
        if first.count >= 2 && first[0] == 0x1F && first[1] == 0x8B {
            throw Refused(message: "\(shown): gzip-compressed input is not scanned by the filter; decompress it "
                          + "(zcat FILE | phiscrub) or clean it with phiscrub batch, which reads and writes .gz")
        }
        if first.count >= 4 && first[0] == 0x28 && first[1] == 0xB5 && first[2] == 0x2F && first[3] == 0xFD {
            throw Refused(message: "\(shown): zstd-compressed input is not scanned by the filter; decompress it "
                          + "(zstdcat FILE | phiscrub) or clean it with phiscrub batch, which reads and writes .zst")
        }
        let utf32 = first.count >= 4 && ((first[0] == 0xFF && first[1] == 0xFE && first[2] == 0 && first[3] == 0)
                                          || (first[0] == 0 && first[1] == 0 && first[2] == 0xFE && first[3] == 0xFF))
        let bom = first.count >= 2 && ((first[0] == 0xFF && first[1] == 0xFE) || (first[0] == 0xFE && first[1] == 0xFF))
        if utf32 || bom || looksNULInterleaved(first) {
            throw Refused(message: "\(shown): input is \(utf32 ? "UTF-32" : "UTF-16") text (\(bom || utf32 ? "byte order mark" : "every other byte NUL")), "
                          + "which the rules cannot read; convert it first (iconv -f \(utf32 ? "UTF-32" : "UTF-16") -t UTF-8 FILE | phiscrub)")
        }
    }

    /// UTF-16 without a byte order mark: in a sample of at least 16 bytes, 90 % of the bytes at one parity are NUL
    /// and under 10 % at the other (ASCII in UTF-16LE or BE). Logs with a few NUL bytes do not come near it.
    static func looksNULInterleaved(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(b.count, 4096) & ~1
        guard n >= 16 else { return false }
        var even = 0, odd = 0
        for i in stride(from: 0, to: n, by: 2) {
            if b[i] == 0 { even += 1 }
            if b[i + 1] == 0 { odd += 1 }
        }
        let pairs = n / 2
        return (odd * 10 >= pairs * 9 && even * 10 < pairs) || (even * 10 >= pairs * 9 && odd * 10 < pairs)
    }

    /// Flush-on-idle (`--flush-idle`): when no input arrived for `millis`, these outputs are flushed before the
    /// next read blocks, so a line from `tail -F` shows within that time without `--line-buffered`.
    struct IdleFlush {
        var millis: Int32
        var outputs: [FileOutput]
        /// `--line-buffered`: flush after each read's lines are written, not only when the input is quiet.
        var everyRead = false
        /// `--append`: on SIGHUP, reopen the output files by name (after logrotate moved them).
        var reopen: (() throws -> Void)?

        /// Reopens the outputs when a SIGHUP arrived (called between reads: every line written so far is whole).
        func reopenIfAsked() throws {
            if let reopen, Interruption.takeHangup() { try reopen() }
        }

        func afterRead() throws {
            if everyRead { for o in outputs { try o.flush() } }
        }

        /// Flushes (after `millis` of quiet on `fd`) whatever is buffered; for pipes and terminals only.
        func wait(_ fd: Int32, active: Bool) throws {
            guard active, millis > 0, outputs.contains(where: \.hasPending), !IdleWait.readable(fd, millis: millis) else { return }
            for o in outputs { try o.flush() }
        }

        func applies(to fd: Int32) -> Bool { millis > 0 && !IdleWait.isRegularFile(fd) }
    }

    /// Feeds all of `fd` through `router` (JSON lines to the rewriter, the rest to its stream) into `sink`.
    static func pump<S: ScanSink>(fd: Int32, name: String, router: FormatRouter, sink: inout S,
                                  buffer: inout [UInt8], idle: IdleFlush? = nil) throws {
        try readChunks(fd: fd, name: name, buffer: &buffer, idle: idle) { try router.feed($0, into: &sink) }
        try router.finish(into: &sink)
    }

    /// Reads all of `fd` in chunks (the first sniffed), stopping at a stop signal.
    private static func readChunks(fd: Int32, name: String, buffer: inout [UInt8], idle: IdleFlush?,
                             _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if buffer.count < chunkSize { buffer = [UInt8](repeating: 0, count: chunkSize) }
        var first = true
        let idleActive = idle?.applies(to: fd) ?? false
        while true {
            if Interruption.isSet {
                // What a pipe's writer already handed over (rsyslog counts it sent) is cleaned before stopping;
                // the unfinished last line is still dropped (the caller's finish never runs).
                let rest = StopDrain.take(fd)
                if !rest.isEmpty {
                    try rest.withUnsafeBufferPointer { r in
                        if first { try sniff(r, name: name) }
                        try body(r)
                    }
                }
                try Interruption.check()
            }
            try idle?.reopenIfAsked()
            try idle?.wait(fd, active: idleActive)
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError("\(name): read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            if first {
                first = false
                try buffer.withUnsafeBufferPointer { try sniff(UnsafeBufferPointer(rebasing: $0[0..<n]), name: name) }
            }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            try idle?.afterRead()
        }
    }

    /// Feeds all of `fd` through `stream` into `sink`. A stop signal ends the read: what was fed is written and the
    /// unfinished last line is dropped (`readChunks` throws before `finish`).
    static func pump<S: ScanSink>(fd: Int32, name: String, stream: StreamScanner, sink: inout S,
                                  buffer: inout [UInt8], idle: IdleFlush? = nil) throws {
        try readChunks(fd: fd, name: name, buffer: &buffer, idle: idle) { try stream.feed($0, into: &sink) }
        try stream.finish(into: &sink)
    }
}
