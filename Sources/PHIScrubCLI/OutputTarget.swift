import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// An `-o` / `--findings` file that never looks complete before it is: the bytes go to a temporary name in the same
/// directory (`.NAME.phiscrub-tmp-XXXXXX`, mode 0600) and `commit` renames it over `NAME` only after the whole run
/// succeeded. A full disk, an unreadable input, a key failure or a stop signal leaves no file under the final name
/// (and an existing file there unchanged); the temporary is removed. Standard output, devices and FIFOs are
/// written directly (there is nothing to rename).
final class OutputTarget {
    let output: FileOutput
    private let fd: Int32
    private let tempPath: String?
    private let finalPath: String?
    private var committed = false
    /// The path of an `--append` file (reopened on SIGHUP).
    private var appendPath: String?

    private init(output: FileOutput, fd: Int32, tempPath: String?, finalPath: String?) {
        self.output = output
        self.fd = fd
        self.tempPath = tempPath
        self.finalPath = finalPath
    }

    deinit {
        if let tempPath, !committed { unlink(tempPath) }
        if fd > 2 { close(fd) }
    }

    /// Opens `path` (nil or `-`: standard output). With `append` (`--append`: a log that several runs, or a
    /// restarted child, keep writing) the file is opened in place with `O_APPEND` and never truncated: there is no
    /// temporary, what was written stays, and the buffer is written in whole lines so concurrent appenders do not
    /// cut into each other's lines.
    static func open(_ path: String?, append: Bool = false) throws -> OutputTarget {
        guard let path, path != "-" else {
            return OutputTarget(output: FileOutput(fd: 1, name: "stdout"), fd: 1, tempPath: nil, finalPath: nil)
        }
        if append {
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            if fd < 0 { throw CLIError("\(path): cannot open for appending: \(String(cString: strerror(errno)))") }
            var st = stat()
            if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw CLIError("\(path): is a directory")
            }
            let output = FileOutput(fd: fd, name: path)
            output.lineAligned = true
            let target = OutputTarget(output: output, fd: fd, tempPath: nil, finalPath: nil)
            target.appendPath = path
            return target
        }
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            // /dev/null, a FIFO, a terminal: written in place (a directory fails here with a clear error).
            let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw CLIError("\(path): cannot open for writing: \(String(cString: strerror(errno)))") }
            return OutputTarget(output: FileOutput(fd: fd, name: path), fd: fd, tempPath: nil, finalPath: nil)
        }
        // A link to a regular file keeps being a link: the file it names is replaced.
        var target = path
        var lst = stat()
        if lstat(path, &lst) == 0 && (lst.st_mode & S_IFMT) == S_IFLNK, let real = realpath(path, nil) {
            target = String(cString: real)
            free(real)
        }
        let slash = target.lastIndex(of: "/")
        let dir = slash.map { String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var template = Array(((dir.isEmpty ? "" : dir) + "/." + name + ".phiscrub-tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw CLIError("\(path): cannot open for writing: \(String(cString: strerror(errno)))") }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o600)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return OutputTarget(output: FileOutput(fd: fd, name: path), fd: fd, tempPath: temp, finalPath: target)
    }

    /// `--append` only: writes what is buffered to the file open now, then opens `path` again (a new file if
    /// logrotate moved the old one away) on the same descriptor number, so writers holding it go on unchanged.
    func reopen() throws {
        guard let path = appendPath else { return }
        do { try output.flush() } catch { throw CLIError(error.message) }
        let fresh = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fresh < 0 { throw CLIError("\(path): cannot reopen for appending: \(String(cString: strerror(errno)))") }
        defer { close(fresh) }
        guard dup2(fresh, fd) >= 0 else {
            throw CLIError("\(path): cannot reopen for appending: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    /// Flushes; for a file, fsyncs and renames the temporary over the final name.
    func commit() throws {
        do { try output.flush() } catch { throw CLIError(error.message) }
        guard let tempPath, let finalPath, !committed else { return }
        guard fsync(fd) == 0 else { throw CLIError("\(output.name): fsync failed: \(String(cString: strerror(errno)))") }
        guard rename(tempPath, finalPath) == 0 else {
            throw CLIError("\(output.name): cannot rename into place: \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    /// Whether the bytes go straight to their destination (standard output, a device): what was written stays.
    var isDirect: Bool { tempPath == nil }
}
