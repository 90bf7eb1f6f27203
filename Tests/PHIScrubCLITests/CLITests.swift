import Foundation
import Testing

import PHIScan
import PHIScrubCLI
#if canImport(Glibc)
import Glibc
#endif

// `PhiScrubCommand.run(arguments:)` in process, with temporary files for --output, --findings and reports.
// Standard error (and, for --help, standard output) is captured by pointing the file descriptor at a temporary file
// with dup2 around the call; a lock keeps these tests from capturing each other.

// MARK: - Helpers

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }

    /// Every PHI value in `intake.txt`; none may appear anywhere but the input.
    static let intakeValues = [
        "Orla Vestergaard", "07/04/1958", "40022871", "365-94-0475", "(312) 555-0134", "206-555-0123",
        "m.quennel@example.com", "https://records.example.com/pt/7712", "192.0.2.17", "2001:db8::1",
        "3C:22:FB:7A:10:9E", "4417 Larkspur Lane", "60614", "Hallvard Reinholt", "2323194870",
        "4012 8888 8888 1881", "FL52UJ4U3Z1RKFMKR", "029-36-7738", "Kasimir Oduya", "97",
    ]

    /// The values a leak check can look for without false alarms: long enough not to occur by chance in offsets.
    static var leakValues: [String] { intakeValues.filter { $0.utf8.count >= 5 } }

    /// `text` without keyed fingerprints, audit hashes and signatures, token MACs and ciphertexts: long runs of
    /// hex or base64 that may hold any short digit string (a ZIP, an MRN) by chance.
    static func withoutFingerprints(_ text: String) -> String {
        text.replacingOccurrences(of: "hmac-sha256:[0-9a-f]+", with: "hmac-sha256:x", options: .regularExpression)
            .replacingOccurrences(of: "[0-9a-f]{16,}", with: "h", options: .regularExpression)
            .replacingOccurrences(of: "[A-Za-z0-9+/_=-]{24,}", with: "b", options: .regularExpression)
    }
}

struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    /// Recursive: `withEnvironment` holds it around a body that calls `run` (the environment is the process's, and
    /// the commands run in this process read it).
    static let lock = NSRecursiveLock()

    /// The C `stdout` and `stderr` streams (looked up by symbol: Swift 6 rejects direct use of the mutable C globals).
    nonisolated(unsafe) static let streams: [UnsafeMutablePointer<FILE>] = {
        guard let handle = dlopen(nil, RTLD_NOW) else { return [] }
        let names: [String] = ["stdout", "stderr"]
        return names.compactMap { (name: String) -> UnsafeMutablePointer<FILE>? in
            dlsym(handle, name)?.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
        }
    }()

    /// Points `fd` at a fresh temporary file while `body` runs; returns what was written to it.
    static func capture<T>(_ fd: Int32, _ body: () throws -> T) rethrows -> (T, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-fd\(fd)-\(UUID().uuidString)").path
        fflush(nil)
        let saved = dup(fd)
        let file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        precondition(saved >= 0 && file >= 0, "cannot redirect fd \(fd)")
        dup2(file, fd)
        close(file)
        defer {
            fflush(nil)
            dup2(saved, fd)
            close(saved)
            unlink(path)
        }
        let value = try body()
        fflush(nil)
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return (value, text)
    }

    /// Runs `body` holding the `stdout` and `stderr` stream locks (`flockfile`): the test runner writes its progress
    /// lines through those streams from other threads, so they wait instead of landing in a capture. This thread's
    /// own `print` still works (the locks are recursive); the CLI writes errors with write(2), which needs no lock.
    static func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        for s in streams { flockfile(s) }
        defer {
            for s in streams.reversed() { funlockfile(s) }
            lock.unlock()
        }
        return try body()
    }

    /// Runs the command in process with stderr (and optionally stdout) captured.
    static func run(_ arguments: [String], captureStdout: Bool = false) -> CLIResult {
        exclusively { runUnlocked(arguments, captureStdout: captureStdout) }
    }

    private static func runUnlocked(_ arguments: [String], captureStdout: Bool) -> CLIResult {
        if captureStdout {
            let ((status, err), out) = capture(1) { capture(2) { PhiScrubCommand.run(arguments: arguments) } }
            return CLIResult(status: status, stdout: out, stderr: err)
        }
        let (status, err) = capture(2) { PhiScrubCommand.run(arguments: arguments) }
        return CLIResult(status: status, stdout: "", stderr: err)
    }
}

/// A temporary directory for one test.
struct Scratch {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
        return path(name)
    }
    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: url.appendingPathComponent(name))) }
    func text(_ name: String) throws -> String { String(decoding: try read(name), as: UTF8.self) }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Parses JSON Lines into dictionaries.
func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}

/// Byte offsets of each occurrence of `needle` in `haystack`.
func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
    guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
    return (0...(haystack.count - needle.count)).filter { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
}

// MARK: - Tests

@Suite("CLI in process", .serialized)
struct CLITests {
    @Test func redactMatchesTheGoldenFile() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let result = CLI.run([Fixtures.path("intake.txt"), "--output", scratch.path("out.txt")])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(try scratch.read("out.txt") == Fixtures.bytes("intake.txt.expected"))
        // The explicit subcommand and '-o' do the same.
        let again = CLI.run(["redact", "-o", scratch.path("again.txt"), Fixtures.path("intake.txt")])
        #expect(again.status == 0)
        #expect(try scratch.read("again.txt") == Fixtures.bytes("intake.txt.expected"))
    }

    @Test func severalFilesAreRedactedInOrder() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let a = try scratch.write("a.txt", "SSN 365-94-0475\nno newline")
        let b = try scratch.write("b.txt", "reply to m.quennel@example.com\n")
        let result = CLI.run([a, b, "--output", scratch.path("out.txt")])
        #expect(result.status == 0)
        #expect(try scratch.text("out.txt") == "SSN [SSN]\nno newlinereply to [EMAIL]\n")
    }

    @Test func exitCodes() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let intake = Fixtures.path("intake.txt")
        let clean = Fixtures.path("clean.txt")
        #expect(CLI.run([intake, "-o", scratch.path("r.txt")]).status == 0, "redact with findings")
        #expect(CLI.run(["scan", intake, "-o", scratch.path("s.jsonl")]).status == 1, "scan with findings")
        let cleanScan = CLI.run(["scan", clean, "-o", scratch.path("c.jsonl")])
        #expect(cleanScan.status == 0, "scan without findings")
        #expect(try scratch.read("c.jsonl").isEmpty)
        #expect(CLI.run(["scan", "--format", "sarif", clean, "-o", scratch.path("c.sarif")]).status == 0)

        let missing = scratch.path("does-not-exist.txt")
        let r1 = CLI.run([missing, "-o", scratch.path("m.txt")])
        #expect(r1.status == 2)
        #expect(r1.stderr.contains(missing) && r1.stderr.contains("No such file"))
        #expect(CLI.run(["scan", missing, "-o", scratch.path("m.jsonl")]).status == 2)
        // A missing file among good ones: the good ones are still processed, the status says error.
        let r2 = CLI.run([clean, missing, "-o", scratch.path("m2.txt")])
        #expect(r2.status == 2)
        #expect(try scratch.read("m2.txt") == Fixtures.bytes("clean.txt"))
        // A directory is not an input.
        #expect(CLI.run([scratch.url.path, "-o", scratch.path("d.txt")]).status == 2)

        let unknown = CLI.run(["--frobnicate", intake])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--frobnicate"))
        #expect(unknown.stderr.lowercased().contains("usage"))
        #expect(CLI.run(["scan", "--format", "xml", intake]).status == 2)
        #expect(CLI.run(["--min-confidence", "1.5", intake]).status == 2)
        #expect(CLI.run(["--line-cap", "10", intake]).status == 2)
        let noRules = CLI.run(["--no-default-rules", intake])
        #expect(noRules.status == 2)
        #expect(noRules.stderr.contains("--rules"))
    }

    @Test func badRulesExitTwoAndListEveryDiagnostic() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let pack = try scratch.write("bad.yaml", """
            pack: bad
            rules:
              - id: unbounded
                entity: TOKEN
                category: other_unique
                pattern: 'UB[0-9]+'
                max_length: 10
                examples: {match: ['UB12']}
              - id: bad-validator
                entity: TOKEN
                category: other_unique
                pattern: 'BV[0-9]{4}'
                max_length: 6
                validator: crc32
                examples: {match: ['BV1234']}
              - id: newline
                entity: TOKEN
                category: gossip
                pattern: 'NL[^x]{2}'
                max_length: 4
                examples: {match: ['NL12']}

            """)
        let expected = ["\(pack):6: rule 'unbounded'", "\(pack):14: rule 'bad-validator'", "\(pack):18: rule 'newline'",
                        "\(pack):19: rule 'newline'"]
        for args in [["--rules", pack, Fixtures.path("clean.txt"), "-o", scratch.path("o.txt")],
                     ["scan", "--rules", pack, Fixtures.path("clean.txt")],
                     ["rules", "test", "--rules", pack],
                     ["rules", "list", "--no-default-rules", "--rules", pack]] {
            let result = CLI.run(args)
            #expect(result.status == 2, "\(args)")
            for line in expected { #expect(result.stderr.contains(line), "\(args): missing '\(line)' in \(result.stderr)") }
            #expect(result.stderr.contains("4 problems"), "\(result.stderr)")
        }
        // Nothing was written for the failed redact: the output is not even created.
        #expect(!FileManager.default.fileExists(atPath: scratch.path("o.txt")))
    }

    /// `phiscrub rules snapshot --output F` writes the snapshot the shipped one must equal (see `PackSnapshotTests`);
    /// an output it cannot write is a clear error.
    @Test func rulesSnapshotWritesTheShippedSnapshot() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let out = scratch.path("packs.snapshot")
        let ok = CLI.run(["rules", "snapshot", "--output", out], captureStdout: true)
        #expect(ok.status == 0, "\(ok.stderr)")
        let dir = try #require(RulePacks.defaultDirectory())
        let shipped = try Data(contentsOf: dir.appendingPathComponent(RulePacks.snapshotFileName))
        let written = try Data(contentsOf: URL(fileURLWithPath: out))
        let same = written == shipped  // a Bool: a failure does not print both snapshots
        #expect(same, "wrote \(written.count) bytes, the shipped snapshot has \(shipped.count)")
        let bad = CLI.run(["rules", "snapshot", "--output", scratch.path("missing/dir/packs.snapshot")])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("cannot write the snapshot"))
    }

    @Test func rulesTestChecksExamples() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let ok = CLI.run(["rules", "test"], captureStdout: true)
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("rules ok"))
        let pack = try scratch.write("examples.yaml", """
            pack: e
            rules:
              - id: failing
                entity: TOKEN
                category: other_unique
                pattern: 'FE[0-9]{4}'
                max_length: 6
                examples: {match: ['FE12'], nomatch: ['FE9999']}

            """)
        let bad = CLI.run(["rules", "test", "--no-default-rules", "--rules", pack])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(pack):3: rule 'failing': match example 1 is not matched"))
        #expect(bad.stderr.contains("\(pack):3: rule 'failing': nomatch example 1 is matched"))
    }

    /// Contract 6 of the design (bad input gets a clear error): a malformed rule file lists every problem in one run. Today the loader's problems stop
    /// the run before patterns are compiled and examples checked, so a PCRE2 compile error or a failing example in
    /// the same pack only shows up after the first batch is fixed.
    @Test func everyKindOfRuleProblemInOneRun() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let pack = try scratch.write("mixed.yaml", """
            pack: mixed
            rules:
              - id: unknown-key
                entity: TOKEN
                category: other_unique
                pattern: 'UK[0-9]{4}'
                max_length: 6
                flavour: mint
                examples: {match: ['UK1234']}
              - id: reversed-range
                entity: TOKEN
                category: other_unique
                pattern: '[z-a]{2}'
                max_length: 2
                examples: {match: ['zz']}
              - id: failing-example
                entity: TOKEN
                category: other_unique
                pattern: 'FE[0-9]{4}'
                max_length: 6
                examples: {match: ['FE12']}

            """)
        let result = CLI.run(["rules", "test", "--no-default-rules", "--rules", pack])
        #expect(result.status == 2)
        for part in ["rule 'unknown-key'", "rule 'reversed-range'", "rule 'failing-example'"] {
            #expect(result.stderr.contains(part), "missing \(part) in \(result.stderr)")
        }
        // The filter loads rules the same way and reports the same problems.
        let redact = CLI.run(["--no-default-rules", "--rules", pack, Fixtures.path("clean.txt"), "-o", scratch.path("o.txt")])
        #expect(redact.status == 2)
        for part in ["rule 'unknown-key'", "rule 'reversed-range'", "rule 'failing-example'"] {
            #expect(redact.stderr.contains(part), "redact: missing \(part) in \(redact.stderr)")
        }
    }

    /// The design: rule examples are checked "by the loader and the tests"; today only `rules test` checks them, so
    /// redact and scan load a pack whose own examples fail.
    @Test func redactRefusesAPackWhoseExamplesFail() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let pack = try scratch.write("fe.yaml", """
            pack: fe
            rules:
              - id: failing
                entity: TOKEN
                category: other_unique
                pattern: 'FE[0-9]{4}'
                max_length: 6
                examples: {match: ['FE12']}

            """)
        let result = CLI.run(["--rules", pack, Fixtures.path("clean.txt"), "-o", scratch.path("o.txt")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("rule 'failing'"))
    }

    @Test func userPacksAndNoDefaultRules() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let pack = try scratch.write("token.yaml", """
            pack: token
            rules:
              - id: token
                entity: TOKEN
                category: other_unique
                pattern: '\\bTK-[0-9]{4}\\b'
                max_length: 7
                trigger: {keywords: [tk]}
                examples: {match: ['id ⟦TK-1234⟧'], nomatch: ['TK-12']}

            """)
        let input = try scratch.write("in.txt", "TK-1234 and SSN 365-94-0475\n")
        #expect(CLI.run(["--rules", pack, input, "-o", scratch.path("both.txt")]).status == 0)
        #expect(try scratch.text("both.txt") == "[TOKEN] and SSN [SSN]\n")
        // A pack without the built-in identifiers runs only when asked for (README "Fail closed").
        #expect(CLI.run(["--no-default-rules", "--rules", pack, input, "-o", scratch.path("only.txt")]).status == 2)
        #expect(CLI.run(["--no-default-rules", "--allow-partial-rules", "--rules", pack, input,
                         "-o", scratch.path("only.txt")]).status == 0)
        #expect(try scratch.text("only.txt") == "[TOKEN] and SSN 365-94-0475\n")
        #expect(CLI.run(["--min-confidence", "0.9", input, "-o", scratch.path("conf.txt")]).status == 0)
    }

    @Test func findingsJSONLHasEveryFieldAndNoValues() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = Fixtures.path("intake.txt")
        let result = CLI.run([input, "--findings", scratch.path("f.jsonl"), "--output", scratch.path("out.txt")])
        #expect(result.status == 0)
        let records = try jsonLines(try scratch.text("f.jsonl"))
        let fixture = try Fixtures.bytes("intake.txt")
        #expect(records.count == Fixtures.intakeValues.count)
        let fields: Set<String> = ["file", "line", "column", "offset", "length", "entity", "rule", "confidence", "fingerprint"]
        var lineStarts = [0]
        for (i, b) in fixture.enumerated() where b == 0x0A { lineStarts.append(i + 1) }
        var coveredValues = Set<String>()
        for r in records {
            #expect(Set(r.keys) == fields)
            #expect(r["file"] as? String == input)
            let offset = try #require(r["offset"] as? Int), length = try #require(r["length"] as? Int)
            let line = try #require(r["line"] as? Int), column = try #require(r["column"] as? Int)
            #expect(lineStarts[line - 1] + column - 1 == offset, "line/column agree with the offset")
            let value = String(decoding: fixture[offset..<offset + length], as: UTF8.self)
            #expect(Fixtures.intakeValues.contains(value), "finding at \(offset) is '\(value)'")
            coveredValues.insert(value)
            #expect((r["fingerprint"] as? String)?.hasPrefix("hmac-sha256:") == true)
            let confidence = try #require(r["confidence"] as? Double)
            #expect(confidence > 0 && confidence <= 1)
            #expect(!(r["entity"] as? String ?? "").isEmpty && !(r["rule"] as? String ?? "").isEmpty)
        }
        #expect(coveredValues == Set(Fixtures.intakeValues))
        // Reports may still be sensitive: created 0600.
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.path("f.jsonl"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // Distinct values, distinct fingerprints.
        let fingerprints = records.compactMap { $0["fingerprint"] as? String }
        #expect(Set(fingerprints).count == fingerprints.count)
    }

    @Test func scanJSONLAndSARIFAgree() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = Fixtures.path("intake.txt")
        #expect(CLI.run(["scan", input, "-o", scratch.path("s.jsonl")]).status == 1)
        let records = try jsonLines(try scratch.text("s.jsonl"))
        #expect(records.count == Fixtures.intakeValues.count)

        #expect(CLI.run(["scan", "--format", "sarif", input, "-o", scratch.path("s.sarif")]).status == 1)
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(try scratch.read("s.sarif"))) as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")
        #expect((sarif["$schema"] as? String)?.contains("sarif") == true)
        let runs = try #require(sarif["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == records.count)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "phiscrub")
        let descriptors = try #require(driver["rules"] as? [[String: Any]])
        for (result, record) in zip(results, records) {
            #expect(result["ruleId"] as? String == record["rule"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(descriptors[index]["id"] as? String == result["ruleId"] as? String)
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let region = try #require(location["region"] as? [String: Any])
            #expect(region["byteOffset"] as? Int == record["offset"] as? Int)
            #expect(region["byteLength"] as? Int == record["length"] as? Int)
            #expect(region["startLine"] as? Int == record["line"] as? Int)
            #expect(region["startColumn"] as? Int == record["column"] as? Int)
            #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == input)
        }
    }

    /// Contract 4 of the design (no PHI sideways): nothing the program writes besides the redacted output holds a matched value.
    @Test func phiNeverLeaksSideways() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = Fixtures.path("intake.txt")
        var sideChannels: [(String, String)] = []
        var statuses: [Int32] = []
        func run(_ args: [String]) {
            let r = CLI.run(args)
            statuses.append(r.status)
            sideChannels.append(("stderr of \(args.prefix(3))", r.stderr))
        }
        run([input, "--findings", scratch.path("f.jsonl"), "--output", scratch.path("out.txt"), "--stats"])
        run(["scan", input, "--output", scratch.path("s.jsonl")])
        run(["scan", "--format", "sarif", input, "--output", scratch.path("s.sarif")])
        run(["redact", "--line-buffered", "--line-cap", "1024", input, "--findings", scratch.path("f2.jsonl"), "-o", scratch.path("out2.txt")])
        // A pack whose failing examples are full of PHI: the diagnostics name the example, never its text.
        let examples = Fixtures.intakeValues.map { "'\($0)'" }.joined(separator: ", ")
        let pack = try scratch.write("leaky.yaml", """
            pack: leaky
            rules:
              - id: leaky
                entity: TOKEN
                category: other_unique
                pattern: 'ZZ[0-9]{4}'
                max_length: 6
                examples: {match: [\(examples)], nomatch: ['ZZ1234 \(Fixtures.intakeValues[3])']}

            """)
        run(["rules", "test", "--rules", pack])
        // A line withheld because a rule hit the match limit: the error names no value.
        let slow = try scratch.write("slow.yaml", """
            pack: slow
            rules:
              - id: backtracker
                entity: SLOW
                category: other_unique
                pattern: '(?:a|aa){1,60}c'
                max_length: 121
                examples: {match: ['aac']}

            """)
        let withheldInput = try scratch.write("withheld.txt", String(repeating: "a", count: 50) + "! SSN 365-94-0475 m.quennel@example.com c\n")
        run(["--rules", slow, withheldInput, "-o", scratch.path("w.txt"), "--findings", scratch.path("w.jsonl")])
        // A missing file.
        run([scratch.path("missing.txt"), "-o", scratch.path("m.txt")])

        #expect(statuses == [0, 1, 1, 0, 2, 2, 2])
        for name in ["f.jsonl", "s.jsonl", "s.sarif", "f2.jsonl", "w.jsonl"] {
            sideChannels.append((name, try scratch.text(name)))
        }
        #expect(try scratch.text("w.txt") == "[WITHHELD]\n")
        for (channel, text) in sideChannels {
            let checked = Fixtures.withoutFingerprints(text)
            for value in Fixtures.leakValues {
                #expect(!checked.contains(value), "\(channel) contains a PHI value")
            }
        }
        // The side channels were not empty: the test looked at real reports.
        #expect(sideChannels.filter { !$0.1.isEmpty }.count >= 7)
        // And the redacted outputs hold none of the values either.
        for name in ["out.txt", "out2.txt"] {
            let text = try scratch.text(name)
            for value in Fixtures.leakValues { #expect(!text.contains(value), "\(name) contains a PHI value") }
        }
    }

    @Test func helpListsEveryFlag() throws {
        let flags = ["--rules", "--no-default-rules", "--min-confidence", "--findings", "--output", "--line-buffered", "--line-cap"]
        let redactHelp = CLI.run(["redact", "--help"], captureStdout: true)
        #expect(redactHelp.status == 0)
        for flag in flags { #expect(redactHelp.stdout.contains(flag), "redact --help lacks \(flag)") }
        #expect(redactHelp.stdout.contains("USAGE: phiscrub redact"))
        let scanHelp = CLI.run(["scan", "--help"], captureStdout: true)
        for flag in ["--rules", "--no-default-rules", "--min-confidence", "--output", "--format"] {
            #expect(scanHelp.stdout.contains(flag), "scan --help lacks \(flag)")
        }
        let root = CLI.run(["--help"], captureStdout: true)
        #expect(root.status == 0)
        for part in ["USAGE: phiscrub", "redact (default)", "scan", "rules", "Exit status: 0 ok; 1 findings"] {
            #expect(root.stdout.contains(part), "--help lacks \(part)")
        }
        let version = CLI.run(["--version"], captureStdout: true)
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == PhiScrubVersion.current)
    }

    /// `phiscrub` is a filter first; `phiscrub --help` shows only the subcommand list, so the filter's own flags
    /// appear only under `phiscrub redact --help`.
    @Test func rootHelpListsTheFilterFlags() throws {
        let root = CLI.run(["--help"], captureStdout: true)
        for flag in ["--rules", "--no-default-rules", "--min-confidence", "--findings", "--output", "--line-buffered", "--line-cap"] {
            #expect(root.stdout.contains(flag), "--help lacks \(flag)")
        }
        // The list is written out in the root command's discussion: it must not drift from redact's options.
        let redact = CLI.run(["redact", "--help"], captureStdout: true)
        let options = try NSRegularExpression(pattern: "--[a-z][a-z-]*")
        let text = redact.stdout
        let flags = Set(options.matches(in: text, range: NSRange(text.startIndex..., in: text))
            .map { String(text[Range($0.range, in: text)!]) })
            .subtracting(["--help", "--version"])
        #expect(flags.count >= 8)
        for flag in flags.sorted() { #expect(root.stdout.contains(flag), "--help lacks redact's \(flag)") }
    }

    /// An unknown flag prints one error line and the subcommand's usage, once.
    @Test func anUnknownFlagPrintsTheUsageOnce() throws {
        let result = CLI.run(["--frobnicate"])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.first?.contains("--frobnicate") == true)
        #expect(lines.filter { $0.lowercased().hasPrefix("usage:") }.count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("phiscrub <subcommand>"), "\(result.stderr)")
    }
}
