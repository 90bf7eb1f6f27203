import Foundation
import Testing

// `--fingerprint-key keyring`: SARIF and JSON Lines fingerprints from the keyring's fingerprint subkey, so the same
// finding in the same place has the same fingerprint in every run (code-scanning tools match results), never the value.

@Suite("Fingerprint key", .serialized)
struct FingerprintKeyTests {
    private func sarifResults(_ text: String) throws -> [[String: Any]] {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(log["runs"] as? [[String: Any]])
        return try #require(runs.first?["results"] as? [[String: Any]])
    }

    private func fingerprints(_ results: [[String: Any]], _ key: String) -> [String] {
        results.compactMap { ($0["partialFingerprints"] as? [String: String])?[key] }
    }

    @Test func keyringFingerprintsAreStableAcrossRunsAndHideTheValue() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let ring = scratch.path("keyring.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        let log = try scratch.write("app.log", """
            a SSN 402-19-8877 here
            b call 415-555-0142
            c SSN 402-19-8877 again

            """)
        func scan(_ extra: [String], _ out: String) throws -> [[String: Any]] {
            let r = CLI.run(["scan", "--format", "sarif", log, "-o", scratch.path(out)] + extra)
            #expect(r.status == 1, "\(r.stderr)")
            return try sarifResults(try scratch.text(out))
        }
        let keyed = ["--fingerprint-key", "keyring", "--keyring", ring]
        let one = try scan(keyed, "1.sarif"), two = try scan(keyed, "2.sarif")
        #expect(one.count == 3)
        #expect(fingerprints(one, "valueHash/v1") == fingerprints(two, "valueHash/v1"))
        let ids = fingerprints(one, "findingHash/v1")
        #expect(ids.count == 3 && ids == fingerprints(two, "findingHash/v1"))
        // The two occurrences of one SSN share a value hash but are two findings.
        #expect(Set(fingerprints(one, "valueHash/v1")).count == 2)
        #expect(Set(ids).count == 3)
        // A line inserted above moves the findings but keeps their identity.
        try scratch.write("app.log", "inserted line\n" + (try scratch.text("app.log")))
        let moved = try scan(keyed, "3.sarif")
        #expect(fingerprints(moved, "findingHash/v1") == ids)
        // The random default differs per run and has no finding hash.
        let r1 = try scan([], "r1.sarif"), r2 = try scan([], "r2.sarif")
        #expect(fingerprints(r1, "valueHash/v1") != fingerprints(r2, "valueHash/v1"))
        #expect(fingerprints(r1, "findingHash/v1").isEmpty)
        // Never the value; and another keyring gives other fingerprints.
        for name in ["1.sarif", "2.sarif", "3.sarif"] {
            let text = try scratch.text(name)
            #expect(!text.contains("402-19-8877") && !text.contains("402198877") && !text.contains("415-555-0142"))
        }
        let other = scratch.path("other.json")
        #expect(CLI.run(["keys", "init", "--keyring", other], captureStdout: true).status == 0)
        let foreign = try scan(["--fingerprint-key", "keyring", "--keyring", other], "4.sarif")
        #expect(Set(fingerprints(foreign, "valueHash/v1")).isDisjoint(with: fingerprints(one, "valueHash/v1")))
        // The filter's --findings uses the same key: its fingerprints equal scan's value hashes.
        #expect(CLI.run(keyed + [log, "-o", scratch.path("clean.log"), "--findings", scratch.path("f.jsonl")]).status == 0)
        let jsonl = try jsonLines(try scratch.text("f.jsonl")).compactMap { $0["fingerprint"] as? String }
        #expect(jsonl == fingerprints(one, "valueHash/v1"))
        // No keys, no run (fail closed, nothing written).
        let missing = CLI.run(["scan", "--fingerprint-key", "keyring", "--keyring", scratch.path("none.json"), log,
                               "-o", scratch.path("5.sarif")])
        #expect(missing.status == 2)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("5.sarif")))
    }
}
