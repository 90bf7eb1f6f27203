import Foundation
import PHICompliance
@testable import PHIMCP
import PHIScrub
import PHITransform
import Testing

// The MCP server's answers and the proxy's scrubbing, in process (the proxy around a real child process is tested
// from Python: Tests/python/test_mcp.py).

let mcpScrubber: Scrubber = try! Scrubber.withDefaultRules()

func message(_ s: String) -> JSON { JSON.parse(Array(s.utf8))! }

@Suite struct MCPServerTests {
    let server = MCPServer(service: PHIService(scrubber: mcpScrubber))

    @Test func initializeNegotiatesTheVersion() throws {
        let r = try #require(server.handle(message(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)))
        #expect(r["result"]?["protocolVersion"] == .string("2024-11-05"))
        let newer = try #require(server.handle(message(#"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2099-01-01"}}"#)))
        #expect(newer["result"]?["protocolVersion"] == .string(mcpProtocolVersions[0]))
        #expect(server.handle(message(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)) == nil)
    }

    @Test func redactAndScanTools() throws {
        let r = try #require(server.handle(message(#"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"redact","arguments":{"text":"SSN 365-94-0475"}}}"#)))
        #expect(r["id"] == .string("a"))
        #expect(r["result"]?["content"]?.array?.first?["text"] == .string("SSN [SSN]"))
        let s = try #require(server.handle(message(#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"scan","arguments":{"text":"SSN 365-94-0475"}}}"#)))
        let f = try #require(s["result"]?["structuredContent"]?["findings"]?.array?.first)
        #expect(f["entity"] == .string("SSN") && f["start"] == .int(4) && f["end"] == .int(15))
        #expect(!String(decoding: s.bytes, as: UTF8.self).contains("365-94-0475"))
    }

    @Test func errors() throws {
        let unknown = try #require(server.handle(message(#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"x","arguments":{"text":"t"}}}"#)))
        #expect(unknown["error"]?["code"] == .int(-32602))
        let method = try #require(server.handle(message(#"{"jsonrpc":"2.0","id":5,"method":"nope"}"#)))
        #expect(method["error"]?["code"] == .int(-32601))
        let reveal = try #require(server.handle(message(#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"reveal","arguments":{"text":"t"}}}"#)))
        #expect(reveal["result"]?["isError"] == .bool(true))
    }

    @Test func jsonRoundTripsWithoutNewlines() {
        let m = message(#"{"a":[1,2.5,"x\ny",true,null],"b":{"c":"\u0001"}}"#)
        let out = String(decoding: m.bytes, as: UTF8.self)
        #expect(!out.contains("\n"))
        #expect(JSON.parse(m.bytes) == m)
        #expect(m["a"]?.array?[0] == .int(1))
    }
}

@Suite struct MCPProxyTests {
    let proxy = MCPProxy(service: PHIService(scrubber: mcpScrubber))

    @Test func toolResultsAreScrubbedAndStructureKept() throws {
        _ = proxy.fromHost(Array(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"ehr"}}"#.utf8))
        let line = #"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"SSN 365-94-0475"},{"type":"image","data":"AAAA","mimeType":"image/png"},{"type":"resource","resource":{"uri":"ehr://365-94-0475","text":"mail jane@example.com"}}],"structuredContent":{"type":"SSN 365-94-0475"}}}"#
        let out = try #require(proxy.fromServer(Array(line.utf8)))
        let content = try #require(out["result"]?["content"]?.array)
        #expect(content[0]["text"] == .string("SSN [SSN]"))
        #expect(content[1]["type"] == .string("text"))
        #expect(content[2]["resource"]?["uri"] == .string("ehr://365-94-0475"))   // addresses are not rewritten
        #expect(content[2]["resource"]?["text"] == .string("mail [EMAIL]"))
        #expect(out["result"]?["structuredContent"]?["type"] == .string("SSN [SSN]"))  // data: every key scanned
        #expect(!String(decoding: out.bytes, as: UTF8.self).contains("AAAA"))
    }

    @Test func listingsKeepToolNamesAndInitializePassesThrough() throws {
        _ = proxy.fromHost(Array(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#.utf8))
        let initLine = #"{"jsonrpc":"2.0","id":1,"result":{"serverInfo":{"name":"x","version":"1"},"instructions":"call 312-555-0134"}}"#
        #expect(proxy.fromServer(Array(initLine.utf8)) == message(initLine))
        _ = proxy.fromHost(Array(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#.utf8))
        let list = try #require(proxy.fromServer(Array(#"{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"Jane Roe","description":"for Jane Roe"}]}}"#.utf8)))
        #expect(list["result"]?["tools"]?.array?.first?["name"] == .string("Jane Roe"))
        #expect(list["result"]?["tools"]?.array?.first?["description"] != .string("for Jane Roe"))
    }

    @Test func batchesAreScrubbedMessageByMessage() throws {
        let (reply, forward) = proxy.fromHost(Array(#"[{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"a"}},{"jsonrpc":"2.0","id":12,"method":"resources/read","params":{"uri":"x"}}]"#.utf8))
        #expect(reply == nil && forward != nil)
        let out = try #require(proxy.fromServer(Array(#"[{"jsonrpc":"2.0","id":11,"result":{"content":[{"type":"text","text":"SSN 365-94-0475"}]}},{"jsonrpc":"2.0","id":12,"result":{"contents":[{"uri":"x","text":"mail jane@example.com"}]}}]"#.utf8)))
        let items = try #require(out.array)
        #expect(items.count == 2)
        #expect(items[0]["result"]?["content"]?.array?.first?["text"] == .string("SSN [SSN]"))
        #expect(items[1]["result"]?["contents"]?.array?.first?["text"] == .string("mail [EMAIL]"))
    }

    @Test func notJSONIsDroppedAndStringsWithTheSeparatorStillScrub() throws {
        #expect(proxy.fromServer(Array("SSN 365-94-0475".utf8)) == nil)
        let out = try #require(proxy.fromServer(Array(#"{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"a\u001eb SSN 365-94-0475","level":"info"}}"#.utf8)))
        #expect(out["params"]?["data"] == .string("a\u{1E}b SSN [SSN]"))
    }
}

@Suite struct MCPProxyRoleTests {
    /// The example configuration without its audit log (no keys needed), the host as `clinician`.
    func proxy() throws -> MCPProxy {
        var config = try ConfigLoader.parse(ExampleConfig.text, file: "phiscrub.yaml")
        config.audit.enabled = false
        // A test key (random bytes made for these tests only): the clinician's view tokenises record numbers.
        let keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])
        let middleware = ComplianceMiddleware(config: config, scrubber: mcpScrubber, audit: nil, keys: keys)
        var options = MCPProxy.Options()
        options.role = "clinician"
        return MCPProxy(service: PHIService(scrubber: mcpScrubber, middleware: middleware), options: options)
    }

    @Test func aToolTheRoleMayNotCallNeverReachesTheServerEvenInABatch() throws {
        let p = try proxy()
        let single = p.fromHost(Array(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"kb_search","arguments":{}}}"#.utf8))
        #expect(single.forward == nil)
        #expect(single.reply?["result"]?["isError"] == .bool(true))
        let allowed = p.fromHost(Array(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ehr_lookup","arguments":{}}}"#.utf8))
        #expect(allowed.reply == nil && allowed.forward != nil)
        let batch = p.fromHost(Array(#"[{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"kb_search","arguments":{}}},{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"ehr_lookup","arguments":{}}}]"#.utf8))
        #expect(batch.reply?.array?.count == 1)
        let forwarded = try #require(batch.forward.flatMap { JSON.parse($0) }?.array)
        #expect(forwarded.count == 1 && forwarded[0]["id"] == .int(4))
    }

    @Test func resultsGoThroughTheRolesView() throws {
        let p = try proxy()
        _ = p.fromHost(Array(#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"ehr_lookup","arguments":{}}}"#.utf8))
        let out = try #require(p.fromServer(Array(#"{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"SSN 365-94-0475, phone (312) 555-0134"}]}}"#.utf8)))
        let text = try #require(out["result"]?["content"]?.array?.first?["text"]?.string)
        #expect(!text.contains("365-94-0475") && text.contains("0134"), "\(text)")   // SSN excluded, phone masked
    }

    @Test func withoutKeysForTheRolesViewTheResultIsWithheld() throws {
        var config = try ConfigLoader.parse(ExampleConfig.text, file: "phiscrub.yaml")
        config.audit.enabled = false
        let middleware = ComplianceMiddleware(config: config, scrubber: mcpScrubber, audit: nil, keys: nil)
        var options = MCPProxy.Options()
        options.role = "clinician"
        let p = MCPProxy(service: PHIService(scrubber: mcpScrubber, middleware: middleware), options: options)
        _ = p.fromHost(Array(#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"ehr_lookup","arguments":{}}}"#.utf8))
        let out = try #require(p.fromServer(Array(#"{"jsonrpc":"2.0","id":6,"result":{"content":[{"type":"text","text":"SSN 365-94-0475"}]}}"#.utf8)))
        #expect(out["result"]?["isError"] == .bool(true))
        #expect(!String(decoding: out.bytes, as: UTF8.self).contains("365-94-0475"))
    }
}
