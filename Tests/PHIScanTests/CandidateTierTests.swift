import Testing
@testable import PHIScan

/// The candidate tier (rules/candidates.yaml): loaded only when asked for, always below confidence 0.5.
@Suite("Candidate tier")
struct CandidateTierTests {
    static let standard = try! RuleSet.load()
    static let withCandidates = try! RuleSet.load(candidates: true)

    /// Shapes that are PHI only some of the time, as Presidio's recognizer tests write them (synthetic values). The
    /// dates carry no cue: "Today is 5/21" is found by the default rules (`date-today`, below). Printed forms that
    /// say what they are (`911-70-1234`, `5-20-2021`) are default shapes (PrintedIdentifierTests).
    /// The identifiers stand among other words: alone on their line they are the default tier's (`*-alone`, below).
    static let bare: [(String, String)] = [
        ("got 078051121 ok", "SSN"), ("got 911701234 ok", "SSN"), ("got 121000358 ok", "ACCOUNT"),
        ("got A12803456 ok", "LICENSE"), ("got H12234567 ok", "LICENSE"), ("Done 5-20-21", "DATE"), ("Done 21.5.21", "DATE"),
        ("Done 5-May-2021", "DATE"), ("Done 5/21", "DATE"), ("my domains: example.com", "URL"),
    ]

    /// A date stated as today's is PHI in a conversation (the day of the visit or call) and needs no candidate tier,
    /// in every format Presidio's date tests use; a log timestamp without the cue stays.
    @Test(arguments: ["Today is 5-20-2021", "Today is 21.5.21", "Today is 5-May-2021", "Today is 5/21",
                      "today's date is 05/2021", "Today is 2024-03-15T14:30:00.123Z, or not?", "Today is May-21"])
    func aDateStatedAsTodaysIsFoundByDefault(_ text: String) {
        let found = LineScanner(ruleSet: Self.standard).scan(Array(text.utf8))
        #expect(found.map(\.ruleID) == ["date-today"], "\(text): \(found.map(\.ruleID))")
        #expect(LineScanner(ruleSet: Self.standard).scan(Array("2024-03-15T14:30:00.123Z INFO today is busy".utf8)).isEmpty)
    }

    /// An identifier that is the whole line (a chat answer to "What is your member ID?", a tool's whole output) is
    /// found by the default tier at confidence 0.5 or more, as Presidio's tests write them (the whole text).
    @Test(arguments: [("078051121", "SSN"), ("911701234", "SSN"), ("121000358", "ACCOUNT"), ("A12803456", "LICENSE"),
                      ("H12234567", "LICENSE"), ("945456787654", "ACCOUNT"), ("4155550199", "PHONE")])
    func anIdentifierThatIsTheWholeLineIsFoundByDefault(_ c: (String, String)) {
        let found = LineScanner(ruleSet: Self.standard).scan(Array(c.0.utf8))
        #expect(found.count == 1 && found[0].entity == c.1 && found[0].start == 0 && found[0].end == c.0.utf8.count &&
                found[0].confidence >= 0.5, "\(c.0): \(found)")
        // Not a Unix time, nor a nine-digit number that is neither an SSN, an ITIN nor a routing number.
        for text in ["1790974429", "1790974429569", "000000000", "123456789"] {
            #expect(LineScanner(ruleSet: Self.standard).scan(Array(text.utf8)).isEmpty, "\(text)")
        }
    }

    @Test(arguments: bare)
    func theDefaultTierLeavesBareShapes(_ c: (String, String)) {
        #expect(LineScanner(ruleSet: Self.standard).scan(Array(c.0.utf8)).isEmpty, "\(c.0)")
    }

    @Test(arguments: bare)
    func candidatesFindThemBelowHalfConfidence(_ c: (String, String)) {
        let found = LineScanner(ruleSet: Self.withCandidates).scan(Array(c.0.utf8))
        #expect(found.contains { $0.entity == c.1 }, "\(c.0): \(found.map(\.ruleID))")
        #expect(found.allSatisfy { $0.confidence < 0.5 }, "\(c.0): \(found.map(\.confidence))")
        #expect(LineScanner(ruleSet: Self.withCandidates, minConfidence: 0.5).scan(Array(c.0.utf8)).isEmpty)
    }

    @Test func everyCandidateRuleIsTieredAndTheDefaultSetHasNone() {
        let candidates = Self.withCandidates.rules.filter { $0.rule.tier == .candidate }
        #expect(candidates.count >= 10)
        #expect(candidates.allSatisfy { $0.rule.confidence < 0.5 })
        #expect(!Self.standard.rules.contains { $0.rule.tier == .candidate })
        #expect(Self.standard.rules.count + candidates.count == Self.withCandidates.rules.count)
    }

    @Test func labelledValuesKeepTheirStandardRule() {
        let found = LineScanner(ruleSet: Self.withCandidates).scan(Array("SSN: 402-19-8877".utf8))
        #expect(found.map(\.ruleID) == ["ssn-context"] || found.map(\.ruleID) == ["ssn-formatted"], "\(found.map(\.ruleID))")
        #expect(found.allSatisfy { $0.confidence >= 0.5 })
    }

    @Test func anUnknownTierIsAProblem() {
        var diagnostics: [RuleDiagnostic] = []
        let rules = RuleLoader.parse("""
            pack: t
            rules:
              - id: x
                entity: SSN
                category: ssn
                tier: maybe
                pattern: 'x'
                max_length: 1
            """, file: "t.yaml", diagnostics: &diagnostics)
        #expect(rules.isEmpty)
        #expect(diagnostics.contains { $0.message.contains("unknown tier 'maybe'") })
    }
}
