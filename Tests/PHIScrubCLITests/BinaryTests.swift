import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// The built `phiscrub` executable, run as a separate process: stdin/stdout filtering, a closed output pipe, and
// finding the default rules from another working directory with no flags.

enum Binary {
    /// Sends `signal` to `process` and waits up to 20 s for it to exit; records an issue and kills it when it does not
    /// (a filter that ignores a stop signal must fail the test, not hang it).
    static func signalAndWait(_ process: Process, _ signal: Int32, label: String,
                              sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            Issue.record("\(label): still running 20 s after the signal", sourceLocation: sourceLocation)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// The `phiscrub` executable next to the test bundle, or under `.build/debug` above this file; nil if not built.
    static let url: URL? = {
        let fm = FileManager.default
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent("phiscrub"))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("phiscrub"))
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent(".build/debug/phiscrub"))
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { fm.isExecutableFile(atPath: $0.path) }
    }()

    static let skipMessage: Comment = "the phiscrub executable is not built (run `swift build` first)"

    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
    }

    /// Runs the binary with `arguments`, feeding `stdin`, in `directory`, with `environment` changes.
    static func run(_ arguments: [String], stdin: [UInt8] = [], directory: URL? = nil,
                    environment: [String: String?] = [:]) throws -> Result {
        let process = Process()
        guard let executable = url else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["PHISCRUB_RULES_DIR"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // Files rather than pipes: nothing to pump concurrently, nothing can fill up.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("in"), outURL = dir.appendingPathComponent("out"),
            errURL = dir.appendingPathComponent("err")
        try Data(stdin).write(to: inURL)
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: outURL)
        let errors = try FileHandle(forWritingTo: errURL)
        defer { try? input.close(); try? output.close(); try? errors.close() }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let out = try Data(contentsOf: outURL), err = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus, stdout: Array(out), stderr: String(decoding: err, as: UTF8.self))
    }
}

@Suite("Built binary", .serialized, .enabled(if: Binary.url != nil, Binary.skipMessage))
struct BinaryTests {
    @Test func filtersStandardInput() throws {
        let result = try Binary.run([], stdin: Array("intake: SSN 365-94-0475, reply to m.quennel@example.com\nplain line\n".utf8))
        #expect(result.status == 0)
        #expect(String(decoding: result.stdout, as: UTF8.self) == "intake: SSN [SSN], reply to [EMAIL]\nplain line\n")
        #expect(result.stderr == "")
        let scan = try Binary.run(["scan"], stdin: Array("SSN 365-94-0475\n".utf8))
        #expect(scan.status == 1)
        #expect(String(decoding: scan.stdout, as: UTF8.self).contains("\"entity\":\"SSN\""))
        let missing = try Binary.run(["/nonexistent/phiscrub-input.txt"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("No such file"))
    }

    @Test func aClosedOutputPipeExitsZeroQuietly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // About 6 MB, far more than the pipe and the writer's 256 KiB buffer hold.
        var big = Data()
        let line = Data("SSN 365-94-0475 and an ordinary log line with some padding text to make it longer\n".utf8)
        while big.count < 6_000_000 { big.append(line) }
        let bigFile = dir.appendingPathComponent("big.txt")
        try big.write(to: bigFile)
        let script = """
            { "$0" < "$1" 2>"$2/err"; echo $? >"$2/status"; } | head -1 >"$2/first"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, try #require(Binary.url).path, bigFile.path, dir.path]
        try process.run()
        process.waitUntilExit()
        let status = try String(contentsOf: dir.appendingPathComponent("status"), encoding: .utf8)
        let err = try String(contentsOf: dir.appendingPathComponent("err"), encoding: .utf8)
        let first = try String(contentsOf: dir.appendingPathComponent("first"), encoding: .utf8)
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(err == "")
        #expect(first == "SSN [SSN] and an ordinary log line with some padding text to make it longer\n")
    }

    @Test func findsTheDefaultRulesFromAnotherDirectoryWithNoFlags() throws {
        let result = try Binary.run([], stdin: Array("Patient: Orla Vestergaard DOB: 07/04/1958\n".utf8),
                                    directory: URL(fileURLWithPath: "/tmp"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "Patient: [NAME] DOB: [DATE]\n")
        let rules = try Binary.run(["rules", "test"], directory: URL(fileURLWithPath: "/"))
        #expect(rules.status == 0, "\(rules.stderr)")
    }

    @Test func theRulesDirectoryCanBeOverriddenByEnvironment() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("""
            pack: default
            rules:
              - id: token
                entity: TOKEN
                category: other_unique
                pattern: '\\bTK-[0-9]{4}\\b'
                max_length: 7
                trigger: {keywords: [tk]}
                examples: {match: ['⟦TK-1234⟧'], nomatch: ['TK-12']}

            """.utf8).write(to: dir.appendingPathComponent("default.yaml"))
        let result = try Binary.run(["--allow-partial-rules"], stdin: Array("TK-1234 SSN 365-94-0475\n".utf8),
                                    environment: ["PHISCRUB_RULES_DIR": dir.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "[TOKEN] SSN 365-94-0475\n")
    }

    /// Issue 13 "No rules, no output": an empty `PHISCRUB_RULES_DIR` used to pass every SSN through with exit 0.
    @Test func anEmptyRulesDirectoryIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = Array("SSN 365-94-0475\n".utf8)
        let inputFile = dir.appendingPathComponent("in.log")
        try Data(input).write(to: inputFile)
        for arguments in [[], ["scan"], ["batch", inputFile.path, "--out", dir.appendingPathComponent("out").path]] {
            let result = try Binary.run(arguments, stdin: input, environment: ["PHISCRUB_RULES_DIR": dir.path])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.contains("PHISCRUB_RULES_DIR") && result.stderr.contains("--allow-partial-rules"),
                    "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/in.log").path))
    }

    /// Issue 13 "Partial output never looks complete": SIGTERM or SIGINT mid-stream used to kill the filter with
    /// whatever the buffer held. Now the whole lines read so far are written, the unfinished line (which could hold
    /// the first digits of an SSN) is dropped, the status is 2, and an `-o` file is not put in place.
    /// A stop signal that arrives while the filter waits for its input to go quiet (flush on idle) ended that
    /// poll, and the read after it then blocked until more input came: a quiet writer left the filter running. A
    /// long `--flush-idle` keeps the filter in that wait when the signal comes.
    @Test func aStopSignalDuringTheIdleWaitEndsTheRun() throws {
        for jobs in ["1", "2"] {
            let process = Process()
            process.executableURL = try #require(Binary.url)
            process.arguments = ["--jobs", jobs, "--flush-idle", "30000"]
            let input = Pipe(), output = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            input.fileHandleForWriting.write(Data("SSN 365-94-0475\nline two\npartial SSN 365-9".utf8))
            Thread.sleep(forTimeInterval: 1.5)  // read, scanned, now waiting up to 30 s for the input to go quiet
            Binary.signalAndWait(process, SIGTERM, label: "jobs \(jobs)")
            try? input.fileHandleForWriting.close()
            let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationReason == .exit && process.terminationStatus == 2, "jobs \(jobs)")
            #expect(stdout == "SSN [SSN]\nline two\n", "jobs \(jobs)")
        }
    }

    @Test func aStopSignalFlushesWholeLinesAndExitsNonZero() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-sig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (signal, jobs, toFile) in [(SIGTERM, "1", false), (SIGINT, "2", false), (SIGTERM, "2", true)] {
            let process = Process()
            process.executableURL = try #require(Binary.url)
            let outPath = dir.appendingPathComponent("out-\(jobs)-\(signal).txt").path
            process.arguments = ["--jobs", jobs] + (toFile ? ["-o", outPath] : [])
            let input = Pipe()
            let stdoutURL = dir.appendingPathComponent("stdout-\(jobs)-\(signal)")
            let stderrURL = dir.appendingPathComponent("stderr-\(jobs)-\(signal)")
            FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
            FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            let out = try FileHandle(forWritingTo: stdoutURL), err = try FileHandle(forWritingTo: stderrURL)
            defer { try? out.close(); try? err.close() }
            process.standardInput = input
            process.standardOutput = out
            process.standardError = err
            try process.run()
            input.fileHandleForWriting.write(Data("SSN 365-94-0475\nline two\npartial SSN 365-9".utf8))
            Thread.sleep(forTimeInterval: 1.0)  // the filter has read all of it and waits for more
            Binary.signalAndWait(process, signal, label: "\(signal) jobs \(jobs)")
            try? input.fileHandleForWriting.close()
            let stdout = try String(contentsOf: stdoutURL, encoding: .utf8)
            let stderr = try String(contentsOf: stderrURL, encoding: .utf8)
            #expect(process.terminationReason == .exit && process.terminationStatus == 2, "\(signal) jobs \(jobs): \(stderr)")
            #expect(stderr.contains("interrupted"), "\(stderr)")
            if toFile {
                #expect(stdout == "")
                #expect(!FileManager.default.fileExists(atPath: outPath))
                #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("phiscrub-tmp") } == [])
            } else {
                #expect(stdout == "SSN [SSN]\nline two\n", "\(signal) jobs \(jobs)")
            }
        }
    }

    /// On a full disk (here: a file size limit), `-o` used to leave a truncated file under the final name. Now the
    /// run fails with 2 and the final name is untouched (an older file there keeps its content).
    @Test func aFullDiskLeavesNoPartialFileUnderTheOutputName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var big = Data()
        let line = Data("SSN 365-94-0475 and an ordinary log line with some padding text to make it longer\n".utf8)
        while big.count < 2_000_000 { big.append(line) }
        let bigFile = dir.appendingPathComponent("big.txt")
        try big.write(to: bigFile)
        for (name, old) in [("new.txt", nil), ("old.txt", "previous run\n")] as [(String, String?)] {
            let outFile = dir.appendingPathComponent(name)
            if let old { try Data(old.utf8).write(to: outFile) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            // 256 blocks of 512 bytes: the write past 128 KiB fails with EFBIG (SIGXFSZ ignored).
            process.arguments = ["-c", "trap '' XFSZ; ulimit -f 256; exec \"$0\" --jobs 1 \"$1\" -o \"$2\" 2>/dev/null",
                                 try #require(Binary.url).path, bigFile.path, outFile.path]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 2)
            if let old {
                #expect(try String(contentsOf: outFile, encoding: .utf8) == old)
            } else {
                #expect(!FileManager.default.fileExists(atPath: outFile.path))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("phiscrub-tmp") } == [])
        }
    }

    /// Issue 13: several writers failing on a full disk (here: a file size limit) left a head that named the torn
    /// bytes as part of the log, so the next writer glued its record onto them and every later verify said
    /// "changed". Now each failing writer leaves the head before the damage, and the next successful append seals it.
    @Test func auditWritersFailingOnAFullDiskAreRepaired() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-audit-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("audit:\n  enabled: true\n  storage:\n    path: audit\n    os_append_only: false\n    sync: never\n".utf8)
            .write(to: dir.appendingPathComponent("cfg.yaml"))
        #expect(try Binary.run(["keys", "init", "--keyring", dir.appendingPathComponent("kr.json").path]).status == 0)
        let script = """
            cd "$1"; B="$0"
            app() { "$B" audit append --config cfg.yaml --keyring kr.json --event tool_call --agent a --user u --resource r \\
                --action call --detail "pad=$(head -c "$1" /dev/zero | tr '\\0' x)" >/dev/null 2>&1; echo "$?" >> status; }
            for i in 1 2 3 4 5; do app 200; done
            lim=$(( ($(stat -c %s audit/audit-000001.jsonl) + 1023) / 1024 ))
            for k in 0 0 0 1 1 2; do ( ulimit -f $((lim + k)); trap '' XFSZ; app 1500 ); done
            for i in 1 2 3; do app 200; done
            "$B" audit verify --config cfg.yaml --keyring kr.json > verify.txt; echo "$?" > verify.status
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, try #require(Binary.url).path, dir.path]
        try process.run()
        process.waitUntilExit()
        let statuses = try String(contentsOf: dir.appendingPathComponent("status"), encoding: .utf8).split(separator: "\n")
        #expect(statuses.count == 14)
        #expect(statuses.prefix(5).allSatisfy { $0 == "0" } && statuses.suffix(3).allSatisfy { $0 == "0" }, "\(statuses)")
        #expect(statuses.dropFirst(5).prefix(6).contains("2"), "some writers failed: \(statuses)")
        let verify = try String(contentsOf: dir.appendingPathComponent("verify.txt"), encoding: .utf8)
        let status = try String(contentsOf: dir.appendingPathComponent("verify.status"), encoding: .utf8)
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(verify)")
        #expect(verify.contains("sealed by the chain_recovery"), "\(verify)")
    }

    /// Only the filter and scan catch SIGTERM (to end at a whole line); other commands, reading standard input
    /// like reveal, still stop at once.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func otherCommandsStillStopOnSIGTERM() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-sig2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ring = dir.appendingPathComponent("kr.json").path
        #expect(try Binary.run(["keys", "init", "--keyring", ring]).status == 0)
        // The test runner hands its children a signal mask that blocks SIGTERM; a shell would not. Unblock it as
        // a shell's child would have it, then exec the binary.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT]); os.execv(sys.argv[1], sys.argv[1:])",
                             try #require(Binary.url).path, "reveal", "--role", "privacy_officer", "--keyring", ring]
        var env = ProcessInfo.processInfo.environment
        env["PHISCRUB_REVEAL_ROLES"] = "privacy_officer"
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.0)
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            Issue.record("reveal still running 20 s after SIGTERM")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        #expect(process.terminationReason == .uncaughtSignal)
    }
}

/// The filter against the log generator's own ground truth: every PHI value `corpora/generate_logs.py` plants (in
/// JSON tool calls, key=value lines, access-log query strings percent-encoded, prose) is gone from the output, as
/// `corpora/check_logs.py` counts it.
@Suite("Seeded log against its truth", .enabled(if: Binary.url != nil, Binary.skipMessage))
struct SeededLogTruthTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func everyPlantedValueIsGone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-truth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = arguments
            let out = dir.appendingPathComponent("py.out")
            try Data().write(to: out)
            let handle = try FileHandle(forWritingTo: out)
            defer { try? handle.close() }
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
            return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8))
        }
        let log = dir.appendingPathComponent("a.log").path, truth = dir.appendingPathComponent("a.truth.jsonl").path
        let cleaned = dir.appendingPathComponent("a.out").path
        let made = try python([Self.root.appendingPathComponent("corpora/generate_logs.py").path, "--size", "2M",
                               "--seed", "3", "--out", log, "--truth", truth])
        #expect(made.status == 0, "\(made.output)")
        #expect(try Binary.run([log, "-o", cleaned]).status == 0)
        // Seed 3 plants 443 values; the session before the escapes were read left 11 (query strings).
        let check = try python([Self.root.appendingPathComponent("corpora/check_logs.py").path, truth, cleaned,
                                "--max-left-share", "0"])
        #expect(check.status == 0, "\(check.output)")
    }
}
