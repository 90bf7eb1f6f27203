import ArgumentParser
import Foundation
import PHICompliance
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// `phiscrub init`: writes the commented example `phiscrub.yaml`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented example phiscrub.yaml (roles, audit, residency, compliance, transform).",
        discussion: "The example passes every control of `phiscrub check-config`. Existing files are kept unless --force."
    )

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write it ('-' for standard output).", valueName: "file"))
    var output = "phiscrub.yaml"

    @Flag(name: .customLong("force"), help: "Overwrite an existing file.")
    var force = false

    func run() throws {
        if output == "-" {
            print(ConfigFile.exampleText, terminator: "")
            return
        }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL)
        let fd = open(output, flags, 0o600)
        if fd < 0 {
            if errno == EEXIST { throw CLIError("\(output) exists; pass --force to overwrite it") }
            throw CLIError("\(output): cannot create: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array(ConfigFile.exampleText.utf8)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n != bytes.count { throw CLIError("\(output): write failed") }
        print("wrote \(output); check it with: phiscrub check-config --config \(output)")
    }
}
