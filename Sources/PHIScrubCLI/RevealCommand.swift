import ArgumentParser
import Foundation
import PHICompliance
import PHIScan
import PHIScrub
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
            With --config (or ./phiscrub.yaml), the role must hold read_phi in the configuration; every reveal and \
            every refusal is written to the audit log, and a refused role raises an unauthorized_phi_access alert \
            (exit status 3). Without a configuration, the roles allowed are those in $PHISCRUB_REVEAL_ROLES \
            (comma-separated), default: privacy_officer,admin.
            """
    )

    @Argument(help: ArgumentHelp("Files to read; '-' or nothing reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(name: .customLong("role"), help: ArgumentHelp("The caller's role.", valueName: "role"))
    var role: String

    @Option(name: .customLong("context"), help: ArgumentHelp("Context the tokens were made for.", valueName: "name"))
    var context: String = "log"

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var outputPath: String?

    @OptionGroup var keys: KeyOptions

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "Configuration whose roles decide who may reveal and whose audit log records it (default ./phiscrub.yaml if present).",
        valueName: "file"))
    var configPath: String?

    func run() throws {
        let dataContext: DataContext
        do { dataContext = try DataContext(context) } catch { throw CLIError(error.message) }
        let config = try ComplianceSupport.loadConfigIfAny(configPath)
        let provider = try ComplianceSupport.keys(keys, config: config)
        let audit = try config.flatMap { try ComplianceSupport.openAudit($0, keys: provider) }
        let access = RevealAccess(config: config, audit: audit, role: role, context: dataContext,
                                  resource: files.isEmpty ? "-" : files.joined(separator: ","))
        do { try access.authorize() } catch {
            for p in error.problems { printError("phiscrub: " + p) }
            guard error.breach else { throw CLIError(error.message) }
            printError("phiscrub: " + error.message)
            throw ExitCode(ExitStatus.breach)
        }
        // Clear PHI never goes where others can read it: refused before anything is decrypted.
        try Self.refuseExposedOutput(outputPath)
        try OutputFiles.refuseInput(outputPath, inputs: files, what: "--output")
        var revealer: Revealer
        do { revealer = try access.makeRevealer(keys: provider) } catch { throw CLIError(error.message) }
        let target = try OutputTarget.open(outputPath)
        var output = target.output
        var buffer: [UInt8] = []
        do {
            for input in files.isEmpty ? ["-"] : files {
                let source = try FileDescriptorInput.open(input)
                defer { source.close() }
                try RevealAccess.feed(source, name: input, revealer: &revealer, output: &output, buffer: &buffer)
            }
            try revealer.finish(into: &output)
            try target.commit()
        } catch let error as OutputError where error.code == .brokenPipe {
            throw ExitCode(ExitStatus.ok)
        } catch let error as OutputError {
            throw CLIError(error.message)
        }
        do { try access.finished(revealer) } catch { throw CLIError(error.message) }
        if !revealer.failures.isEmpty {
            let first = revealer.failures.prefix(3).map(\.message).joined(separator: "\nphiscrub: ")
            throw CLIError("\(revealer.failures.count) token(s) not revealed (left encrypted):\nphiscrub: \(first)")
        }
    }

    /// Refuses to write revealed text through a symbolic link, or into an existing file (or standard output
    /// redirected to one) that group or others can read; a new `-o` file is created 0600.
    static func refuseExposedOutput(_ path: String?) throws {
        var st = stat()
        if let path, path != "-" {
            if lstat(path, &st) == 0 {
                if (st.st_mode & S_IFMT) == S_IFLNK {
                    throw CLIError("\(path) is a symbolic link; reveal does not write clear PHI through one")
                }
                if (st.st_mode & S_IFMT) == S_IFREG && (st.st_mode & 0o077) != 0 {
                    throw CLIError("\(path) can be read by group or others (mode \(String(st.st_mode & 0o777, radix: 8))); "
                                   + "reveal does not write clear PHI there: remove it or chmod 600 it first")
                }
            }
        } else if fstat(1, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && (st.st_mode & 0o077) != 0 {
            throw CLIError("standard output is a file group or others can read (mode \(String(st.st_mode & 0o777, radix: 8))); "
                           + "reveal does not write clear PHI there: use -o FILE (created 0600) or chmod 600 it first")
        }
    }
}
