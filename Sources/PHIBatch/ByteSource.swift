import CZlib
import PHICompliance
import PHIScrub
#if canImport(Glibc)
import Glibc
import PHILock
#endif

/// Reads an input file in chunks, decompressing `.gz` and `.zst` files, and hashes the bytes as stored (the manifest's content
/// hash) on the way.
final class ByteSource {
    let fd: Int32
    let path: String
    /// Bytes read from the file (compressed size for `.gz` and `.zst`).
    private(set) var rawBytes = 0
    private var digest: SHA256
    private var inflater: (any StreamDecoder)?
    /// Counts the bytes read as they are read (the progress line); nil for none.
    var counter: ByteCounter?
    private var raw: [UInt8]
    private let chunk: Int
    static let maxChunk = 256 * 1024

    /// Opens `path`; a file that is gone is `vanished`, any other failure `unreadable`. `sizeHint` (the size the
    /// walk saw) keeps the read buffer small for small files.
    init(path: String, compression: Compression = .none, sizeHint: Int = ByteSource.maxChunk) throws(BatchError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            throw BatchError(e == ENOENT ? .vanished : .unreadable, "\(path): \(String(cString: strerror(e)))")
        }
        self.fd = fd
        self.path = path
        digest = SHA256()
        chunk = min(ByteSource.maxChunk, max(4096, (sizeHint + 4096) & ~4095))
        raw = [UInt8](repeating: 0, count: chunk)
        do { inflater = try compression.makeDecoder() } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Appends up to about one chunk of (decompressed) bytes to `out`; returns false at the end of the input.
    func read(into out: inout [UInt8]) throws(BatchError) -> Bool {
        while true {
            if let inflater, inflater.hasPending {
                try inflater.inflate(into: &out, path: path)
                return true
            }
            let n = raw.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BatchError(.unreadable, "\(path): read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                if let inflater { try inflater.end(path: path) }
                return false
            }
            rawBytes += n
            counter?.add(n)
            raw.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if let inflater {
                inflater.feed(raw, count: n)
                try inflater.inflate(into: &out, path: path)
            } else {
                out.append(contentsOf: raw[0..<n])
            }
            return true
        }
    }

    /// Hex SHA-256 of the bytes read so far (call once, at the end).
    func finishDigest() -> String {
        var d = SHA256()
        swap(&d, &digest)
        return Hex.encode(d.finalize())
    }

    /// Hex SHA-256 and size of a whole file, without decompressing.
    static func hashFile(_ path: String) throws(BatchError) -> (size: Int, sha256: String) {
        let src = try ByteSource(path: path)
        var sink: [UInt8] = []
        while try src.read(into: &sink) { sink.removeAll(keepingCapacity: true) }
        return (src.rawBytes, src.finishDigest())
    }
}

/// A gzip decompressor (zlib); multi-member files (concatenated gzip streams) are read to the end.
final class Inflater {
    private var stream = z_stream()
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var out = [UInt8](repeating: 0, count: 256 * 1024)
    private var streamEnded = false
    private var sawData = false

    init() throws(BatchError) {
        guard phs_inflate_init_gzip(&stream) == Z_OK else { throw BatchError(.io, "zlib inflateInit failed") }
    }

    deinit { inflateEnd(&stream) }

    /// The last call filled the whole output buffer, so zlib may hold more output.
    private var outputFull = false

    var hasPending: Bool { inputOffset < input.count || outputFull }

    func feed(_ bytes: [UInt8], count: Int) {
        input.removeAll(keepingCapacity: true)
        input.append(contentsOf: bytes[0..<count])
        inputOffset = 0
        sawData = true
    }

    /// Inflates what it can of the pending input into `dest` (at most one output buffer per call).
    func inflate(into dest: inout [UInt8], path: String) throws(BatchError) {
        guard hasPending else { return }
        if streamEnded && inputOffset < input.count {
            // Another gzip member follows.
            guard inflateReset(&stream) == Z_OK else { throw BatchError(.corruptGzip, "\(path): gzip reset failed") }
            streamEnded = false
        }
        let produced: Int
        let rc: Int32
        (produced, rc) = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = inp.baseAddress.map { $0 + inputOffset }
                stream.avail_in = UInt32(inp.count - inputOffset)
                stream.next_out = o.baseAddress
                stream.avail_out = UInt32(o.count)
                let rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                inputOffset = inp.count - Int(stream.avail_in)
                return (o.count - Int(stream.avail_out), rc)
            }
        }
        outputFull = produced == out.count && rc == Z_OK
        if rc == Z_STREAM_END {
            streamEnded = true
        } else if rc != Z_OK && rc != Z_BUF_ERROR {
            throw BatchError(.corruptGzip, "\(path): not a valid gzip stream (zlib error \(rc))")
        }
        dest.append(contentsOf: out[0..<produced])
    }

    /// At end of file: a stream cut short is an error.
    func end(path: String) throws(BatchError) {
        if !streamEnded {
            throw BatchError(.corruptGzip, sawData ? "\(path): gzip stream is truncated" : "\(path): empty gzip file")
        }
    }
}

/// Bytes read by the workers so far, for the progress line (files in progress count as they are read).
final class ByteCounter: @unchecked Sendable {
    private let lock = Lock()
    private var total = 0
    private var started: Double?
    func add(_ n: Int) {
        lock.withLock {
            if started == nil { started = monotonicSeconds() }
            total += n
        }
    }
    func reset() { lock.withLock { total = 0; started = nil } }
    var value: Int { lock.withLock { total } }
    /// Bytes read of the current file and seconds since its first read, or nil before one.
    var sample: (bytes: Int, seconds: Double)? {
        lock.withLock { started.map { (total, monotonicSeconds() - $0) } }
    }
}
