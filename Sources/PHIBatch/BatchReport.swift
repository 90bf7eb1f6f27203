import PHICompliance

/// What happened to one input file. Paths, sizes, counts and reasons; never a value.
public struct BatchFileReport: Sendable {
    /// How a file ended.
    public enum Status: String, Sendable {
        /// Cleaned and written.
        case cleaned
        /// Left alone, not an error: already in the manifest, a type batch mode does not handle, a symlink loop.
        case skipped
        /// Not cleaned: unreadable, vanished, binary, invalid JSON, too large, write or audit failure.
        case failed
    }

    /// The input path as found (argument, or argument joined with the path inside it).
    public var input: String
    /// The path relative to the output directory.
    public var relative: String
    public var status: Status
    /// Why it was skipped or failed (`already_done`, `unsupported_type`, `invalid_json`, ...).
    public var reason: String?
    /// The error message (positions, never content).
    public var message: String?
    public var format: String?
    public var bytesIn = 0
    public var bytesOut = 0
    public var seconds = 0.0
    public var counts = CleanCounts()
    /// Hex SHA-256 of the input as stored.
    public var sha256: String?

    public init(input: String, relative: String, status: Status) {
        self.input = input
        self.relative = relative
        self.status = status
    }

    /// One JSON Lines record.
    public func jsonLine() -> String {
        var fields: [(String, String)] = [
            ("type", JSONText.quote("file")), ("path", JSONText.quote(input)), ("output", JSONText.quote(relative)),
            ("status", JSONText.quote(status.rawValue)),
        ]
        if let reason { fields.append(("reason", JSONText.quote(reason))) }
        if let message { fields.append(("message", JSONText.quote(message))) }
        if let format { fields.append(("format", JSONText.quote(format))) }
        fields += [("bytes_in", "\(bytesIn)"), ("bytes_out", "\(bytesOut)"),
                   ("seconds", JSONText.seconds(seconds))]
        fields += counts.jsonFields()
        if let sha256 { fields.append(("sha256", JSONText.quote(sha256))) }
        return JSONText.object(fields)
    }
}

/// Totals of a run.
public struct BatchSummary: Sendable {
    public var files: [BatchFileReport] = []
    public var seconds = 0.0

    public var cleaned: Int { files.count { $0.status == .cleaned } }
    public var skipped: Int { files.count { $0.status == .skipped } }
    public var failed: Int { files.count { $0.status == .failed } }
    public var bytesIn: Int { files.reduce(0) { $0 + $1.bytesIn } }
    public var bytesOut: Int { files.reduce(0) { $0 + $1.bytesOut } }
    public var counts: CleanCounts {
        var c = CleanCounts()
        for f in files { c.merge(f.counts) }
        return c
    }
    /// Reasons a file was skipped that leave data uncleaned without being asked to: a name batch mode does not
    /// know (`--as-text` cleans it, `--exclude` leaves it out on purpose) and a link leading out of the input tree
    /// (`--follow-links`). They make the run's exit status 2. Files left out by `--include`/`--exclude`
    /// (`excluded`), already done, or with nothing to read (loops, dangling links, duplicates) do not.
    public static let uncleanedReasons: Set<String> = ["unsupported_type", "symlink_outside"]

    /// Files skipped for one of `uncleanedReasons`.
    public var uncleaned: Int {
        files.count { $0.status == .skipped && BatchSummary.uncleanedReasons.contains($0.reason ?? "") }
    }

    /// Whether every file that should have been cleaned was, and nothing was withheld.
    public var ok: Bool { failed == 0 && counts.withheld == 0 && uncleaned == 0 }

    /// The closing JSON Lines record.
    public func jsonLine() -> String {
        var fields: [(String, String)] = [
            ("type", JSONText.quote("total")), ("files", "\(files.count)"), ("cleaned", "\(cleaned)"),
            ("skipped", "\(skipped)"), ("failed", "\(failed)"), ("uncleaned", "\(uncleaned)"), ("bytes_in", "\(bytesIn)"),
            ("bytes_out", "\(bytesOut)"), ("seconds", JSONText.seconds(seconds)),
        ]
        var reasons: [String: Int] = [:]
        for f in files where f.status != .cleaned { reasons[f.reason ?? "unknown", default: 0] += 1 }
        fields.append(("skipped_or_failed_by_reason", JSONText.counts(reasons)))
        fields += counts.jsonFields()
        return JSONText.object(fields)
    }

    /// The human-readable table for standard error: one row per file, then totals.
    public func table() -> String {
        var rows: [[String]] = [["status", "bytes", "time", "findings", "path"]]
        for f in files.sorted(by: { $0.input < $1.input }) {
            let status = f.status == .cleaned ? "cleaned" : "\(f.status.rawValue):\(f.reason ?? "?")"
            rows.append([status, "\(f.bytesIn)", JSONText.seconds(f.seconds) + "s", f.counts.summary(), f.input])
        }
        var widths = [Int](repeating: 0, count: 4)
        for r in rows { for i in 0..<4 { widths[i] = max(widths[i], r[i].count) } }
        var text = ""
        for r in rows {
            for i in 0..<4 { text += r[i] + String(repeating: " ", count: widths[i] - r[i].count + 2) }
            text += r[4] + "\n"
        }
        for f in files where f.message != nil && f.status == .failed { text += "error: \(f.message!)\n" }
        let mb = Double(bytesIn) / 1e6
        let rate = seconds > 0 ? mb / seconds : 0
        text += "total: \(files.count) files, \(cleaned) cleaned, \(skipped) skipped, \(failed) failed; "
        text += "\(bytesIn) bytes in \(JSONText.seconds(seconds)) s (\(JSONText.seconds(rate)) MB/s); "
        text += "findings: \(counts.summary())"
        if counts.withheld > 0 { text += "; withheld: \(counts.withheld)" }
        if uncleaned > 0 {
            text += "\nnot cleaned: \(uncleaned) file(s) skipped without being excluded (unsupported_type: a name batch "
            text += "mode does not know, --as-text cleans it as text; symlink_outside: --follow-links); "
            text += "--exclude leaves files out on purpose. Exit status 2"
        }
        if counts.numbersReplaced > 0 {
            text += "\nnote: \(counts.numbersReplaced) JSON number(s) under PHI keys were PHI and became string tokens (their type changed)"
        }
        return text + "\n"
    }
}

extension CleanCounts {
    func jsonFields() -> [(String, String)] {
        [("findings", JSONText.counts(findingsByEntity)), ("findings_total", "\(findings)"),
         ("records", "\(records)"), ("strings", "\(strings)"), ("strings_changed", "\(stringsChanged)"),
         ("withheld", "\(withheld)"), ("numbers_replaced", "\(numbersReplaced)")]
    }

    /// `SSN=2 PHONE=1`, or `-`.
    func summary() -> String {
        if findingsByEntity.isEmpty { return "-" }
        return findingsByEntity.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

/// Minimal JSON text building for reports and the manifest.
enum JSONText {
    static func quote(_ s: String) -> String {
        var out: [UInt8] = [0x22]
        JSONString.encode(Array(s.utf8), into: &out)
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func counts(_ c: [String: Int]) -> String {
        object(c.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") })
    }

    static func seconds(_ s: Double) -> String {
        let ms = Int((s * 1000).rounded())
        let frac = ms % 1000
        return "\(ms / 1000)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + "\(frac)"
    }
}
