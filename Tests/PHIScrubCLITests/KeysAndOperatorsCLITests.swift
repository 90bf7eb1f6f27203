import Foundation
import Testing

import PHIScrubCLI
#if canImport(Glibc)
import Glibc
#endif

// keys init/rotate/list, the operators through `--action`, and `reveal`, run in process.

@Suite("keys, operators and reveal from the command line", .serialized)
struct KeysAndOperatorsCLITests {
    @Test func keysLifecycleNeverPrintsKeyMaterial() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let ring = scratch.path("keys/keyring.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        #expect(CLI.run(["keys", "init", "--keyring", ring]).status == 2, "init never overwrites a keyring")
        #expect(CLI.run(["keys", "rotate", "--keyring", ring], captureStdout: true).status == 0)
        let list = CLI.run(["keys", "list", "--keyring", ring, "--json"], captureStdout: true)
        #expect(list.status == 0)
        let rows = try jsonLines(list.stdout)
        #expect(rows.map { $0["version"] as? Int } == [1, 2])
        #expect(rows.allSatisfy { ($0["age_days"] as? Int) == 0 })
        let material = try JSONSerialization.jsonObject(with: Data(scratch.read("keys/keyring.json"))) as! [String: Any]
        for key in material["keys"] as! [[String: Any]] {
            let b64 = key["material"] as! String
            #expect(!list.stdout.contains(b64) && !list.stdout.contains(String(b64.prefix(12))))
        }
    }

    @Test func operatorsFailClosedWithoutUsableKeys() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = try scratch.write("in.txt", "SSN 365-94-0475\n")
        let env = ["HOME": scratch.path("home")]
        withEnvironment(env) {
            let missing = CLI.run(["--action", "token", input, "-o", scratch.path("out.txt")])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("phiscrub keys init"))
            #expect(!FileManager.default.fileExists(atPath: scratch.path("out.txt")), "no output file when keys are missing")
        }
        let ring = scratch.path("keyring.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        chmod(ring, 0o644)
        let open = CLI.run(["--action", "encrypt", "--keyring", ring, input, "-o", scratch.path("out2.txt")])
        #expect(open.status == 2 && open.stderr.contains("chmod 600"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out2.txt")))
        chmod(ring, 0o600)
        try Data("{\"format\":".utf8).write(to: URL(fileURLWithPath: ring))
        chmod(ring, 0o600)
        let corrupt = CLI.run(["--action", "SSN=token", "--keyring", ring, input, "-o", scratch.path("out3.txt")])
        #expect(corrupt.status == 2 && corrupt.stderr.contains("not a valid phiscrub keyring"))
        // Redact and mask need no keys and still run.
        #expect(CLI.run(["--action", "mask", input, "-o", scratch.path("out4.txt")]).status == 0)
        #expect(try scratch.text("out4.txt") == "SSN ***-**-0475\n")
        #expect(CLI.run(["--action", "scramble", input]).status == 2)
        // Operators from a configuration file; --action overrides it per entity.
        let config = try scratch.write("phiscrub.yaml", "transform:\n  default: redact\n  entities:\n    SSN: mask\n  mask:\n    keep_last: 2\n")
        #expect(CLI.run(["--config", config, input, "-o", scratch.path("out5.txt")]).status == 0)
        #expect(try scratch.text("out5.txt") == "SSN ***-**-**75\n")
        #expect(CLI.run(["--config", config, "--action", "SSN=redact", input, "-o", scratch.path("out6.txt")]).status == 0)
        #expect(try scratch.text("out6.txt") == "SSN [SSN]\n")
        let broken = try scratch.write("broken.yaml", "transform:\n  default: scramble\n")
        let r = CLI.run(["--config", broken, input, "-o", scratch.path("out7.txt")])
        #expect(r.status == 2 && r.stderr.contains("broken.yaml:2:"))
    }

    @Test func tokensAreStableAcrossRunsAndEncryptRoundTripsThroughReveal() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let ring = scratch.path("keyring.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        let input = Fixtures.path("intake.txt")
        for n in 1...2 {
            #expect(CLI.run(["--action", "token", "--keyring", ring, input, "-o", scratch.path("tok\(n).txt")]).status == 0)
        }
        #expect(try scratch.read("tok1.txt") == scratch.read("tok2.txt"))
        let tokenText = try scratch.text("tok1.txt")
        #expect(tokenText.contains(":tok:"))
        for value in Fixtures.leakValues { #expect(!Fixtures.withoutFingerprints(tokenText).contains(value)) }

        #expect(CLI.run(["--action", "encrypt", "--context", "tool_output", "--keyring", ring, input, "-o", scratch.path("enc.txt")]).status == 0)
        let encrypted = try scratch.text("enc.txt")
        for value in Fixtures.leakValues { #expect(!Fixtures.withoutFingerprints(encrypted).contains(value)) }
        try withEnvironment(["PHISCRUB_REVEAL_ROLES": "privacy_officer"]) { () throws in
            let ok = CLI.run(["reveal", "--role", "privacy_officer", "--context", "tool_output", "--keyring", ring,
                              scratch.path("enc.txt"), "-o", scratch.path("plain.txt")])
            #expect(ok.status == 0)
            #expect(try scratch.read("plain.txt") == Fixtures.bytes("intake.txt"))
            let wrongContext = CLI.run(["reveal", "--role", "privacy_officer", "--context", "prompt", "--keyring", ring,
                                        scratch.path("enc.txt"), "-o", scratch.path("p2.txt")])
            #expect(wrongContext.status == 2)
            #expect(try scratch.text("p2.txt") == encrypted, "nothing is revealed in the wrong context")
            for value in Fixtures.leakValues { #expect(!wrongContext.stderr.contains(value)) }
            let denied = CLI.run(["reveal", "--role", "nurse", "--context", "tool_output", "--keyring", ring,
                                  scratch.path("enc.txt"), "-o", scratch.path("p3.txt")])
            #expect(denied.status == 2 && denied.stderr.contains("may not reveal"))
        }
    }
}

/// Runs `body` with extra environment variables set (and `PHISCRUB_KEY*` cleared), restoring them after. It holds
/// `CLI.exclusively` throughout: the environment belongs to the whole test process, and a command another suite runs
/// meanwhile (or that suite's own `withEnvironment` restoring its saved values) would otherwise see or undo these
/// values half-way (a reveal test once exited 3 instead of 2 in a parallel run).
func withEnvironment<T>(_ values: [String: String], _ body: () throws -> T) rethrows -> T {
    try CLI.exclusively { try withEnvironmentUnlocked(values, body) }
}

private func withEnvironmentUnlocked<T>(_ values: [String: String], _ body: () throws -> T) rethrows -> T {
    let names = Set(values.keys).union(["PHISCRUB_KEYS", "PHISCRUB_KEY", "PHISCRUB_KEYRING"])
    let saved = names.map { ($0, getenv($0).map { String(cString: $0) }) }
    for name in names {
        if let v = values[name] { setenv(name, v, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try body()
}

@Suite("parallel filter", .serialized)
struct ParallelFilterCLITests {
    /// A seeded mix of short log lines, lines far longer than a block, CRLF, invalid UTF-8, and no final newline.
    static func mixedInput(seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let phi = ["SSN 365-94-0475", "call (312) 555-0134", "DOB: 07/04/1958", "m.quennel@example.com", "MRN: 40022871",
                   "4012 8888 8888 1881", "Patient: Orla Vestergaard", "192.0.2.17"]
        var out: [UInt8] = []
        for i in 0..<4000 {
            let kind = next() % 100
            if kind < 2 {
                // A line several blocks long with PHI throughout.
                for _ in 0..<(300 + Int(next() % 300)) { out += Array("xx \(phi[Int(next()) % phi.count]) yy ".utf8) }
            } else {
                out += Array("2026-11-27T02:00:\(i % 60)Z INFO req=\(next()) ".utf8)
                if kind < 30 { out += Array(phi[Int(next()) % phi.count].utf8) }
                if kind == 50 { out += [0xFF, 0xFE, 0x00] }
            }
            out += kind == 60 ? [0x0D, 0x0A] : [0x0A]
        }
        out += Array("last line without newline SSN 365-94-0475".utf8)
        return out
    }

    @Test func outputAndFindingsAreIdenticalForAnyJobCountAndBlockSize() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = scratch.path("mixed.log")
        try Data(Self.mixedInput(seed: 42)).write(to: URL(fileURLWithPath: input))
        var outputs: [[UInt8]] = []
        var reports: [String] = []
        let runs: [[String]] = [["--jobs", "1"], ["--jobs", "2"], ["--jobs", "2", "--block-size", "1024"],
                                ["--jobs", "3", "--block-size", "4096"], ["--jobs", "4", "--block-size", "65536"]]
        for (n, flags) in runs.enumerated() {
            let result = CLI.run(flags + ["--line-cap", "2048", input, "-o", scratch.path("out\(n)"), "--findings", scratch.path("f\(n)")])
            #expect(result.status == 0, "\(flags)")
            outputs.append(try scratch.read("out\(n)"))
            reports.append(Fixtures.withoutFingerprints(try scratch.text("f\(n)")))
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        #expect(reports.allSatisfy { $0 == reports[0] })
        #expect(try jsonLines(reports[0]).count > 1000)
        let text = String(decoding: outputs[0], as: UTF8.self)
        #expect(!text.contains("365-94-0475") && !text.contains("555-0134"))
    }

    @Test func scanOfManyFilesReportsInCommandLineOrderForAnyJobCount() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let all = Self.mixedInput(seed: 7)
        var files: [String] = []
        var start = 0
        for n in 0..<24 {
            let end = min(all.count, start + 8_000 + n * 397)
            files.append(scratch.path("part\(n).log"))
            try Data(all[start..<end]).write(to: URL(fileURLWithPath: files.last!))
            start = end
        }
        files.insert(scratch.path("missing.log"), at: 5)
        var reports: [String] = []
        for (n, jobs) in ["1", "2", "4"].enumerated() {
            let r = CLI.run(["scan", "--jobs", jobs] + files + ["-o", scratch.path("r\(n).jsonl")])
            #expect(r.status == 2 && r.stderr.contains("missing.log"), "a missing file is an error; the rest is still scanned")
            reports.append(Fixtures.withoutFingerprints(try scratch.text("r\(n).jsonl")))
        }
        #expect(reports.allSatisfy { $0 == reports[0] })
        let rows = try jsonLines(reports[0])
        #expect(rows.count > 200)
        // Files appear in command-line order.
        let order = rows.compactMap { ($0["file"] as? String).flatMap { files.firstIndex(of: $0) } }
        #expect(order == order.sorted())
        var sarif: [String] = []
        for jobs in ["1", "2"] {
            _ = CLI.run(["scan", "--format", "sarif", "--jobs", jobs] + files + ["-o", scratch.path("s\(jobs).sarif")])
            sarif.append(try scratch.text("s\(jobs).sarif").replacingOccurrences(of: "hmac-sha256:[0-9a-f]+", with: "x", options: .regularExpression))
        }
        #expect(sarif[0] == sarif[1])
        // --explain runs on every job too, with the same report; every finding explained.
        var explained: [String] = []
        for jobs in ["1", "3"] {
            _ = CLI.run(["scan", "--explain", "--jobs", jobs] + files + ["-o", scratch.path("e\(jobs).jsonl")])
            explained.append(Fixtures.withoutFingerprints(try scratch.text("e\(jobs).jsonl")))
        }
        #expect(explained[0] == explained[1])
        let explainedRows = try jsonLines(explained[0])
        #expect(explainedRows.count == rows.count && explainedRows.allSatisfy { $0["explain"] is [String: Any] })
    }

    @Test func intakeFixtureIsIdenticalWithTokensOnTwoJobs() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let ring = scratch.path("k.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        for j in ["1", "2"] {
            #expect(CLI.run(["--jobs", j, "--block-size", "1024", "--action", "token", "--keyring", ring,
                             Fixtures.path("intake.txt"), "-o", scratch.path("o\(j)")]).status == 0)
        }
        #expect(try scratch.read("o1") == scratch.read("o2"))
    }
}
