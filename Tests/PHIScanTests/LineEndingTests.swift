import Testing

@testable import PHIScan

/// A file with CRLF line ends is scanned as the same file with LF ends: the rules see each line without its "\r"
/// (`LineEngine.dispatch`), so a pattern's `$` holds at the line's end, and the "\r" stays in the output. Checked on
/// every match example of the shipped packs (the card street line `727 Gesterbyntie 68` and a name-first street after
/// a cue were left in clear in CRLF text before), through the stream scanner as the filter feeds it.
@Suite("CRLF line ends find what LF line ends find")
struct LineEndingTests {
    /// The findings of `text` streamed whole, as (start, end, entity, rule) in the text's own offsets.
    static func findings(_ text: [UInt8]) throws -> [[String]] {
        let stream = StreamScanner(scanner: LineScanner(ruleSet: TestRules.defaults))
        var sink = FindingCollector()
        try stream.feed(text, into: &sink)
        try stream.finish(into: &sink)
        return sink.findings.map { ["\($0.start)", "\($0.end)", $0.entity, $0.ruleID] }
    }

    @Test func everyShippedMatchExampleIsFoundTheSameWithCRLF() throws {
        var checked = 0, problems: [String] = []
        for rule in TestRules.defaults.rules {
            for example in rule.rule.matchExamples {
                let lf = RuleExamples.stripMarkers(example).bytes + [0x0A]
                // The same lines with "\r\n"; offsets mapped back by the "\r" bytes before them.
                var crlf: [UInt8] = [], lfOffset: [Int] = []
                for (i, b) in lf.enumerated() {
                    if b == 0x0A { crlf.append(0x0D); lfOffset.append(i) }
                    crlf.append(b)
                    lfOffset.append(i)
                }
                lfOffset.append(lf.count)
                let want = try Self.findings(lf)
                let got = try Self.findings(crlf).map { f in
                    [String(lfOffset[Int(f[0])!]), String(lfOffset[Int(f[1])!]), f[2], f[3]]
                }
                checked += 1
                if got != want { problems.append("\(rule.rule.id): '\(example)' LF \(want) CRLF \(got)") }
            }
        }
        #expect(checked > 300)
        #expect(problems.isEmpty, "\(problems.count) of \(checked) examples differ, e.g. \(problems.prefix(3))")
    }

    /// The "\r" is the input's: it is written back, after the replacement, never inside it.
    @Test func theCarriageReturnStaysInTheOutput() throws {
        let text = Array("Contact:\r\n727 Gesterbyntie 68\r\nlives at Höfðagata 39\r\n".utf8)
        let found = try Self.findings(text)
        #expect(found.map { $0[2] } == ["ADDRESS", "ADDRESS"])
        for f in found { #expect(text[Int(f[1])!] == 0x0D) }
    }
}
