import ArgumentParser
import Foundation
import PHICompliance
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// `phiscrub reveal`: turns `[ENC:…]` tokens back into their values for a role that may see PHI.
struct RevealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reveal",
        abstract: "Decrypt encrypt-operator tokens in a stream, for a role allowed to see PHI.",
        discussion: """
            Tokens only decrypt in the data context they were made for (--context) and under a key version the \
            keyring still holds. A token that fails stays encrypted in the output, an error names it by position, \
            and the exit status is 2.
            Until a compliance configuration assigns roles, the roles allowed to reveal are those in \
            $PHISCRUB_REVEAL_ROLES (comma-separated), default: privacy_officer,admin.
            """
    )

    @Argument(help: ArgumentHelp("Files to read; '-' or nothing reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(name: .customLong("role"), help: ArgumentHelp("The caller's role.", valueName: "role"))
    var role: String

    @Option(name: .customLong("context"), help: ArgumentHelp("Context the tokens were made for (default: log).", valueName: "name"))
    var context: String = "log"

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var outputPath: String?

    @OptionGroup var keys: KeyOptions

    /// The interim reveal permission: a role list from the environment (the RBAC policy replaces it).
    static func mayReveal(role: String, environment: [String: String]) -> Bool {
        let allowed = (environment["PHISCRUB_REVEAL_ROLES"] ?? "privacy_officer,admin")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return allowed.contains(role)
    }

    func run() throws {
        guard Self.mayReveal(role: role, environment: ProcessInfo.processInfo.environment) else {
            throw CLIError("role '\(role)' may not reveal PHI")
        }
        let dataContext: DataContext
        do { dataContext = try DataContext(context) } catch { throw CLIError(error.message) }
        let provider = try keys.load()
        var output = try OutputFiles.open(outputPath)
        var revealer = Revealer(keys: provider, context: dataContext)
        var buffer = [UInt8](repeating: 0, count: InputReader.chunkSize)
        do {
            for input in files.isEmpty ? ["-"] : files {
                let fd = try InputReader.open(input)
                defer { if fd != 0 { close(fd) } }
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, InputReader.chunkSize) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw CLIError("\(input): read failed: \(String(cString: strerror(errno)))")
                    }
                    if n == 0 { break }
                    try buffer.withUnsafeBufferPointer { try revealer.feed(UnsafeBufferPointer(rebasing: $0[0..<n]), into: &output) }
                }
            }
            try revealer.finish(into: &output)
        } catch let error as OutputError where error.code == .brokenPipe {
            throw ExitCode(ExitStatus.ok)
        } catch let error as OutputError {
            throw CLIError(error.message)
        }
        if !revealer.failures.isEmpty {
            let first = revealer.failures.prefix(3).map(\.message).joined(separator: "\nphiscrub: ")
            throw CLIError("\(revealer.failures.count) token(s) not revealed (left encrypted):\nphiscrub: \(first)")
        }
    }
}
