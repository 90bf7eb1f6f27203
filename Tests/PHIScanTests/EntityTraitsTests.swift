import Foundation
import Testing

import PHIScan

/// Entity traits are declared in the packs (`traits:`), shared by every rule of an entity, and checked at load.
@Suite("Entity traits")
struct EntityTraitsTests {
    @Test func theDefaultPacksDeclareWhatTheOperatorsOnceHardCoded() throws {
        let traits = try RuleSet.loadDefault().traits
        for id in ["SSN", "PHONE", "FAX", "NPI", "DEA", "CREDIT_CARD", "MBI", "ACCOUNT", "HEALTH_PLAN", "MRN", "LICENSE",
                   "VIN", "DEVICE_ID", "ZIP", "MAC_ADDRESS"] {
            #expect(traits[id].identifier, "\(id) is an identifier")
            #expect(!traits[id].date)
        }
        #expect(traits["DATE"] == EntityTraits(date: true, generalization: .year))
        #expect(traits["ZIP"] == EntityTraits(identifier: true, generalization: .zip3))
        #expect(traits["AGE"] == EntityTraits(generalization: .age90))
        for other in ["NAME", "EMAIL", "URL", "ADDRESS", "CITY", "IP_ADDRESS", "IBAN"] {
            #expect(traits[other] == .none, "\(other) has no trait")
        }
    }

    @Test func aRuleWithoutTraitsTakesThoseOfItsEntity() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.yaml", "pack: t\nrules:\n"
            + ruleYAML(id: "first", extra: "    traits: {identifier: true, generalize: zip3}")
            + ruleYAML(id: "second", pattern: "TQ[0-9]{4}", examples: "{match: ['TQ1234'], nomatch: []}"))
        let rules = try RulePacks.load(paths: [path], includeDefaults: false)
        #expect(rules.map(\.traits) == [EntityTraits(identifier: true, generalization: .zip3), nil])
        let set = try RuleSet(rules: rules)
        #expect(set.traits["TOKEN"] == EntityTraits(identifier: true, generalization: .zip3))
    }

    @Test func twoRulesDeclaringDifferentTraitsForOneEntityAreALoadProblem() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.yaml", "pack: t\nrules:\n"
            + ruleYAML(id: "first", extra: "    traits: {identifier: true}")
            + ruleYAML(id: "second", pattern: "TQ[0-9]{4}", extra: "    traits: {date: true}",
                       examples: "{match: ['TQ1234'], nomatch: []}"))
        let diagnostics = loadDiagnostics([path])
        #expect(diagnostics.contains { $0.ruleID == "second" && $0.location.file == path
                && $0.message.contains("traits of TOKEN differ") && $0.message.contains("first") },
                "\(diagnostics.map(\.description))")
    }

    @Test(arguments: [
        ("    traits: {identifier: yes-please}", "'traits.identifier' must be true or false"),
        ("    traits: {generalize: decade}", "unknown generalization 'decade'"),
        ("    traits: {colour: red}", "unknown key 'traits.colour'"),
        ("    traits: [identifier]", "'traits' is a mapping"),
    ])
    func malformedTraitsAreReportedWithFileLineAndRule(_ extra: String, _ message: String) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("t.yaml", "pack: t\nrules:\n" + ruleYAML(id: "bad", extra: extra))
        let diagnostics = loadDiagnostics([path])
        #expect(diagnostics.contains { $0.ruleID == "bad" && $0.location.file == path && $0.message.contains(message) },
                "\(diagnostics.map(\.description))")
    }
}
