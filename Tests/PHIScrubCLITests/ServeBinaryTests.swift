import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// `phiscrub serve --stdio` as a host sees it: the built binary behind two pipes.

@Suite("serve --stdio (built binary)", .serialized)
struct ServeBinaryTests {
    /// Starts `phiscrub serve --stdio ARGS` with pipes on standard input and output.
    func start(_ arguments: [String] = []) throws -> (Process, FileHandle, FileHandle) {
        let process = Process()
        process.executableURL = Binary.url!
        process.arguments = ["serve", "--stdio"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["PHISCRUB_RULES_DIR"] = nil
        env["PHISCRUB_KEYRING"] = "/nonexistent/keyring.json"
        env["PHISCRUB_KEYS"] = nil
        env["PHISCRUB_KEY"] = nil
        process.environment = env
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, stdin.fileHandleForWriting, stdout.fileHandleForReading)
    }

    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage), .timeLimit(.minutes(2)))
    func aHostThatWritesEverythingBeforeReadingGetsEveryAnswer() throws {
        let (process, input, output) = try start()
        var requests: [UInt8] = []
        // A 300 KB tool output first, then many small prompts, a malformed line, an unknown op, and a last request
        // without a newline: all written before a single byte is read.
        requests += requestLine(0, "redact", String(repeating: "tool output SSN 365-94-0475 line\n", count: 10_000))
        for i in 1...500 { requests += requestLine(i, "redact", "Patient phone (312) 555-0134, visit \(i)") }
        requests += Array("{not json\n".utf8)
        requests += Array(#"{"id": 501, "op": "summon", "text": "x"}"#.utf8) + [0x0A]
        requests += Array(#"{"id": 502, "op": "scan", "text": "SSN 365-94-0475"}"#.utf8)
        try input.write(contentsOf: requests)
        try input.close()
        let out = try output.readToEnd() ?? Data()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let all = try answers(Array(out))
        #expect(all.count == 504)
        let byID = Dictionary(all.compactMap { a in (a["id"] as? Int).map { ($0, a) } }, uniquingKeysWith: { a, _ in a })
        #expect((byID[0]?["text"] as? String)?.hasPrefix("tool output SSN [SSN] line\n") == true)
        #expect(byID[250]?["text"] as? String == "Patient phone [PHONE], visit 250")
        #expect((byID[501]?["error"] as? [String: Any])?["code"] as? String == "unknown_op")
        #expect((byID[502]?["findings"] as? [[String: Any]])?.first?["entity"] as? String == "SSN")
        #expect(!String(decoding: out, as: UTF8.self).contains("365-94-0475"))
    }

    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage), .timeLimit(.minutes(1)))
    func sigtermAnswersTheAcceptedRequestsAndExitsZero() throws {
        let (process, input, output) = try start()
        var requests: [UInt8] = []
        for i in 0..<20 { requests += requestLine(i, "redact", "SSN 365-94-0475 #\(i)") }
        try input.write(contentsOf: requests)
        var out: [UInt8] = []
        while out.filter({ $0 == 0x0A }).count < 20 {
            let d = output.availableData
            if d.isEmpty { break }
            out += Array(d)
        }
        kill(process.processIdentifier, SIGTERM)
        out += Array(try output.readToEnd() ?? Data())
        process.waitUntilExit()
        try? input.close()
        #expect(process.terminationStatus == 0)
        #expect(try answers(out).count == 20)
    }

    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage), .timeLimit(.minutes(1)))
    func aHostThatGoesAwayWithRequestsInFlightEndsTheService() throws {
        let (process, input, output) = try start()
        var requests: [UInt8] = []
        for i in 0..<2000 { requests += requestLine(i, "redact", String(repeating: "SSN 365-94-0475 ", count: 100)) }
        try input.write(contentsOf: requests)
        try output.close()  // never reads an answer
        try input.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
