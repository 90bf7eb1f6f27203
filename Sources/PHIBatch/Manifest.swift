#if canImport(Glibc)
import Glibc
#endif

/// The record of finished inputs in the output directory (`.phiscrub-manifest.jsonl`): one JSON line per file
/// (relative path, size, SHA-256 of the input as stored), appended right after the file's output is renamed into
/// place. A re-run skips inputs whose size and hash match their entry and whose output exists. A torn last line
/// (a run killed while appending) is ignored, so that file is simply cleaned again. At the end of a run the
/// manifest is rewritten sorted, so an interrupted-and-resumed run leaves the same manifest as an uninterrupted one.
final class Manifest {
    static let fileName = ".phiscrub-manifest.jsonl"

    /// One finished input.
    struct Entry: Equatable {
        var path: String
        var size: Int
        var sha256: String

        var jsonLine: String {
            JSONText.object([("path", JSONText.quote(path)), ("size", "\(size)"), ("sha256", JSONText.quote(sha256))])
        }
    }

    let path: String
    private(set) var entries: [String: Entry] = [:]
    private var fd: Int32 = -1

    /// Loads the manifest in `directory` (if any) and opens it for appending.
    init(directory: String) throws(BatchError) {
        path = directory + "/" + Manifest.fileName
        if let text = Manifest.readAll(path) {
            for line in text.split(separator: 0x0A) {
                if let e = Manifest.parse(Array(line)) { entries[e.path] = e }
            }
        }
        // O_NOFOLLOW: a link planted under the manifest's name must not lead appends outside --out.
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 { throw BatchError(.writeFailed, "\(path): cannot open: \(String(cString: strerror(errno)))") }
        // A torn last line would glue onto the next record: start appending on a fresh line.
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0, let text = Manifest.readAll(path), text.last != 0x0A {
            _ = "\n".withCString { write(fd, $0, 1) }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Records a finished input (one `write(2)`, so concurrent appends never interleave).
    func append(_ entry: Entry) throws(BatchError) {
        entries[entry.path] = entry
        let line = Array((entry.jsonLine + "\n").utf8)
        let n = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n != line.count { throw BatchError(.writeFailed, "\(path): append failed: \(String(cString: strerror(errno)))") }
    }

    /// Rewrites the manifest sorted by path (temporary file, fsync, rename).
    func compact() throws(BatchError) {
        let text = entries.keys.sorted().map { entries[$0]!.jsonLine + "\n" }.joined()
        let tmp = path + AtomicOutput.tempSuffix
        let out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if out < 0 { throw BatchError(.writeFailed, "\(tmp): cannot create: \(String(cString: strerror(errno)))") }
        defer { close(out) }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(out, $0.baseAddress, $0.count) }
            if n <= 0 { throw BatchError(.writeFailed, "\(tmp): write failed: \(String(cString: strerror(errno)))") }
            off += n
        }
        guard fsync(out) == 0, rename(tmp, path) == 0 else {
            throw BatchError(.writeFailed, "\(path): cannot replace: \(String(cString: strerror(errno)))")
        }
    }

    static func readAll(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Parses one manifest line; nil for anything malformed (a torn line).
    static func parse(_ line: [UInt8]) -> Entry? {
        line.withUnsafeBufferPointer { p -> Entry? in
            var v = EntryVisitor(text: p)
            var w = JSONWalker(p)
            guard (try? w.walk(&v)) != nil, let path = v.path, let size = v.size, let sha = v.sha256,
                  sha.count == 64 else { return nil }
            return Entry(path: path, size: size, sha256: sha)
        }
    }

    private struct EntryVisitor: JSONVisitor {
        var text: UnsafeBufferPointer<UInt8>
        var key = ""
        var path: String?
        var size: Int?
        var sha256: String?

        init(text: UnsafeBufferPointer<UInt8>) { self.text = text }
        mutating func beginObject(at offset: Int) {}
        mutating func endObject() {}
        mutating func beginArray() {}
        mutating func endArray() {}
        mutating func key(_ content: Range<Int>, hasEscapes: Bool) { key = decode(content, hasEscapes) }
        mutating func string(_ content: Range<Int>, hasEscapes: Bool) {
            if key == "path" { path = decode(content, hasEscapes) }
            if key == "sha256" { sha256 = decode(content, hasEscapes) }
        }
        mutating func scalar(_ range: Range<Int>) {
            if key == "size" { size = Int(String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)) }
        }
        func decode(_ r: Range<Int>, _ escapes: Bool) -> String {
            var d: [UInt8] = []
            var u: [Int32] = []
            let raw = UnsafeBufferPointer(rebasing: text[r])
            if escapes { JSONString.decode(raw, into: &d, units: &u) } else { d = Array(raw) }
            return String(decoding: d, as: UTF8.self)
        }
    }
}
