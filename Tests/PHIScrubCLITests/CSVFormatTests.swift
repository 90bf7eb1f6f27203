import Foundation
import Testing

@testable import PHIScrubCLI
import PHIBatch
import PHIScan
import PHIScrub
import PHITransform

// CSV with a header row in the filter (`--format csv`) and in batch (`.csv`, `.csv.gz`): the header names are the
// fields' context, quoting passes through byte for byte, and both give the same bytes. Fictional values only.

private let table = "id,patient_ssn,phone,dob,callback,comment\r\n"
    + "1,402198877,6175550142,1961-03-14,6175550199,\"Lab said, \"\"call back\"\"\"\r\n"
    + "2,\"365-94-0475\",,\"03/14/1961\",,\"two\nlines, SSN 402-19-8877\"\r\n"
    + "3,n/a,none,unknown,,plain"

private let cleaned = "id,patient_ssn,phone,dob,callback,comment\r\n"
    + "1,[SSN],[PHONE],[DATE],[PHONE],\"Lab said, \"\"call back\"\"\"\r\n"
    + "2,\"[SSN]\",,\"[DATE]\",,\"two\nlines, SSN [SSN]\"\r\n"
    + "3,n/a,none,unknown,,plain"

private struct Offsets: FindingObserver {
    final class Box { var seen: [Int] = [] }
    let box = Box()
    mutating func observe(_ finding: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) {
        box.seen += [finding.start, finding.end, lineNumber]
    }
}

@Suite(.serialized) struct CSVFormatTests {
    @Test func theFilterRewritesCSVAndBatchGivesTheSameBytes() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try s.put("in/visits.csv", Array(table.utf8))
        try s.put("in/old.csv.gz", try gzipped(Array(table.utf8)))
        let r = CLI.run(["--format", "csv", s.path("in/visits.csv"), "-o", s.path("filtered.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try s.text("filtered.csv") == cleaned)
        let b = CLI.run(["batch", s.path("in"), "--out", s.path("out"), "--quiet"])
        #expect(b.status == 0, "\(b.stderr)")
        #expect(try s.text("out/visits.csv") == cleaned)
        #expect(try gunzipped(try s.read("out/old.csv.gz")) == Array(cleaned.utf8))
        // Two inputs: each has its own header.
        let two = CLI.run(["--format", "csv", s.path("in/visits.csv"), s.path("in/visits.csv"), "-o", s.path("two.csv")])
        #expect(two.status == 0)
        #expect(try s.text("two.csv") == cleaned + cleaned)
        // Findings point at the raw field bytes; a value in a record's second line is reported at the record's
        // first line, and the next record's line number counts both lines.
        let f = CLI.run(["scan", "--input-format", "csv", s.path("in/visits.csv")], captureStdout: true)
        let findings = try jsonLines(f.stdout)
        let bytes = Array(table.utf8)
        for finding in findings {
            let offset = finding["offset"] as! Int, length = finding["length"] as! Int
            let raw = String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
            #expect(!raw.contains(",") && !raw.hasPrefix("\"") && !raw.hasSuffix("\""), "\(raw)")
        }
        #expect(findings.count == 7)
        #expect(!f.stdout.contains("8877") && !f.stdout.contains("0475"))
    }

    @Test func chunkBoundariesDoNotMatter() throws {
        let scrubber = Scrubber(ruleSet: try RuleSet.load(paths: [], includeDefaults: true, rosters: []))
        let input = Array(table.utf8)
        func run(_ cuts: [Int]) throws -> ([UInt8], [Int]) {
            let stream = scrubber.makeStreamScanner()
            let router = FormatRouter(format: .csv, stream: stream, scrubber: scrubber,
                                      replacer: TypedTokenReplacer(), file: "t")
            var sink = RedactingSink(output: MemoryOutput(), observer: Offsets())
            var from = 0
            for cut in cuts + [input.count] {
                try input[from..<cut].withUnsafeBufferPointer { try router.feed($0, into: &sink) }
                from = cut
            }
            try router.finish(into: &sink)
            return (sink.output.bytes, sink.observer.box.seen)
        }
        let whole = try run([])
        #expect(String(decoding: whole.0, as: UTF8.self) == cleaned)
        #expect(try run(Array(1..<input.count)) == whole)
        for cut in 1..<input.count { #expect(try run([cut]) == whole, "split at \(cut)") }
    }

    /// A quote that never closes: past the record limit the rest streams as text (bounded memory), still scanned.
    @Test func anUnclosedQuoteDoesNotHoldTheStreamForever() throws {
        let scrubber = Scrubber(ruleSet: try RuleSet.load(paths: [], includeDefaults: true, rosters: []))
        let stream = scrubber.makeStreamScanner()
        let router = FormatRouter(format: .csv, stream: stream, scrubber: scrubber, replacer: TypedTokenReplacer(), file: "t")
        var sink = RedactingSink(output: MemoryOutput(), observer: Offsets())
        var input = Array("a,b\n1,\"open SSN 402-19-8877\n".utf8)
        input += [UInt8](repeating: UInt8(ascii: "x"), count: FormatRouter.maxLine + 10)
        input += Array("\nSSN 365-94-0475\n".utf8)
        try input.withUnsafeBufferPointer { try router.feed($0, into: &sink) }
        try router.finish(into: &sink)
        let out = String(decoding: sink.output.bytes, as: UTF8.self)
        #expect(!out.contains("402-19-8877") && !out.contains("365-94-0475"))
        #expect(sink.output.bytes.count == input.count - 2 * ("402-19-8877".count - "[SSN]".count))
    }
}
