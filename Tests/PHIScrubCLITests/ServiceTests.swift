import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform
import Testing
#if canImport(Glibc)
import Glibc
#endif

// The service core (PHIService), its JSON Lines codec, and the server loop over pipes, all in process.

let sharedServiceScrubber: Scrubber = try! Scrubber.withDefaultRules()

/// Parses answer lines.
func answers(_ bytes: [UInt8]) throws -> [[String: Any]] {
    try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
        try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
}

/// One request line.
func requestLine(_ id: Int, _ op: String, _ text: String, options: [String: Any]? = nil) -> [UInt8] {
    var o: [String: Any] = ["id": id, "op": op, "text": text]
    if let options { o["options"] = options }
    return Array(try! JSONSerialization.data(withJSONObject: o)) + [0x0A]
}

/// Runs a server over two pipes; the input is written on its own thread (all of it, before anything is read when
/// `readAfterWriting`), the output read to its end.
func serve(_ input: [UInt8], limits: JSONLinesServer.Limits = JSONLinesServer.Limits(), service: PHIService? = nil,
           readAfterWriting: Bool = false) throws -> (output: [UInt8], summary: JSONLinesServer.Summary) {
    var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
    #expect(pipe(&inPipe) == 0 && pipe(&outPipe) == 0)
    let inRead = inPipe[0], outWrite = outPipe[1]
    let server = JSONLinesServer(service: service ?? PHIService(scrubber: sharedServiceScrubber),
                                 input: inRead, output: outWrite, limits: limits)
    let summaryBox = Box<JSONLinesServer.Summary>()
    let serverDone = DispatchSemaphore(value: 0)
    Thread {
        summaryBox.value = server.run()
        close(inRead)
        close(outWrite)
        serverDone.signal()
    }.start()
    let writeDone = DispatchSemaphore(value: 0)
    let writeFD = inPipe[1]
    let writer: @Sendable () -> Void = {
        input.withUnsafeBufferPointer { buf in
            var off = 0
            while off < buf.count {
                let n = write(writeFD, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        close(writeFD)
        writeDone.signal()
    }
    if readAfterWriting { writer() } else { Thread { writer() }.start() }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = read(outPipe[0], &chunk, chunk.count)
        if n <= 0 { break }
        output.append(contentsOf: chunk[0..<n])
    }
    close(outPipe[0])
    writeDone.wait()
    serverDone.wait()
    return (output, summaryBox.value!)
}

final class Box<T>: @unchecked Sendable {
    var value: T?
}

@Suite("Service core")
struct ServiceCoreTests {
    let service = PHIService(scrubber: sharedServiceScrubber)
    let note = "SSN 365-94-0475, phone (312) 555-0134"

    @Test func redactAnswersTextAndFindingsWithoutValues() throws {
        let r = service.handle(ServiceRequest(id: .int(7), op: .redact, text: note))
        #expect(r.error == nil)
        #expect(r.string == "SSN [SSN], phone [PHONE]")
        #expect(r.findings?.map(\.entity) == ["SSN", "PHONE"])
        #expect(r.findings?.first.map { ($0.start, $0.end) } ?? (0, 0) == (4, 15))
        let line = String(decoding: ServiceCodec.encode(r), as: UTF8.self)
        #expect(line.hasPrefix(#"{"id":7,"ok":true,"text":"SSN [SSN], phone [PHONE]","findings":[{"entity":"SSN","start":4,"end":15,"rule":"#))
        #expect(line.hasSuffix("}\n") && !line.contains("365-94") && !line.contains("555-0134"))
    }

    @Test func scanAnswersFindingsOnly() {
        let r = service.handle(ServiceRequest(id: .string("a"), op: .scan, text: note))
        #expect(r.text == nil && r.findings?.count == 2)
    }

    @Test func transformUsesTheRequestsOperators() {
        var o = ServiceOptions()
        o.operators = ["SSN": "mask"]
        o.defaultOperator = "generalize"
        let r = service.handle(ServiceRequest(id: .int(1), op: .transform, options: o, text: note))
        #expect(r.string == "SSN ***-**-0475, phone [PHONE]")
        // The next request is unaffected.
        #expect(service.handle(ServiceRequest(id: .int(2), op: .transform, text: note)).string == "SSN [SSN], phone [PHONE]")
    }

    @Test func minConfidenceDropsWeakFindings() {
        var o = ServiceOptions()
        o.minConfidence = 0.99
        let r = service.handle(ServiceRequest(id: .int(1), op: .redact, options: o, text: note))
        #expect(r.findings?.isEmpty == true && r.string == note)
        o.minConfidence = 1.5
        #expect(service.handle(ServiceRequest(id: .int(1), op: .redact, options: o, text: note)).error?.code == .invalidOption)
    }

    @Test func badOptionsAreTypedErrorsThatNeverQuoteTheText() {
        var o = ServiceOptions()
        o.operators = ["JANE_ROE_365940475": "mask"]
        let r = service.handle(ServiceRequest(id: .int(1), op: .transform, options: o, text: note))
        #expect(r.error?.code == .invalidOption)
        #expect(r.error.map { !$0.message.contains("JANE") && !$0.message.contains("365") } == true)
        o.operators = ["SSN": "shred"]
        #expect(service.handle(ServiceRequest(id: .int(1), op: .transform, options: o, text: note)).error?.code == .invalidOption)
        var shift = ServiceOptions()
        shift.defaultOperator = "shift"
        #expect(service.handle(ServiceRequest(id: .int(1), op: .transform, options: shift, text: note)).error?.code == .invalidOption)
        var onRedact = ServiceOptions()
        onRedact.defaultOperator = "mask"
        #expect(service.handle(ServiceRequest(id: .int(1), op: .redact, options: onRedact, text: note)).error?.code == .invalidOption)
    }

    @Test func operatorsThatNeedKeysFailClosedWithoutThem() {
        var o = ServiceOptions()
        o.defaultOperator = "token"
        let r = service.handle(ServiceRequest(id: .int(1), op: .transform, options: o, text: note))
        #expect(r.error?.code == .keys && r.text == nil)
    }

    @Test func tokensWithKeys() throws {
        let keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])
        let keyed = PHIService(scrubber: sharedServiceScrubber, keys: keys)
        var o = ServiceOptions()
        o.operators = ["SSN": "token"]
        let a = keyed.handle(ServiceRequest(id: .int(1), op: .transform, options: o, text: note))
        let b = keyed.handle(ServiceRequest(id: .int(2), op: .transform, options: o, text: note))
        #expect(a.string?.hasPrefix("SSN [SSN:tok:") == true && a.string == b.string)
    }

    @Test func middlewareOperationsNeedAConfiguration() {
        var o = ServiceOptions()
        o.role = "clinician"
        o.tool = "ehr_lookup"
        #expect(service.handle(ServiceRequest(id: .int(1), op: .toolOutput, options: o, text: note)).error?.code == .notConfigured)
    }

    @Test func promptAndToolOutputGoThroughTheMiddleware() throws {
        let h = try MiddlewareHarness()
        defer { h.scratch.cleanup() }
        let svc = PHIService(scrubber: h.host.scrubber, keys: h.keys, middleware: h.host)
        var o = ServiceOptions()
        o.role = "clinician"
        o.tool = "ehr_lookup"
        let out = svc.handle(ServiceRequest(id: .int(1), op: .toolOutput, options: o, text: note))
        #expect(out.allowed == true && out.string?.hasPrefix("SSN [SSN], phone (***) ***-0134") == true)
        #expect(out.counts == ["SSN": 1, "PHONE": 1])
        o.provider = "primary-llm"
        let prompt = svc.handle(ServiceRequest(id: .int(2), op: .prompt, options: o, text: "Summarise: " + note))
        #expect(prompt.error == nil && prompt.allowed == true && prompt.string?.contains("365-94-0475") == false)
        var intruder = ServiceOptions()
        intruder.role = "intruder"
        intruder.provider = "primary-llm"
        let denied = svc.handle(ServiceRequest(id: .int(3), op: .prompt, options: intruder, text: note))
        #expect(denied.allowed == false && denied.text == nil)
        let line = String(decoding: ServiceCodec.encode(denied), as: UTF8.self)
        #expect(line.contains(#""allowed":false"#) && !line.contains("365-94"))
        #expect(try h.events().contains("model_invocation"))
        #expect(h.verifies())
    }
}

extension ServiceCoreTests {
    @Test func withAConfigurationPlainOperationsAreAuditedWithoutValues() throws {
        let h = try MiddlewareHarness()
        defer { h.scratch.cleanup() }
        let svc = PHIService(scrubber: h.host.scrubber, keys: h.keys, middleware: h.host)
        var o = ServiceOptions()
        o.agent = "care"
        let r = svc.handle(ServiceRequest(id: .int(1), op: .redact, options: o, text: note))
        #expect(r.string == "SSN [SSN], phone [PHONE]")
        let rec = try #require(try h.records().last)
        #expect(rec["event"] as? String == "scan" && rec["action"] as? String == "redact" && rec["agent"] as? String == "care")
        #expect(((rec["details"] as? [String: Any])?["by_entity"] as? [String: Int]) == ["SSN": 1, "PHONE": 1])
        let raw = try String(contentsOfFile: h.config.audit.directory + "/" + AuditFiles.segmentName(1), encoding: .utf8)
        #expect(!raw.contains("365-94-0475") && !raw.contains("555-0134"))
        #expect(h.verifies())
    }
}

@Suite("Service codec")
struct ServiceCodecTests {
    let service = PHIService(scrubber: sharedServiceScrubber)

    func answer(_ line: String) throws -> [String: Any] {
        try #require(try answers(ServiceCodec.handle(line: Array(line.utf8), service: service)).first)
    }

    func errorCode(_ a: [String: Any]) -> String? { (a["error"] as? [String: Any])?["code"] as? String }
    func message(_ a: [String: Any]) -> String { (a["error"] as? [String: Any])?["message"] as? String ?? "" }

    @Test func malformedLinesGetTypedErrorsThatDoNotQuoteThem() throws {
        let a = try answer(#"{"id": 1, "op": "redact", "text": "SSN 365-94-0475"#)
        #expect(errorCode(a) == "invalid_json" && a["id"] is NSNull && a["ok"] as? Bool == false)
        #expect(!message(a).contains("365"))
        #expect(errorCode(try answer("[1, 2]")) == "invalid_json")
        #expect(errorCode(try answer(#"{"id": 2, "op": "redact"}"#)) == "invalid_request")
        #expect(errorCode(try answer(#"{"id": 3, "op": 5, "text": "x"}"#)) == "invalid_request")
        #expect(errorCode(try answer(#"{"id": 4, "op": "redact", "text": "x", "extra": 1}"#)) == "invalid_request")
        #expect(errorCode(try answer(#"{"id": 5, "op": "redact", "text": "x", "options": {"colour": "red"}}"#)) == "invalid_option")
        #expect(errorCode(try answer(#"{"id": [1], "op": "redact", "text": "x"}"#)) == "invalid_request")
    }

    @Test func unknownOpsNameTheKnownOnesNotTheirs() throws {
        let a = try answer(#"{"id": "q-1", "op": "Jane Roe", "text": "x"}"#)
        #expect(errorCode(a) == "unknown_op" && a["id"] as? String == "q-1")
        #expect(!message(a).contains("Jane"))
    }

    @Test func idsAndTextRoundTripThroughEscapes() throws {
        let text = "tab\there \"quoted\" \\ line\nnext \u{1}\u{7f} é 😀 SSN 365-94-0475"
        let line = String(decoding: requestLine(9, "redact", text), as: UTF8.self)
        let a = try answer(String(line.dropLast()))
        #expect(a["id"] as? Int == 9)
        #expect(a["text"] as? String == "tab\there \"quoted\" \\ line\nnext \u{1}\u{7f} é 😀 SSN [SSN]")
        let s = try answer(#"{"id": "x\"y", "op": "scan", "text": ""}"#)
        #expect(s["id"] as? String == "x\"y" && (s["findings"] as? [Any])?.isEmpty == true)
    }

    @Test func confidenceIsWrittenCompactly() {
        #expect(ServiceCodec.confidence(0.95) == "0.95")
        #expect(ServiceCodec.confidence(1) == "1")
        #expect(ServiceCodec.confidence(0.05) == "0.05")
        #expect(ServiceCodec.confidence(0.12345) == "0.1235")
        #expect(ServiceCodec.confidence(0.0001) == "0.0001")
        #expect(ServiceCodec.confidence(0.1) == "0.1")
        #expect(ServiceCodec.confidence(0.999949) == "0.9999")
        #expect(ServiceCodec.confidence(0.99995) == "1")
        #expect(ServiceCodec.confidence(0) == "0")
        #expect(ServiceCodec.confidence(2.5) == "2.5")
        #expect(ServiceCodec.confidence(.nan) == "0")
    }

    @Test func idsAndOffsetsAreWrittenAsDecimalIntegers() throws {
        for id in [0, 7, -42, 1_000_000, Int.max, Int.min] {
            let line = Array(#"{"id": \#(id), "op": "scan", "text": "SSN 365-94-0475"}"#.utf8)
            let text = String(decoding: ServiceCodec.handle(line: line, service: service), as: UTF8.self)
            #expect(text.hasPrefix(#"{"id":\#(id),"ok":true"#), "\(text)")
        }
        let a = try answer(#"{"id": 1, "op": "scan", "text": "SSN 365-94-0475"}"#)
        let f = try #require((a["findings"] as? [[String: Any]])?.first)
        #expect(f["start"] as? Int == 4 && f["end"] as? Int == 15)
    }
}

@Suite("JSON Lines server (in process)")
struct JSONLinesServerTests {
    @Test(.timeLimit(.minutes(2))) func manyRequestsAreAllAnsweredOnceWithTheirIds() throws {
        var input: [UInt8] = []
        let n = 3000
        for i in 0..<n {
            input += requestLine(i, i % 3 == 0 ? "scan" : "redact", "call (312) 555-01\(String(format: "%02d", i % 100)) re \(i)")
        }
        var limits = JSONLinesServer.Limits()
        limits.maxInFlight = 8
        let (out, summary) = try serve(input, limits: limits)
        let all = try answers(out)
        #expect(all.count == n && summary.requests == n && summary.errors == 0)
        let ids = all.compactMap { $0["id"] as? Int }
        #expect(Set(ids) == Set(0..<n))
        for a in all where (a["id"] as? Int ?? 0) % 3 != 0 {
            let id = a["id"] as! Int
            #expect(a["text"] as? String == "call [PHONE] re \(id)")
        }
    }

    @Test(.timeLimit(.minutes(2))) func tightLimitsOnlySlowThingsDown() throws {
        var limits = JSONLinesServer.Limits()
        limits.maxInFlight = 2
        limits.maxInFlightBytes = 1024
        limits.maxPendingOutputBytes = 256
        limits.workers = 3
        var input: [UInt8] = []
        for i in 0..<2000 { input += requestLine(i, "redact", "SSN 365-94-0475 #\(i) " + String(repeating: "w", count: i % 700)) }
        let (out, summary) = try serve(input, limits: limits)
        let all = try answers(out)
        #expect(all.count == 2000 && summary.errors == 0)
        #expect(Set(all.compactMap { $0["id"] as? Int }) == Set(0..<2000))
    }

    @Test(.timeLimit(.minutes(2))) func aSeveralMegabyteRequestWrittenBeforeAnythingIsReadIsAnswered() throws {
        var text = ""
        for i in 0..<60_000 { text += "line \(i) SSN 365-94-0475 ok\n" }  // about 1.7 MB of text, 2 MB escaped
        text += String(repeating: "x", count: 3_000_000)
        var input = requestLine(1, "redact", text)
        input += requestLine(2, "scan", "phone (312) 555-0134")
        let (out, summary) = try serve(input, readAfterWriting: true)
        let all = try answers(out)
        #expect(all.count == 2 && summary.errors == 0)
        let big = try #require(all.first { $0["id"] as? Int == 1 })
        let redacted = try #require(big["text"] as? String)
        #expect(!redacted.contains("365-94-0475") && redacted.hasPrefix("line 0 SSN [SSN] ok\n"))
        #expect((big["findings"] as? [Any])?.count == 60_000)
    }

    @Test(.timeLimit(.minutes(1))) func malformedLinesAndUnknownOpsDoNotStopTheService() throws {
        var input: [UInt8] = []
        input += Array("this is not json\n".utf8)
        input += Array(#"{"id": 2, "op": "frobnicate", "text": "x"}"#.utf8) + [0x0A]
        input += Array("\n   \n".utf8)  // blank lines are skipped
        input += Array(#"{"id": 3, "op": "redact", "text": "SSN 365-94-0475"}"#.utf8) + [0x0D, 0x0A]
        input += [0xFF, 0xFE, 0x00, 0x0A]
        input += requestLine(5, "redact", "SSN 365-94-0475")
        let (out, summary) = try serve(input)
        let all = try answers(out)
        #expect(all.count == 5 && summary.errors == 3)
        let byID = Dictionary(all.compactMap { a in (a["id"] as? Int).map { ($0, a) } }, uniquingKeysWith: { a, _ in a })
        #expect((byID[2]?["error"] as? [String: Any])?["code"] as? String == "unknown_op")
        #expect(byID[3]?["text"] as? String == "SSN [SSN]")
        #expect(byID[5]?["text"] as? String == "SSN [SSN]")
        #expect(all.filter { $0["id"] is NSNull }.count == 2)
    }

    @Test(.timeLimit(.minutes(1))) func hostileLinesGetTypedErrorsAndTheServiceGoesOn() throws {
        var input: [UInt8] = []
        let depth = 100_000
        // Deep nesting, in a field the schema does not have and unclosed; invalid UTF-8 and a lone surrogate in
        // the text (answered with the id); a field given twice; a 5 MB text full of escapes.
        input += Array(#"{"id": 1, "op": "redact", "text": "x", "extra": \#(String(repeating: "[", count: depth))\#(String(repeating: "]", count: depth))}"#.utf8) + [0x0A]
        input += Array(String(repeating: "{\"a\":", count: depth).utf8) + [0x0A]
        input += Array(#"{"id": 3, "op": "redact", "text": "a"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8) + [0x0A]
        input += Array(#"{"id": 4, "op": "redact", "text": "SSN \ud800 365-94-0475"}"#.utf8) + [0x0A]
        input += Array(#"{"id": 5, "op": "redact", "text": "a", "text": "SSN 365-94-0475"}"#.utf8) + [0x0A]
        input += Array(#"{"id": 6, "op": "redact", "text": ""#.utf8) + Array(String(repeating: #"\"q\" \n"#, count: 1_000_000).utf8)
            + Array(#"SSN 365-94-0475"}"#.utf8) + [0x0A]
        input += requestLine(7, "redact", "SSN 365-94-0475")
        let (out, summary) = try serve(input)
        let all = try answers(out)
        #expect(all.count == 7 && summary.errors == 5)
        let byID = Dictionary(all.compactMap { a in (a["id"] as? Int).map { ($0, a) } }, uniquingKeysWith: { a, _ in a })
        func code(_ id: Int) -> String? { (byID[id]?["error"] as? [String: Any])?["code"] as? String }
        #expect(code(1) == "invalid_request" && code(3) == "invalid_request" && code(4) == "invalid_request" && code(5) == "invalid_request")
        #expect(all.filter { $0["id"] is NSNull }.count == 1)
        let big = try #require(byID[6]?["text"] as? String)
        #expect(big.hasPrefix("\"q\" \n") && big.hasSuffix("SSN [SSN]") && big.utf8.count == 5_000_000 + 9)
        #expect(byID[7]?["text"] as? String == "SSN [SSN]")
        for a in all {
            let message = (a["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(!message.contains("365"))
        }
    }

    @Test(.timeLimit(.minutes(1))) func theLastRequestNeedsNoNewline() throws {
        var input = requestLine(1, "redact", "a")
        input += Array(#"{"id": 2, "op": "redact", "text": "SSN 365-94-0475"}"#.utf8)
        let all = try answers(try serve(input).output)
        #expect(all.count == 2)
        #expect(all.first { $0["id"] as? Int == 2 }?["text"] as? String == "SSN [SSN]")
    }

    @Test(.timeLimit(.minutes(1))) func anOversizedLineIsRefusedAndTheNextOneServed() throws {
        var limits = JSONLinesServer.Limits()
        limits.maxRequestBytes = 4096
        var input = requestLine(1, "redact", String(repeating: "y", count: 10_000))
        input += requestLine(2, "redact", "SSN 365-94-0475")
        input += requestLine(3, "redact", String(repeating: "z", count: 10_000)).dropLast()  // no newline at EOF either
        let all = try answers(try serve(input, limits: limits).output)
        #expect(all.count == 3)
        #expect(all.filter { ($0["error"] as? [String: Any])?["code"] as? String == "too_large" }.count == 2)
        #expect(all.first { $0["id"] as? Int == 2 }?["text"] as? String == "SSN [SSN]")
    }

    @Test(.timeLimit(.minutes(1))) func stopAnswersEveryAcceptedRequest() throws {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        #expect(pipe(&inPipe) == 0 && pipe(&outPipe) == 0)
        let outWrite = outPipe[1]
        let server = JSONLinesServer(service: PHIService(scrubber: sharedServiceScrubber), input: inPipe[0], output: outWrite)
        let box = Box<JSONLinesServer.Summary>()
        let done = DispatchSemaphore(value: 0)
        Thread { box.value = server.run(); close(outWrite); done.signal() }.start()
        var input: [UInt8] = []
        for i in 0..<50 { input += requestLine(i, "redact", "SSN 365-94-0475") }
        input += Array(#"{"id": 99, "op": "redact", "text": "SSN 365-9"#.utf8)  // unfinished: never accepted
        _ = input.withUnsafeBufferPointer { write(inPipe[1], $0.baseAddress, $0.count) }
        // Read until the 50 accepted answers are in, then stop while the input is still open.
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while out.filter({ $0 == 0x0A }).count < 50 {
            let n = read(outPipe[0], &chunk, chunk.count)
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        server.stop()
        done.wait()
        while true {
            let n = read(outPipe[0], &chunk, chunk.count)
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        close(inPipe[0]); close(inPipe[1]); close(outPipe[0])
        let all = try answers(out)
        #expect(all.count == 50 && box.value?.stopped == true && box.value?.requests == 50)
    }
}
