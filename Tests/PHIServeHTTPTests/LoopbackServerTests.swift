import Foundation
import PHICompliance
import PHIScrub
import PHIServeHTTP
import Testing
#if canImport(Glibc)
import Glibc
#endif

// A real Hummingbird server on an ephemeral loopback port, spoken to with raw HTTP/1.1 over one keep-alive socket.

/// A minimal HTTP/1.1 client: one connection, requests written whole, answers read by Content-Length.
final class RawHTTP {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { throw CocoaError(.fileReadUnknown) }
    }

    deinit { close(fd) }

    func send(_ method: String, _ path: String, body: [UInt8] = [], headers: [String: String] = [:]) -> (status: Int, headers: String, body: [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        let out = Array(head.utf8) + body
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            sent += n
        }
        return read()
    }

    private func fill() -> Bool {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return false }
        pending.append(contentsOf: buf[0..<n])
        return true
    }

    private func read() -> (Int, String, [UInt8]) {
        let sep: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while end == nil {
            if let i = (0..<max(0, pending.count - 3)).first(where: { Array(pending[$0..<$0 + 4]) == sep }) { end = i } else if !fill() { return (0, "", []) }
        }
        let head = String(decoding: pending[0..<end!], as: UTF8.self)
        pending.removeFirst(end! + 4)
        let status = Int(head.split(separator: " ")[1]) ?? 0
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        while pending.count < length { if !fill() { break } }
        let body = Array(pending.prefix(length))
        pending.removeFirst(min(length, pending.count))
        return (status, head, body)
    }
}

/// Starts a server on port 0, runs `body` with its port, then stops it.
func withServer(tokens: [ServeSettings.Token] = [], maxBody: Int = 1 << 20, maxInFlight: Int = 64,
                service: PHIService? = nil, _ body: (Int) throws -> Void) async throws {
    var limits = HTTPFrontEnd.Limits()
    limits.maxBodyBytes = maxBody
    limits.maxInFlight = maxInFlight
    let server = HTTPFrontEnd(service: service ?? PHIService(scrubber: sharedScrubber), tokens: tokens, limits: limits)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task {
        try await server.run(.tcp(host: "127.0.0.1", port: 0)) { bound in
            continuation.yield(Int(bound.split(separator: ":").last!)!)
        }
    }
    var it = ports.makeAsyncIterator()
    let port = try #require(await it.next())
    defer { task.cancel() }
    try body(port)
}

@Suite(.serialized) struct LoopbackServerTests {
    @Test func nativeAndPresidioRoutesOnOneKeepAliveConnection() async throws {
        try await withServer { port in
            let c = try RawHTTP(port: port)
            let health = c.send("GET", "/health")
            #expect(health.status == 200)
            let native = c.send("POST", "/v1", body: Array(#"{"id":"a","op":"redact","text":"SSN 365-94-0475"}"#.utf8))
            #expect(native.status == 200)
            #expect(String(decoding: native.body, as: UTF8.self).hasPrefix(#"{"id":"a","ok":true,"text":"SSN [SSN]""#))
            let bad = c.send("POST", "/v1", body: Array(#"{"id":2,"op":"frobnicate","text":"x"}"#.utf8))
            #expect(bad.status == 400)
            #expect(String(decoding: bad.body, as: UTF8.self).contains(#""code":"unknown_op""#))
            let analyze = c.send("POST", "/analyze", body: Array(#"{"text": "John Smith drivers license is AC432223", "language": "en"}"#.utf8))
            #expect(analyze.status == 200)
            #expect(String(decoding: analyze.body, as: UTF8.self).contains(#""entity_type": "PERSON""#))
            let metrics = c.send("GET", "/metrics")
            let text = String(decoding: metrics.body, as: UTF8.self)
            #expect(text.contains(#"phiscrub_http_requests_total{route="v1",status="400"} 1"#))
            #expect(text.contains(#"phiscrub_findings_total{entity="SSN"} 1"#))
            #expect(!text.contains("365-94-0475"))
        }
    }

    @Test func oversizedBodiesGet413AndTheServiceGoesOn() async throws {
        try await withServer(maxBody: 4096) { port in
            let c = try RawHTTP(port: port)
            let big = Array(#"{"id":1,"op":"scan","text":""#.utf8) + [UInt8](repeating: 0x61, count: 10_000) + Array(#""}"#.utf8)
            let r = c.send("POST", "/v1", body: big)
            #expect(r.status == 413)
            #expect(String(decoding: r.body, as: UTF8.self).contains("too_large"))
            let c2 = try RawHTTP(port: port)
            #expect(c2.send("POST", "/analyze", body: big).status == 413)
            let c3 = try RawHTTP(port: port)
            #expect(c3.send("POST", "/v1", body: Array(#"{"id":1,"op":"scan","text":"ok"}"#.utf8)).status == 200)
        }
    }

    @Test func beyondMaxInFlightRequestsGet503() async throws {
        try await withServer(maxInFlight: 0) { port in
            let c = try RawHTTP(port: port)
            let r = c.send("POST", "/v1", body: Array(#"{"id":1,"op":"scan","text":"x"}"#.utf8))
            #expect(r.status == 503)
            #expect(r.headers.lowercased().contains("retry-after: 1"))
            #expect(c.send("GET", "/health").status == 200)
            #expect(String(decoding: c.send("GET", "/metrics").body, as: UTF8.self).contains(#"route="v1",status="503""#))
        }
    }

    @Test func bearerTokensMapToRoles() async throws {
        let token = "test-token-0123456789"
        let digest = Hex.encode(SHA256.hash(token.utf8))
        try await withServer(tokens: [.init(sha256: digest, role: "clinician")]) { port in
            let c = try RawHTTP(port: port)
            #expect(c.send("GET", "/health").status == 200)
            let denied = c.send("POST", "/analyze", body: Array(#"{"text":"x","language":"en"}"#.utf8))
            #expect(denied.status == 401)
            #expect(denied.headers.lowercased().contains("www-authenticate: bearer"))
            #expect(c.send("GET", "/metrics", headers: ["Authorization": "Bearer wrong"]).status == 401)
            let auth = ["Authorization": "Bearer \(token)"]
            #expect(c.send("POST", "/analyze", body: Array(#"{"text":"x","language":"en"}"#.utf8), headers: auth).status == 200)
            let other = c.send("POST", "/v1", body: Array(#"{"id":1,"op":"scan","text":"x","options":{"role":"billing"}}"#.utf8), headers: auth)
            #expect(other.status == 403)
            #expect(c.send("POST", "/v1", body: Array(#"{"id":1,"op":"scan","text":"x"}"#.utf8), headers: auth).status == 200)
        }
    }

    @Test func addressesParse() {
        #expect(HTTPFrontEnd.parseAddress("8080") == .tcp(host: "127.0.0.1", port: 8080))
        #expect(HTTPFrontEnd.parseAddress(":0") == .tcp(host: "127.0.0.1", port: 0))
        #expect(HTTPFrontEnd.parseAddress("0.0.0.0:9") == .tcp(host: "0.0.0.0", port: 9))
        #expect(HTTPFrontEnd.parseAddress("[::1]:80") == .tcp(host: "::1", port: 80))
        #expect(HTTPFrontEnd.parseAddress("localhost:1") == .tcp(host: "127.0.0.1", port: 1))
        #expect(HTTPFrontEnd.parseAddress("x:y") == nil)
        #expect(HTTPFrontEnd.parseAddress("70000") == nil)
        #expect(HTTPFrontEnd.isLoopback("127.0.0.1") && HTTPFrontEnd.isLoopback("::1") && !HTTPFrontEnd.isLoopback("0.0.0.0"))
    }
}
