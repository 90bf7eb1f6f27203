import Foundation
import Hummingbird
import Logging
import PHICompliance
import PHIScan
import PHIScrub

/// `phiscrub serve --http ADDR` / `--unix PATH`: the service core over HTTP/1.1 (keep-alive), on Hummingbird.
///
/// Routes (docs/serve.md, "HTTP"):
/// - `POST /v1`: the native API, one request object of the stdio protocol in the body, its answer object out;
/// - `POST /analyze`, `POST /anonymize`: Presidio's analyzer and anonymizer REST API, same JSON shapes;
/// - `GET /supportedentities`, `GET /anonymizers`, `GET /recognizers`: Presidio's listings;
/// - `GET /health` (never needs a token), `GET /metrics` (Prometheus text).
///
/// With bearer tokens in the configuration (`serve.http.tokens`), every route but `/health` needs one, and the
/// token's role is the caller's role: a native request naming another role is refused (403).
public final class HTTPFrontEnd: Sendable {
    public struct Limits: Sendable {
        /// Largest request body; a larger one is answered 413 without being read further.
        public var maxBodyBytes = 64 << 20
        /// Requests being answered at once (bodies read and held); beyond it a request gets 503 with Retry-After,
        /// so memory stays bounded (about this many bodies of at most `maxBodyBytes`, times four to five).
        public var maxInFlight = 64
        public init() {}
    }

    public enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    let service: PHIService
    let limits: Limits
    /// SHA-256 (hex) of each bearer token -> role.
    let tokens: [String: String]
    let metrics = ServeMetrics()
    let analyzer: PresidioAnalyzer

    public init(service: PHIService, tokens: [ServeSettings.Token] = [], limits: Limits = Limits()) {
        self.service = service
        self.limits = limits
        var t: [String: String] = [:]
        for token in tokens { t[token.sha256] = token.role }
        self.tokens = t
        self.analyzer = PresidioAnalyzer(service: service)
    }

    /// Parses `ADDR`: `PORT`, `:PORT`, `HOST:PORT` or `[IPv6]:PORT`; no host means 127.0.0.1.
    public static func parseAddress(_ s: String) -> Address? {
        var host = "127.0.0.1"
        var portText = s
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = String(rest.dropFirst())
        } else if let colon = s.lastIndex(of: ":") {
            let h = String(s[..<colon])
            if !h.isEmpty { host = h == "localhost" ? "127.0.0.1" : h }
            portText = String(s[s.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else { return nil }
        return .tcp(host: host, port: port)
    }

    /// Whether `host` is a loopback address (binding elsewhere needs bearer tokens).
    public static func isLoopback(_ host: String) -> Bool {
        host == "::1" || host.hasPrefix("127.")
    }

    // MARK: Routes

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in
            Self.response(200, Array(#"{"status":"ok"}"#.utf8))
        }
        router.get("/metrics") { request, _ in
            if let denied = self.authorize(request).denied { return denied }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(string: self.metrics.render())))
        }
        router.post("/v1") { request, _ in await self.timed("v1", request) { body, role in self.native(body, role: role) } }
        router.post("/analyze") { request, _ in
            await self.timed("analyze", request) { body, role in
                do {
                    let (json, findings) = try self.analyzer.analyze(body: body, role: role)
                    return (Self.response(200, json), findings.map(\.entity))
                } catch let error as PresidioAnalyzer.Failure {
                    return (Self.response(error.status, JSONBuilder.error(error.message)), [])
                } catch {
                    return (Self.response(500, JSONBuilder.error("Internal server error")), [])
                }
            }
        }
        router.post("/anonymize") { request, _ in
            await self.timed("anonymize", request) { body, _ in
                do {
                    return (Self.response(200, try PresidioAnonymizer().anonymize(body: body)), [])
                } catch let error as PresidioAnonymizer.Failure {
                    return (Self.response(error.status, JSONBuilder.error(error.message)), [])
                } catch {
                    return (Self.response(500, JSONBuilder.error("Internal server error")), [])
                }
            }
        }
        router.get("/supportedentities") { request, _ in
            if let denied = self.authorize(request).denied { return denied }
            let names = Set(self.service.scrubber.ruleSet.entities.map(PresidioEntities.presidioName)).sorted()
            var w = JSONBuilder()
            w.raw("[")
            for (i, n) in names.enumerated() { if i > 0 { w.raw(", ") }; w.string(n) }
            w.raw("]")
            return Self.response(200, w.bytes)
        }
        router.get("/recognizers") { request, _ in
            if let denied = self.authorize(request).denied { return denied }
            return Self.response(200, Array(#"["PhiscrubRecognizer"]"#.utf8))
        }
        router.get("/anonymizers") { request, _ in
            if let denied = self.authorize(request).denied { return denied }
            var w = JSONBuilder()
            w.raw("[")
            for (i, n) in PresidioAnonymizer.operatorNames.enumerated() { if i > 0 { w.raw(", ") }; w.string(n) }
            w.raw("]")
            return Self.response(200, w.bytes)
        }
        return router
    }

    static func response(_ status: Int, _ body: [UInt8], contentType: String = "application/json") -> Response {
        var buffer = ByteBufferAllocator().buffer(capacity: body.count)
        buffer.writeBytes(body)
        return Response(status: .init(code: status), headers: [.contentType: contentType], body: .init(byteBuffer: buffer))
    }

    /// The caller's role (nil without tokens configured) or the 401 answer.
    func authorize(_ request: Request) -> (role: String?, denied: Response?) {
        guard !tokens.isEmpty else { return (nil, nil) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        if header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix.lowercased() {
            let token = header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            if let role = tokens[Hex.encode(SHA256.hash(token.utf8))] { return (role, nil) }
        }
        var r = Self.response(401, JSONBuilder.error("a bearer token of the configuration's serve.http.tokens is required"))
        r.headers[.wwwAuthenticate] = "Bearer"
        return (nil, r)
    }

    /// Reads the body (up to the limit: 413 beyond it), runs `body`, and counts the request.
    func timed(_ route: String, _ request: Request,
               _ handle: ([UInt8], String?) -> (Response, [String])) async -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        guard metrics.begin(limit: limits.maxInFlight) else {
            metrics.refused(route: route, status: 503)
            var r = Self.response(503, JSONBuilder.error("busy: \(limits.maxInFlight) requests are being answered (--max-in-flight); retry"))
            r.headers[.retryAfter] = "1"
            return r
        }
        var status = 500
        var bytes = 0
        var entities: [String] = []
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            metrics.end(route: route, status: status, seconds: seconds, bytes: bytes, entities: entities)
        }
        let auth = authorize(request)
        if let denied = auth.denied {
            status = 401
            return denied
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limits.maxBodyBytes {
            status = 413
            return Self.tooLarge(route, limit: limits.maxBodyBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limits.maxBodyBytes)
        } catch {
            status = 413
            return Self.tooLarge(route, limit: limits.maxBodyBytes)
        }
        let body = Array(buffer.readableBytesView)
        bytes = body.count
        let (response, found) = handle(body, auth.role)
        status = Int(response.status.code)
        entities = found
        return response
    }

    static func tooLarge(_ route: String, limit: Int) -> Response {
        let message = "the request body is larger than the limit (\(limit) bytes, --max-request-bytes)"
        if route == "v1" {
            return response(413, ServiceCodec.encode(ServiceResponse(id: .none, error: ServiceError(.tooLarge, message))).dropLast().map { $0 })
        }
        return response(413, JSONBuilder.error(message))
    }

    /// `POST /v1`: one stdio-protocol request in, its answer out (without the newline). The HTTP status follows
    /// the answer: 200 when `ok`, 4xx/5xx by error code.
    func native(_ body: [UInt8], role: String?) -> (Response, [String]) {
        var answer: ServiceResponse
        switch ServiceCodec.decode(body) {
        case .failure(let f):
            answer = ServiceResponse(id: f.id, error: f.error)
        case .success(var request):
            if let role {
                if let asked = request.options.role, asked != role {
                    var w = JSONBuilder()
                    w.raw(#"{"id":"#)
                    switch request.id {
                    case .int(let i): w.int(i)
                    case .string(let s): w.string(s)
                    case .none: w.raw("null")
                    }
                    w.raw(#","ok":false,"error":{"code":"forbidden","message":"options.role is not the role of the bearer token"}}"#)
                    return (Self.response(403, w.bytes), [])
                }
                request.options.role = role
            }
            if request.options.agent == nil { request.options.agent = "phiscrub-http" }
            answer = service.handle(request)
        }
        var out = ServiceCodec.encode(answer)
        out.removeLast()  // the newline
        return (Self.response(Self.status(answer.error), out), answer.findings?.map(\.entity) ?? [])
    }

    static func status(_ error: ServiceError?) -> Int {
        guard let error else { return 200 }
        switch error.code {
        case .invalidJSON, .invalidRequest, .unknownOp, .invalidOption: return 400
        case .tooLarge: return 413
        case .forbidden: return 403
        case .notConfigured: return 501
        case .auditFailed, .shuttingDown: return 503
        case .keys, .transformFailed, .internalError: return 500
        }
    }

    // MARK: Running

    /// Serves until SIGTERM or SIGINT (graceful: requests being answered finish). `onReady` gets the bound
    /// address (the port chosen when 0 was asked).
    public func run(_ address: Address, onReady: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let bind: BindAddress
        switch address {
        case .tcp(let host, let port): bind = .hostname(host, port: port)
        case .unix(let path): bind = .unixDomainSocket(path: path)
        }
        var logger = Logger(label: "phiscrub-serve-http")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: .init(address: bind, serverName: "phiscrub"),
            onServerRunning: { channel in
                switch address {
                case .unix(let path): onReady(path)
                case .tcp(let host, _):
                    let port = channel.localAddress?.port ?? 0
                    onReady(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
                }
            },
            logger: logger)
        try await app.runService()
    }

    /// `run` from synchronous code (the command line): blocks until the server stops.
    public func runBlocking(_ address: Address, onReady: @escaping @Sendable (String) -> Void = { _ in }) throws {
        final class Outcome: @unchecked Sendable { var error: (any Error)? }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await self.run(address, onReady: onReady) } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let e = outcome.error { throw e }
    }
}
