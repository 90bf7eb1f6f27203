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

    @Test func theDefaultPacksAgree() throws {
        #expect(RulePacks.loadAndCheck(paths: [], includeDefaults: true).diagnostics == [])
    }
}
