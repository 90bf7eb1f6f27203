import Foundation
#if canImport(Glibc)
import Glibc
import PHILock
#endif

/// What `append` returns: where the record landed in the chain.
public struct AuditReceipt: Sendable, Equatable {
    public var seq: Int
    public var hash: String
    public var segment: String
}

/// The append-only, hash-chained, signed audit log: a directory of JSON Lines segments (`audit-000001.jsonl`, ...),
/// a signed `HEAD` and a lock file.
///
/// Several processes (and threads) may append at once: every append holds an exclusive `flock` on `audit.lock`,
/// reads the chain's end from `HEAD` (or, after a crash, from the segment's tail), writes one record with one
/// `write(2)` on an `O_APPEND` descriptor, syncs per policy and rewrites `HEAD`. A torn last record left by a
/// writer that was killed mid-append is sealed off (newline-terminated, then acknowledged by a signed
/// `chain_recovery` record naming its offset, length and SHA-256), never silently continued.
///
/// Segments rotate by size or UTC day; the chain continues across them. New segments get the file system's
/// append-only flag when the process may set it; the `segment_open` record says whether it worked.
public final class AuditLog: @unchecked Sendable {
    public let directory: String
    public let settings: AuditSettings
    let signingKey: [UInt8]
    public let keyVersion: Int
    let mutex = Lock()
    var lockFD: Int32 = -1
    var headFD: Int32 = -1
    /// The witness file (`audit.storage.witness`), written like `HEAD` after every append; -1 without one.
    var witnessFD: Int32 = -1
    /// Where this writer left the chain; reused when the files show nobody else appended since.
    var cached: ChainState?
    var segmentFD: Int32 = -1
    var segmentFDIndex = 0
    var unsynced = 0

    /// Opens (creating when needed, mode 0700) the log directory of `settings`, signing with `signingKey` (the
    /// audit subkey) of key version `keyVersion`.
    public init(settings: AuditSettings, signingKey: [UInt8], keyVersion: Int) throws(AuditError) {
        guard !signingKey.isEmpty else { throw AuditError(code: .key, message: "the audit signing key is empty") }
        self.directory = settings.directory
        self.settings = settings
        self.signingKey = signingKey
        self.keyVersion = keyVersion
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) {
            if mkdir(directory, 0o700) != 0 && Glibc.errno != EEXIST {
                throw AuditError(code: .io, message: "\(directory): cannot create the audit directory: \(AuditFiles.errno())")
            }
        } else if !isDir.boolValue {
            throw AuditError(code: .io, message: "\(directory): not a directory")
        }
        let lockPath = path(AuditFiles.lockName)
        lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if lockFD < 0 { throw AuditError(code: .io, message: "\(lockPath): cannot open: \(AuditFiles.errno())") }
        let headPath = path(AuditHead.fileName)
        headFD = open(headPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if headFD < 0 { throw AuditError(code: .io, message: "\(headPath): cannot open: \(AuditFiles.errno())") }
        if let witness = settings.witnessPath {
            witnessFD = open(witness, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if witnessFD < 0 { throw AuditError(code: .io, message: "\(witness): cannot open the audit witness: \(AuditFiles.errno())") }
        }
    }

    deinit {
        if segmentFD >= 0 {
            if unsynced > 0 { fdatasync(segmentFD) }
            close(segmentFD)
        }
        if lockFD >= 0 { close(lockFD) }
        if headFD >= 0 { close(headFD) }
        if witnessFD >= 0 { close(witnessFD) }
    }

    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Appends `event` and returns its place in the chain. Events the settings do not record are skipped (nil).
    @discardableResult
    public func append(_ event: AuditEvent, now: Date = Date()) throws(AuditError) -> AuditReceipt? {
        guard settings.records(event.type) else { return nil }
        return try mutex.withLock { () throws(AuditError) -> AuditReceipt? in try appendLocked(event, now: now) }
    }

    /// `append` with `mutex` held.
    private func appendLocked(_ event: AuditEvent, now: Date) throws(AuditError) -> AuditReceipt? {
        while flock(lockFD, LOCK_EX) != 0 {
            if Glibc.errno != EINTR { throw AuditError(code: .io, message: "\(path(AuditFiles.lockName)): cannot lock: \(AuditFiles.errno())") }
        }
        defer { flock(lockFD, LOCK_UN) }
        let (loaded, fromFiles) = try currentState()
        var state = loaded
        cached = nil
        if fromFiles && state.seq > 0 {
            // After another writer or a crash, the head may trail the files: bring it to the last complete record
            // first, so the two slots stay consecutive. Never past unsealed bytes: a head ending after them would let
            // the next writer (if this one fails before sealing, e.g. on a full disk) take the files as clean and
            // glue its record onto the torn one.
            var caughtUp = state
            if let torn = state.torn, torn.segment == state.segment { caughtUp.end = torn.offset }
            try writeHead(caughtUp, timestamp: state.lastTimestamp)
        }
        let timestamp = UTCTimestamp.format(now)
        if let torn = state.torn {
            try seal(torn, state: &state, timestamp: timestamp)
        }
        if let cut = state.cutOff {
            // Never continue silently over records that were removed: say so in a signed record first.
            state.cutOff = nil
            if state.segment == 0 { try rotate(&state, timestamp: timestamp) }
            _ = try write(AuditEvent(type: .chainRecovery, agent: "phiscrub", resource: AuditFiles.segmentName(state.segment),
                                     action: "record_truncation", outcome: "truncation_detected",
                                     details: ["head_seq": .int(cut.headSeq), "head_hash": .string(cut.headHash),
                                               "last_seq_found": .int(cut.foundSeq),
                                               "trigger": .string(BreachTrigger.auditChainBreak.rawValue)]),
                          state: &state, timestamp: timestamp)
        }
        let day = String(timestamp.prefix(10))
        if state.segment == 0 || state.end >= settings.maxSegmentBytes
            || (settings.rotateDaily && !state.lastTimestamp.isEmpty && !state.lastTimestamp.hasPrefix(day)) {
            try rotate(&state, timestamp: timestamp)
        }
        let receipt = try write(event, state: &state, timestamp: timestamp)
        try finish(state: state, timestamp: timestamp)
        cached = state
        return receipt
    }

    /// The chain's end: this writer's own state when its segment is still in place with exactly the bytes it left
    /// there and no newer segment exists (an `fstat` and two `stat`s), otherwise read from the files.
    func currentState() throws(AuditError) -> (ChainState, fromFiles: Bool) {
        if let c = cached, segmentFD >= 0, segmentFDIndex == c.segment {
            // Our descriptor is still the file at the segment's path (not moved or deleted), it ends where we left
            // it, and nobody started a newer segment.
            var open = stat(), onDisk = stat()
            if fstat(segmentFD, &open) == 0, stat(path(AuditFiles.segmentName(c.segment)), &onDisk) == 0,
               open.st_ino == onDisk.st_ino, open.st_dev == onDisk.st_dev, Int(open.st_size) == c.end,
               AuditFiles.size(path(AuditFiles.segmentName(c.segment + 1))) == nil {
                return (c, false)
            }
        }
        // Someone else appended, rotated, or the files moved: reopen everything by path and read the state.
        if segmentFD >= 0 {
            if unsynced > 0 { fdatasync(segmentFD) }
            close(segmentFD)
            segmentFD = -1
            unsynced = 0
        }
        let headPath = path(AuditHead.fileName)
        let fd = open(headPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw AuditError(code: .io, message: "\(headPath): cannot open: \(AuditFiles.errno())") }
        close(headFD)
        headFD = fd
        return (try ChainState.load(directory: directory), true)
    }

    /// Forces every appended record to stable storage.
    public func sync() throws(AuditError) {
        try mutex.withLock { () throws(AuditError) in
            if segmentFD >= 0 && fdatasync(segmentFD) != 0 {
                throw AuditError(code: .io, message: "\(AuditFiles.segmentName(segmentFDIndex)): sync failed: \(AuditFiles.errno())")
            }
            unsynced = 0
        }
    }

    func descriptor(for index: Int) throws(AuditError) -> Int32 {
        if segmentFD >= 0 && segmentFDIndex == index { return segmentFD }
        if segmentFD >= 0 {
            if unsynced > 0 { fdatasync(segmentFD) }
            close(segmentFD)
            segmentFD = -1
        }
        let p = path(AuditFiles.segmentName(index))
        let fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw AuditError(code: .io, message: "\(p): cannot open for appending: \(AuditFiles.errno())") }
        segmentFD = fd
        segmentFDIndex = index
        return fd
    }

    func write(_ event: AuditEvent, state: inout ChainState, timestamp: String) throws(AuditError) -> AuditReceipt {
        let seq = state.seq + 1
        let (line, hash) = AuditRecordFormat.encode(
            event, seq: seq, timestamp: timestamp, keyVersion: keyVersion,
            prev: settings.chainHashing ? state.hash : nil, key: settings.hmacSigning ? signingKey : nil)
        let fd = try descriptor(for: state.segment)
        try AuditFiles.writeAll(fd, line, name: AuditFiles.segmentName(state.segment))
        state.seq = seq
        state.hash = hash
        state.end += line.count
        state.lastTimestamp = timestamp
        unsynced += 1
        try writeHead(state, timestamp: timestamp)
        return AuditReceipt(seq: seq, hash: hash, segment: AuditFiles.segmentName(state.segment))
    }

    /// Periodic sync after an append (`always` syncs each record as it is written).
    func finish(state: ChainState, timestamp: String) throws(AuditError) {
        if settings.sync == .periodic && unsynced >= settings.syncEvery {
            if fdatasync(segmentFD) != 0 {
                throw AuditError(code: .io, message: "\(AuditFiles.segmentName(state.segment)): sync failed: \(AuditFiles.errno())")
            }
            unsynced = 0
        }
    }

    /// Writes the head slot of the record just written (after syncing the record itself under `always`, so a
    /// head never names a record that did not reach the disk).
    func writeHead(_ state: ChainState, timestamp: String) throws(AuditError) {
        let always = settings.sync == .always
        if always && segmentFD >= 0 {
            if fdatasync(segmentFD) != 0 {
                throw AuditError(code: .io, message: "\(AuditFiles.segmentName(state.segment)): sync failed: \(AuditFiles.errno())")
            }
            unsynced = 0
        }
        let head = AuditHead(seq: state.seq, hash: state.hash, segment: state.segment, end: state.end,
                             timestamp: timestamp, keyVersion: keyVersion, retentionYears: settings.retentionYears)
        let slot = head.slot(key: settings.hmacSigning ? signingKey : nil)
        let n = slot.withUnsafeBytes { pwrite(headFD, $0.baseAddress, $0.count, off_t(head.slotOffset)) }
        if n != slot.count { throw AuditError(code: .io, message: "\(AuditHead.fileName): write failed: \(AuditFiles.errno())") }
        if always && fdatasync(headFD) != 0 {
            throw AuditError(code: .io, message: "\(AuditHead.fileName): sync failed: \(AuditFiles.errno())")
        }
        // The checkpoint in the second place: the same signed slot, so the witness never runs ahead of the head.
        if witnessFD >= 0 {
            let w = slot.withUnsafeBytes { pwrite(witnessFD, $0.baseAddress, $0.count, off_t(head.slotOffset)) }
            let name = settings.witnessPath ?? "witness"
            if w != slot.count { throw AuditError(code: .io, message: "\(name): witness write failed: \(AuditFiles.errno())") }
            if always && fdatasync(witnessFD) != 0 {
                throw AuditError(code: .io, message: "\(name): witness sync failed: \(AuditFiles.errno())")
            }
        }
    }

    /// Starts the next segment and writes its `segment_open` record.
    func rotate(_ state: inout ChainState, timestamp: String) throws(AuditError) {
        let previous = state.segment
        state.segment += 1
        state.end = 0
        let name = AuditFiles.segmentName(state.segment)
        let fd = try descriptor(for: state.segment)
        var details: [String: AuditValue] = [
            "segment": .string(name), "retention_years": .int(settings.retentionYears),
        ]
        if previous > 0 { details["previous_segment"] = .string(AuditFiles.segmentName(previous)) }
        if settings.osAppendOnly {
            let failure = AppendOnlyFlag.set(fd: fd)
            details["append_only_os"] = .bool(failure == nil)
            if let failure { details["append_only_error"] = .string(failure) }
        } else {
            details["append_only_os"] = .bool(false)
            details["append_only_error"] = "disabled by audit.storage.os_append_only"
        }
        _ = try write(AuditEvent(type: .segmentOpen, agent: "phiscrub", resource: name, action: "open",
                                 details: details), state: &state, timestamp: timestamp)
    }

    /// Terminates a torn record with a newline and acknowledges it in a signed record, so the chain continues
    /// without hiding the damage.
    ///
    /// The torn region is everything after the last complete record: with several writers failing in turn (a full
    /// disk), it can hold several broken lines (a partial record, a newline, a partial `chain_recovery`, ...). One
    /// record acknowledges all of it, so the repair is the same for any number of failures.
    func seal(_ torn: ChainState.Torn, state: inout ChainState, timestamp: String) throws(AuditError) {
        let fd = try descriptor(for: torn.segment)
        if !torn.terminated {
            try AuditFiles.writeAll(fd, [0x0A], name: AuditFiles.segmentName(torn.segment))
            state.end += 1
        }
        state.torn = nil
        _ = try write(AuditEvent(type: .chainRecovery, agent: "phiscrub", resource: AuditFiles.segmentName(torn.segment),
                                 action: "seal_torn_record", outcome: "recovered",
                                 details: ["torn_offset": .int(torn.offset), "torn_length": .int(torn.length),
                                           "torn_sha256": .string(torn.sha256),
                                           "trigger": .string(BreachTrigger.auditChainBreak.rawValue)]),
                      state: &state, timestamp: timestamp)
    }
}

/// Where the chain ends: the last complete record's sequence number, hash and time, the segment and offset to
/// append at, and a torn trailing record if one was found.
struct ChainState {
    /// Bytes after the last complete record of the newest segment: `length` bytes from `offset` (without a final
    /// newline), possibly several lines.
    struct Torn: Equatable {
        var segment: Int
        var offset: Int
        var length: Int
        var sha256: String
        /// The region already ends with a newline (a seal's newline reached the disk, its record did not).
        var terminated = false

        static func == (a: Torn, b: Torn) -> Bool {
            a.segment == b.segment && a.offset == b.offset && a.length == b.length && a.sha256 == b.sha256
        }
    }

    var segment = 0
    var end = 0
    var seq = 0
    var hash = AuditRecordFormat.zeroHash
    var lastTimestamp = ""
    var torn: Torn?
    /// The head names a later record than the files hold: records were cut off (not a crash, which leaves the head
    /// behind the files, never ahead of them).
    var cutOff: (headSeq: Int, headHash: String, foundSeq: Int)?

    /// From `HEAD` when it matches the files (the common case: two `stat`s), otherwise by reading the newest
    /// segment's tail (after a crash between the record and the head update, or without a head).
    static func load(directory: String) throws(AuditError) -> ChainState {
        func path(_ n: String) -> String { (directory as NSString).appendingPathComponent(n) }
        let head = AuditFiles.read(path(AuditHead.fileName)).flatMap { AuditHead.slots($0).first?.head }
        if let head, AuditFiles.size(path(AuditFiles.segmentName(head.segment))) == head.end,
           AuditFiles.size(path(AuditFiles.segmentName(head.segment + 1))) == nil {
            return ChainState(segment: head.segment, end: head.end, seq: head.seq, hash: head.hash,
                              lastTimestamp: head.timestamp)
        }
        var state = try scan(directory: directory, head: head)
        if let head, state.seq < head.seq { state.cutOff = (head.seq, head.hash, state.seq) }
        return state
    }

    /// The chain's end as the segment files show it.
    static func scan(directory: String, head: AuditHead?) throws(AuditError) -> ChainState {
        func path(_ n: String) -> String { (directory as NSString).appendingPathComponent(n) }
        let segments = AuditFiles.segments(in: directory)
        guard let newest = segments.last else { return ChainState() }
        var state = ChainState()
        state.segment = newest
        // Walk back to the newest segment holding a complete record.
        for index in segments.reversed() {
            let start = (head?.segment == index && head!.end <= (AuditFiles.size(path(AuditFiles.segmentName(index))) ?? 0)) ? head!.end : 0
            guard let bytes = AuditFiles.read(path(AuditFiles.segmentName(index)), from: start) else {
                throw AuditError(code: .io, message: "\(AuditFiles.segmentName(index)): cannot read")
            }
            let found = lastRecordWithEnd(in: bytes)
            if index == newest {
                state.end = start + bytes.count
                // Everything after the last complete record (or, with none here, after `start`) is unsealed damage.
                let cut = found?.end ?? 0
                if cut < bytes.count {
                    let terminated = bytes.last == 0x0A
                    let region = bytes[cut..<(terminated ? bytes.count - 1 : bytes.count)]
                    state.torn = Torn(segment: index, offset: start + cut, length: region.count,
                                      sha256: Hex.encode(SHA256.hash(region)), terminated: terminated)
                }
            }
            if let record = found?.record {
                state.seq = record.seq
                state.hash = record.hash
                state.lastTimestamp = record.timestamp
                return state
            }
            if start > 0, let head, head.segment == index {
                state.seq = head.seq
                state.hash = head.hash
                state.lastTimestamp = head.timestamp
                return state
            }
        }
        return state
    }

    /// The last line of `bytes` that parses as a record.
    static func lastRecord(in bytes: [UInt8]) -> AuditRecordFormat.Parsed? {
        lastRecordWithEnd(in: bytes)?.record
    }

    /// The last line of `bytes` that parses as a record, and the offset just past its newline.
    static func lastRecordWithEnd(in bytes: [UInt8]) -> (record: AuditRecordFormat.Parsed, end: Int)? {
        var end = bytes.count
        if let last = bytes.last, last != 0x0A { end = (bytes.lastIndex(of: 0x0A) ?? -1) + 1 }
        while end > 0 {
            let lineEnd = end - 1  // at the newline
            let lineStart = (bytes[..<lineEnd].lastIndex(of: 0x0A) ?? -1) + 1
            if let p = AuditRecordFormat.parse(bytes[lineStart..<lineEnd]) { return (p, end) }
            end = lineStart
        }
        return nil
    }
}

extension AuditLog {
    /// A keyed fingerprinter for audit details, derived from the audit subkey: the same value gives the same
    /// fingerprint across records signed with one key version, and the fingerprint reveals nothing without the key.
    public func fingerprinter() throws(CryptoError) -> Fingerprinter {
        try Fingerprinter(key: HKDFSHA256.derive(ikm: signingKey, salt: [], info: Array("phiscrub/audit-fingerprint".utf8), length: 32))
    }
}
