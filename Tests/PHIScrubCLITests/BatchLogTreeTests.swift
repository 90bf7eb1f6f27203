import Foundation
import PHIScrubCLI
import Testing

// `phiscrub batch` over a real log tree: rotated names (--as-text), .zst beside .gz, --include/--exclude, -j,
// the progress line when standard error is not a terminal, the live report, and the exit status for files it
// skips. Fictional values only (SSNs in unissued areas, 555-01xx phones).

/// Runs the system's zstd (Debian: zstd) with `arguments`, `bytes` on stdin; returns its stdout.
func zstdTool(_ arguments: [String], _ bytes: [UInt8]) throws -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
    p.arguments = arguments
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = FileHandle.nullDevice
    try p.run()
    input.fileHandleForWriting.write(Data(bytes))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Array(data)
}

let zstdAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd")

@Suite(.serialized) struct BatchLogTreeTests {
    static let line = "Dec  3 10:00:01 host app[42]: patient SSN 402-19-8877 callback (617) 555-0142\n"
    static let clean = "Dec  3 10:00:01 host app[42]: patient SSN [SSN] callback [PHONE]\n"

    /// The tree of the issue: rotated and compressed logs, syslog, messages, a CSV and a .zst JSON Lines file.
    func makeTree(_ s: Scratch) throws {
        let text = Array(Self.line.utf8)
        try s.put("in/app.log", text)
        try s.put("in/app.log.1", text)
        try s.put("in/app.log.2.gz", try gzipped(text))
        try s.put("in/syslog", text)
        try s.put("in/nested/messages", text)
        try s.put("in/nested/messages.1.zst", try zstdTool(["-q", "-c"], text))
        try s.put("in/events.jsonl.zst", try zstdTool(["-q", "-c"], Array(#"{"ssn": "402198877", "n": 3}"#.utf8 + [0x0A])))
        try s.put("in/archive/old.log", text)
    }

    @Test(.enabled(if: zstdAvailable)) func unknownNamesAreSkippedWithExitTwoAndCleanedWithAsText() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try makeTree(s)
        // Without --as-text: every known name is cleaned, the rest is listed and the exit status says so.
        let r = CLI.run(["batch", s.path("in"), "--out", s.path("o1"), "--report", s.path("r1.jsonl"), "-j", "2"])
        #expect(r.status == 2, "\(r.stderr)")
        let records = try jsonLines(try s.text("r1.jsonl"))
        func outcome(_ relative: String) -> String? {
            records.first { $0["output"] as? String == relative }.map { "\($0["status"]!)/\($0["reason"] ?? "")" }
        }
        for name in ["app.log.1", "app.log.2.gz", "syslog", "nested/messages", "nested/messages.1.zst"] {
            #expect(outcome(name) == "skipped/unsupported_type", "\(name)")
        }
        #expect(outcome("app.log") == "cleaned/" && outcome("events.jsonl.zst") == "cleaned/")
        let total = try #require(records.last)
        #expect(total["uncleaned"] as? Int == 5)
        #expect(r.stderr.contains("not cleaned: 5 file(s)"))

        // With --as-text every file is cleaned, compressed outputs stay compressed the same way, exit 0.
        let t = CLI.run(["batch", s.path("in"), "--out", s.path("o2"), "--as-text", "--jobs", "2"])
        #expect(t.status == 0, "\(t.stderr)")
        let out = try s.tree("o2")
        for name in ["app.log", "app.log.1", "syslog", "nested/messages", "archive/old.log"] {
            #expect(out[name] == Array(Self.clean.utf8), "\(name)")
        }
        #expect(try gunzipped(try #require(out["app.log.2.gz"])) == Array(Self.clean.utf8))
        #expect(try zstdTool(["-d", "-q", "-c"], try #require(out["nested/messages.1.zst"])) == Array(Self.clean.utf8))
        #expect(try zstdTool(["-d", "-q", "-c"], try #require(out["events.jsonl.zst"]))
                == Array(#"{"ssn": "[SSN]", "n": 3}"#.utf8 + [0x0A]))
        for (name, bytes) in out { #expect(occurrences(of: Array("8877".utf8), in: bytes).isEmpty, "\(name)") }
    }

    @Test(.enabled(if: zstdAvailable)) func includeAndExcludeChooseFilesByGlobAndAreReported() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try makeTree(s)
        let r = CLI.run(["batch", s.path("in"), s.path("in/archive/old.log"), "--out", s.path("o"), "--as-text",
                         "--include", "*.log*", "--include", "messages*", "--exclude", "archive",
                         "--exclude", "nested/*.zst", "--report", s.path("r.jsonl"), "--quiet"])
        // Excluded files do not change the exit status.
        #expect(r.status == 0, "\(r.stderr)")
        let records = try jsonLines(try s.text("r.jsonl"))
        func outcome(_ path: String) -> String? {
            records.first { ($0["path"] as? String) == s.path(path) }.map { "\($0["status"]!)/\($0["reason"] ?? "")" }
        }
        #expect(outcome("in/app.log") == "cleaned/")
        #expect(outcome("in/app.log.1") == "cleaned/")
        #expect(outcome("in/app.log.2.gz") == "cleaned/")
        #expect(outcome("in/nested/messages") == "cleaned/")          // base name matched by messages*
        #expect(outcome("in/syslog") == "skipped/excluded")           // no --include matches it
        #expect(outcome("in/events.jsonl.zst") == "skipped/excluded")
        #expect(outcome("in/nested/messages.1.zst") == "skipped/excluded")
        #expect(outcome("in/archive") == "skipped/excluded")          // the directory, once, not entered
        // A file named on the command line is cleaned whatever the globs say.
        #expect(Set(try s.tree("o").keys) == ["app.log", "app.log.1", "app.log.2.gz", "nested/messages", "old.log",
                                              ".phiscrub-manifest.jsonl"])
    }

    @Test(.enabled(if: zstdAvailable)) func aTruncatedOrCorruptZstdFileFailsClearlyAndIsNotDone() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        var big: [UInt8] = []
        while big.count < 600_000 { big += Array(Self.line.utf8) }
        let whole = try zstdTool(["-q", "-c", "-1"], big)
        try s.put("in/cut.log.zst", Array(whole.prefix(whole.count / 2)))
        try s.put("in/garbage.log.zst", Array("not zstd at all\n".utf8))
        try s.put("in/empty.log.zst", [])
        // Two frames one after the other (zstd a b > c): read to the end.
        try s.put("in/two.log.zst", try zstdTool(["-q", "-c"], Array(Self.line.utf8)) + (try zstdTool(["-q", "-c"], big)))
        let r = CLI.run(["batch", s.path("in"), "--out", s.path("o"), "--report", s.path("r.jsonl")])
        #expect(r.status == 2)
        let records = try jsonLines(try s.text("r.jsonl"))
        func record(_ name: String) -> [String: Any]? { records.first { $0["output"] as? String == name } }
        #expect(record("cut.log.zst")?["reason"] as? String == "corrupt_zstd")
        #expect(record("garbage.log.zst")?["reason"] as? String == "corrupt_zstd")
        #expect(record("empty.log.zst")?["reason"] as? String == "corrupt_zstd")
        #expect(r.stderr.contains("cut.log.zst: zstd stream is truncated"))
        #expect(r.stderr.contains("garbage.log.zst: not a valid zstd stream"))
        #expect(record("two.log.zst")?["status"] as? String == "cleaned")
        let out = try s.tree("o")
        #expect(out["cut.log.zst"] == nil && out["garbage.log.zst"] == nil)
        let two = try zstdTool(["-d", "-q", "-c"], try #require(out["two.log.zst"]))
        #expect(two.count == Self.clean.utf8.count * (1 + big.count / Self.line.utf8.count))
        // Not in the manifest: a re-run tries it again (and fails again).
        let manifest = try s.text("o/.phiscrub-manifest.jsonl")
        #expect(!manifest.contains("cut.log.zst") && manifest.contains("two.log.zst"))
        #expect(CLI.run(["batch", s.path("in"), "--out", s.path("o"), "--quiet"]).status == 2)
    }

    /// The filter reads text only: zstd input is refused (it would pass through unscanned), as gzip is.
    @Test(.enabled(if: zstdAvailable)) func theFilterRefusesZstdInputAndPointsAtBatch() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        let path = try s.put("a.log.zst", try zstdTool(["-q", "-c"], Array(Self.line.utf8)))
        let r = CLI.run([path, "-o", s.path("out.log")])
        #expect(r.status == 2)
        #expect(r.stderr.contains("zstd-compressed input is not scanned by the filter"), "\(r.stderr)")
        #expect(try s.read("out.log").isEmpty, "nothing of it is written")
    }

    /// Standard error is a file here (not a terminal): plain progress lines, at the start, every interval and at
    /// the end; `--report -` writes the records to standard output as files finish.
    @Test func progressLinesWithoutATerminalAndALiveReportOnStdout() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        for i in 0..<6 { try s.put("in/f\(i).log", Array(String(repeating: Self.line, count: 2000 * (i + 1)).utf8)) }
        let r = CLI.run(["batch", s.path("in"), "--out", s.path("o"), "-j", "1", "--progress-interval", "0.05",
                         "--report", "-"], captureStdout: true)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("phiscrub batch: ") }
        #expect(lines.count >= 2, "\(r.stderr)")
        #expect(lines.last?.hasPrefix("phiscrub batch: 6/6 files") == true, "\(r.stderr)")
        #expect(!r.stderr.contains("\u{1B}["), "no terminal escapes in a log")
        let records = try jsonLines(r.stdout)
        #expect(records.count == 7 && records.last?["type"] as? String == "total")
        #expect(!r.stderr.contains("8877") && !r.stdout.contains("8877"))
        // --quiet and --progress-interval 0: none.
        let q = CLI.run(["batch", s.path("in"), "--out", s.path("o2"), "--progress-interval", "0"])
        #expect(!q.stderr.contains("phiscrub batch: "))
    }
}
