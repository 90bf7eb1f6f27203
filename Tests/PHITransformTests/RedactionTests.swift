import Testing

import PHIScan
import PHIScrub
import PHITransform

// The real RedactingSink under the shared chunking verifier, plus what only the sink does: observer positions, stats,
// line-buffered flushing, fail-closed withholding. The Scrubber facade is checked against the same oracle.

/// Reconstructs the input from the redacted output and the findings; true when everything outside the findings is
/// byte-identical and each finding became `[ENTITY]`.
func rebuildsInput(_ input: [UInt8], _ redacted: [UInt8], _ findings: [Finding]) -> Bool {
    Splice.redact(input, findings) == redacted
}

@Suite("RedactingSink under every chunking")
struct RedactingSinkChunkingTests {
    @Test("positives", arguments: ScanCorpus.positives + ScanCorpus.overlaps)
    func positives(_ c: ScanCase) throws {
        let result = try #require(StandardVerifier.standard.verify(marked: c.marked, cutProbes: .offsets([0])))
        #expect(result.outcome.findings.map(\.range) == result.spans)
        let (bytes, _) = RuleExamples.stripMarkers(c.marked)
        #expect(rebuildsInput(bytes, result.outcome.redacted, result.outcome.findings))
    }

    @Test("negatives pass through unchanged", arguments: ScanCorpus.negatives)
    func negatives(_ c: NegativeCase) throws {
        let bytes = Array(c.text.utf8)
        let outcome = try #require(StandardVerifier.standard.verify(bytes, label: c.text, cutProbes: nil))
        #expect(rebuildsInput(bytes, outcome.redacted, outcome.findings))
        if c.forbidden == nil { #expect(outcome.redacted == bytes) }
    }

    @Test("awkward bytes pass through", arguments: StreamCorpus.cases)
    func streamCases(_ c: ByteCase) throws {
        let outcome = try #require(StandardVerifier.standard.verify(c.bytes, spans: c.spans, label: c.name))
        #expect(outcome.findings.map(\.range) == c.spans)
        #expect(rebuildsInput(c.bytes, outcome.redacted, outcome.findings))
    }

    @Test func aThreeMegabyteLine() throws {
        let probe = StandardVerifier.standard.makeStream()
        let (c, _) = LongLine.make(length: 3_000_000, lineCap: probe.lineCap, overlap: probe.overlap)
        let outcome = try StandardVerifier.standard.run(c.bytes, cuts: Chunking.fixed(65_536, count: c.bytes.count).cuts)
        #expect(outcome.findings.map(\.range) == c.spans)
        #expect(rebuildsInput(c.bytes, outcome.redacted, outcome.findings))
    }
}

/// Records what the sink reports to its observer.
final class RecordingObserver: FindingObserver {
    var seen: [(line: Int, column: Int, entity: String, value: [UInt8])] = []
    func observe(_ finding: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws {
        seen.append((lineNumber, column, finding.entity, Array(value)))
    }
}

/// Counts flushes and remembers how much output the last flush covered.
struct CountingOutput: ByteOutput {
    var bytes: [UInt8] = []
    var flushes = 0
    var flushedUpTo = 0
    mutating func write(_ b: UnsafeBufferPointer<UInt8>) throws(OutputError) { bytes.append(contentsOf: b) }
    mutating func flush() throws(OutputError) {
        flushes += 1
        flushedUpTo = bytes.count
    }
}

@Suite("RedactingSink")
struct RedactingSinkTests {
    func redact<O: ByteOutput, Obs: FindingObserver>(_ input: [UInt8], _ sink: inout RedactingSink<O, Obs>,
                                                     ruleSet: RuleSet = TestRules.defaults, lineCap: Int = StreamScanner.defaultLineCap,
                                                     chunk: Int = 5) throws {
        let stream = StreamScanner(scanner: LineScanner(ruleSet: ruleSet), lineCap: lineCap)
        var i = 0
        while i < input.count {
            try stream.feed(Array(input[i..<min(input.count, i + chunk)]), into: &sink)
            i += chunk
        }
        try stream.finish(into: &sink)
        try sink.finish()
    }

    @Test func observerGetsLineColumnAndTheValueBytes() throws {
        let input = Array("first\nSSN 365-94-0475\r\n\nmail m.quennel@example.com and 192.0.2.17\nlast ＳＳＮ ３６５－９４－０４７５".utf8)
        let observer = RecordingObserver()
        var sink = RedactingSink(output: MemoryOutput(), observer: observer)
        try redact(input, &sink)
        #expect(observer.seen.map(\.line) == [2, 4, 4, 5])
        #expect(observer.seen.map(\.column) == [5, 6, 32, 16])
        #expect(observer.seen.map(\.entity) == ["SSN", "EMAIL", "IP_ADDRESS", "SSN"])
        #expect(observer.seen.map { String(decoding: $0.value, as: UTF8.self) }
            == ["365-94-0475", "m.quennel@example.com", "192.0.2.17", "３６５－９４－０４７５"])
        #expect(sink.output.bytes == Array("first\nSSN [SSN]\r\n\nmail [EMAIL] and [IP_ADDRESS]\nlast ＳＳＮ [SSN]".utf8))
    }

    @Test func columnsKeepCountingAcrossTheCutsOfALongLine() throws {
        let verifier = StandardVerifier.standard
        let geometry = verifier.cutGeometry
        let prefix = [UInt8](repeating: 0x20, count: geometry.lineCap * 2 + 17)
        let input = Array("x\n".utf8) + prefix + Array("m.quennel@example.com\n".utf8)
        let observer = RecordingObserver()
        var sink = RedactingSink(output: MemoryOutput(), observer: observer)
        try redact(input, &sink, lineCap: verifier.smallLineCap, chunk: 4096)
        #expect(observer.seen.count == 1)
        #expect(observer.seen.first?.line == 2)
        #expect(observer.seen.first?.column == prefix.count + 1)
        #expect(sink.stats.lines == 2)
    }

    @Test func statsCountBytesLinesAndEntities() throws {
        let input = Array("SSN 365-94-0475\nDOB: 07/04/1958 and SSN 029-36-7738\nno newline".utf8)
        var sink = RedactingSink(output: MemoryOutput(), observer: NoFindingObserver())
        try redact(input, &sink)
        #expect(sink.stats.bytesIn == input.count)
        #expect(sink.stats.bytesOut == sink.output.bytes.count)
        #expect(sink.stats.lines == 2, "lines ended by a newline")
        #expect(sink.stats.findings == 3)
        #expect(sink.stats.findingsByEntity == ["SSN": 2, "DATE": 1])
        #expect(sink.stats.withheld == 0)
    }

    /// Line-buffered: once a chunk holding complete lines has been fed, everything written for them is flushed
    /// (`tail -f` sees each line as soon as it arrives). Without it, nothing is flushed before `finish()`.
    @Test func lineBufferedFlushesEveryCompleteLine() throws {
        let lines = ["a\n", "b\nSSN 365-94-0475\n", "partial", " line\n", "c"].map { Array($0.utf8) }
        let stream = StandardVerifier.standard.makeStream()
        var buffered = RedactingSink(output: CountingOutput(), observer: NoFindingObserver(), lineBuffered: true)
        for chunk in lines {
            try stream.feed(chunk, into: &buffered)
            if chunk.last == 0x0A {
                #expect(buffered.output.flushedUpTo == buffered.output.bytes.count, "after \(String(decoding: chunk, as: UTF8.self))")
                #expect(buffered.output.bytes.last == 0x0A)
            }
        }
        try stream.finish(into: &buffered)
        try buffered.finish()
        #expect(buffered.output.bytes == Array("a\nb\nSSN [SSN]\npartial line\nc".utf8))

        var plain = RedactingSink(output: CountingOutput(), observer: NoFindingObserver())
        try redact(lines.flatMap { $0 }, &plain)
        #expect(plain.output.flushes == 1, "only finish() flushes")
        #expect(plain.output.bytes == buffered.output.bytes)
    }

    /// A rule that backtracks past the PCRE2 match limit makes its line an incident: the line is withheld, its
    /// terminator (CRLF kept) still ends it, and the other lines are unaffected.
    @Test func aLineThatCannotBeFullyScannedIsWithheld() throws {
        let slow = Rule(id: "backtracker", entity: "SLOW", category: .otherUnique, pattern: "(?:a|aa){1,60}c", maxLength: 121)
        let rules = try RulePacks.load() + [slow]
        let set = try RuleSet(rules: rules)
        let bad = String(repeating: "a", count: 50) + "! SSN 365-94-0475 c"  // the "c" defeats PCRE2's required-character shortcut
        let input = Array("ok 192.0.2.17\n\(bad)\r\nafter\n\(bad)".utf8)
        var sink = RedactingSink(output: MemoryOutput(), observer: NoFindingObserver())
        try redact(input, &sink, ruleSet: set)
        #expect(sink.output.bytes == Array("ok [IP_ADDRESS]\n[WITHHELD]\r\nafter\n[WITHHELD]".utf8))
        #expect(sink.stats.withheld == 2)
        let verifier = StandardVerifier(ruleSet: set)
        let outcome = try #require(verifier.verify(input, label: "withheld", cutProbes: nil))
        #expect(outcome.incidents.map(\.ruleID) == ["backtracker", "backtracker"])
        #expect(!outcome.redacted.contains(UInt8(ascii: "!")))
    }
}

@Suite("Scrubber")
struct ScrubberTests {
    @Test func scrubberAgreesWithTheStreamingPath() throws {
        let scrubber = Scrubber(ruleSet: TestRules.defaults)
        for c in ScanCorpus.positives {
            let (bytes, spans) = RuleExamples.stripMarkers(c.marked)
            #expect(scrubber.scan(bytes).map(\.range) == spans, "\(c.marked)")
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(scrubber.redact(text) == String(decoding: Splice.redact(bytes, scrubber.scan(bytes)), as: UTF8.self))
        }
        let report = scrubber.redactReport(Array("SSN 365-94-0475\n".utf8))
        #expect(report.output == Array("SSN [SSN]\n".utf8))
        #expect(report.stats.findings == 1)
    }

    @Test func minimumConfidenceDropsWeakFindings() throws {
        // A date with no context is a 0.7 finding; after DOB it is 0.95.
        let text = "follow-up 04/02/2024, DOB: 07/04/1958"
        #expect(Scrubber(ruleSet: TestRules.defaults).scan(text).count == 2)
        let strict = Scrubber(ruleSet: TestRules.defaults, minConfidence: 0.9)
        #expect(strict.scan(text).map(\.entity) == ["DATE"])
        #expect(strict.redact(text) == "follow-up 04/02/2024, DOB: [DATE]")
    }

    @Test func defaultRulesLoad() throws {
        let scrubber = try Scrubber.withDefaultRules()
        #expect(scrubber.ruleSet.ruleIDs == TestRules.defaults.ruleIDs)
        #expect(scrubber.redact("reply to m.quennel@example.com") == "reply to [EMAIL]")
    }
}
