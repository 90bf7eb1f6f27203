import Foundation
import Testing

// Examples/AgentHost (swift run AgentHost), run as its own process: the agent loop on the service core scrubs the
// prompt and the tool output, the policies block what they must, and the audit log it wrote verifies.

@Suite("AgentHost example")
struct AgentHostExampleTests {
    /// The AgentHost executable next to the built phiscrub; nil if not built.
    static let url: URL? = Binary.url.map { $0.deletingLastPathComponent().appendingPathComponent("AgentHost") }
        .flatMap { FileManager.default.isExecutableFile(atPath: $0.path) ? $0 : nil }

    @Test(.enabled(if: url != nil, "the AgentHost example is not built (run `swift build` first)"), .timeLimit(.minutes(2)))
    func theLoopScrubsThePromptAndTheToolOutputAndTheLogVerifies() throws {
        let p = Process()
        p.executableURL = try #require(Self.url)
        var env = ProcessInfo.processInfo.environment
        env["PHISCRUB_RULES_DIR"] = nil
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(p.terminationStatus == 0, "\(text)")
        let lines = text.split(separator: "\n").map(String.init)
        // The tool output reaches the model scrubbed for the clinician: SSN redacted, phone masked, MRN a token.
        let model = try #require(lines.first { $0.hasPrefix("model: ") })
        #expect(model.contains("SSN [SSN]") && model.contains("(***) ***-0147") && model.contains("[MRN:tok:"))
        #expect(lines.contains { $0.hasPrefix("call ehr_lookup: BLOCKED (role 'billing'") })
        #expect(lines.contains { $0.hasPrefix("memory write in eu-west-1: BLOCKED") })
        #expect(lines.last?.hasSuffix("verifies") == true)
        // No raw value of the note reaches the output.
        for value in ["402-19-8877", "555-0147", "MRN 48213377"] { #expect(!text.contains(value), "\(value)") }
    }
}
