import ArgumentParser
import PHIScan
#if canImport(Glibc)
import Glibc
#endif

extension PhiScrubCommand {
    /// Parses `arguments` (without the program name), runs the command and returns the exit status, printing
    /// errors to standard error. Used by `main` and by tests.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return ExitStatus.ok
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let error as RuleLoadError {
            printError("phiscrub: " + error.description)
            return ExitStatus.error
        } catch let error as CLIError {
            printError("phiscrub: " + error.message)
            return ExitStatus.error
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help, --version
                print(fullMessage(for: error))
                return ExitStatus.ok
            }
            // The one-line error and the failing subcommand's usage (fullMessage gives both).
            printError(fullMessage(for: error))
            return ExitStatus.error
        }
    }

    /// Entry point for the executable.
    public static func runMain() -> Never {
        signal(SIGPIPE, SIG_IGN)
        Glibc.exit(run(arguments: Array(CommandLine.arguments.dropFirst())))
    }
}

func printError(_ message: String) {
    var text = message
    if !text.hasSuffix("\n") { text += "\n" }
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        offset += n
    }
}
