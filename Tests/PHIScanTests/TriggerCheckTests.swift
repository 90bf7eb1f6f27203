import Foundation
import Testing

import PHIScan

/// An anchored keyword trigger and its pattern must agree (see `TriggerCheck`): a dead keyword or a branch no
/// keyword starts is a load error with file, line and rule.
@Suite("Rule loading: trigger keywords agree with the pattern")
struct TriggerCheckTests {
    func problems(_ rule: String) throws -> [RuleDiagnostic] {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("pack.yaml", "pack: t\nrules:\n" + rule)
        // Loading the pack for a scan refuses it.
        #expect(throws: RuleLoadError.self) { try RuleSet.load(paths: [path], includeDefaults: false) }
        return RulePacks.loadAndCheck(paths: [path], includeDefaults: false).diagnostics
    }

    @Test func aKeywordThatCannotStartAMatchIsReported() throws {
        let found = try problems(ruleYAML(id: "typo", pattern: "(?i:\\bmrn\\b)[: ]{1,3}(TK[0-9]{4})", maxLength: 20,
                                          extra: "    group: 1\n    trigger: {keywords: [mrn, mnr], anchored: true}",
                                          examples: "{match: ['mrn: ⟦TK1234⟧'], nomatch: ['mrn TK12']}"))
        #expect(found.map(\.ruleID) == ["typo"])
        #expect(found.first?.message.contains("'mnr' cannot start a match") == true)
        #expect(found.first?.location.line == 3)
    }

    @Test func aBranchNoKeywordStartsIsReported() throws {
        let found = try problems(ruleYAML(id: "branch", pattern: "(?i:\\b(?:mrn|chart)\\b)[: ]{1,3}(TK[0-9]{4})",
                                          maxLength: 20, extra: "    group: 1\n    trigger: {keywords: [mrn], anchored: true}",
                                          examples: "{match: ['mrn: ⟦TK1234⟧'], nomatch: ['mrn TK12']}"))
        #expect(found.map(\.ruleID) == ["branch"])
        #expect(found.first?.message.contains("'c'") == true)
        #expect(found.first?.message.contains("never runs") == true)
    }

    @Test func agreeingTriggersAndLookbehindsThatNeedContextPass() throws {
        // Every keyword fails alone here (the lookbehind wants ", " before it): inconclusive, not reported.
        let dir = try TempDir()
        defer { dir.cleanup() }
        let pack = "pack: t\nrules:\n"
            + ruleYAML(id: "fine", pattern: "(?i:\\b(?:mrn|chart)\\b)[: ]{1,3}(TK[0-9]{4})", maxLength: 20,
                       extra: "    group: 1\n    trigger: {keywords: [mrn, chart], anchored: true}",
                       examples: "{match: ['chart: ⟦TK1234⟧'], nomatch: ['mrn TK12']}")
            + ruleYAML(id: "after-comma", pattern: "(?<=[a-z], )(?:MA|NY) (TK[0-9]{4})", maxLength: 20,
                       extra: "    group: 1\n    trigger: {keywords: [MA, NY], anchored: true, case_sensitive: true}",
                       examples: "{match: ['Boston, MA ⟦TK1234⟧'], nomatch: ['MA TK1234']}")
        let path = try dir.write("pack.yaml", pack)
        #expect(RulePacks.loadAndCheck(paths: [path], includeDefaults: false).diagnostics == [])
        #expect(try RuleSet.load(paths: [path], includeDefaults: false).rules.count == 2)
    }

    /// A `line_start_number` rule is tried only where a line's first number starts: a branch that starts with
    /// anything else never runs, and keywords beside it must be anchored too.
    @Test func aLineStartNumberRuleMustStartWithADigit() throws {
        let found = try problems(ruleYAML(id: "letters-first", pattern: "(?:[0-9]{1,6}|Unit) TK[0-9]{2}", maxLength: 12,
                                          extra: "    trigger: {line_start_number: true}",
                                          examples: "{match: ['⟦12 TK12⟧'], nomatch: ['TK12']}"))
        #expect(found.map(\.ruleID) == ["letters-first"])
        #expect(found.first?.message.contains("must start with a digit") == true)
        let unanchored = try problems(ruleYAML(id: "mixed", pattern: "[0-9]{1,6} TK[0-9]{2}", maxLength: 12,
                                               extra: "    trigger: {line_start_number: true, keywords: [tk]}",
                                               examples: "{match: ['⟦12 TK12⟧'], nomatch: ['TK12']}"))
        #expect(unanchored.first?.message.contains("need 'anchored: true'") == true)
    }

    /// Beside anchored keywords, a `line_start_number` rule's digit branch counts as covered: the rule loads.
    @Test func aLineStartNumberRuleWithAnchoredKeywordsLoads() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("pack.yaml", "pack: t\nrules:\n" + ruleYAML(
            id: "both", pattern: "(?:(?<=^)[0-9]{1,6} |unit )TK[0-9]{2}", maxLength: 14,
            extra: "    trigger: {line_start_number: true, keywords: [unit], anchored: true}",
            examples: "{match: ['⟦12 TK12⟧', 'x ⟦unit TK34⟧'], nomatch: ['x 12 TK12']}"))
        #expect(RulePacks.loadAndCheck(paths: [path], includeDefaults: false).diagnostics == [])
    }

    /// Run at line starts only: a line that opens with the number (after `>` or spaces) is found, the same text
    /// later on a line is not, even though the pattern alone would match it there.
    @Test func aLineStartNumberRuleRunsOnlyWhereALineOpensWithANumber() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("pack.yaml", "pack: t\nrules:\n" + ruleYAML(
            id: "card", pattern: "(?:(?<=^)|(?<=^[ >]{1})|(?<=^[ >]{2}))[0-9]{1,6} Tk[0-9]{2}", maxLength: 16,
            extra: "    trigger: {line_start_number: true}", examples: "{match: ['⟦12 Tk12⟧', '> ⟦7 Tk34⟧'], nomatch: ['x 12 Tk12']}"))
        let rules = try RuleSet.load(paths: [path], includeDefaults: false)
        var collector = FindingCollector()
        let stream = StreamScanner(scanner: LineScanner(ruleSet: rules))
        try stream.feed(Array("12 Tk12\nx 12 Tk12\n> 7 Tk34\n  123456 Tk56\n1234567 Tk78\n".utf8), into: &collector)
        try stream.finish(into: &collector)
        // The first line, "> 7" (byte 20) and "  123456" (byte 29); not "x 12", not seven digits.
        #expect(collector.findings.map(\.start) == [0, 20, 29])
    }

    @Test func theDefaultPacksAgree() throws {
        #expect(RulePacks.loadAndCheck(paths: [], includeDefaults: true).diagnostics == [])
    }
}
