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
        let f = try #require(LineScanner(ruleSet: set).scan(line).first)
        let e = try #require(line.withUnsafeBufferPointer { set.explain(f, line: $0, lineOffset: 0) })
        #expect(e.rule == "ssn" && e.validator == "ssn" && e.validatorResult == "passed")
        #expect(e.contextWords == ["social security"])
        #expect(abs(e.contextBoost - 0.1) < 1e-9 && e.negativeContextWords.isEmpty && !e.denyList)
        #expect(abs(e.confidence - 0.95) < 1e-9)
    }
}
