import Foundation
import Testing

import PHIScrubCLI
#if canImport(Glibc)
import Glibc
#endif

// Issue 13, "Fail closed everywhere": each test is one attack that used to get PHI out in clear, destroy input or
// leave output that looks complete.

@Suite("Fail closed", .serialized)
struct FailClosedTests {
    // MARK: No rules, no output

    /// A pack with `rules: []` and `--no-default-rules` used to pass every SSN through with exit 0.
    @Test func anEmptyRuleSetIsRefusedByFilterScanAndBatch() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let empty = try scratch.write("empty.yaml", "pack: empty\nrules: []\n")
        try FileManager.default.createDirectory(atPath: scratch.path("emptydir"), withIntermediateDirectories: true)
        let input = try scratch.write("in.log", "SSN 365-94-0475\n")
        for pack in [empty, scratch.path("emptydir")] {
            let rules = ["--no-default-rules", "--rules", pack]
            let filter = CLI.run(rules + [input, "-o", scratch.path("out.txt")])
            #expect(filter.status == 2)
            #expect(filter.stderr.contains("SSN") && filter.stderr.contains("--allow-partial-rules"), "\(filter.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out.txt")))
            let scan = CLI.run(["scan"] + rules + [input, "-o", scratch.path("scan.jsonl")])
            #expect(scan.status == 2, "\(scan.stderr)")
            let batch = CLI.run(["batch", input, "--out", scratch.path("clean"), "--quiet"] + rules)
            #expect(batch.status == 2, "\(batch.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("clean/in.log")))
        }
    }

    /// A pack that finds only some identifiers is refused too, naming what is missing; `--allow-partial-rules` runs it.
    @Test func aPartialRuleSetNeedsAllowPartialRules() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let pack = try scratch.write("ssn.yaml", """
            pack: ssn-only
            rules:
              - id: ssn-only
                entity: SSN
                category: ssn
                pattern: '\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b'
                max_length: 11
                examples: {match: ['⟦365-94-0475⟧']}

            """)
        let input = try scratch.write("in.log", "SSN 365-94-0475 mail m.quennel@example.com\n")
        let refused = CLI.run(["--no-default-rules", "--rules", pack, input, "-o", scratch.path("out.txt")])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("EMAIL") && refused.stderr.contains("PHONE"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("report no SSN"), "\(refused.stderr)")
        let allowed = CLI.run(["--no-default-rules", "--rules", pack, "--allow-partial-rules", input,
                               "-o", scratch.path("out.txt")])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try scratch.text("out.txt") == "SSN [SSN] mail m.quennel@example.com\n")
        // Adding a pack to the defaults keeps every identifier: no flag needed.
        #expect(CLI.run(["--rules", pack, input, "-o", scratch.path("both.txt")]).status == 0)
        #expect(try scratch.text("both.txt") == "SSN [SSN] mail [EMAIL]\n")
    }

    // MARK: Never destroy input

    /// `phiscrub f -o f` (and through a symbolic or hard link, and `--findings f`, and `scan f -o f`) truncated the
    /// input before reading it.
    @Test func anOutputThatIsAnInputIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let text = "SSN 365-94-0475\n"
        let input = try scratch.write("f.log", text)
        symlink(input, scratch.path("link.log"))
        link(input, scratch.path("hard.log"))
        for arguments in [[input, "-o", input], [input, "-o", scratch.path("link.log")], [input, "-o", scratch.path("hard.log")],
                          [input, "--findings", input, "-o", scratch.path("o.txt")],
                          [input, "--findings", scratch.path("link.log"), "-o", scratch.path("o.txt")],
                          ["scan", input, "-o", input], ["scan", input, "-o", scratch.path("link.log")]] {
            let result = CLI.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("destroy the input"), "\(arguments): \(result.stderr)")
            #expect(try scratch.text("f.log") == text, "\(arguments) changed the input")
        }
        // The same file as both outputs is refused too.
        let both = CLI.run([input, "-o", scratch.path("x.txt"), "--findings", scratch.path("x.txt")])
        #expect(both.status == 2)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("o.txt")))
    }

    /// `batch dir/f.log --out dir` replaced the input with its cleaned copy.
    @Test func batchRefusesAnOutputThatIsItsInput() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let text = "SSN 365-94-0475\n"
        try FileManager.default.createDirectory(atPath: scratch.path("dir"), withIntermediateDirectories: true)
        let input = try scratch.write("dir/f.log", text)
        let result = CLI.run(["batch", input, "--out", scratch.path("dir"), "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is an input file"), "\(result.stderr)")
        #expect(try scratch.text("dir/f.log") == text)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("dir/.phiscrub-manifest.jsonl")))
        // --report naming an input, or a file inside an input directory.
        let report = CLI.run(["batch", input, "--out", scratch.path("clean"), "--report", input, "--quiet"])
        #expect(report.status == 2)
        #expect(try scratch.text("dir/f.log") == text)
        let inside = CLI.run(["batch", scratch.path("dir"), "--out", scratch.path("clean2"), "--report", input, "--quiet"])
        #expect(inside.status == 2)
        #expect(inside.stderr.contains("is one of the input files"), "\(inside.stderr)")
        #expect(try scratch.text("dir/f.log") == text)
    }

    /// `batch D --out D` said "0 files" and exited 0, under any spelling and through a link.
    @Test func batchRefusesTheInputDirectoryAsOutput() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(atPath: scratch.path("D/sub"), withIntermediateDirectories: true)
        try scratch.write("D/sub/a.log", "SSN 365-94-0475\n")
        symlink(scratch.path("D"), scratch.path("linkD"))
        let d = scratch.path("D")
        for (input, out) in [(d, d), (d, d + "/"), (d + "/.", d), (d, d + "/../D"), (d, scratch.path("linkD")),
                             (scratch.path("linkD"), d)] {
            let result = CLI.run(["batch", input, "--out", out, "--quiet"])
            #expect(result.status == 2, "batch \(input) --out \(out)")
            #expect(result.stderr.contains("is the input directory"), "\(result.stderr)")
        }
        #expect(try scratch.text("D/sub/a.log") == "SSN 365-94-0475\n")
        // A refused run leaves no report that looks complete (the report goes through a temporary and a rename).
        #expect(CLI.run(["batch", d, "--out", d, "--quiet", "--report", scratch.path("r.jsonl")]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("r.jsonl")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.contains("phiscrub-tmp") } == [])
    }

    /// A symbolic link inside --out used to lead the cleaned file (and its directory) outside the output directory.
    @Test func aLinkInsideTheOutputDirectoryDoesNotLeadWritesOutside() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(atPath: scratch.path("in/sub"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.path("out"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.path("elsewhere"), withIntermediateDirectories: true)
        try scratch.write("in/sub/a.log", "SSN 365-94-0475\n")
        try scratch.write("in/b.log", "phone (312) 555-0134\n")
        try scratch.write("elsewhere/b.log", "keep me\n")
        symlink(scratch.path("elsewhere"), scratch.path("out/sub"))
        symlink(scratch.path("elsewhere/b.log"), scratch.path("out/b.log"))
        let result = CLI.run(["batch", scratch.path("in"), "--out", scratch.path("out"), "--quiet",
                              "--report", scratch.path("report.jsonl")])
        #expect(result.status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("elsewhere")) == ["b.log"])
        #expect(try scratch.text("elsewhere/b.log") == "keep me\n")
        let report = try jsonLines(try scratch.text("report.jsonl"))
        #expect(report.filter { $0["reason"] as? String == "unsafe_output" }.count == 2, "\(report)")
        // A link under the manifest's name: the run does not start, nothing is appended through it.
        try FileManager.default.createDirectory(atPath: scratch.path("out2"), withIntermediateDirectories: true)
        symlink(scratch.path("elsewhere/m.jsonl"), scratch.path("out2/.phiscrub-manifest.jsonl"))
        #expect(CLI.run(["batch", scratch.path("in"), "--out", scratch.path("out2"), "--quiet"]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("elsewhere/m.jsonl")))
    }

    /// Links inside an input directory that point outside it are skipped and reported unless --follow-links; the
    /// names batch reserves for itself are reported, not silently passed over.
    @Test func linksLeavingTheInputTreeAndReservedNamesAreReported() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(atPath: scratch.path("in/inner"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.path("private"), withIntermediateDirectories: true)
        try scratch.write("private/secret.log", "SSN 365-94-0475\n")
        try scratch.write("in/inner/a.log", "SSN 029-36-7738\n")
        symlink(scratch.path("private/secret.log"), scratch.path("in/outside.log"))
        symlink(scratch.path("in/inner/a.log"), scratch.path("in/inside.log"))
        try scratch.write("in/.phiscrub-manifest.jsonl", "{}\n")
        try scratch.write("in/.x.log.phiscrub-tmp", "x\n")
        let result = CLI.run(["batch", scratch.path("in"), "--out", scratch.path("out"), "--quiet",
                              "--report", scratch.path("r.jsonl")])
        // The link's data was not cleaned and nobody excluded it: exit 2 (reserved names do not count).
        #expect(result.status == 2, "\(result.stderr)")
        let report = try jsonLines(try scratch.text("r.jsonl"))
        func reason(_ relative: String) -> String? {
            report.first { $0["output"] as? String == relative }.flatMap { $0["reason"] as? String }
        }
        #expect(reason("outside.log") == "symlink_outside")
        #expect(reason(".phiscrub-manifest.jsonl") == "reserved_name")
        #expect(reason(".x.log.phiscrub-tmp") == "reserved_name")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out/outside.log")))
        #expect(try scratch.text("out/inside.log") == "SSN [SSN]\n")
        let followed = CLI.run(["batch", scratch.path("in"), "--out", scratch.path("out2"), "--quiet", "--follow-links"])
        #expect(followed.status == 0, "\(followed.stderr)")
        #expect(try scratch.text("out2/outside.log") == "SSN [SSN]\n")
    }

    /// A file with withheld lines was recorded as done, so a re-run skipped it and exited 0.
    @Test func aBatchFileWithWithheldLinesStaysNotDone() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
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
        try FileManager.default.createDirectory(atPath: scratch.path("in"), withIntermediateDirectories: true)
        try scratch.write("in/w.log", String(repeating: "a", count: 50) + "! SSN 365-94-0475 c\nok\n")
        let arguments = ["batch", scratch.path("in"), "--out", scratch.path("out"), "--quiet", "--rules", slow]
        #expect(CLI.run(arguments).status == 2)
        #expect(!(try scratch.text("out/w.log")).contains("365-94-0475"))
        let again = CLI.run(arguments + ["--report", scratch.path("r.jsonl")])
        #expect(again.status == 2)
        #expect(!(try scratch.text("r.jsonl")).contains("already_done"))
    }

    // MARK: Smaller holes

    /// A keyring path that is a FIFO (no writer) hung `--action token` in open(2); a device fed it endless bytes.
    @Test func aKeyringThatIsNotARegularFileIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = try scratch.write("in.txt", "SSN 365-94-0475\n")
        let fifo = scratch.path("ring.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        for ring in [fifo, "/dev/zero", "/dev/null"] {
            let result = CLI.run(["--action", "token", "--keyring", ring, input, "-o", scratch.path("out.txt")])
            #expect(result.status == 2, "\(ring)")
            #expect(result.stderr.contains("not a regular file"), "\(ring): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out.txt")))
        }
    }

    /// The same for a rule pack or a configuration given as a FIFO: refused, never read.
    @Test func aRulePackOrConfigurationThatIsNotARegularFileIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = try scratch.write("in.txt", "SSN 365-94-0475\n")
        let fifo = scratch.path("pack.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        for arguments in [["--rules", fifo], ["--config", fifo], ["scan", "--rules", fifo], ["check-config", "--config", fifo]] {
            let result = CLI.run(arguments + [input, "-o", scratch.path("out.txt")].filter { _ in arguments[0] != "check-config" })
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("not a regular file"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out.txt")))
    }

    /// An all-zero `PHISCRUB_KEY` made every token guessable and was accepted.
    @Test func aDegenerateEnvironmentKeyIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = try scratch.write("in.txt", "SSN 365-94-0475\n")
        for key in [[UInt8](repeating: 0, count: 32), (0..<32).map { UInt8($0) }] {
            withEnvironment(["PHISCRUB_KEY": Data(key).base64EncodedString(), "HOME": scratch.path("home")]) {
                let result = CLI.run(["--action", "token", input, "-o", scratch.path("out.txt")])
                #expect(result.status == 2)
                #expect(result.stderr.contains("entropy"), "\(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: scratch.path("out.txt")))
            }
        }
    }

    /// `--action shift` without `--subject` (and a configuration's `DATE: shift`) moved everyone's dates by one
    /// offset; `--action FOO=mask` for an entity no rule reports was accepted silently.
    @Test func shiftNeedsASubjectAndOperatorsNeedAnEntityThatExists() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = try scratch.write("in.txt", "DOB: 03/14/1961 SSN 365-94-0475\n")
        let ring = scratch.path("keyring.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        let config = try scratch.write("phiscrub.yaml", "transform:\n  default: redact\n  entities:\n    DATE: shift\n")
        for arguments in [["--action", "shift"], ["--action", "DATE=shift"], ["--config", config]] {
            let result = CLI.run(arguments + ["--keyring", ring, input, "-o", scratch.path("out.txt")])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("--subject"), "\(arguments): \(result.stderr)")
            let batch = CLI.run(["batch", input, "--out", scratch.path("clean"), "--quiet", "--keyring", ring] + arguments)
            #expect(batch.status == 2, "batch \(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out.txt")))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("clean/in.txt")))
        let ok = CLI.run(["--config", config, "--subject", "patient-0042", "--keyring", ring, input, "-o", scratch.path("out.txt")])
        #expect(ok.status == 0, "\(ok.stderr)")

        for arguments in [["--action", "FOO=mask"], ["--action", "SSNN=keep"]] {
            let result = CLI.run(arguments + [input, "-o", scratch.path("foo.txt")])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("entities:") && result.stderr.contains("SSN"), "\(result.stderr)")
            #expect(CLI.run(["batch", input, "--out", scratch.path("clean2"), "--quiet"] + arguments).status == 2)
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("foo.txt")))
    }

    /// UTF-16 input (with or without a byte order mark) passed through in clear, since no rule matches NUL-split
    /// digits; gzip input passed through unscanned with exit 0. Both are refused with exit 2 by the filter (one
    /// thread and parallel) and by scan, and nothing of them is written.
    @Test func utf16AndGzipInputAreRefused() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let text = "Patient SSN 365-94-0475 phone (312) 555-0134\n"
        var le: [UInt8] = [], be: [UInt8] = []
        for unit in text.utf16 {
            le += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            be += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03] + Array("not really deflate".utf8)
        let cases: [(String, [UInt8], String)] = [
            ("le-bom.txt", [0xFF, 0xFE] + le, "UTF-16"), ("be-bom.txt", [0xFE, 0xFF] + be, "UTF-16"),
            ("le.txt", le, "UTF-16"), ("be.txt", be, "UTF-16"), ("x.log", gzip, "gzip"),
        ]
        for (name, bytes, kind) in cases {
            let path = scratch.path(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for jobs in ["1", "2"] {
                let result = CLI.run(["--jobs", jobs, path, "-o", scratch.path("out.txt")])
                #expect(result.status == 2, "\(name) jobs \(jobs)")
                #expect(result.stderr.contains(kind), "\(name): \(result.stderr)")
                #expect(try scratch.read("out.txt").isEmpty, "\(name): nothing of it is written")
            }
            let scan = CLI.run(["scan", path, "-o", scratch.path("scan.jsonl")])
            #expect(scan.status == 2 && scan.stderr.contains(kind), "scan \(name): \(scan.stderr)")
        }
        // Other inputs of the same run are still cleaned; NUL bytes in an ordinary log still pass through.
        let good = try scratch.write("good.log", "a\u{0}b SSN 365-94-0475\u{0}\n")
        let mixed = CLI.run([scratch.path("le.txt"), good, "-o", scratch.path("mixed.txt")])
        #expect(mixed.status == 2)
        #expect(try scratch.text("mixed.txt") == "a\u{0}b SSN [SSN]\u{0}\n")
    }

    // MARK: reveal

    /// reveal wrote clear PHI into an existing world-readable file and through a symbolic link.
    @Test func revealNeverWritesClearPHIWhereOthersCanReadIt() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let ring = scratch.path("keyring.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        let input = try scratch.write("in.txt", "SSN 365-94-0475\n")
        let encrypted = scratch.path("enc.txt")
        #expect(CLI.run(["--action", "encrypt", "--keyring", ring, input, "-o", encrypted]).status == 0)
        let shared = try scratch.write("shared.txt", "old\n")
        chmod(shared, 0o644)
        try scratch.write("elsewhere.txt", "old\n")
        chmod(scratch.path("elsewhere.txt"), 0o600)
        symlink(scratch.path("elsewhere.txt"), scratch.path("link.txt"))
        try withEnvironment(["PHISCRUB_REVEAL_ROLES": "privacy_officer"]) { () throws in
            for target in [shared, scratch.path("link.txt")] {
                let result = CLI.run(["reveal", "--role", "privacy_officer", "--keyring", ring, encrypted, "-o", target])
                #expect(result.status == 2, "\(target)")
                #expect(result.stderr.contains("group or others") || result.stderr.contains("symbolic link"), "\(result.stderr)")
            }
            // Nor over its own input.
            let before = try scratch.read("enc.txt")
            let over = CLI.run(["reveal", "--role", "privacy_officer", "--keyring", ring, encrypted, "-o", encrypted])
            #expect(over.status == 2 && over.stderr.contains("destroy the input"), "\(over.stderr)")
            #expect(try scratch.read("enc.txt") == before)
            #expect(try scratch.text("shared.txt") == "old\n")
            #expect(try scratch.text("elsewhere.txt") == "old\n")
            // A new file is created 0600 and gets the value.
            let fresh = CLI.run(["reveal", "--role", "privacy_officer", "--keyring", ring, encrypted, "-o", scratch.path("new.txt")])
            #expect(fresh.status == 0, "\(fresh.stderr)")
            #expect(try scratch.text("new.txt") == "SSN 365-94-0475\n")
            var st = stat()
            #expect(stat(scratch.path("new.txt"), &st) == 0 && st.st_mode & 0o077 == 0)
        }
    }

    // MARK: No PHI in names and free-text fields

    static let phiName = "Jane_Roe_SSN_365-94-0475.log"
    static let phiValues = ["365-94-0475", "365940475"]

    /// A file name like `Jane_Roe_SSN_365-94-0475.log` was copied into findings, SARIF, audit records and error
    /// messages. Every side channel of the filter and scan now shows it redacted (the name too: the person-name
    /// detector reads `Jane_Roe` as `Jane Roe`, a dictionary name).
    @Test func fileNamesAreRedactedInFindingsSARIFAuditAndErrors() throws {
        let c = try ComplianceScratch()
        defer { c.cleanup() }
        let input = try c.scratch.write(Self.phiName, "phone (312) 555-0134\n")
        let findings = CLI.run(["--config", c.config, "--keyring", c.keyring, input, "-o", c.scratch.path("out.txt"),
                                "--findings", c.scratch.path("f.jsonl")])
        #expect(findings.status == 0, "\(findings.stderr)")
        #expect(CLI.run(["scan", input, "-o", c.scratch.path("s.jsonl")]).status == 1)
        #expect(CLI.run(["scan", "--format", "sarif", input, "-o", c.scratch.path("s.sarif")]).status == 1)
        let missing = CLI.run([c.scratch.path("Orla_SSN_029-36-7738.log"), "-o", c.scratch.path("m.txt")])
        #expect(missing.status == 2)
        let batch = CLI.run(["batch", input, "--out", c.scratch.path("clean"), "--report", c.scratch.path("r.jsonl"),
                             "--config", c.config, "--keyring", c.keyring])
        #expect(batch.status == 0, "\(batch.stderr)")
        var channels = [findings.stderr, missing.stderr, batch.stderr]
        for name in ["f.jsonl", "s.jsonl", "s.sarif", "r.jsonl"] { channels.append(try c.scratch.text(name)) }
        channels.append(try String(contentsOfFile: c.segment(), encoding: .utf8))
        for (i, text) in channels.enumerated() {
            for value in Self.phiValues + ["029-36-7738"] { #expect(!text.contains(value), "channel \(i) holds \(value)") }
        }
        #expect(try c.scratch.text("f.jsonl").contains("[NAME]_SSN_[SSN].log"))
        #expect(try c.scratch.text("r.jsonl").contains("[NAME]_SSN_[SSN].log"))
        #expect(missing.stderr.contains("Orla_SSN_[SSN].log"))
        // The cleaned copy and the manifest carry the redacted name too.
        #expect(try FileManager.default.contentsOfDirectory(atPath: c.scratch.path("clean")).sorted()
                == [".phiscrub-manifest.jsonl", "[NAME]_SSN_[SSN].log"])
        let cleaned = try c.scratch.text("clean/[NAME]_SSN_[SSN].log")
        #expect(cleaned.hasPrefix("phone ") && !cleaned.contains("555-0134"), "\(cleaned)")
        #expect(!(try c.scratch.text("clean/.phiscrub-manifest.jsonl")).contains("365-94-0475"))
        // Two inputs whose names differ only in PHI would write one output: the second fails, nothing is overwritten.
        try FileManager.default.createDirectory(atPath: c.scratch.path("two"), withIntermediateDirectories: true)
        try c.scratch.write("two/SSN_365-94-0475.txt", "a\n")
        try c.scratch.write("two/SSN_029-36-7738.txt", "b\n")
        let two = CLI.run(["batch", c.scratch.path("two"), "--out", c.scratch.path("clean2"), "--quiet"])
        #expect(two.status == 2)
        #expect(two.stderr.contains("differ only in redacted PHI") && !two.stderr.contains("029-36-7738"), "\(two.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: c.scratch.path("clean2")).filter { !$0.hasPrefix(".") } == ["SSN_[SSN].txt"])
    }

    /// `audit append --user/--resource/--detail` recorded whatever it was given.
    @Test func auditAppendRecordsFreeTextRedacted() throws {
        let c = try ComplianceScratch()
        defer { c.cleanup() }
        let result = CLI.run(["audit", "append", "--config", c.config, "--keyring", c.keyring, "--event", "tool_call",
                              "--agent", "intake-bot", "--user", "m.quennel@example.com", "--resource", Self.phiName,
                              "--action", "lookup", "--detail", "note=called (312) 555-0134", "--detail", "rows=3"],
                             captureStdout: true)
        #expect(result.status == 0, "\(result.stderr)")
        let log = try String(contentsOfFile: c.segment(), encoding: .utf8)
        for value in Self.phiValues + ["m.quennel@example.com", "555-0134"] { #expect(!log.contains(value), "\(value)") }
        let record = try #require(try c.records().last)
        #expect(record["user"] as? String == "[EMAIL]")
        #expect(record["resource"] as? String == "[NAME]_SSN_[SSN].log")
        let details = try #require(record["details"] as? [String: Any])
        #expect(details["rows"] as? Int == 3)
        #expect(details["redacted_fields"] as? Int == 3)
        #expect(c.verify().status == 0)
    }

    /// A role name with an escape sequence or a newline was printed raw on standard error, so it could clear the
    /// terminal or forge a line of output.
    @Test func controlBytesInRoleNamesAreEscapedOnStandardError() throws {
        let c = try ComplianceScratch()
        defer { c.cleanup() }
        let input = try c.scratch.write("enc.txt", "nothing here\n")
        let role = "evil\u{1B}[2J\rphiscrub: all clear\nok"
        let withConfig = CLI.run(["reveal", "--config", c.config, "--keyring", c.keyring, "--role", role, input,
                                  "-o", c.scratch.path("o.txt")])
        #expect(withConfig.status == 3)
        try withEnvironment(["PHISCRUB_REVEAL_ROLES": "privacy_officer"]) { () throws in
            let without = CLI.run(["reveal", "--keyring", c.keyring, "--role", role, input, "-o", c.scratch.path("o2.txt")])
            #expect(without.status == 2)
            for stderr in [withConfig.stderr, without.stderr] {
                #expect(!stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D }, "\(stderr.debugDescription)")
                #expect(!stderr.contains("\nok"), "\(stderr.debugDescription)")
                #expect(stderr.contains("evil\\u{1b}[2J"), "\(stderr.debugDescription)")
            }
        }
    }

    // MARK: Audit witness

    /// Deleting the last audit record and blanking the newer head slot verified with exit 0. With
    /// `audit.storage.witness` configured (as the example configuration does), `audit verify` compares with the
    /// signed checkpoint and exits 3.
    @Test func theAuditWitnessCatchesATruncatedLog() throws {
        // The example configuration keeps a witness next to the configuration file.
        let c = try ComplianceScratch()
        defer { c.cleanup() }
        let append = CLI.run(["audit", "append", "--config", c.config, "--keyring", c.keyring, "--event", "tool_call",
                              "--agent", "a1", "--user", "u1", "--resource", "ehr_lookup", "--action", "call", "--count", "4"],
                             captureStdout: true)
        #expect(append.status == 0, "\(append.stderr)")
        let ok = c.verify()
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.contains("witness checkpoint"))
        #expect(FileManager.default.fileExists(atPath: c.scratch.path("phiscrub-audit.witness")))
        // The attack: the last record (seq 5) removed, its head slot (offset 512) blanked.
        var lines = try String(contentsOfFile: c.segment(), encoding: .utf8).split(separator: "\n").map(String.init)
        lines.removeLast()
        try (lines.joined(separator: "\n") + "\n").write(toFile: c.segment(), atomically: false, encoding: .utf8)
        let head = open(c.scratch.path("audit/HEAD"), O_WRONLY)
        let blank = [UInt8](repeating: 0x20, count: 511) + [0x0A]
        _ = blank.withUnsafeBytes { pwrite(head, $0.baseAddress, 512, 512) }
        close(head)
        let cut = c.verify()
        #expect(cut.status == 3, "\(cut.stdout)")
        #expect(cut.stdout.contains("truncated") && cut.stdout.contains("witness"), "\(cut.stdout)")
        // Without the witness (another one named on the command line that does not exist) it cannot be ruled out.
        let other = CLI.run(["audit", "verify", "--config", c.config, "--keyring", c.keyring, "--witness", c.scratch.path("none")],
                            captureStdout: true)
        #expect(other.status == 3)
    }
}
