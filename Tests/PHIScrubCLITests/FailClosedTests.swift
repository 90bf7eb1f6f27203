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
}
