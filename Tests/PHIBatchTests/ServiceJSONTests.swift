import Foundation
import PHIBatch
import PHICompliance
import PHIScan
import PHIScrub
import Testing

// The service's records path with batch's JSON support (options.json, options.key, texts): what data pipelines
// (the PySpark integration) send, and it must give exactly batch's output.

private let service = PHIService(scrubber: sharedScrubber, json: BatchJSONSupport())

private func ask(_ op: ServiceOperation = .redact, texts: [String], _ configure: (inout ServiceOptions) -> Void = { _ in })
    -> ServiceResponse {
    var o = ServiceOptions()
    configure(&o)
    var r = ServiceRequest(id: .int(1), op: op, options: o, text: [UInt8]())
    r.texts = texts.map { Array($0.utf8) }
    return service.handle(r)
}

private func string(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

@Suite struct ServiceJSONTests {
    @Test func jsonRecordsComeOutAsBatchWritesThem() throws {
        // Every JSON Lines record of the committed sample corpus, through the service and through batch's cleaner.
        let root = repositoryRoot.appendingPathComponent("corpora/transcripts-sample")
        var records: [String] = []
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        where url.pathExtension == "jsonl" {
            records += try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        #expect(records.count > 20)
        let r = ask(texts: records) { $0.json = true }
        #expect(r.error == nil)
        let texts = try #require(r.texts)
        let cleaner = JSONCleaner(scrubber: sharedScrubber)
        var findings = 0
        for (i, record) in records.enumerated() {
            let expected = try cleaner.clean(Array(record.utf8))
            #expect(texts[i] == expected.output, "record \(i)")
            findings += expected.counts.findings
        }
        #expect(r.findings?.count == findings && findings > 0)
        #expect(r.invalid == [])
        #expect(Set(r.findingRecords ?? []).isSubset(of: Set(0..<records.count)))
    }

    @Test func aValueUnderAKeyIsCleanedAsBatchCleansItInAnObject() throws {
        let cases: [(String, String)] = [
            ("ssn", "402198877"), ("home_phone", "6175550142"), ("note", "call (312) 555-0134 \"now\"\n\tthen"),
            ("name", "Jane Roe"), ("name", "Report.pdf"), ("args", #"{"dob": "03/14/1961", "n": 3}"#), ("x", ""),
        ]
        let cleaner = JSONCleaner(scrubber: sharedScrubber)
        for (key, value) in cases {
            let r = ask(texts: [value]) { $0.key = key }
            #expect(r.error == nil)
            let object = try JSONSerialization.data(withJSONObject: [key: value])
            let batch = try #require(try parse(try cleaner.clean(String(decoding: object, as: UTF8.self))) as? [String: String])
            #expect(string(try #require(r.texts?.first)) == batch[key], "\(key)")
        }
    }

    @Test func valueFindingsPointAtTheValuesBytes() throws {
        let value = "é \"quoted\"\tSSN 365-94-0475"
        let r = ask(texts: [value]) { $0.key = "note" }
        let f = try #require(r.findings?.first)
        #expect(string(Array(Array(value.utf8)[f.start..<f.end])) == "365-94-0475")
        #expect(string(try #require(r.texts?.first)) == "é \"quoted\"\tSSN [SSN]")
        // JSON inside a value: the finding covers the whole value.
        let json = #"{"dob": "03/14/1961"}"#
        let j = ask(texts: [json]) { $0.key = "args" }
        #expect(j.findings?.map { $0.start..<$0.end } == [0..<json.utf8.count])
    }

    @Test func recordsThatAreNotJSONAreCleanedAsTextAndListed() {
        let r = ask(texts: [#"{"a": "SSN 365-94-0475"}"#, "SSN 365-94-0475 {broken", "  "]) { $0.json = true }
        #expect(r.texts?.map(string) == [#"{"a": "SSN [SSN]"}"#, "SSN [SSN] {broken", "  "])
        #expect(r.invalid == [1])
        #expect(r.findingRecords == [0, 1])
    }

    @Test func countsInsteadOfFindingsAndTheWireShape() throws {
        let r = ask(texts: ["SSN 365-94-0475, (312) 555-0134", "SSN 365-94-0475"]) { $0.findings = false }
        #expect(r.counts == ["SSN": 2, "PHONE": 1])
        let line = string(ServiceCodec.encode(r))
        #expect(line.contains(#""texts":["SSN [SSN], [PHONE]","SSN [SSN]"]"#))
        #expect(line.contains(#""counts":{"PHONE":1,"SSN":2}"#) && !line.contains("findings"))
        // Decoding: texts and the new options.
        let req = try ServiceCodec.decode(Array(#"{"id":1,"op":"redact","texts":["a","b"],"options":{"key":"ssn","findings":false}}"#.utf8)).get()
        #expect(req.texts?.count == 2 && req.options.key == "ssn" && req.options.findings == false)
        guard case .failure(let f) = ServiceCodec.decode(Array(#"{"id":1,"op":"redact","text":"a","texts":["b"]}"#.utf8)) else {
            Issue.record("text and texts together must be refused")
            return
        }
        #expect(f.error.code == .invalidRequest)
    }

    @Test func fingerprintsNeedKeysAndNeverCarryTheValue() {
        let r = ask(texts: ["SSN 365-94-0475"]) { $0.fingerprints = true }
        #expect(r.error?.code == .keys)
        let keyed = PHIService(scrubber: sharedScrubber, keys: try? EnvironmentKeys.load(from: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="]),
                               json: BatchJSONSupport())
        var o = ServiceOptions()
        o.fingerprints = true
        o.key = "note"
        var req = ServiceRequest(id: .int(2), op: .redact, options: o, text: [UInt8]())
        req.texts = [Array("SSN 365-94-0475".utf8), Array("again 365-94-0475".utf8)]
        let a = keyed.handle(req)
        #expect(a.error == nil)
        let prints = a.fingerprints ?? []
        #expect(prints.count == 2 && prints[0] == prints[1] && prints[0].hasPrefix("hmac-sha256:"))
        #expect(!string(ServiceCodec.encode(a)).contains("365-94"))
    }
}
