#if canImport(Glibc)
import Glibc
#endif

/// The file system's append-only inode flag (`chattr +a`, `FS_IOC_SETFLAGS` with `FS_APPEND_FL`). Setting it
/// needs `CAP_LINUX_IMMUTABLE` and a file system that supports it; callers record whether it worked.
public enum AppendOnlyFlag {
    static let getFlags: UInt = 0x8008_6601  // FS_IOC_GETFLAGS
    static let setFlags: UInt = 0x4008_6602  // FS_IOC_SETFLAGS
    static let appendFlag = 0x20             // FS_APPEND_FL

    /// Sets the flag on an open file. Returns nil on success, or the reason it could not be set.
    public static func set(fd: Int32) -> String? {
        change(fd: fd, on: true)
    }

    /// Clears the flag (for tests and for an operator removing expired segments; needs the same capability).
    public static func clear(path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return String(cString: strerror(errno)) }
        defer { close(fd) }
        return change(fd: fd, on: false)
    }

    /// Whether the flag is set on `path`.
    public static func isSet(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return false }
        defer { close(fd) }
        var flags = 0
        return ioctl(fd, getFlags, &flags) == 0 && flags & appendFlag != 0
    }

    static func change(fd: Int32, on: Bool) -> String? {
        var flags = 0
        if ioctl(fd, getFlags, &flags) != 0 { return String(cString: strerror(errno)) }
        let wanted = on ? flags | appendFlag : flags & ~appendFlag
        if wanted == flags { return nil }
        var value = wanted
        if ioctl(fd, setFlags, &value) != 0 { return String(cString: strerror(errno)) }
        return nil
    }
}
