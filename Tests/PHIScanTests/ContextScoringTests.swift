import Testing

@testable import PHIScan

/// Context words are whole words within the window; negative context lowers confidence unless positive context is
/// present; allow and deny lists; explanations.
@Suite("Context scoring, allow and deny lists")
struct ContextScoringTests {
    static func rule(context: [String] = [], negative: [String] = [], penalty: Double = 1.0, allow: [String] = [],
                     window: Int = 20) -> Rule {
        Rule(id: "num", entity: "NUM", category: .otherUnique, pattern: "\\b[0-9]{6}\\b", maxLength: 6,
             contextWords: context, contextWindow: window, contextBoost: 0.1, negativeContext: negative,
             contextPenalty: penalty, allow: allow, confidence: 0.5)
    }

    static func scan(_ rule: Rule, _ text: String) throws -> [Finding] {
        LineScanner(ruleSet: try RuleSet(rules: [rule])).scan(Array(text.utf8))
    }

    @Test func contextWordsAreWholeWordsInsideTheWindow() throws {
        let r = Self.rule(context: ["card"])
        #expect(try Self.scan(r, "card 123456").map(\.confidence) == [0.6])
        #expect(try Self.scan(r, "CARD: 123456").map(\.confidence) == [0.6])
        #expect(try Self.scan(r, "cardiac 123456").map(\.confidence) == [0.5])        // substring: no boost
        #expect(try Self.scan(r, "discard 123456").map(\.confidence) == [0.5])
        #expect(try Self.scan(r, "card_no=123456").map(\.confidence) == [0.6])        // '_' separates words
        #expect(try Self.scan(r, "123456 (card)").map(\.confidence) == [0.6])         // after the span too
        #expect(try Self.scan(r, "card " + String(repeating: "x ", count: 12) + "123456").map(\.confidence) == [0.5])
    }

    @Test func negativeContextBeforeTheSpanDropsTheMatchUnlessPositiveContextSpeaksForIt() throws {
        let r = Self.rule(context: ["card"], negative: ["isbn", "tracking"])
        #expect(try Self.scan(r, "ISBN 123456").isEmpty)
        #expect(try Self.scan(r, "tracking: 123456").isEmpty)
        #expect(try Self.scan(r, "123456 tracking").count == 1)          // only words before the span count
        #expect(try Self.scan(r, "isbnx 123456").count == 1)             // whole words only
        #expect(try Self.scan(r, "card tracking 123456").map(\.confidence) == [0.6])
        let soft = Self.rule(negative: ["isbn"], penalty: 0.2)
        let lowered = try Self.scan(soft, "isbn 123456").map(\.confidence)
        #expect(lowered.count == 1 && abs(lowered[0] - 0.3) < 1e-9)
    }

    @Test func allowListedValuesAreNeverReported() throws {
        let r = Self.rule(allow: ["555010"])
        #expect(try Self.scan(r, "a 555010 b 555011").map(\.start) == [11])
        // The explanation says the value was looked up in the allow list; a rule without one says nothing.
        for (rule, checked) in [(r, true), (Self.rule(), false)] {
            let scanner = LineScanner(ruleSet: try RuleSet(rules: [rule]))
            scanner.explanations = ExplanationLog()
            let f = try #require(scanner.scan(Array("b 555011".utf8)).first)
            #expect(scanner.explanations?.byStart[f.start]?.allowListChecked == checked)
        }
    }

    @Test func denyValuesBecomeAKeywordTriggeredRule() throws {
        var diagnostics: [RuleDiagnostic] = []
        let rules = RuleLoader.parse("""
            pack: t
            rules:
              - id: known
                entity: NAME
                category: names
                deny: [Avelin Quorne, O'Hara]
                examples: {match: ['⟦Avelin Quorne⟧'], nomatch: ['Avelin Quornes']}
            """, file: "t.yaml", diagnostics: &diagnostics)
        #expect(diagnostics.isEmpty)
        #expect(rules.map(\.isDenyList) == [true])
        #expect(rules.first?.trigger.keywords.sorted() == ["avelin", "o'hara"])
        let scanner = LineScanner(ruleSet: try RuleSet(rules: rules))
        let text = "seen AVELIN \t quorne and o'hara, not xAvelin Quorne"
        let found = scanner.scan(Array(text.utf8)).map { String(text.utf8.dropFirst($0.start).prefix($0.length))! }
        #expect(found == ["AVELIN \t quorne", "o'hara"])
    }

    @Test func explanationNamesTheRuleValidatorAndContextWords() throws {
        let r = Rule(id: "ssn", entity: "SSN", category: .ssn, pattern: "\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b", maxLength: 11,
                     validator: .ssn, contextWords: ["ssn", "social security"], negativeContext: ["order"],
                     confidence: 0.85)
        let set = try RuleSet(rules: [r])
        let line = Array("patient social security 402-19-8877".utf8)
        let scanner = LineScanner(ruleSet: set)
        scanner.explanations = ExplanationLog()
        let f = try #require(scanner.scan(line).first)
        let e = try #require(scanner.explanations?.byStart[f.start])
        #expect(e.rule == "ssn" && e.validator == "ssn" && e.validatorResult == "passed")
        #expect(e.contextWords == ["social security"])
        #expect(abs(e.contextBoost - 0.1) < 1e-9 && e.negativeContextWords.isEmpty && !e.denyList)
        #expect(abs(e.confidence - 0.95) < 1e-9)
        // "social security" ends one byte (the space) before the span.
        #expect(e.contextDistance == 1)
    }

    /// The scanner records why as it decides: every context word in the window (in declaration order) and the
    /// nearest one's distance, the negative words only when no context word spoke, and the log holds only the last
    /// line's findings, at their absolute offsets (also when the line was normalised first).
    @Test func explanationsAreRecordedAsTheScannerDecides() throws {
        let r = Rule(id: "ssn", entity: "SSN", category: .ssn, pattern: "\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b", maxLength: 11,
                     validator: .ssn, contextWords: ["ssn", "social security", "member"], contextWindow: 30,
                     negativeContext: ["order", "ticket"], contextPenalty: 0.2, confidence: 0.85)
        let scanner = LineScanner(ruleSet: try RuleSet(rules: [r]))
        scanner.explanations = ExplanationLog()
        func explain(_ text: String, base: Int = 0) throws -> (Finding, FindingExplanation) {
            var out: [Finding] = []
            Array(text.utf8).withUnsafeBufferPointer { _ = scanner.scan($0, base: base, into: &out) }
            let f = try #require(out.first)
            #expect(scanner.explanations?.byStart.count == out.count)
            return (f, try #require(scanner.explanations?.byStart[f.start]))
        }
        let (f1, both) = try explain("member 402-19-8877 ssn", base: 1000)
        #expect(f1.start == 1007 && both.contextWords == ["ssn", "member"] && both.contextDistance == 1)
        let (_, negative) = try explain("ticket order:   402-19-8877")
        #expect(negative.contextWords.isEmpty && negative.negativeContextWords == ["order", "ticket"])
        #expect(abs(negative.contextPenalty - 0.2) < 1e-9 && abs(negative.confidence - 0.65) < 1e-9)
        #expect(negative.contextDistance == 4)
        let (_, plain) = try explain("402-19-8877")
        #expect(plain.contextWords.isEmpty && plain.negativeContextWords.isEmpty && plain.contextDistance == nil)
        // A line with bytes outside ASCII is scanned normalised; its explanation moves back with its finding.
        let (f4, accented) = try explain("Zoë's ｓｓｎ 402-19-8877", base: 10)
        #expect(f4.start == 10 + "Zoë's ｓｓｎ ".utf8.count && accented.contextWords == ["ssn"])
        // A scanner without a log records nothing.
        #expect(LineScanner(ruleSet: try RuleSet(rules: [r])).explanations == nil)
    }
}
