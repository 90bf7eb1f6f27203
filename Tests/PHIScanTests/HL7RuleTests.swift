import Testing
@testable import PHIScan

/// HL7 v2 segments (rules/hl7.yaml; rules/README.md, "HL7 rules"): each PHI field found by its position, as a log
/// prints a message (a segment per line, segments joined by carriage returns, or inside a JSON string with `\r`),
/// through every chunking.
@Suite("HL7 rules")
struct HL7RuleTests {
    static let found: [(String, [String])] = [
        ("PID|1||⟦12345^^^MRN⟧||⟦DOE^JANE^A⟧||⟦19800101⟧|F", ["MRN", "NAME", "DATE"]),
        // A whole ADT message on one log line, segments parted by carriage returns.
        ("INFO mllp recv: MSH|^~\\&|EPIC|HOSP|LAB|HOSP|20261205100001||ADT^A01|M1|P|2.5.1\rEVN|A01|20261205100001\r"
            + "PID|1||⟦4471823^^^HOSP^MR⟧||⟦QUENNEL^ALVAR^T⟧||⟦19620314⟧|M|||⟦12 Quarry Lock Rd^^Salem^MA^01970⟧||"
            + "⟦(617)555-0142⟧|||S||⟦ACC55120⟧|⟦365-94-0475⟧\rNK1|1|⟦QUENNEL^MARIBEL⟧|SPO|⟦12 Quarry Lock Rd^^Salem^MA⟧|"
            + "⟦(617)555-0123⟧\rPV1|1|I|W4^401^1|||||⟦1234^SAMPSON^GLEN^^^DR⟧",
         ["MRN", "NAME", "DATE", "ADDRESS", "PHONE", "ACCOUNT", "SSN", "NAME", "ADDRESS", "PHONE", "NAME"]),
        // Inside a JSON string: escaped line breaks part the segments; a timestamp's time of day stays.
        (#"{"msg":"MSH|^~\\&|A|B\rPID|1||⟦4471823^^^HOSP^MR⟧||⟦QUENNEL^ALVAR⟧||⟦19620314⟧1230|M\r"}"#,
         ["MRN", "NAME", "DATE"]),
        ("GT1|1||⟦QUENNEL^ALVAR⟧||⟦12 Quarry Lock Rd^^Salem^MA^01970⟧|⟦^PRN^PH^^^617^5550142⟧||⟦19600101⟧||||⟦365940475⟧",
         ["NAME", "ADDRESS", "PHONE", "DATE", "SSN"]),
        // The log's own text after a segment's last field is no part of it.
        ("PID|1||||⟦ROE^ANA⟧  (ack AA)\tPID|1||||||⟦19620314⟧ sent; PID|1" + String(repeating: "|", count: 18) + "⟦365-94-0475⟧ ok",
         ["NAME", "DATE", "SSN"]),
    ]

    @Test(arguments: found)
    func everyPHIFieldIsFoundByItsPosition(_ c: (String, [String])) throws {
        let result = try #require(StandardVerifier.standard.verify(marked: c.0))
        let hits = result.spans.map { span in result.outcome.findings.first { $0.range == span } }
        #expect(hits.allSatisfy { $0 != nil }, "\(c.0): \(result.outcome.findings.map(\.brief))")
        #expect(hits.map { $0?.entity ?? "-" } == c.1, "\(c.0): \(result.outcome.findings.map(\.brief))")
    }

    /// Empty fields, a segment that ends before the field, an invalid date or SSN, a phone field without a number,
    /// a segment name inside a word, and `pid` in a log message stay.
    @Test(arguments: [
        "PID|1||||", "PID|1\r||12345^^^MRN", "PID|1||||||19801399|F", "PID|1" + String(repeating: "|", count: 18) + "912-44-1902|",
        "PID|1||||||||||||^PRN^PH|", "XPID|1||12345^^^MRN||DOE^JANE", "process pid|1234 started", "pid|1||x|y|z", "PID|PID||||DOE^JANE|",
        "x|PID|1||||DOE^JANE|",
    ])
    func otherTextStays(_ text: String) throws {
        let result = try #require(StandardVerifier.standard.verify(marked: text, cutProbes: nil))
        let hl7 = result.outcome.findings.filter { $0.ruleID.hasPrefix("hl7-") }
        #expect(hl7.isEmpty, "\(text): \(hl7.map(\.brief))")
    }

    /// The loader derives the pattern and trigger from `hl7:` and refuses what it cannot read.
    @Test func theLoaderDerivesTheRuleAndNamesMistakes() throws {
        let text = """
            pack: t
            rules:
              - id: a
                entity: NAME
                category: names
                hl7: {segment: NK1, fields: [2]}
                examples: {match: ['NK1|1|⟦ROE^ANA⟧|'], nomatch: ['NK1|1||']}
              - id: b
                entity: NAME
                category: names
                hl7: {segment: pid, fields: [1], colour: red}
              - id: c
                entity: NAME
                category: names
                hl7: {segment: PID, fields: [5]}
                pattern: 'x'
            """
        var diagnostics: [RuleDiagnostic] = []
        let rules = RuleLoader.parse(text, file: "t.yaml", diagnostics: &diagnostics)
        let a = try #require(rules.first { $0.id == "a" })
        #expect(a.hl7Fields == [2] && a.group == 0 && a.trigger.anchored && a.trigger.caseSensitive)
        #expect(a.trigger.keywords == ["NK1", "rNK1", "nNK1"])
        #expect(a.maxLength == RuleLoader.hl7DefaultLength)
        let messages = diagnostics.map(\.message).joined(separator: "\n")
        #expect(messages.contains("unknown key 'colour' in hl7"))
        #expect(messages.contains("'hl7.segment' must be three upper-case letters or digits"))
        #expect(messages.contains("'hl7.fields' must list field numbers from 2 to 99"))
        #expect(messages.contains("an 'hl7' rule has no 'pattern'"))
        // A broken `hl7:` is the rule's problem; it is not also told it lacks a pattern or a max_length.
        #expect(!diagnostics.contains { $0.ruleID == "b" && ($0.message.contains("missing 'pattern'") || $0.message.contains("missing 'max_length'")) })
        #expect(!rules.contains { $0.id == "b" || $0.id == "c" })
        #expect(RuleExamples.check([a]).isEmpty)
    }
}
