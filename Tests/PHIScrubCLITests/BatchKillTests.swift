import Foundation
import Testing

// A batch run killed with SIGKILL part-way, then run again, ends with exactly the output of an uninterrupted run,
// and no partial file is ever visible under an output name. Uses the built binary.

@Suite(.serialized) struct BatchKillTests {
    /// Seeded transcripts: many JSON Lines files and some logs, with PHI in text, keys and tool arguments.
    static func makeInput(_ s: Scratch, files: Int) throws {
        var rng = SplitMix64(seed: 7)
        for i in 0..<files {
            var text = ""
            for r in 0..<40 {
                let ssn = String(format: "%03d-%02d-%04d", 100 + rng.int(500), 10 + rng.int(80), 1000 + rng.int(8000))
                let phone = "(617) 555-01\(String(format: "%02d", rng.int(100)))"
                if i % 5 == 4 {
                    text += "2026-11-26T10:00:\(String(format: "%02d", r % 60))Z INFO agent note SSN \(ssn) call \(phone) order \(rng.int(100000))\n"
                } else {
                    text += #"{"id":"c\#(i)-\#(r)","messages":[{"role":"user","content":"SSN \#(ssn), call \#(phone) about order \#(rng.int(100000))"},"#
                        + #"{"role":"assistant","tool_calls":[{"id":"t\#(r)","type":"function","function":{"name":"lookup","arguments":"{\"ssn\": \"\#(ssn.replacingOccurrences(of: "-", with: ""))\", \"limit\": \#(rng.int(50))}"}}]}]}"#
                        + "\n"
                }
            }
            try s.put("in/d\(i % 4)/f\(i).\(i % 5 == 4 ? "log" : "jsonl")", Array(text.utf8))
        }
    }

    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage))
    func aKilledRunResumesToTheSameOutput() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        let files = 120
        try BatchKillTests.makeInput(s, files: files)
        let started = Date()
        let ref = try Binary.run(["batch", s.path("in"), "--out", s.path("ref"), "--jobs", "2", "--quiet"])
        let duration = Date().timeIntervalSince(started)
        #expect(ref.status == 0, "\(ref.stderr)")
        let expected = try s.tree("ref")
        #expect(expected.count == files + 1)

        // Kill at fractions of the uninterrupted run's time, so the kills land part-way however fast the build
        // and the machine are (fixed delays stopped interrupting anything once the scanner got faster).
        var interrupted = 0
        for (n, delay) in [0.25, 0.5, 0.75].map({ max(0.02, $0 * duration) }).enumerated() {
            let out = "killed\(n)"
            let p = Process()
            p.executableURL = Binary.url
            // The rename alone protects against a killed process, whatever the sync mode.
            p.arguments = ["batch", s.path("in"), "--out", s.path(out), "--jobs", "2", "--quiet"] + ["--sync", ["grouped", "none", "file"][n]]
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            // Whatever is under an output name is complete: byte-identical to the uninterrupted run.
            let partial = try s.tree(out)
            var outputs = 0
            for (rel, bytes) in partial where !rel.hasSuffix(".phiscrub-tmp") && !rel.hasSuffix(".phiscrub-manifest.jsonl") {
                outputs += 1
                #expect(bytes == expected[rel], "\(rel) differs after SIGKILL at \(delay) s")
            }
            if p.terminationReason == .uncaughtSignal && outputs < files { interrupted += 1 }
            // The re-run finishes the rest and ends with the same tree (manifest included), no temporaries left.
            let again = try Binary.run(["batch", s.path("in"), "--out", s.path(out), "--jobs", "2", "--quiet"])
            #expect(again.status == 0, "\(again.stderr)")
            let final = try s.tree(out)
            #expect(final == expected, "tree after resume differs (kill at \(delay) s)")
        }
        // At least one kill landed part-way through the run (else the machine was too fast to test anything).
        #expect(interrupted > 0)
    }
}

/// A small seeded generator (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func int(_ n: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(n))
    }
}
