import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File operations of the audit log: segment names, whole-file reads, complete writes.
public enum AuditFiles {
    static let segmentPrefix = "audit-"
    static let segmentSuffix = ".jsonl"
    static let lockName = "audit.lock"

    /// `audit-000001.jsonl` for index 1.
    public static func segmentName(_ index: Int) -> String {
        let digits = String(index)
        return segmentPrefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + segmentSuffix
    }

    static func segmentIndex(_ name: String) -> Int? {
        guard name.hasPrefix(segmentPrefix), name.hasSuffix(segmentSuffix) else { return nil }
        let digits = name.dropFirst(segmentPrefix.count).dropLast(segmentSuffix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Segment indices present in `directory`, ascending.
    public static func segments(in directory: String) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap(segmentIndex).sorted()
    }

    static func errno() -> String { String(cString: strerror(Glibc.errno)) }

    /// The whole file, or nil when it does not exist or cannot be read.
    static func read(_ path: String, from offset: Int = 0) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var pos = off_t(offset)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, pos) }
            if n < 0 { if Glibc.errno == EINTR { continue }; return nil }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
            pos += off_t(n)
        }
        return out
    }

    /// The size of a file in bytes, nil when it does not exist.
    public static func size(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    /// Writes all of `bytes` (one `write` call for a record in practice; loops on short writes).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], name: String) throws(AuditError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw AuditError(code: .io, message: "\(name): write failed: \(errno())")
            }
            offset += n
        }
    }
}
