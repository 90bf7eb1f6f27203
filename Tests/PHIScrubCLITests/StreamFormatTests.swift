import Foundation
import Testing

@testable import PHIScrubCLI
import PHIBatch
import PHIScan
import PHIScrub
import PHITransform

// `--format json|jsonl|auto` on the filter and `--input-format` on `scan`: JSON lines rewritten as batch rewrites
// them (string values only, keys as context), every other line through the text path byte-exact.

/// A JSON Lines transcript: values under `ssn` / `dob` keys that a text scan cannot judge, `\u`-escaped digits,
/// JSON inside a string. Synthetic values (SSNs built to pass the SSA rules, 555-01xx phones, example.com).
private let transcript = #"""
{"ts":"2026-01-02T03:04:05Z","role":"user","patient":{"ssn":"402198877","dob":"1961-03-14"},"content":"hi"}
{"role":"tool","content":"SSN on file: \u0034\u0030\u0032-19-8877","ssn":"365 94 0475"}
{"role":"assistant","tool_calls":[{"function":{"name":"lookup","arguments":"{\"dob\":\"03/14/1961\",\"phone\":\"4155550142\"}"}}]}
[{"email":"j.roe@example.com"},{"n":12,"ok":true,"none":null}]

"""#

private let secrets = ["402198877", "1961-03-14", "\\u0034\\u0030\\u0032-19-8877", "365 94 0475", "03/14/1961",
                       "4155550142", "j.roe@example.com"]

/// The keys of a JSON value, recursively, with array lengths and value types: equal for equal shapes.
private func shape(_ v: Any) -> String {
    switch v {
    case let d as [String: Any]: return "{" + d.keys.sorted().map { "\($0):\(shape(d[$0]!))" }.joined(separator: ",") + "}"
    case let a as [Any]: return "[" + a.map(shape).joined(separator: ",") + "]"
    case is String: return "s"
    case is NSNull: return "null"
    default: return "v"
    }
}

private func parse(_ line: Substring) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
}

@Suite("Stream formats", .serialized)
struct StreamFormatTests {
    @Test func jsonlTranscriptIsCleanedAndKeepsItsShape() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = try scratch.write("t.jsonl", transcript)
        for format in ["jsonl", "auto"] {
            let r = CLI.run(["--format", format, "-j", "1", input, "-o", scratch.path("out.jsonl"),
                             "--findings", scratch.path("f.jsonl")])
            #expect(r.status == 0, "\(format): \(r.stderr)")
            let out = try scratch.text("out.jsonl")
            for s in secrets { #expect(!out.contains(s), "\(format): \(s) passed") }
            let inLines = transcript.split(separator: "\n", omittingEmptySubsequences: false)
            let outLines = out.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(inLines.count == outLines.count)
            for (a, b) in zip(inLines, outLines) where !a.isEmpty {
                #expect(shape(try parse(a)) == shape(try parse(b)), "\(b)")
            }
            #expect(out.contains(#""ssn":"[SSN]""#) && out.contains(#""dob":"[DATE]""#))
            // Findings point into the input line (offsets absolute) and carry no value.
            let findings = try jsonLines(try scratch.text("f.jsonl"))
            #expect(findings.count >= 7)
            let bytes = Array(transcript.utf8)
            for f in findings {
                let offset = try #require(f["offset"] as? Int), length = try #require(f["length"] as? Int)
                let line = try #require(f["line"] as? Int), column = try #require(f["column"] as? Int)
                #expect(offset + length <= bytes.count)
                let lineStart = bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                #expect(column == offset - lineStart + 1)
                #expect(line == bytes[..<offset].filter { $0 == 0x0A }.count + 1)
            }
            let report = try scratch.text("f.jsonl")
            for s in secrets { #expect(!report.contains(s)) }
        }
        // The text path reads these lines too: key names as field context, JSON \u escapes decoded for matching.
        let plain = CLI.run([input, "-o", scratch.path("plain.jsonl")])
        #expect(plain.status == 0)
        let plainText = try scratch.text("plain.jsonl")
        for s in secrets { #expect(!plainText.contains(s), "\(s)") }
    }

    @Test func autoRewritesJSONLinesAndPassesTextLinesByteExact() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let textLines = "Jan 02 03:04:05 host app[7]: call 415-555-0142 re: SSN 402-19-8877\r\n"
            + "not json { \"ssn\": \"402198877\"\n"
            + "\u{1b}[31mcolour\u{1b}[0m and a NUL \0 byte\n"
            + "12345\n"
        let mixed = #"{"ssn":"402198877","msg":"ok"}"# + "\n" + textLines + #"["dob", {"dob":"03/14/1961"}]"# + "\n"
            + "last line without newline 415-555-0199"
        let input = try scratch.write("mixed.log", mixed)
        let textOnly = try scratch.write("text.log", textLines)
        #expect(CLI.run(["--format", "auto", input, "-o", scratch.path("auto.out")]).status == 0)
        #expect(CLI.run([textOnly, "-o", scratch.path("text.out")]).status == 0)
        let out = try scratch.text("auto.out")
        let expectedText = try scratch.text("text.out")
        #expect(out == #"{"ssn":"[SSN]","msg":"ok"}"# + "\n" + expectedText + #"["dob", {"dob":"[DATE]"}]"# + "\n"
                + "last line without newline [PHONE]")
        // jsonl says every line is JSON: the text lines are still cleaned, and the run says so with exit 2.
        let strict = CLI.run(["--format", "jsonl", input, "-o", scratch.path("strict.out")])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("5 line(s) not JSON"))
        #expect(try scratch.text("strict.out") == out)
        // scan reads the same way.
        let scan = CLI.run(["scan", "--input-format", "auto", input, "-o", scratch.path("scan.jsonl")])
        #expect(scan.status == 1)
        let entities = try jsonLines(try scratch.text("scan.jsonl")).compactMap { $0["entity"] as? String }
        #expect(entities.first == "SSN" && entities.contains("DATE"))
    }

    @Test func jsonDocumentIsRewrittenWhole() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let doc = "\n{\n  \"patient\": {\n    \"ssn\": \"402198877\",\n    \"dob\": \"1961-03-14\"\n  }\n}\n"
        let input = try scratch.write("doc.json", doc)
        let r = CLI.run(["--format", "json", input, "-o", scratch.path("out.json")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try scratch.text("out.json") == doc.replacingOccurrences(of: "402198877", with: "[SSN]")
            .replacingOccurrences(of: "1961-03-14", with: "[DATE]"))
        let bad = try scratch.write("bad.json", "{\"ssn\": 402-19-8877\n")
        let b = CLI.run(["--format", "json", bad, "-o", scratch.path("bad.out")])
        #expect(b.status == 2 && b.stderr.contains("not one JSON document"))
        #expect(try scratch.text("bad.out") == "{\"ssn\": [SSN]\n")
    }

    /// Output and findings do not depend on how the input is cut into chunks (whole, split anywhere, byte by byte).
    @Test func chunkBoundariesDoNotMatter() throws {
        let scrubber = Scrubber(ruleSet: try RuleSet.load(paths: [], includeDefaults: true, rosters: []))
        let input = Array((transcript + "plain 415-555-0142 line\n" + "{\"dob\": \"03/14/1961\"}").utf8)
        func run(_ cuts: [Int]) throws -> ([UInt8], [Int]) {
            let stream = scrubber.makeStreamScanner()
            let router = FormatRouter(format: .auto, stream: stream, scrubber: scrubber,
                                      replacer: TypedTokenReplacer(), file: "t")
            var sink = RedactingSink(output: MemoryOutput(), observer: Starts())
            var from = 0
            for cut in cuts + [input.count] {
                try input[from..<cut].withUnsafeBufferPointer { try router.feed($0, into: &sink) }
                from = cut
            }
            try router.finish(into: &sink)
            return (sink.output.bytes, sink.observer.box.starts)
        }
        let whole = try run([])
        #expect(String(decoding: whole.0, as: UTF8.self).contains(#""ssn":"[SSN]""#))
        #expect(try run(Array(1..<input.count)) == whole)
        for cut in stride(from: 1, to: input.count, by: 7) {
            #expect(try run([cut]) == whole, "split at \(cut)")
        }
    }
}

extension StreamFormatTests {
    /// JSON values go through the same operators as text: one SSN written three ways gets one token.
    @Test func jsonValuesGetTheFiltersTokens() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let ring = scratch.path("keyring.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        let input = try scratch.write("mixed.log", #"""
            {"ssn":"402198877"}
            {"note":"SSN 402-19-8877"}
            text SSN 402-19-8877

            """#)
        let r = CLI.run(["--format", "auto", "--action", "token", "--keyring", ring, input, "-o", scratch.path("out")])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try scratch.text("out")
        let tokens = try NSRegularExpression(pattern: #"\[SSN:tok:[0-9a-f]+\]"#)
            .matches(in: out, range: NSRange(out.startIndex..., in: out)).map { String(out[Range($0.range, in: out)!]) }
        #expect(tokens.count == 3 && Set(tokens).count == 1, "\(out)")
        #expect(out.hasPrefix(#"{"ssn":"[SSN:tok:"#))
    }

    /// A line longer than any JSON line (`FormatRouter.maxLine`) streams through the text path in pieces, in bounded
    /// memory, and the JSON lines around it keep being rewritten with correct offsets.
    @Test func anOverLongLineStreamsAsText() throws {
        let scrubber = Scrubber(ruleSet: try RuleSet.load(paths: [], includeDefaults: true, rosters: []))
        let stream = scrubber.makeStreamScanner()
        let router = FormatRouter(format: .auto, stream: stream, scrubber: scrubber, replacer: TypedTokenReplacer(), file: "t")
        var sink = RedactingSink(output: MemoryOutput(), observer: Starts())
        let head = Array(#"{"ssn":"402198877"}"#.utf8) + [0x0A]
        let long = Array("[x SSN 402-19-8877 ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: FormatRouter.maxLine + 4096)
            + Array(" call 415-555-0142\n".utf8)
        let tail = Array(#"{"dob":"03/14/1961"}"#.utf8) + [0x0A]
        let input = head + long + tail
        var from = 0
        while from < input.count {
            let to = min(input.count, from + 256 * 1024)
            try input[from..<to].withUnsafeBufferPointer { try router.feed($0, into: &sink) }
            from = to
        }
        try router.finish(into: &sink)
        let out = sink.output.bytes
        #expect(out.starts(with: Array(#"{"ssn":"[SSN]"}"#.utf8) + [0x0A]))
        #expect(out.count == input.count - 9 + 5 - 11 + 5 - 12 + 7 - 10 + 6)
        #expect(Array(out.suffix(17)) == Array(#"{"dob":"[DATE]"}"#.utf8) + [0x0A])
        // Offsets stay absolute after the long line: the date is found where it is in the input.
        let starts = sink.observer.box.starts
        #expect(starts.count == 12)
        #expect(starts[9] == input.count - 13 && starts[10] == 3 && starts[11] == 9)
    }
}

/// Records each finding's offset, line and column.
private struct Starts: FindingObserver {
    final class Box { var starts: [Int] = [] }
    let box = Box()
    mutating func observe(_ finding: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) {
        box.starts += [finding.start, lineNumber, column]
    }
}
