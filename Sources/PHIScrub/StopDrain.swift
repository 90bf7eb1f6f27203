#if canImport(Glibc)
import Glibc
#endif

/// What a stopped filter still owes its writer. When SIGTERM or SIGINT stops a filter that reads a pipe or a
/// socket, the bytes the writer already put into it were delivered as far as the writer knows (rsyslog's `omprog`
/// counts a message as sent once `write(2)` returned); if the filter just exited they would be lost with the pipe.
/// `take` reads what the pipe holds right now without waiting, and then lets go of the pipe (the descriptor is
/// pointed at /dev/null), so a write after that fails with EPIPE and the writer sends it again, to the next
/// process. Regular files and terminals are left alone (a stop means stop).
public enum StopDrain {
    /// The bytes readable from `fd` without blocking (at most `limit`), when `fd` is a pipe or a socket; empty
    /// otherwise. Afterwards `fd` reads /dev/null.
    public static func take(_ fd: Int32, limit: Int = 16 << 20) -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFIFO || (st.st_mode & S_IFMT) == S_IFSOCK else {
            return []
        }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { return [] }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, limit - out.count)) }
            if n > 0 {
                out.append(contentsOf: chunk[0..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break  // EAGAIN: empty for now; 0: the writer closed it
            }
        }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null >= 0 {
            dup2(null, fd)
            close(null)
        }
        return out
    }
}
