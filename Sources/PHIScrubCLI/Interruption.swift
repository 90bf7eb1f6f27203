import PHIScrub
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM end a filter run cleanly instead of killing it mid-write: the handler only records the
/// signal; the read loops see it (a blocked `read(2)` returns EINTR, as the handler is installed without
/// `SA_RESTART`), stop feeding, drop the unfinished last line and throw `FilterInterrupted`. The command then
/// flushes what was already scanned to standard output (whole lines only), never renames an `-o` temporary into
/// place, and exits 2 (README "Partial output never looks complete").
enum Interruption {
    /// The signal received, or 0. Written only by the handler.
    nonisolated(unsafe) static var received: sig_atomic_t = 0

    /// Set by the executable's entry point: only then do the filter and scan install handlers (in-process tests
    /// keep the default behaviour, and every other command still dies on SIGINT/SIGTERM as before).
    nonisolated(unsafe) static var allowed = false

    /// SIGINT, SIGTERM and SIGHUP, held (blocked) from the start of the process until the command is known. A stop
    /// signal that arrives while a filter is still starting (rsyslog stopping a child it has just spawned, with
    /// messages already in its pipe) then waits for the filter's handler, which cleans what the pipe holds before
    /// exiting, instead of killing the process with the messages. Every other command gets them back with their
    /// default action before it runs (`releaseHeld`).
    static let held: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Blocks the `held` signals (the executable's entry point, before parsing); a no-op unless `allowed`.
    static func hold() {
        guard allowed else { return }
        var set = sigset_t()
        sigemptyset(&set)
        for sig in held { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Unblocks the `held` signals with their default actions (a command that installs no handlers).
    static func releaseHeld() {
        guard allowed else { return }
        var set = sigset_t()
        sigemptyset(&set)
        for sig in held { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Installs the handlers, for the filter and scan only (their read loops poll `received`); a no-op unless
    /// `allowed`. SIGHUP is unblocked with its default action too, unless `holdHangup` (`--append`:
    /// `installHangup` installs its handler once the outputs are open, and a SIGHUP before that waits for it).
    static func install(holdHangup: Bool = false) {
        guard allowed else { return }
        received = 0  // initialise the static before a handler can touch it
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { Interruption.received = $0 }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: a blocked read returns EINTR
            sigaction(sig, &action, nil)
        }
        // A parent may hand down a mask that blocks them (a test runner's spawn does): this thread reads, so it
        // must receive them. Worker threads block them again (`ParallelFilter`).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        if !holdHangup { sigaddset(&set, SIGHUP) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// A SIGHUP arrived and the outputs should be reopened (`--append`: logrotate moved the file). Cleared by
    /// `takeHangup`.
    nonisolated(unsafe) static var hangup: sig_atomic_t = 0

    /// With `--append`, SIGHUP reopens the output files instead of ending the run (logrotate's `postrotate`
    /// `kill -HUP`): the handler only records it; the read loops reopen between whole lines.
    static func installHangup() {
        guard allowed else { return }
        hangup = 0
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interruption.hangup = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGHUP, &action, nil)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGHUP)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Whether a SIGHUP arrived since the last call.
    static func takeHangup() -> Bool {
        guard hangup != 0 else { return false }
        hangup = 0
        return true
    }

    static var isSet: Bool { received != 0 }

    /// Throws `FilterInterrupted` once a signal arrived.
    static func check() throws {
        if received != 0 { throw FilterInterrupted(signal: received) }
    }

    /// "SIGTERM" / "SIGINT".
    static func name(_ signal: Int32) -> String {
        signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
    }
}
