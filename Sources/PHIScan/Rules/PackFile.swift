import Glibc

/// Reads a rule pack or a name dictionary whole, straight into one byte array: `read(2)` into the array's storage,
/// sized by `fstat`, with no `Data` in between (the 2 MB name dictionary is read at every start, and going through
/// `Data` copied it twice). Only a regular file is read (a FIFO or a device would block the load for ever or never
/// end). A file that grows while it is read is read to its end; one that shrinks ends early.
enum PackFile {
    /// The file's bytes; nil when it cannot be opened or read.
    static func bytes(atPath path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        // One byte more than the size, so a file read to the last byte of the buffer is known to have grown.
        let size = max(Int(st.st_size), 0) + 1
        var failed = false
        var out = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = read(fd, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true; return }
                if n == 0 { return }
                count += n
            }
        }
        if failed { return nil }
        if out.count < size { return out }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
