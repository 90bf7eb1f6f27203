import Foundation
import Testing

/// `--candidates` (rules/candidates.yaml) from the command line: the filter, `scan` and `--min-confidence`.
@Suite("Candidate tier from the command line")
struct CandidatesCLITests {
    static let text = Array("ticket 078-051121 closed on 5-20-21\nSSN 365-94-0475\n".utf8)

    @Test func theFilterAndScanFindBareShapesOnlyWithCandidates() throws {
        guard Binary.url != nil else { Issue.record(Binary.skipMessage); return }
        let plain = try Binary.run([], stdin: Self.text)
        #expect(String(decoding: plain.stdout, as: UTF8.self) == "ticket 078-051121 closed on 5-20-21\nSSN [SSN]\n")
        let wide = try Binary.run(["--candidates"], stdin: Self.text)
        #expect(wide.status == 0, "\(wide.stderr)")
        #expect(String(decoding: wide.stdout, as: UTF8.self) == "ticket [SSN] closed on [DATE]\nSSN [SSN]\n")
        let scan = try Binary.run(["scan", "--candidates"], stdin: Self.text)
        let rules = String(decoding: scan.stdout, as: UTF8.self)
        #expect(rules.contains("\"rule\":\"ssn-bare\"") && rules.contains("\"rule\":\"date-numeric-bare\""), "\(rules)")
        // A confidence floor of 0.5 takes the candidates away again.
        let floor = try Binary.run(["--candidates", "--min-confidence", "0.5"], stdin: Self.text)
        #expect(floor.stdout == plain.stdout)
    }

    @Test func rulesListMarksTheCandidateTier() throws {
        guard Binary.url != nil else { Issue.record(Binary.skipMessage); return }
        let list = String(decoding: try Binary.run(["rules", "list"]).stdout, as: UTF8.self)
        let tiered = list.split(separator: "\n").filter { $0.hasSuffix("\tcandidate") }
        #expect(tiered.contains { $0.hasPrefix("ssn-bare\t") })
        #expect(!list.split(separator: "\n").contains { $0.hasPrefix("ssn-formatted\t") && $0.hasSuffix("candidate") })
    }
}
