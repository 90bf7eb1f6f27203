import Foundation
import PHICompliance
import PHIScrub
import PHIServeHTTP
#if canImport(Glibc)
import Glibc
#endif

extension ServeCommand {
    /// `serve --http ADDR` / `--unix PATH`: the same service core behind Hummingbird. Binding anywhere but loopback
    /// needs bearer tokens in --config (`serve.http.tokens`): PHI must not be one unauthenticated request away.
    func runHTTP() throws {
        let service = try makeService()
        // The configuration the service was made with (read once), when --config was given.
        let tokens = service.middleware?.config.serve.httpTokens ?? []
        let address: HTTPFrontEnd.Address
        if let unix {
            // The socket is created 0600 (owner only); a stale socket from an earlier run is replaced.
            var st = stat()
            if lstat(unix, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFSOCK else { throw CLIError("--unix \(unix) exists and is not a socket") }
                unlink(unix)
            }
            umask(0o177)
            address = .unix(path: unix)
        } else {
            // validate() checked the address.
            address = HTTPFrontEnd.parseAddress(http ?? "")!
            if case .tcp(let host, _) = address, !HTTPFrontEnd.isLoopback(host), tokens.isEmpty {
                throw CLIError("--http \(host) is not a loopback address: give --config with serve.http.tokens (bearer tokens and their roles) to serve beyond this machine")
            }
        }
        var limits = HTTPFrontEnd.Limits()
        limits.maxBodyBytes = maxRequestBytes
        limits.maxInFlight = maxInFlight
        let server = HTTPFrontEnd(service: service, tokens: tokens, limits: limits)
        let scheme = unix != nil ? "unix:" : "http://"
        try server.runBlocking(address) { bound in
            printError("phiscrub: serve: listening on \(scheme)\(bound)")
        }
    }
}
