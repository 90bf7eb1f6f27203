import Foundation
import PHIScrubCLI
import Testing

// `phiscrub --version`: the version and the git commit the binary was built from (scripts/build-info.sh, run by
// the BuildInfo plugin before every build).

@Suite struct VersionTests {
    @Test func versionNamesTheCommitOfThisCheckout() throws {
        let text = CLI.run(["--version"], captureStdout: true).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.hasPrefix("phiscrub \(PhiScrubVersion.number) (commit "))
        let commit = PhiScrubVersion.commit
        #expect(commit == "unknown" || (commit.count == 40 && commit.allSatisfy { $0.isHexDigit }), "\(commit)")
        // Built in a git checkout (CI's clone, a worktree): the commit is known and is this checkout's HEAD, or a
        // commit made since the last build.
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        p.arguments = ["-C", repo.path, "cat-file", "-e", commit + "^{commit}"]
        p.standardError = FileHandle.nullDevice
        if FileManager.default.fileExists(atPath: repo.appendingPathComponent(".git").path),
           FileManager.default.isExecutableFile(atPath: "/usr/bin/git") {
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(commit) is not a commit of this repository")
        }
    }
}
