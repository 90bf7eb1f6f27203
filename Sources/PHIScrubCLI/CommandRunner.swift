import ArgumentParser
import PHICompliance
import PHIScan
import PHIScrub
#if canImport(Glibc)
import Glibc
#endif

extension PhiScrubCommand {
    /// Parses `arguments` (without the program name), runs the command and returns the exit status, printing
    /// errors to standard error. Used by `main` and by tests.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            // Only the filter and scan handle the stop signals held since the start (Interruption.hold).
            if !(command is RedactCommand || command is ScanCommand) { Interruption.releaseHeld() }
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
        } catch let error as FilterError {
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
        Interruption.allowed = true
        Interruption.hold()
        // The parallel filter allocates and frees megabyte blocks on several threads. glibc would serve each from a
        // fresh mmap (or trim the heap after each free) and fault every page in again: 57k page faults and 10 % of
        // the CPU time on 200 MB. Keep such blocks in the heap instead; in-flight blocks are bounded, so is RSS.
        // (M_MMAP_THRESHOLD = -3 and M_TRIM_THRESHOLD = -1 in <malloc.h>; the macros do not import.)
        _ = glibcMallopt(-3, 64 << 20)
        _ = glibcMallopt(-1, 256 << 20)
        Glibc.exit(run(arguments: Array(CommandLine.arguments.dropFirst())))
    }
}

func printError(_ message: String) {
    // Lines stay lines; every other control byte (escape sequences, carriage returns, NUL) is shown escaped, so
    // nothing a caller passed in (a role or file name) can drive the terminal.
    var text = message.contains(where: { $0.unicodeScalars.contains { s in (s.value < 0x20 && s.value != 0x0A && s.value != 0x09) || s.value == 0x7F } })
        ? message.split(separator: "\n", omittingEmptySubsequences: false).map { escapedForDisplay(String($0)) }.joined(separator: "\n")
        : message
    if !text.hasSuffix("\n") { text += "\n" }
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        offset += n
    }
}

/// glibc's `mallopt` (declared in <malloc.h>, which the Glibc module does not expose).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
