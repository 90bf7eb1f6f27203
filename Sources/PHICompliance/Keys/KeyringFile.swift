import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The keyring file: versioned 256-bit master keys with creation dates, JSON, mode 0600.
///
/// ```json
/// {"format": "phiscrub-keyring", "format_version": 1, "token_key_version": 1,
///  "keys": [{"version": 1, "created": "2026-11-27T01:50:00Z", "material": "<base64>", "check": "<hex>"}]}
/// ```
/// `check` is the first 8 bytes of HMAC-SHA256(material, "phiscrub-keyring-check"): a flipped bit in a key is
/// reported as corruption instead of silently producing undecryptable output. Reading refuses a file that group
/// or others may read or write, or that another user owns. Writing is atomic (temporary file, fsync, rename)
/// under an exclusive lock on `<path>.lock`.
public enum KeyringFile {
    /// Largest keyring accepted (a keyring is a few hundred bytes per key).
    static let maximumSize = 1 << 20

    struct Document: Codable {
        var format: String
        var format_version: Int
        var token_key_version: Int
        var keys: [Entry]
    }

    struct Entry: Codable {
        var version: Int
        var created: String
        var material: String
        var check: String
    }

    /// Loads and checks the keyring at `path`.
    public static func load(path: String, agePolicy: KeyAgePolicy? = nil,
                            warn: @escaping @Sendable (String) -> Void = { _ in }) throws(KeyError) -> MasterKeys {
        let data = try readSecure(path: path)
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw KeyError(code: .corrupt, message: "keyring \(path) is not a valid phiscrub keyring (JSON does not parse or fields are missing)")
        }
        guard document.format == "phiscrub-keyring" else {
            throw KeyError(code: .corrupt, message: "keyring \(path): format is not phiscrub-keyring")
        }
        guard document.format_version == 1 else {
            throw KeyError(code: .corrupt, message: "keyring \(path): format_version \(document.format_version) is not supported (expected 1)")
        }
        var keys: [(KeyInfo, [UInt8])] = []
        for entry in document.keys {
            guard let bytes = Data(base64Encoded: entry.material).map(Array.init), bytes.count == 32 else {
                throw KeyError(code: .corrupt, message: "keyring \(path): key version \(entry.version) is not 32 bytes of base64")
            }
            guard constantTimeEquals(Hex.decode(entry.check) ?? [], check(bytes)) else {
                throw KeyError(code: .corrupt, message: "keyring \(path): key version \(entry.version) fails its integrity check")
            }
            guard let created = parseDate(entry.created) else {
                throw KeyError(code: .corrupt, message: "keyring \(path): key version \(entry.version) has an unreadable creation date")
            }
            keys.append((KeyInfo(version: entry.version, created: created), bytes))
        }
        return try MasterKeys(source: path, keys: keys, tokenKeyVersion: document.token_key_version,
                              agePolicy: agePolicy, warn: warn)
    }

    /// Creates a new keyring with one fresh key (version 1). Fails if `path` exists.
    @discardableResult
    public static func create(path: String, now: Date = Date()) throws(KeyError) -> KeyInfo {
        try withLock(path: path) { () throws(KeyError) -> KeyInfo in
            if FileManager.default.fileExists(atPath: path) {
                throw KeyError(code: .alreadyExists, message: "keyring \(path) already exists; use `phiscrub keys rotate` to add a key")
            }
            let entry = try newEntry(version: 1, now: now)
            try write(Document(format: "phiscrub-keyring", format_version: 1, token_key_version: 1, keys: [entry]), to: path)
            return KeyInfo(version: 1, created: now)
        }
    }

    /// Adds a new key version, which becomes active for new work. Old versions stay so old data still decrypts.
    /// With `rekeyTokens`, tokens and date shifts move to the new key too (existing pseudonyms stop matching).
    @discardableResult
    public static func rotate(path: String, rekeyTokens: Bool = false, now: Date = Date()) throws(KeyError) -> KeyInfo {
        try withLock(path: path) { () throws(KeyError) -> KeyInfo in
            let data = try readSecure(path: path)
            guard var document = try? JSONDecoder().decode(Document.self, from: data) else {
                throw KeyError(code: .corrupt, message: "keyring \(path) is not a valid phiscrub keyring")
            }
            // Validate everything before writing: never rewrite a corrupt keyring.
            _ = try load(path: path)
            let next = (document.keys.map(\.version).max() ?? 0) + 1
            document.keys.append(try newEntry(version: next, now: now))
            if rekeyTokens { document.token_key_version = next }
            try write(document, to: path)
            return KeyInfo(version: next, created: now)
        }
    }

    /// The default keyring path: `$PHISCRUB_KEYRING`, else `$XDG_CONFIG_HOME/phiscrub/keyring.json`, else
    /// `~/.config/phiscrub/keyring.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["PHISCRUB_KEYRING"], !explicit.isEmpty { return explicit }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/phiscrub/keyring.json"
    }

    // MARK: - Internals

    static func check(_ material: [UInt8]) -> [UInt8] {
        Array(HMACSHA256.mac(key: material, message: Array("phiscrub-keyring-check".utf8)).prefix(8))
    }

    private static func newEntry(version: Int, now: Date) throws(KeyError) -> Entry {
        let bytes: [UInt8]
        do { bytes = try SecureRandom.bytes(32) } catch {
            throw KeyError(code: .crypto, message: "could not generate a key: \(error.message)")
        }
        return Entry(version: version, created: formatDate(now), material: Data(bytes).base64EncodedString(),
                     check: Hex.encode(check(bytes)))
    }

    static func formatDate(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    static func parseDate(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }

    /// Reads the file after checking that it is a regular file only its owner (this user) can read or write.
    static func readSecure(path: String) throws(KeyError) -> Data {
        // A FIFO or a device under the keyring's name would block the open or the read for ever (a FIFO with no
        // writer) or feed endless bytes: refuse anything but a regular file before opening it, and open without
        // blocking in case it is swapped in between (the fstat below catches that).
        var pre = stat()
        if stat(path, &pre) == 0 && (pre.st_mode & S_IFMT) != S_IFREG {
            throw KeyError(code: .io, message: "keyring \(path) is not a regular file")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let err = errno
            if err == ENOENT {
                throw KeyError(code: .missing, message: "no keyring at \(path); create one with `phiscrub keys init` or set PHISCRUB_KEYS")
            }
            throw KeyError(code: .io, message: "cannot open keyring \(path): \(String(cString: strerror(err)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw KeyError(code: .io, message: "cannot stat keyring \(path)") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw KeyError(code: .io, message: "keyring \(path) is not a regular file")
        }
        let mode = st.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw KeyError(code: .insecurePermissions, message: "keyring \(path) has mode \(String(mode, radix: 8)), "
                + "open to group or others; refusing to use it. Run: chmod 600 \(path)")
        }
        guard st.st_uid == geteuid() else {
            throw KeyError(code: .insecurePermissions, message: "keyring \(path) is owned by another user (uid \(st.st_uid)); refusing to use it")
        }
        guard Int(st.st_size) <= maximumSize else {
            throw KeyError(code: .corrupt, message: "keyring \(path) is larger than \(maximumSize) bytes; not a keyring")
        }
        var data = Data(count: Int(st.st_size))
        let count = data.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count == Int(st.st_size) else { throw KeyError(code: .io, message: "cannot read keyring \(path)") }
        return data
    }

    /// Writes `document` atomically with mode 0600, creating the parent directory (0700) if needed.
    private static func write(_ document: Document, to path: String) throws(KeyError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard var data = try? encoder.encode(document) else { throw KeyError(code: .io, message: "cannot encode keyring") }
        data.append(0x0A)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw KeyError(code: .io, message: "cannot create directory \(directory) for the keyring")
            }
        }
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw KeyError(code: .io, message: "cannot write keyring \(path): \(String(cString: strerror(errno)))")
        }
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw KeyError(code: .io, message: "cannot write keyring \(path): \(String(cString: strerror(errno)))")
        }
        // Make the rename durable.
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    /// Runs `body` holding an exclusive `flock` on `<path>.lock`, so concurrent rotations cannot lose a key.
    private static func withLock<T>(path: String, _ body: () throws(KeyError) -> T) throws(KeyError) -> T {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KeyError(code: .io, message: "cannot lock keyring \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw KeyError(code: .io, message: "cannot lock keyring \(path)") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
