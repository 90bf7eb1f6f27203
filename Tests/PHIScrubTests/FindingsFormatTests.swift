import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import Testing

@Suite("Findings formats and the JSON writer")
struct FindingsFormatTests {
    @Test func theWriterEscapesQuotesBackslashesAndEveryControlCharacterAndNothingElse() throws {
        for b in UInt8(0)...UInt8(0x7F) {
            var out: [UInt8] = []
            JSONWriter.appendString([UInt8(ascii: "a"), b, UInt8(ascii: "z")], to: &out)
            let text = String(decoding: out, as: UTF8.self)
            switch b {
            case 0x0A: #expect(text == #""a\nz""#)
            case 0x0D: #expect(text == #""a\rz""#)
            case 0x09: #expect(text == #""a\tz""#)
            case 0..<0x20: #expect(text == "\"a\\u00" + String(format: "%02x", b) + "z\"")
            case 0x22: #expect(text == #""a\"z""#)
            case 0x5C: #expect(text == #""a\\z""#)
            default: #expect(out == [0x22, 0x61, b, 0x7A, 0x22], "byte \(b) is written as it is (0x7F included)")
            }
            // Every form parses back to the same string.
            let parsed = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
            #expect(parsed.map { Array($0.utf8) } == [UInt8(ascii: "a"), b, UInt8(ascii: "z")])
        }
    }

    @Test func bytesFromU0080UpPassAsTheyAreEvenWhenNotUTF8() {
        var out: [UInt8] = []
        JSONWriter.appendString(Array("José".utf8) + [0xFF, 0xC3], to: &out)
        #expect(out == [0x22] + Array("José".utf8) + [0xFF, 0xC3, 0x22])
        #expect(JSONWriter.quote("tab\there \"q\" \u{7F}") == "\"tab\\there \\\"q\\\" \u{7F}\"")
    }

    func record(_ explanation: FindingExplanation? = nil) -> FindingRecord {
        FindingRecord(file: "logs/a\"b.log", finding: Finding(start: 4, end: 15, entity: "SSN", ruleID: "ssn-dashed", confidence: 0.85),
                      offset: 104, line: 3, column: 5, fingerprint: "0123abcd", explanation: explanation)
    }

    @Test func aJSONLinesRecordHasEveryFieldInOrderAndNoValue() throws {
        var out: [UInt8] = []
        JSONLinesFormat().append(record(), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"{"file":"logs/a\"b.log","line":3,"column":5,"offset":104,"length":11,"entity":"SSN","rule":"ssn-dashed","confidence":0.85,"fingerprint":"0123abcd"}"# + "\n")
    }

    @Test func sarifKeepsEveryRecordAndPrintsOneDocumentAtTheEnd() throws {
        let rules = try RuleSet.loadDefault()
        let reporter = FindingsReporter(format: SARIFFormat(rules: rules, toolVersion: "9.9"), output: nil,
                                        fingerprinter: try Fingerprinter(key: [UInt8](repeating: 1, count: 32)))
        try reporter.add(record())
        try reporter.add(record())
        #expect(reporter.bytes.isEmpty)
        try reporter.finish()
        #expect(reporter.bytes.last == 0x0A)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(reporter.bytes)) as? [String: Any])
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [Any])?.count == 2)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["version"] as? String == "9.9")
    }

    @Test func aGitHubAnnotationNamesFileLineColumnAndRuleAndNoValue() {
        var out: [UInt8] = []
        GitHubAnnotationsFormat().append(record(), to: &out)
        #expect(String(decoding: out, as: UTF8.self)
                == "::warning file=logs/a\"b.log,line=3,col=5,title=PHI%3A SSN::SSN found by rule ssn-dashed (confidence 0.85, 11 bytes, fingerprint 0123abcd)\n")
        #expect(FindingsFormatName(rawValue: "github") != nil, "scan --format github picks it")
    }

    @Test func aFileNameCannotEndTheCommandOrAddAProperty() {
        var r = record()
        r.file = "a,title=x::y%\nz.log"
        var out: [UInt8] = []
        GitHubAnnotationsFormat().append(r, to: &out)
        let line = String(decoding: out, as: UTF8.self)
        #expect(line.hasPrefix("::warning file=a%2Ctitle=x%3A%3Ay%25%0Az.log,line=3,"))
        #expect(line.filter { $0 == "\n" }.count == 1, "one finding, one line")
    }

    @Test func sarifIsWhatSortedKeyEncodingOfTheSameDocumentGives() throws {
        // The document is written by hand through JSONWriter; Foundation, asked to write the same document with
        // sorted keys, gives the same bytes (as its encoder did before).
        let rules = try RuleSet.loadDefault()
        var hashed = record()
        hashed.findingHash = "feedc0de"
        hashed.finding.confidence = 1
        let bytes = try SARIFFormat(rules: rules, toolVersion: "9.9").end([record(), hashed])
        let doc = try JSONSerialization.jsonObject(with: Data(bytes))
        let again = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(Array(again) + [0x0A] == bytes)
    }
}
