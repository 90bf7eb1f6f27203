import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// A filter stopped by SIGTERM while its pipe still holds lines the writer already handed over (rsyslog's omprog
// counts them sent) cleans and writes those lines before it exits; nothing of them is lost with the pipe.

@Suite(.serialized) struct StopDrainTests {
    @Test(.enabled(if: Binary.url != nil, Binary.skipMessage)) func linesWaitingInThePipeAreCleanedOnSIGTERM() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-drain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for jobs in ["1", "2"] {
            let process = Process()
            process.executableURL = try #require(Binary.url)
            process.arguments = ["--jobs", jobs]
            let input = Pipe()
            let stdoutURL = dir.appendingPathComponent("out-\(jobs)")
            FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
            let out = try FileHandle(forWritingTo: stdoutURL)
            defer { try? out.close() }
            process.standardInput = input
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data("first SSN 365-94-0475\n".utf8))
            Thread.sleep(forTimeInterval: 1.0)  // read, and blocked in the next read
            // Stopped, the writer hands over more lines (under the 64 KiB a pipe holds); then the stop signal.
            kill(process.processIdentifier, SIGSTOP)
            var more = ""
            for i in 0..<1000 { more += "line \(i) SSN 365-94-0475\n" }
            input.fileHandleForWriting.write(Data(more.utf8))
            kill(process.processIdentifier, SIGTERM)
            kill(process.processIdentifier, SIGCONT)
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? input.fileHandleForWriting.close()
            #expect(process.terminationStatus == 2, "jobs \(jobs)")
            let text = try String(contentsOf: stdoutURL, encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(lines.count == 1001, "jobs \(jobs): \(lines.count) lines")
            #expect(lines.last == "line 999 SSN [SSN]", "jobs \(jobs)")
            #expect(!text.contains("365-94"))
        }
    }
}
