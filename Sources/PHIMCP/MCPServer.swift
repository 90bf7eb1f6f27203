import Foundation
import PHIScan
import PHIScrub

/// MCP protocol revisions this implementation speaks (newest first). An `initialize` asking for one of them gets it;
/// any other gets the newest.
public let mcpProtocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

/// JSON-RPC error codes MCP uses.
enum RPCError {
    static let parse = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
    static let internalError = -32603
}

func rpcError(id: JSON, code: Int, message: String) -> JSON {
    .object(["jsonrpc": .string("2.0"), "id": id, "error": .object(["code": .int(code), "message": .string(message)])])
}

func rpcResult(id: JSON, _ result: JSON) -> JSON {
    .object(["jsonrpc": .string("2.0"), "id": id, "result": result])
}

func toolText(_ text: String, isError: Bool = false, structured: JSON? = nil) -> JSON {
    var o: [String: JSON] = ["content": .array([.object(["type": .string("text"), "text": .string(text)])]),
                             "isError": .bool(isError)]
    if let structured { o["structuredContent"] = structured }
    return .object(o)
}

/// `phiscrub mcp`: a Model Context Protocol server over stdio (newline-delimited JSON-RPC 2.0) with three tools:
/// `scan` (findings, never values), `redact` (the text with PHI replaced, operator per call) and `reveal` (encrypted
/// tokens back to values, for a role that may read PHI, audited). Every call goes through `PHIService`, so with a
/// configuration it is audited as `serve` requests are.
public final class MCPServer: Sendable {
    let service: PHIService
    let role: String?
    let agent: String

    public init(service: PHIService, role: String? = nil, agent: String = "phiscrub-mcp") {
        self.service = service
        self.role = role
        self.agent = agent
    }

    /// Serves until end of input.
    public func run(input: Int32 = 0, output: Int32 = 1) {
        let reader = LineReader(fd: input)
        let writer = MessageWriter(fd: output)
        while let line = reader.next() {
            guard let message = JSON.parse(line) else {
                writer.send(rpcError(id: .null, code: RPCError.parse, message: "Parse error: the line is not JSON"))
                continue
            }
            if let answer = handle(message) { writer.send(answer) }
            if writer.broken { return }
        }
    }

    /// The answer to one message (nil for notifications and responses).
    public func handle(_ message: JSON) -> JSON? {
        guard let method = message["method"]?.string else {
            // A response (to nothing we asked) or garbage: nothing to answer.
            if message["id"] != nil && message["result"] == nil && message["error"] == nil {
                return rpcError(id: message["id"]!, code: RPCError.invalidRequest, message: "Invalid Request: no method")
            }
            return nil
        }
        guard let id = message["id"] else { return nil }  // notifications (initialized, cancelled, ...)
        let params = message["params"]
        switch method {
        case "initialize":
            let asked = params?["protocolVersion"]?.string ?? mcpProtocolVersions[0]
            return rpcResult(id: id, .object([
                "protocolVersion": .string(mcpProtocolVersions.contains(asked) ? asked : mcpProtocolVersions[0]),
                "capabilities": .object(["tools": .object(["listChanged": .bool(false)])]),
                "serverInfo": .object(["name": .string("phiscrub"), "version": .string("1.0")]),
                "instructions": .string("Call scan to find PHI (entity, offsets, rule, confidence; never values), redact to replace it, reveal to decrypt [ENC:...] tokens for a role that may read PHI."),
            ]))
        case "ping":
            return rpcResult(id: id, .object([:]))
        case "tools/list":
            return rpcResult(id: id, .object(["tools": .array(Self.tools)]))
        case "tools/call":
            guard let name = params?["name"]?.string else {
                return rpcError(id: id, code: RPCError.invalidParams, message: "Invalid params: tools/call needs a tool name")
            }
            let args = params?["arguments"]?.object ?? [:]
            guard ["scan", "redact", "reveal"].contains(name) else {
                return rpcError(id: id, code: RPCError.invalidParams, message: "Unknown tool; tools: scan, redact, reveal")
            }
            guard let text = args["text"]?.string else {
                return rpcError(id: id, code: RPCError.invalidParams, message: "Invalid params: arguments.text must be a string")
            }
            return rpcResult(id: id, call(name, text: text, args: args))
        default:
            return rpcError(id: id, code: RPCError.methodNotFound, message: "Method not found")
        }
    }

    func call(_ tool: String, text: String, args: [String: JSON]) -> JSON {
        var options = ServiceOptions()
        options.role = role
        options.agent = agent
        switch tool {
        case "scan":
            options.minConfidence = args["min_confidence"]?.double
            let r = service.handle(ServiceRequest(id: .none, op: .scan, options: options, text: text))
            if let e = r.error { return toolText("\(e.code.rawValue): \(e.message)", isError: true) }
            let findings = JSON.array((r.findings ?? []).map(Self.finding))
            let summary = JSON.object(["findings": findings]).bytes
            return toolText(String(decoding: summary, as: UTF8.self), structured: .object(["findings": findings]))
        case "redact":
            if let op = args["operator"]?.string {
                // The operator for every entity, over the configuration's per-entity operators too.
                options.defaultOperator = op
                for e in service.scrubber.ruleSet.entities { options.operators[e] = op }
            }
            options.context = args["context"]?.string
            options.subject = args["subject"]?.string
            let r = service.handle(ServiceRequest(id: .none, op: .transform, options: options, text: text))
            if let e = r.error { return toolText("\(e.code.rawValue): \(e.message)", isError: true) }
            return toolText(r.string ?? "")
        default:
            // The service's reveal: read_phi checked, audited, each value in the role's view.
            options.context = args["context"]?.string
            let r = service.handle(ServiceRequest(id: .none, op: .reveal, options: options, text: text))
            if let e = r.error { return toolText("\(e.code.rawValue): \(e.message)", isError: true) }
            return toolText(r.string ?? "")
        }
    }

    static func finding(_ f: Finding) -> JSON {
        .object(["entity": .string(f.entity), "start": .int(f.start), "end": .int(f.end), "rule": .string(f.ruleID),
                 "confidence": .double((f.confidence * 10_000).rounded() / 10_000)])
    }

    static let tools: [JSON] = {
        func schema(_ props: [String: JSON], required: [String] = ["text"]) -> JSON {
            .object(["type": .string("object"), "properties": .object(props), "required": .array(required.map { .string($0) })])
        }
        let text = JSON.object(["type": .string("string"), "description": .string("The text (any size).")])
        let ops = PHIService.operators.map { JSON.string($0) }
        let others = PHIService.operators.filter { $0 != "redact" }.joined(separator: ", ")
        return [
            .object(["name": .string("scan"),
                     "description": .string("Find PHI in a text: entity, UTF-8 byte offsets, rule and confidence of each finding; never the values."),
                     "inputSchema": schema(["text": text, "min_confidence": .object(["type": .string("number"), "minimum": .int(0), "maximum": .int(1)])]),
                     "annotations": .object(["readOnlyHint": .bool(true)])]),
            .object(["name": .string("redact"),
                     "description": .string("Replace the PHI in a text by typed tokens ([SSN], [NAME], ...), or by another operator for every entity (\(others)); without one, the server's operators (--action, the configuration's transform section)."),
                     "inputSchema": schema(["text": text,
                                            "operator": .object(["type": .string("string"), "enum": .array(ops)]),
                                            "context": .object(["type": .string("string"), "description": .string("Data context encrypted tokens are bound to, e.g. tool_output.")]),
                                            "subject": .object(["type": .string("string"), "description": .string("Whose dates shift moves.")])]),
                     "annotations": .object(["readOnlyHint": .bool(true)])]),
            .object(["name": .string("reveal"),
                     "description": .string("Decrypt the [ENC:...] tokens of a text for the server's role (needs read_phi; audited); each value shown as the role may see it."),
                     "inputSchema": schema(["text": text,
                                            "context": .object(["type": .string("string"), "description": .string("The data context the tokens were encrypted in (default tool_output).")])])]),
        ]
    }()
}
