import Foundation
import Testing

/// `--confirm-messages` (rsyslog omprog with confirmMessages="on"; docs/recipes/rsyslog.md): OK once at start, then
/// one OK per line once the line is in the appended file. The stop-between-lines half is run against the real
/// rsyslogd by Tests/recipes/rsyslog.sh.
@Suite("Confirmed messages", .serialized)
struct ConfirmMessagesTests {
    @Test func everyLineIsConfirmedAfterItIsInTheFile() throws {
        guard Binary.url != nil else { Issue.record(Binary.skipMessage); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-confirm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("clean.log").path
        try Data("earlier line\n".utf8).write(to: URL(fileURLWithPath: out))
        let lines = (0..<50).map { "msg-\($0) SSN 402-19-8877 callback (617) 555-01\(10 + $0)\n" }.joined()
        let run = try Binary.run(["--confirm-messages", "--append", "-o", out], stdin: Array(lines.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(String(decoding: run.stdout, as: UTF8.self) == String(repeating: "OK\n", count: 51))
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.hasPrefix("earlier line\nmsg-0 SSN [SSN] callback [PHONE]\n"))
        #expect(written.split(separator: "\n").count == 51 && !written.contains("402-19-8877"))
    }

    @Test func itNeedsAnAppendedFile() throws {
        guard Binary.url != nil else { Issue.record(Binary.skipMessage); return }
        for args in [["--confirm-messages"], ["--confirm-messages", "-o", "/tmp/phiscrub-confirm-never.log"],
                     ["--confirm-messages", "--append", "-o", "-"]] {
            let run = try Binary.run(args, stdin: Array("x\n".utf8))
            #expect(run.status != 0 && run.stderr.contains("--confirm-messages needs --append -o FILE"), "\(args)")
            #expect(run.stdout.isEmpty)
        }
    }
}
