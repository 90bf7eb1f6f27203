#if canImport(Glibc)
import Glibc
#endif

/// An input file the run will clean.
struct PlannedFile: Sendable {
    var input: String
    /// Path under the output directory.
    var relative: String
    var size: Int
    var format: InputFormat
    var compression: Compression
    /// Device and inode of the input (an output resolving to it is refused).
    var id: FileWalker.FileID
}

/// Walks the input arguments: files as given (output name: their base name) and directories recursively (output
/// names relative to the directory), following symbolic links. Directory loops through links, links that lead
/// nowhere, unreadable directories, non-regular files and names batch mode does not handle are reported, and the
/// walk goes on. The output directory itself is never entered.
struct FileWalker {
    var files: [PlannedFile] = []
    var reports: [BatchFileReport] = []
    private var seenDirectories: Set<FileID> = []
    private var relatives: Set<String> = []
    private var seenFiles: Set<FileID> = []
    private let exclude: FileID?
    private let followLinks: Bool
    private let filter: PathFilter
    /// The resolved path of the directory argument being walked (links inside must stay under it).
    private var root = ""

    struct FileID: Hashable, Sendable { var dev: UInt64; var ino: UInt64 }

    init(excluding output: String, followLinks: Bool = false, filter: PathFilter = PathFilter()) {
        var st = stat()
        exclude = stat(output, &st) == 0 ? FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)) : nil
        self.followLinks = followLinks
        self.filter = filter
    }

    private var asText: Bool { filter.asText }

    /// `path` with every symbolic link resolved, or nil.
    static func resolved(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    mutating func walk(_ inputs: [String]) {
        for raw in inputs {
            var input = raw
            while input.count > 1 && input.hasSuffix("/") { input.removeLast() }
            var st = stat()
            guard stat(input, &st) == 0 else {
                let e = errno
                fail(input, relative: baseName(input), e == ELOOP ? "symlink_loop" : e == ENOENT ? "not_found" : "unreadable",
                     "\(input): \(String(cString: strerror(e)))", skip: e == ELOOP)
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                root = FileWalker.resolved(input) ?? input
                directory(input, relative: "", st, ancestors: [])
            } else {
                // A file named on the command line is cleaned whatever --include and --exclude say.
                file(input, relative: baseName(input), st, named: true)
            }
        }
    }

    private func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private mutating func fail(_ input: String, relative: String, _ reason: String, _ message: String, skip: Bool = false) {
        var r = BatchFileReport(input: input, relative: relative, status: skip ? .skipped : .failed)
        r.reason = reason
        r.message = message
        reports.append(r)
    }

    private mutating func directory(_ path: String, relative: String, _ st: stat, ancestors: Set<FileID>) {
        let id = FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
        if id == exclude { return }
        if ancestors.contains(id) {
            fail(path, relative: relative, "symlink_loop", "\(path): directory loop through a symbolic link", skip: true)
            return
        }
        if !seenDirectories.insert(id).inserted {
            fail(path, relative: relative, "duplicate", "\(path): directory already walked through another path", skip: true)
            return
        }
        guard let dir = opendir(path) else {
            fail(path, relative: relative, "unreadable", "\(path): \(String(cString: strerror(errno)))")
            return
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        closedir(dir)
        var inner = ancestors
        inner.insert(id)
        for name in names.sorted() {
            let child = path == "/" ? "/" + name : path + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            if name.hasSuffix(AtomicOutput.tempSuffix) || name == Manifest.fileName {
                // Names a batch output directory uses for itself: never cleaned, but never silently passed over.
                fail(child, relative: rel, "reserved_name", "\(child): a batch temporary or manifest name, not cleaned",
                     skip: true)
                continue
            }
            var lst = stat()
            if !followLinks, lstat(child, &lst) == 0, (lst.st_mode & S_IFMT) == S_IFLNK,
               let target = FileWalker.resolved(child), target != root, !target.hasPrefix(root == "/" ? "/" : root + "/") {
                fail(child, relative: rel, "symlink_outside",
                     "\(child): symbolic link leads outside the input directory; not followed (--follow-links follows it)",
                     skip: true)
                continue
            }
            var cst = stat()
            guard stat(child, &cst) == 0 else {
                let e = errno
                switch e {
                case ELOOP: fail(child, relative: rel, "symlink_loop", "\(child): too many levels of symbolic links", skip: true)
                case ENOENT:
                    var lst = stat()
                    if lstat(child, &lst) == 0 {
                        fail(child, relative: rel, "dangling_symlink", "\(child): symbolic link to nothing", skip: true)
                    } else {
                        fail(child, relative: rel, "vanished", "\(child): vanished during the walk")
                    }
                default: fail(child, relative: rel, "unreadable", "\(child): \(String(cString: strerror(e)))")
                }
                continue
            }
            if (cst.st_mode & S_IFMT) == S_IFDIR {
                if filter.excludes(directory: rel) {
                    fail(child, relative: rel, "excluded", "\(child): directory excluded by --exclude", skip: true)
                    continue
                }
                directory(child, relative: rel, cst, ancestors: inner)
            } else {
                file(child, relative: rel, cst)
            }
        }
    }

    private mutating func file(_ path: String, relative: String, _ st: stat, named: Bool = false) {
        if !named && !filter.selects(file: relative) {
            fail(path, relative: relative, "excluded", "\(path): excluded by --include/--exclude", skip: true)
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            fail(path, relative: relative, "not_regular_file", "\(path): not a regular file", skip: true)
            return
        }
        guard let (format, compression) = InputFormat.of(name: relative, asText: asText) else {
            fail(path, relative: relative, "unsupported_type",
                 "\(path): not .json, .jsonl, .ndjson, .csv, .log or .txt (optionally .gz or .zst); not cleaned "
                 + "(--as-text cleans it line by line, --exclude leaves it out)", skip: true)
            return
        }
        if !seenFiles.insert(FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))).inserted && relatives.contains(relative) {
            fail(path, relative: relative, "duplicate", "\(path): already planned through another path", skip: true)
            return
        }
        guard relatives.insert(relative).inserted else {
            fail(path, relative: relative, "path_collision", "\(path): another input already writes \(relative)")
            return
        }
        files.append(PlannedFile(input: path, relative: relative, size: Int(st.st_size), format: format,
                                 compression: compression,
                                 id: FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))))
    }
}

/// Which files of an input directory a run cleans (`--include`, `--exclude`) and how it reads names it does not
/// know (`--as-text`). Patterns are `fnmatch(3)` globs without flags (`*` and `?` also match `/`, `[...]` classes)
/// matched against the path relative to the directory argument (`sub/app.log.1`); a pattern without a `/` is also
/// matched against the base name, so `*.log.[0-9]*` and `syslog*` find rotated logs at any depth.
public struct PathFilter: Sendable, Equatable {
    /// When not empty, a file must match one of these.
    public var include: [String] = []
    /// A file or directory matching one of these is left out (a directory with everything under it).
    public var exclude: [String] = []
    /// Names batch mode does not know are cleaned line by line instead of being skipped.
    public var asText = false

    public init(include: [String] = [], exclude: [String] = [], asText: Bool = false) {
        self.include = include
        self.exclude = exclude
        self.asText = asText
    }

    /// Whether the file at `relative` (inside a directory argument) is cleaned.
    public func selects(file relative: String) -> Bool {
        if !include.isEmpty && !include.contains(where: { PathFilter.matches($0, relative) }) { return false }
        return !exclude.contains { PathFilter.matches($0, relative) }
    }

    /// Whether the directory at `relative` is left out with all it holds.
    public func excludes(directory relative: String) -> Bool {
        exclude.contains { PathFilter.matches($0, relative) }
    }

    /// `pattern` against the relative path, and (for a pattern without `/`) against its base name.
    public static func matches(_ pattern: String, _ relative: String) -> Bool {
        if fnmatch(pattern, relative, 0) == 0 { return true }
        guard !pattern.contains("/"), let slash = relative.lastIndex(of: "/") else { return false }
        return fnmatch(pattern, String(relative[relative.index(after: slash)...]), 0) == 0
    }
}
