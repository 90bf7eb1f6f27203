import Foundation
import Testing

// Help glitches of issue 16: a default printed twice, a line of the top-level help broken at the left margin,
// options shown where they do not apply, options without a description.

@Suite("Help text", .serialized)
struct HelpTextTests {
    private func help(_ arguments: [String]) -> String {
        let r = CLI.run(arguments + ["--help"], captureStdout: true)
        #expect(r.status == 0)
        return r.stdout
    }

    @Test func noDefaultIsPrintedTwice() {
        for command in [["reveal"], ["keys", "rotate"], ["keys", "list"], ["audit", "append"], ["redact"], ["scan"]] {
            let text = help(command)
            #expect(text.components(separatedBy: "(default: log)").count <= 2, "\(command)")
            #expect(!text.contains("(default) or refuse"), "\(command)")
        }
        #expect(help(["reveal"]).components(separatedBy: "(default: log)").count == 2)
    }

    @Test func topLevelHelpKeepsOptionTextIndented() {
        let text = help([])
        let block = text.components(separatedBy: "Filter options")[1].components(separatedBy: "Other commands")[0]
        for line in block.split(separator: "\n").dropFirst() {
            #expect(line.hasPrefix("  "), "unindented help line: \(line)")
        }
    }

    @Test func keysInitShowsOnlyWhatApplies() {
        let text = help(["keys", "init"])
        #expect(text.contains("--keyring"))
        #expect(!text.contains("--key-max-age-days") && !text.contains("--on-expired-key"))
    }

    @Test func everyAuditAppendOptionIsDescribed() {
        let text = help(["audit", "append"])
        for option in ["--agent", "--user", "--role", "--resource", "--action", "--outcome"] {
            let line = text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(option + " ") }
            let words = line.map { $0.split(separator: " ").count } ?? 0
            #expect(words >= 4, "\(option) has no description: \(line ?? "missing")")
        }
    }
}
