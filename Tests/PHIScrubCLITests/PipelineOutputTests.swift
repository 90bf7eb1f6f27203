import Foundation
import Testing

import PHITransform
#if canImport(Glibc)
import Glibc
#endif

// Output that behaves in pipelines: `--append` (O_APPEND, never truncated, whole lines per write) and
// flush-on-idle (`--flush-idle`), so `tail -F | phiscrub` shows a line soon after it arrives.

/// Reads from `fd` until `needle` has arrived or `seconds` passed; returns what was read and when it was complete.
private func read(_ fd: Int32, until needle: String, within seconds: Double) -> (String, Double?) {
    let start = Date()
    var got: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while Date().timeIntervalSince(start) < seconds {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let left = Int32(max(1, (seconds - Date().timeIntervalSince(start)) * 1000))
        guard poll(&p, 1, left) > 0 else { break }
        let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
        if n <= 0 { break }
        got += buf[0..<n]
        if String(decoding: got, as: UTF8.self).contains(needle) {
            return (String(decoding: got, as: UTF8.self), Date().timeIntervalSince(start))
        }
    }
    return (String(decoding: got, as: UTF8.self), nil)
}

@Suite("Pipeline output", .serialized)
struct PipelineOutputTests {
    /// A child fed one line and kept open (as `tail -F` keeps it) shows the line within the idle window, on the
    /// parallel path (the default) and on one thread, without `--line-buffered`.
    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage), arguments: [["-j", "2"], ["-j", "1"], ["--format", "auto"]])
    func aQuietInputIsFlushedWithinTheIdleWindow(extra: [String]) throws {
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = ["--flush-idle", "100"] + extra
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        defer {
            try? input.fileHandleForWriting.close()
            p.waitUntilExit()
        }
        let fd = output.fileHandleForReading.fileDescriptor
        // The first line also waits for start-up (rule loading); the second is timed on a running filter.
        input.fileHandleForWriting.write(Data("first SSN 402-19-8877\n".utf8))
        let (first, firstAt) = read(fd, until: "first SSN [SSN]\n", within: 60)
        #expect(firstAt != nil, "got \(first)")
        input.fileHandleForWriting.write(Data("second call 415-555-0142\n".utf8))
        let (second, at) = read(fd, until: "second call [PHONE]\n", within: 5)
        let latency = try #require(at, "got \(second)")
        // 100 ms idle window plus scheduling on a loaded 2-core machine.
        #expect(latency < 0.6, "second line after \(latency) s")
    }

    /// `scan` (JSON Lines report) on a live stream reports a line's finding within the idle window, not at the end.
    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage), arguments: [["--flush-idle", "100"], ["--line-buffered", "--flush-idle", "0"]])
    func scanReportsFindingsOfALiveStream(extra: [String]) throws {
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = ["scan"] + extra
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        defer {
            try? input.fileHandleForWriting.close()
            p.waitUntilExit()
        }
        let fd = output.fileHandleForReading.fileDescriptor
        input.fileHandleForWriting.write(Data("first SSN 402-19-8877\n".utf8))
        #expect(read(fd, until: "\"SSN\"", within: 60).1 != nil)
        input.fileHandleForWriting.write(Data("second call 415-555-0142\n".utf8))
        let (got, at) = read(fd, until: "\"PHONE\"", within: 5)
        let latency = try #require(at, "got \(got)")
        #expect(latency < 0.6)
        #expect(!got.contains("415-555-0142"))
    }

    /// With flush-on-idle off, the same line waits in the buffer until the input ends: the flush is what shows it.
    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage))
    func withoutIdleFlushTheLineWaitsForTheEnd() throws {
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = ["--flush-idle", "0", "-j", "1"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let fd = output.fileHandleForReading.fileDescriptor
        input.fileHandleForWriting.write(Data("held SSN 402-19-8877\n".utf8))
        let (early, at) = read(fd, until: "held", within: 1.5)
        #expect(at == nil, "flushed without idle flush: \(early)")
        try input.fileHandleForWriting.close()
        let (late, lateAt) = read(fd, until: "held SSN [SSN]\n", within: 60)
        #expect(lateAt != nil, "got \(late)")
        p.waitUntilExit()
    }

    /// `--line-buffered` (idle flush off): each line read, and its finding, is out before the next read blocks.
    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage))
    func lineBufferedWritesLinesAndFindingsBeforeReadingOn() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = ["--line-buffered", "--flush-idle", "0", "--findings", scratch.path("f.jsonl"), "--append"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        defer {
            try? input.fileHandleForWriting.close()
            p.waitUntilExit()
        }
        let fd = output.fileHandleForReading.fileDescriptor
        input.fileHandleForWriting.write(Data("one SSN 402-19-8877\n".utf8))
        #expect(read(fd, until: "one SSN [SSN]\n", within: 60).1 != nil)
        input.fileHandleForWriting.write(Data("two call 415-555-0142\n".utf8))
        let latency = try #require(read(fd, until: "two call [PHONE]\n", within: 5).1)
        #expect(latency < 0.5, "second line after \(latency) s")
        // The findings file has both findings while the filter still runs (appended in place, not renamed at exit).
        let findings = try jsonLines(try scratch.text("f.jsonl")).compactMap { $0["entity"] as? String }
        #expect(findings == ["SSN", "PHONE"])
    }

    /// logrotate: the file is moved away and the filter gets SIGHUP; with `--append` it reopens the name, so the
    /// lines before the signal are in the moved file, the lines after it in a new one, none lost or doubled.
    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage), arguments: ["1", "2"])
    func sighupReopensAnAppendedFile(jobs: String) throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let out = scratch.path("clean.log")
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = ["-j", jobs, "-o", out, "--append", "--findings", scratch.path("f.jsonl")]
        let input = Pipe()
        p.standardInput = input
        try p.run()
        func waitFor(_ path: String, _ text: String) -> Bool {
            for _ in 0..<600 {
                if let s = try? String(contentsOfFile: path, encoding: .utf8), s.contains(text) { return true }
                usleep(50_000)
            }
            return false
        }
        input.fileHandleForWriting.write(Data("one SSN 402-19-8877\n".utf8))
        #expect(waitFor(out, "one SSN [SSN]\n"))
        #expect(rename(out, out + ".1") == 0 && rename(scratch.path("f.jsonl"), scratch.path("f.jsonl.1")) == 0)
        kill(p.processIdentifier, SIGHUP)
        usleep(300_000)
        input.fileHandleForWriting.write(Data("two call 415-555-0142\n".utf8))
        #expect(waitFor(out, "two call [PHONE]\n"))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try scratch.text("clean.log.1") == "one SSN [SSN]\n")
        #expect(try scratch.text("clean.log") == "two call [PHONE]\n")
        #expect(try jsonLines(try scratch.text("f.jsonl.1")).map { $0["entity"] as? String } == ["SSN"])
        #expect(try jsonLines(try scratch.text("f.jsonl")).map { $0["entity"] as? String } == ["PHONE"])
    }

    @Test func appendNeverTruncates() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let out = scratch.path("clean.log")
        try scratch.write("clean.log", "kept from before\n")
        let a = try scratch.write("a.log", "one SSN 402-19-8877\n")
        let b = try scratch.write("b.log", "two call 415-555-0142\n")
        #expect(CLI.run([a, "-o", out, "--append"]).status == 0)
        #expect(CLI.run([b, "-o", out, "--append", "--findings", scratch.path("f.jsonl")]).status == 0)
        #expect(CLI.run([a, "--append", "--findings", scratch.path("f.jsonl")], captureStdout: true).status == 0)
        #expect(try scratch.text("clean.log") == "kept from before\none SSN [SSN]\ntwo call [PHONE]\n")
        #expect(try jsonLines(try scratch.text("f.jsonl")).map { $0["entity"] as? String } == ["PHONE", "SSN"])
        // A new file is created 0600; no temporary is left beside it.
        let fresh = scratch.path("new.log")
        #expect(CLI.run([a, "-o", fresh, "--append"]).status == 0)
        var st = stat()
        #expect(stat(fresh, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
        #expect(!names.contains { $0.contains("phiscrub-tmp") })
        // Without --append, -o still replaces the file (atomically).
        #expect(CLI.run([b, "-o", out]).status == 0)
        #expect(try scratch.text("clean.log") == "two call [PHONE]\n")
        // --append with nothing to append to is a usage error.
        #expect(CLI.run([a, "--append"]).status == 2)
        // Appending to the input is still refused.
        #expect(CLI.run([a, "-o", a, "--append"]).status == 2)
    }

    /// Two line-aligned writers appending to one file alternately never cut into each other's lines.
    @Test func lineAlignedAppendersKeepLinesWhole() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let path = scratch.path("shared.log")
        let fds = (0..<2).map { _ in open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600) }
        defer { for fd in fds { close(fd) } }
        try #require(fds.allSatisfy { $0 >= 0 })
        let writers = (0..<2).map { i -> FileOutput in
            let o = FileOutput(fd: fds[i], name: "w\(i)", capacity: 64)
            o.lineAligned = true
            return o
        }
        var expected: [String] = []
        for n in 0..<200 {
            let w = n % 2
            let line = "writer \(w) line \(n) " + String(repeating: "x", count: n % 37) + "\n"
            expected.append(line)
            try writers[w].write(Array(line.utf8))
        }
        for w in writers { try w.flush() }
        let lines = try scratch.text("shared.log").split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 200)
        #expect(Set(lines.map { $0 + "\n" }) == Set(expected))
    }
}
