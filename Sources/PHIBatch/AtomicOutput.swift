import CZlib
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// An output file written under a temporary name in the same directory (`.NAME.phiscrub-tmp`), fsynced, and
/// renamed over `NAME` only when complete, so a run killed at any point never leaves a partial file under the
/// output name. Created with `mode` exactly (umask does not apply), parent directories with 0700.
final class AtomicOutput {
    let path: String
    let tempPath: String
    private let fd: Int32
    private var file: FileOutput
    private var deflater: (any StreamEncoder)?
    private var committed = false
    /// Bytes written (compressed size for `.gz` and `.zst`).
    private(set) var bytesWritten = 0

    /// Suffix of temporary files; a new run removes stale ones left by a killed run.
    static let tempSuffix = ".phiscrub-tmp"

    /// Whether `commit` fsyncs the data before the rename (durable against a power loss, not only a killed run).
    private let sync: Bool

    init(path: String, mode: mode_t, compression: Compression = .none, sync: Bool = true) throws(BatchError) {
        self.path = path
        self.sync = sync
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        tempPath = dir + "/." + name + AtomicOutput.tempSuffix
        try FileSystem.makeDirectories(dir)
        // O_NOFOLLOW: a link planted under the temporary name must not lead the write elsewhere.
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        if fd < 0 { throw BatchError(.writeFailed, "\(path): cannot create: \(String(cString: strerror(errno)))") }
        fchmod(fd, mode)
        self.fd = fd
        file = FileOutput(fd: fd, name: path)
        deflater = try compression.makeEncoder()
    }

    deinit {
        close(fd)
        if !committed { unlink(tempPath) }
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(BatchError) {
        if let deflater {
            try deflater.encode(bytes, finish: false, into: file)
            return
        }
        do { try file.write(bytes) } catch { throw BatchError(.writeFailed, error.message) }
    }

    func write(_ bytes: [UInt8]) throws(BatchError) {
        try bytes.withUnsafeBufferPointer { (b) throws(BatchError) in try write(b) }
    }

    /// Flushes, fsyncs (unless told not to) and renames the file into place.
    func commit() throws(BatchError) {
        if let deflater { try deflater.encode(UnsafeBufferPointer(start: nil, count: 0), finish: true, into: file) }
        do { try file.flush() } catch { throw BatchError(.writeFailed, error.message) }
        var st = stat()
        if fstat(fd, &st) == 0 { bytesWritten = Int(st.st_size) }
        guard !sync || fsync(fd) == 0 else { throw BatchError(.writeFailed, "\(path): fsync failed: \(String(cString: strerror(errno)))") }
        guard rename(tempPath, path) == 0 else {
            throw BatchError(.writeFailed, "\(path): rename failed: \(String(cString: strerror(errno)))")
        }
        committed = true
    }
}

/// A gzip compressor (zlib, level 6, mtime 0 so output is reproducible).
final class Deflater {
    private var stream = z_stream()
    private var out = [UInt8](repeating: 0, count: 256 * 1024)

    init() throws(BatchError) {
        guard phs_deflate_init_gzip(&stream, 6) == Z_OK else { throw BatchError(.io, "zlib deflateInit failed") }
    }

    deinit { deflateEnd(&stream) }

    func deflate(_ bytes: UnsafeBufferPointer<UInt8>, finish: Bool, into file: FileOutput) throws(OutputError) {
        stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress)
        stream.avail_in = UInt32(bytes.count)
        while true {
            let produced = out.withUnsafeMutableBufferPointer { o -> Int in
                stream.next_out = o.baseAddress
                stream.avail_out = UInt32(o.count)
                _ = CZlib.deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                return o.count - Int(stream.avail_out)
            }
            if produced > 0 { try out.withUnsafeBufferPointer { (o) throws(OutputError) in try file.write(UnsafeBufferPointer(rebasing: o[0..<produced])) } }
            if produced < out.count && stream.avail_in == 0 { return }
        }
    }
}

/// Directory helpers.
enum FileSystem {
    /// `mkdir -p` with mode 0700 for the directories it creates.
    static func makeDirectories(_ path: String) throws(BatchError) {
        if path.isEmpty || path == "." || path == "/" { return }
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { return }
            throw BatchError(.writeFailed, "\(path): exists and is not a directory")
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw BatchError(.writeFailed, "\(path): cannot create directory: \(String(cString: strerror(errno)))")
        }
    }

    /// Why writing `relative` under `root` could land outside `root`: a component that is a symbolic link (or not
    /// a directory), or a final name that is a link. Nil when every existing component is a plain directory.
    static func linkInPath(under root: String, relative: String) -> String? {
        let parts = relative.split(separator: "/").map(String.init)
        var path = root
        for (i, part) in parts.enumerated() {
            path += "/" + part
            var st = stat()
            guard lstat(path, &st) == 0 else { return nil }  // not there yet: created as a directory by us
            let type = st.st_mode & S_IFMT
            if type == S_IFLNK { return "\(path) is a symbolic link" }
            if i < parts.count - 1 && type != S_IFDIR { return "\(path) is not a directory" }
        }
        return nil
    }
}
