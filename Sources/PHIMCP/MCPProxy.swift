import Foundation
import PHIScrub
#if canImport(Glibc)
import Glibc
import PHILock
#endif

/// `phiscrub mcp --proxy -- CMD ARGS`: starts another MCP server (stdio) and stands between it and the host.
///
/// - Host to server: messages pass unchanged. With a configuration and a role, a `tools/call` first goes through
///   the compliance middleware's `toolCall` check (may the role call this tool with this input; audited); a call it
///   refuses never reaches the server and the host gets a tool error.
/// - Server to host: every string of every result (tool results and their `structuredContent`, resources, prompts,
///   listings), of error messages and of the server's own requests and notifications (log messages, sampling
///   requests) is scanned and transformed before the host sees it: with a role, through the middleware's
///   `toolOutput` (the role's view, one audit record per message); without, redacted (or `--action`). All strings of
///   one message go through one call. Not scanned, because they address things and rewriting them breaks the
///   protocol: `uri`, `uriTemplate`, `mimeType`, `type`, `role`, cursors, `_meta`, tool and prompt names in
///   `tools/list`/`prompts/list`, input and output schemas, and the `initialize` answer. Binary content (images,
///   audio, blob resources) cannot be scanned and is withheld unless `allowBinary`.
/// - The server's standard error is redacted line by line. A line from the server that is not JSON is dropped.
/// - Fail closed: when a message cannot be scrubbed (a service or audit error), its strings are withheld.
public final class MCPProxy: @unchecked Sendable {
    public struct Options: Sendable {
        /// The role of the host (needs a service with the compliance middleware).
        public var role: String?
        public var agent = "phiscrub-mcp-proxy"
        public var user = ""
        /// Pass images, audio and blob resources through unscanned.
        public var allowBinary = false
        public init() {}
    }

    let service: PHIService
    let options: Options
    private let lock = Lock()
    /// Requests from the host awaiting the server's answer: id (as JSON text) -> method and tool.
    private var pending: [String: (method: String, tool: String?)] = [:]
    private var dropped = 0

    public init(service: PHIService, options: Options = Options()) {
        self.service = service
        self.options = options
    }

    static let separator = "\n\u{1E}\n"
    static let structuralKeys: Set<String> = ["jsonrpc", "id", "method", "type", "mimeType", "uri", "uriTemplate",
                                              "protocolVersion", "nextCursor", "cursor", "progressToken", "inputSchema",
                                              "outputSchema", "_meta", "role", "annotations"]
    static let listings: Set<String> = ["tools/list", "prompts/list"]

    /// Runs `command` (looked up on PATH) as the wrapped server with the host on this process's standard input and
    /// output. Returns the server's exit status once it has ended and its output is drained.
    public func run(command: [String], input: Int32 = 0, output: Int32 = 1, errorOutput: Int32 = 2) throws -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let toServer = Pipe(), fromServer = Pipe(), serverErrors = Pipe()
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = serverErrors
        try process.run()
        let hostOut = MessageWriter(fd: output)
        let serverIn = MessageWriter(fd: toServer.fileHandleForWriting.fileDescriptor)
        let group = DispatchGroup()

        // Host -> server.
        let hostThread = Thread {
            let reader = LineReader(fd: input)
            while let line = reader.next() {
                let (reply, forward) = self.fromHost(line)
                if let reply { hostOut.send(reply) }
                if let forward { serverIn.send(bytes: forward) }
                if serverIn.broken { break }
            }
            try? toServer.fileHandleForWriting.close()
        }
        hostThread.name = "phiscrub-mcp-host"
        hostThread.start()

        // Server -> host.
        group.enter()
        let serverThread = Thread {
            let reader = LineReader(fd: fromServer.fileHandleForReading.fileDescriptor)
            while let line = reader.next() {
                if let message = self.fromServer(line) { hostOut.send(message) }
            }
            group.leave()
        }
        serverThread.name = "phiscrub-mcp-server"
        serverThread.start()

        // The server's standard error, redacted.
        group.enter()
        let errorThread = Thread {
            let reader = LineReader(fd: serverErrors.fileHandleForReading.fileDescriptor)
            let errOut = MessageWriter(fd: errorOutput)
            while let line = reader.next() {
                var o = ServiceOptions()
                o.agent = self.options.agent
                o.user = self.options.user
                let r = self.service.handle(ServiceRequest(id: .none, op: .redact, options: o, text: line))
                errOut.send(bytes: r.text ?? Array("[WITHHELD]".utf8))
            }
            group.leave()
        }
        errorThread.name = "phiscrub-mcp-stderr"
        errorThread.start()

        group.wait()
        process.waitUntilExit()
        let n = lock.withLock { dropped }
        if n > 0 {
            let note = "phiscrub: mcp --proxy: dropped \(n) line(s) from the server that were not JSON\n"
            _ = note.withCString { write(errorOutput, $0, strlen($0)) }
        }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    static func key(_ id: JSON) -> String { String(decoding: id.bytes, as: UTF8.self) }

    /// A host message: what to answer the host directly (a `tools/call` the role may not make, never forwarded)
    /// and what to forward to the server (the line unchanged when nothing was refused).
    func fromHost(_ line: [UInt8]) -> (reply: JSON?, forward: [UInt8]?) {
        guard let message = JSON.parse(line) else { return (nil, line) }
        if case .array(let batch) = message {
            // A JSON-RPC batch (MCP 2025-03-26): each request checked; refused ones answered here in a batch.
            var replies: [JSON] = []
            var passed: [JSON] = []
            for m in batch {
                if let r = check(m) { replies.append(r) } else { passed.append(m) }
            }
            if replies.isEmpty { return (nil, line) }
            return (.array(replies), passed.isEmpty ? nil : JSON.array(passed).bytes)
        }
        if let r = check(message) { return (r, nil) }
        return (nil, line)
    }

    private func remember(_ message: JSON) -> (method: String, id: JSON, tool: String?)? {
        guard let method = message["method"]?.string, let id = message["id"] else { return nil }
        let tool = method == "tools/call" ? message["params"]?["name"]?.string : nil
        lock.withLock { pending[Self.key(id)] = (method, tool) }
        return (method, id, tool)
    }

    private func check(_ message: JSON) -> JSON? {
        guard let (method, id, tool) = remember(message) else { return nil }
        guard method == "tools/call", service.middleware != nil, let role = options.role else { return nil }
        var o = ServiceOptions()
        o.role = role
        o.agent = options.agent
        o.user = options.user
        o.tool = tool ?? ""
        let input = message["params"]?["arguments"].map { String(decoding: $0.bytes, as: UTF8.self) } ?? "{}"
        let r = service.handle(ServiceRequest(id: .none, op: .toolCall, options: o, text: input))
        if r.error == nil && r.allowed == true { return nil }
        lock.withLock { _ = pending.removeValue(forKey: Self.key(id)) }
        let why = r.error.map { "\($0.code.rawValue): \($0.message)" } ?? (r.reason ?? "denied")
        return rpcResult(id: id, toolText("phiscrub: the call was not made: \(why)", isError: true))
    }

    /// A server message, scrubbed; nil when it is dropped.
    func fromServer(_ line: [UInt8]) -> JSON? {
        guard let message = JSON.parse(line) else {
            lock.withLock { dropped += 1 }
            return nil
        }
        if case .array(let batch) = message {
            let out = batch.compactMap { scrubMessage($0) }
            return out.isEmpty ? nil : .array(out)
        }
        return scrubMessage(message)
    }

    private func scrubMessage(_ message: JSON) -> JSON? {
        guard var o = message.object else {
            lock.withLock { dropped += 1 }
            return nil
        }
        if let method = o["method"]?.string {
            // The server's own request or notification (log message, sampling request, progress).
            if let params = o["params"] {
                guard let clean = scrub(params, resource: method, keepNames: false) else {
                    o["params"] = .object(["note": .string("[WITHHELD]")])
                    return .object(o)
                }
                o["params"] = clean
            }
            return .object(o)
        }
        guard let id = o["id"] else { return message }
        let request = lock.withLock { pending.removeValue(forKey: Self.key(id)) }
        let method = request?.method ?? ""
        if method == "initialize" { return message }
        if let result = o["result"] {
            let resource = request?.tool ?? (method.isEmpty ? "mcp" : method)
            if let clean = scrub(result, resource: resource, keepNames: Self.listings.contains(method)) {
                o["result"] = clean
            } else if method == "tools/call" {
                o["result"] = toolText("[WITHHELD: the tool result could not be scrubbed]", isError: true)
            } else {
                return rpcError(id: id, code: RPCError.internalError, message: "phiscrub: the answer was withheld: it could not be scrubbed")
            }
        }
        if let error = o["error"] {
            o["error"] = scrub(error, resource: method.isEmpty ? "mcp" : method, keepNames: false)
                ?? .object(["code": error["code"] ?? .int(RPCError.internalError), "message": .string("[WITHHELD]")])
        }
        return .object(o)
    }

    /// Every scannable string of `value` scrubbed in one call; nil when that failed (fail closed).
    func scrub(_ value: JSON, resource: String, keepNames: Bool) -> JSON? {
        var strings: [String] = []
        let template = collect(value, dataMode: false, keepNames: keepNames, into: &strings)
        let joinable = !strings.contains { $0.unicodeScalars.contains("\u{1E}") }
        var cleaned: [String] = []
        if joinable {
            guard let out = transform(strings.joined(separator: Self.separator), resource: resource) else { return nil }
            cleaned = out.components(separatedBy: Self.separator)
            if strings.isEmpty { cleaned = [] }
            guard cleaned.count == strings.count else { return nil }
        } else {
            for s in strings {
                guard let out = transform(s, resource: resource) else { return nil }
                cleaned.append(out)
            }
        }
        var next = 0
        return fill(template, from: cleaned, next: &next)
    }

    /// The text through the role's view (middleware `toolOutput`, audited) or the service's operators.
    private func transform(_ text: String, resource: String) -> String? {
        var o = ServiceOptions()
        o.agent = options.agent
        o.user = options.user
        if service.middleware != nil, let role = options.role {
            o.role = role
            o.tool = resource
            let r = service.handle(ServiceRequest(id: .none, op: .toolOutput, options: o, text: text))
            guard r.error == nil, r.allowed == true else { return nil }
            return r.string
        }
        let r = service.handle(ServiceRequest(id: .none, op: .transform, options: o, text: text))
        guard r.error == nil else { return nil }
        return r.string
    }

    /// Placeholder for a string to be scanned in the template.
    private static let slot = JSON.object(["\u{0}phiscrub-slot": .null])

    private func collect(_ v: JSON, dataMode: Bool, keepNames: Bool, into strings: inout [String]) -> JSON {
        switch v {
        case .string(let s):
            strings.append(s)
            return Self.slot
        case .array(let a):
            return .array(a.map { collect($0, dataMode: dataMode, keepNames: keepNames, into: &strings) })
        case .object(var o):
            if !options.allowBinary {
                if let t = o["type"]?.string, t == "image" || t == "audio", o["data"] != nil {
                    return .object(["type": .string("text"), "text": .string("[WITHHELD: \(t) content cannot be scanned for PHI]")])
                }
                if o["blob"] != nil {
                    o["blob"] = nil
                    o["mimeType"] = .string("text/plain")
                    o["text"] = .string("[WITHHELD: binary content cannot be scanned for PHI]")
                }
            }
            var out: [String: JSON] = [:]
            for k in o.keys.sorted() {
                let x = o[k]!
                if Self.keep(k, dataMode: dataMode, keepNames: keepNames) {
                    out[k] = x
                } else {
                    out[k] = collect(x, dataMode: dataMode || k == "structuredContent", keepNames: keepNames, into: &strings)
                }
            }
            return .object(out)
        default:
            return v
        }
    }

    private static func keep(_ key: String, dataMode: Bool, keepNames: Bool) -> Bool {
        if dataMode { return false }
        return structuralKeys.contains(key) || (keepNames && key == "name")
    }

    private func fill(_ v: JSON, from cleaned: [String], next: inout Int) -> JSON {
        switch v {
        case Self.slot where next < cleaned.count:
            defer { next += 1 }
            return .string(cleaned[next])
        case .array(let a):
            return .array(a.map { fill($0, from: cleaned, next: &next) })
        case .object(let o):
            var out: [String: JSON] = [:]
            for k in o.keys.sorted() { out[k] = fill(o[k]!, from: cleaned, next: &next) }
            return .object(out)
        default:
            return v
        }
    }
}
