import Foundation
import Testing

import PHIScan

/// A fresh temporary directory for one test; removed by `cleanup()`.
struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    /// Writes `text` to `name` and returns the path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Loads packs and returns the diagnostics (empty when loading succeeds).
func loadDiagnostics(_ paths: [String], includeDefaults: Bool = false) -> [RuleDiagnostic] {
    do {
        _ = try RulePacks.load(paths: paths, includeDefaults: includeDefaults)
        return []
    } catch {
        return error.diagnostics
    }
}

/// A minimal valid rule block for test packs (YAML, indented as a `rules` list item).
func ruleYAML(id: String, pattern: String = "TK[0-9]{4}", maxLength: Int = 6, extra: String = "",
              examples: String = "{match: ['x TK1234 y'], nomatch: ['TK12']}") -> String {
    """
      - id: \(id)
        entity: TOKEN
        category: other_unique
        pattern: '\(pattern)'
        max_length: \(maxLength)
    \(extra.isEmpty ? "" : extra + "\n")    examples: \(examples)

    """
}

@Suite("Rule loading: default packs")
struct DefaultPackTests {
    @Test func defaultPacksLoadCompileAndPassTheirOwnExamples() throws {
        let rules = try RulePacks.load()
        #expect(rules.count >= 30)
        #expect(RuleExamples.check(rules).map(\.description) == [])
        let set = try RuleSet(rules: rules)
        #expect(set.ruleIDs == rules.map(\.id))
        #expect(Set(set.ruleIDs).count == rules.count, "rule ids are unique")
        for rule in rules {
            #expect(!rule.matchExamples.isEmpty, "\(rule.id) has no match example")
            #expect(!rule.nomatchExamples.isEmpty, "\(rule.id) has no nomatch example")
            #expect(rule.source.file.contains("/rules/") && rule.source.file.hasSuffix(".yaml") && rule.source.line > 0)
            // A detector rule has no pattern to run; its detector works per batch block (see ARCHITECTURE.md).
            #expect(!rule.trigger.isAlways || rule.detector != nil, "\(rule.id) has no prefilter: it runs on every line")
        }
    }

    @Test func declaredMaxLengthsBoundThePatterns() throws {
        let set = TestRules.defaults
        for compiled in set.rules {
            let width = try PatternAnalysis.analyze(compiled.rule.pattern).maxWidth
            #expect(width <= compiled.rule.maxLength, "\(compiled.rule.id): pattern width \(width) > max_length")
        }
        #expect(set.maxMatchLength == set.rules.map(\.rule.maxLength).max())
    }

    @Test func theDefaultDirectoryIsTheRepositoryRulesFolder() throws {
        let repoRules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules")
        let dir = try #require(RulePacks.defaultDirectory())
        #expect(dir.standardizedFileURL.resolvingSymlinksInPath().path == repoRules.standardizedFileURL.resolvingSymlinksInPath().path)
    }

    @Test func everyValidatorAndCategoryNameIsKnown() throws {
        let rules = try RulePacks.load()
        let used = Set(rules.compactMap(\.validator))
        #expect(used.isSubset(of: Set(ValidatorKind.allCases)))
        #expect(Set(rules.map(\.category)).isSubset(of: Set(SafeHarborCategory.allCases)))
    }
}

@Suite("Rule loading: malformed packs")
struct MalformedPackTests {
    /// A pack with one problem per rule (and one at pack level). Line numbers below refer to this text.
    static let badPack = """
        pack: bad
        colour: blue
        rules:
          - id: fine
            entity: TOKEN
            category: other_unique
            pattern: 'OK[0-9]{4}'
            max_length: 6
            examples: {match: ['x ⟦OK1234⟧'], nomatch: ['OK12']}
          - id: unknown-key
            entity: TOKEN
            category: other_unique
            pattern: 'UK[0-9]{4}'
            max_length: 6
            flavour: mint
            examples: {match: ['UK1234']}
          - id: unbounded
            entity: TOKEN
            category: other_unique
            pattern: 'UB\\d+'
            max_length: 10
            examples: {match: ['UB12']}
          - id: newline-escape
            entity: TOKEN
            category: other_unique
            pattern: 'NL\\s[0-9]{2}'
            max_length: 10
            examples: {match: ['NL 12']}
          - id: newline-class
            entity: TOKEN
            category: other_unique
            pattern: 'NC[^a]{2}'
            max_length: 10
            examples: {match: ['NC12']}
          - id: too-short
            entity: TOKEN
            category: other_unique
            pattern: 'TS[0-9]{8}'
            max_length: 5
            examples: {match: ['TS12345678']}
          - id: bad-validator
            entity: TOKEN
            category: other_unique
            pattern: 'BV[0-9]{4}'
            max_length: 6
            validator: crc32
            examples: {match: ['BV1234']}
          - id: bad-category
            entity: TOKEN
            category: favourite_colour
            pattern: 'BC[0-9]{4}'
            max_length: 6
            examples: {match: ['BC1234']}
          - id: no-examples
            entity: TOKEN
            category: other_unique
            pattern: 'NE[0-9]{4}'
            max_length: 6
          - id: before-alone
            entity: TOKEN
            category: other_unique
            pattern: 'BA[0-9]{4}'
            max_length: 6
            trigger: {before: 10}
            examples: {match: ['BA1234']}
          - id: after-alone
            entity: TOKEN
            category: other_unique
            pattern: 'AA[0-9]{4}'
            max_length: 6
            trigger: {keywords: [AA], after: 4}
            examples: {match: ['AA1234']}

        """

    /// (line, rule id, part of the message) for every problem in `badPack`.
    static let expected: [(Int, String?, String)] = [
        (2, nil, "unknown key 'colour'"),
        (15, "unknown-key", "unknown key 'flavour'"),
        (20, "unbounded", "unbounded quantifier"),
        (26, "newline-escape", "can match a newline"),
        (32, "newline-class", "can match a newline"),
        (39, "too-short", "max_length is 5"),
        (46, "bad-validator", "unknown validator 'crc32'"),
        (50, "bad-category", "unknown category 'favourite_colour'"),
        (54, "no-examples", "missing 'examples'"),
        (64, "before-alone", "'before' needs 'bytes'"),
        (71, "after-alone", "'after' needs one of 'digits', 'alnum_run' or 'hex_colon'"),
    ]

    @Test func everyProblemIsReportedInOneRunWithFileLineAndRule() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let bad = try dir.write("bad.yaml", Self.badPack)
        let broken = try dir.write("broken.yaml", "pack: broken\nrules:\n  - id: x\n    pattern: [unclosed\n    entity: \"oops\n")
        let diagnostics = loadDiagnostics([bad, broken])
        for (line, id, message) in Self.expected {
            let hit = diagnostics.first { $0.location.file == bad && $0.location.line == line && $0.ruleID == id && $0.message.contains(message) }
            #expect(hit != nil, "no diagnostic \(bad):\(line) \(id ?? "-") '\(message)' in \(diagnostics.map(\.description))")
            if let hit { #expect(hit.description.contains("\(bad):\(line)")) }
        }
        // Bad YAML: the file and the line of the error, no rule.
        let yaml = diagnostics.filter { $0.location.file == broken }
        #expect(yaml.count == 1)
        #expect(yaml.first?.message.hasPrefix("invalid YAML") == true)
        #expect((yaml.first?.location.line ?? 0) >= 4)
        // Nothing else, and the good rule produced nothing.
        #expect(diagnostics.count == Self.expected.count + 1, "\(diagnostics.map(\.description))")
        #expect(!diagnostics.contains { $0.ruleID == "fine" })
    }

    @Test func aPCRE2CompileErrorNamesFileLineAndRule() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("pcre.yaml", "pack: p\nrules:\n" + ruleYAML(id: "fine") + ruleYAML(id: "reversed-range", pattern: "[z-a]{2}", maxLength: 2))
        let rules = try RulePacks.load(paths: [path], includeDefaults: false)
        #expect(throws: RuleLoadError.self) { try RuleSet(rules: rules) }
        do {
            _ = try RuleSet(rules: rules)
        } catch {
            #expect(error.diagnostics.count == 1)
            let d = try #require(error.diagnostics.first)
            #expect(d.ruleID == "reversed-range")
            #expect(d.location.file == path && d.location.line == 9)
            #expect(d.message.contains("range out of order"))
        }
        // `rules test` goes through RuleExamples.check, which reports it the same way.
        let checked = RuleExamples.check(rules)
        #expect(checked.map(\.ruleID) == ["reversed-range"])
    }

    @Test func failingExamplesAreReportedWithFileLineAndRuleButNotTheirText() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let pack = "pack: e\nrules:\n"
            + ruleYAML(id: "misses", examples: "{match: ['SSN 365-94-0475 TK12'], nomatch: []}")
            + ruleYAML(id: "overmatches", examples: "{match: ['TK1234'], nomatch: ['TK9876 for 365-94-0475']}")
            + ruleYAML(id: "wrong-span", examples: "{match: ['x ⟦TK12⟧34'], nomatch: []}")
        let path = try dir.write("examples.yaml", pack)
        let rules = try RulePacks.load(paths: [path], includeDefaults: false)
        let problems = RuleExamples.check(rules)
        #expect(problems.map(\.ruleID) == ["misses", "overmatches", "wrong-span"])
        #expect(problems.map(\.location.line) == [3, 9, 15])
        #expect(problems.allSatisfy { $0.location.file == path })
        #expect(problems[0].message.contains("match example 1 is not matched"))
        #expect(problems[1].message.contains("nomatch example 1 is matched"))
        #expect(problems[2].message.contains("found spans"))
        for p in problems {
            #expect(!p.description.contains("365-94-0475"))
            #expect(!p.description.contains("TK9876"))
        }
    }

    @Test func duplicateIdsInOneRuleSetAreRejected() throws {
        let a = Rule(id: "same", entity: "A", category: .otherUnique, pattern: "A[0-9]", maxLength: 2,
                     source: PHIScan.SourceLocation(file: "a.yaml", line: 3))
        let b = Rule(id: "same", entity: "B", category: .otherUnique, pattern: "B[0-9]", maxLength: 2,
                     source: PHIScan.SourceLocation(file: "b.yaml", line: 7))
        #expect(throws: RuleLoadError.self) { try RuleSet(rules: [a, b]) }
        do { _ = try RuleSet(rules: [a, b]) } catch {
            #expect(error.diagnostics.map(\.description) == ["b.yaml:7: rule 'same': duplicate rule id"])
        }
    }

    @Test func duplicateIdsInsideOnePackAreDiagnosed() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("dup.yaml", "pack: d\nrules:\n" + ruleYAML(id: "twice") + ruleYAML(id: "twice", pattern: "TQ[0-9]{4}", examples: "{match: ['TQ1234'], nomatch: []}"))
        let diagnostics = loadDiagnostics([path])
        #expect(diagnostics.contains { $0.ruleID == "twice" && $0.location.file == path && $0.location.line == 9 && $0.message.contains("duplicate") },
                "\(diagnostics.map(\.description))")
    }

    @Test func aMissingPackPathIsReported() {
        let diagnostics = loadDiagnostics(["/nonexistent/phiscrub/pack.yaml"])
        #expect(diagnostics.map(\.description) == ["/nonexistent/phiscrub/pack.yaml:0: no such file or directory"])
    }

    @Test func aPackThatIsNotAMappingIsReported() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let list = try dir.write("list.yaml", "- just\n- a list\n")
        let norules = try dir.write("norules.yaml", "pack: empty\n")
        let diagnostics = loadDiagnostics([list, norules])
        #expect(diagnostics.count == 2)
        #expect(diagnostics.contains { $0.location.file == list && $0.message.contains("mapping") })
        #expect(diagnostics.contains { $0.location.file == norules && $0.message.contains("missing 'rules'") })
    }
}

@Suite("Rule loading: user packs")
struct UserPackTests {
    @Test func aUserRuleReplacesTheDefaultWithTheSameId() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("override.yaml", """
            pack: override
            rules:
              - id: email
                entity: EMAIL
                category: email
                pattern: '\\bmailbox-[0-9]{3}\\b'
                max_length: 11
                trigger: {keywords: [mailbox]}
                examples: {match: ['⟦mailbox-123⟧'], nomatch: ['jane.roe@example.com']}

            """)
        let defaults = try RulePacks.load()
        let rules = try RulePacks.load(paths: [path])
        #expect(rules.map(\.id) == defaults.map(\.id), "same ids, same order")
        let replaced = try #require(rules.first { $0.id == "email" })
        #expect(replaced.source.file == path)
        let verifier = StandardVerifier(ruleSet: try RuleSet(rules: rules))
        let outcome = try #require(verifier.verify(Array("write to jane.roe@example.com or mailbox-123 now".utf8)))
        #expect(outcome.findings.map(\.range) == [33..<44])
        #expect(outcome.findings.map(\.ruleID) == ["email"])
        // Other defaults still apply.
        let ssn = verifier.verify(marked: "SSN ⟦365-94-0475⟧")
        #expect(ssn?.outcome.findings.map(\.range) == ssn?.spans)
    }

    @Test func withoutDefaultsOnlyTheUserPackLoads() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("only.yaml", "pack: only\nrules:\n" + ruleYAML(id: "token"))
        let rules = try RulePacks.load(paths: [path], includeDefaults: false)
        #expect(rules.map(\.id) == ["token"])
        let set = try RuleSet.load(paths: [path], includeDefaults: false)
        let verifier = StandardVerifier(ruleSet: set)
        let outcome = try #require(verifier.verify(Array("SSN 365-94-0475 and TK1234".utf8)))
        #expect(outcome.findings.map(\.entity) == ["TOKEN"])
    }

    @Test func aDirectoryLoadsItsYAMLFilesInNameOrder() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try dir.write("b.yml", "pack: b\nrules:\n" + ruleYAML(id: "second"))
        try dir.write("a.yaml", "pack: a\nrules:\n" + ruleYAML(id: "first"))
        try dir.write("notes.txt", "not a pack: [")
        let rules = try RulePacks.load(paths: [dir.url.path], includeDefaults: false)
        #expect(rules.map(\.id) == ["first", "second"])
    }
}

@Suite("PatternAnalysis")
struct PatternAnalysisTests {
    static let widths: [(String, Int)] = [
        ("[0-9]{3}-[0-9]{2}-[0-9]{4}", 11),
        ("\\bfoo\\b", 3),
        ("(a|bcd)?x{2,5}", 8),
        ("(?=abc)x", 1),
        ("(?<![0-9])[0-9]{1,2}", 2),
        ("(ab){1,3}\\1", 8),
        ("\\Qa.b\\E", 3),
        ("(?i:ssn)[ \\t]{0,2}[0-9]{9}", 14),
        ("[^\\n,]{1,40}", 40),
        ("x{0,1024}", 1024),
        ("(?:(?:ab){1,2}c){1,3}", 15),
        ("a{3}", 3),
        ("ab|cdef|g", 4),
        // UTF-8 lead and continuation bytes for letters outside ASCII: one byte each.
        ("\\xC3[\\x80-\\x9E]", 2),
        ("(?:[a-z]|[\\xC4\\xC5][\\x80-\\xBF]){1,3}", 6),
    ]

    @Test func maxWidth() throws {
        for (pattern, width) in Self.widths {
            #expect(try PatternAnalysis.analyze(pattern).maxWidth == width, "\(pattern)")
        }
    }

    static let rejected: [(String, String)] = [
        ("\\d+", "unbounded quantifier"),
        ("a*", "unbounded quantifier"),
        ("[0-9]{2,}", "unbounded"),
        ("\\s", "newline"),
        ("[\\s]", "newline"),
        ("[^a]", "newline"),
        ("(?s)a.b", "newline"),
        ("\\n", "newline"),
        ("\\R", "newline"),
        ("[[:space:]]", "newline"),
        ("\\p{L}", "Unicode properties"),
        ("\\x0A", "numeric"),
        ("[\\x0A]", "0x80-0xFF"),
        ("[\\t-\\xBF]", "other"),
        ("[\\x80-z]", "other"),
        ("\\1(a)", "backreference"),
        ("(a", "missing ')'"),
        ("a)", "unbalanced"),
        ("[abc", "missing ']'"),
        ("(?R)", "recursion"),
    ]

    static let digits: [(String, Bool)] = [
        ("[0-9]{3}-[0-9]{2}-[0-9]{4}", true),
        ("\\d{2}", true),
        ("[2-6][0-9]{12,18}", true),
        ("(?i:tel)[: ]{0,2}[0-9]{7}", true),
        ("(?:a|b)1", true),
        ("x\\Q-7\\E", true),
        ("(\\d)-\\1", true),
        ("(?:[0-9]|[0-9][0-9]){1,2}", true),
        // Optional, one alternative only, inside a lookaround, or a class with other members: no digit is certain.
        ("[0-9]?x", false),
        ("[0-9]{0,3}x", false),
        ("(?:ab|[0-9]{2})", false),
        ("(?=[0-9])\\w{1,4}", false),
        ("x(?<=[0-9]x)", false),
        ("[0-9a]", false),
        ("[0-9-]", false),
        ("[0-5-9]", false),  // a '-' right after a range is itself a member
        ("[^a-z\\n]", false),
        ("\\w{3}", false),
        ("", false),
    ]

    @Test func requiresDigit() throws {
        for (pattern, digit) in Self.digits {
            #expect(try PatternAnalysis.analyze(pattern).requiresDigit == digit, "\(pattern)")
        }
    }

    /// The dispatch skips a rule that requires a digit where the line has none, so the claim must hold for the
    /// shipped rules: with every ASCII digit taken out of the corpora and of the rules' own examples, no such rule
    /// matches anything (bytes outside ASCII stay: `\d` is ASCII in the byte mode rules compile in).
    @Test func digitFreeTextHoldsNoMatchOfARuleThatRequiresADigit() throws {
        let set = TestRules.defaults
        let needing = try set.rules.filter { try PatternAnalysis.analyze($0.rule.pattern).requiresDigit }
        #expect(needing.count >= 20, "the phone, SSN, date and number rules require a digit")
        #expect(!needing.contains { $0.rule.id == "email" })
        func withoutDigits(_ bytes: [UInt8]) -> [UInt8] {
            bytes.map { $0 &- 0x30 < 10 ? UInt8(ascii: "o") : $0 }
        }
        var lines: [[UInt8]] = []
        for path in ReferencePrefilterTests.corpora {
            let text = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            lines += text.split(separator: 0x0A).map { withoutDigits(Array($0)) }
        }
        for compiled in needing {
            lines += compiled.rule.matchExamples.map { withoutDigits(Array($0.utf8)) }
        }
        let scratch = MatchScratch()
        for compiled in needing {
            for line in lines {
                line.withUnsafeBufferPointer { b in
                    guard let p = b.baseAddress else { return }
                    if case let .match(_, whole) = scratch.match(compiled.pattern, subject: p, length: b.count,
                                                                  startOffset: 0, group: 0) {
                        Issue.record("\(compiled.rule.id) matched digit-free text at \(whole)")
                    }
                }
            }
        }
    }

    @Test func rejectsUnboundedAndNewlineMatchingPatterns() {
        for (pattern, message) in Self.rejected {
            do {
                let width = try PatternAnalysis.analyze(pattern).maxWidth
                Issue.record("\(pattern) was accepted with width \(width)")
            } catch {
                #expect(error.description.contains(message), "\(pattern): \(error)")
            }
        }
    }
}

/// `RuleCoverage.identifierEntities` is what the CLI demands of a rule set: the default pack must report all of them,
/// or the filter would refuse to run with its own defaults.
@Test func theDefaultPackReportsEveryIdentifierEntity() throws {
    let set = try RuleSet.loadDefault()
    #expect(set.missingIdentifierEntities == [])
    #expect(RuleCoverage.missingIdentifiers(in: []) == RuleCoverage.identifierEntities)
}

/// Issue 13: 2,000 aliases of a 1 MB string in a rule pack took gigabytes and minutes of example checking; a nest
/// of aliases ("billion laughs") grows exponentially. Both are refused with one diagnostic; small aliases still load.
@Test func yamlAliasAmplificationIsBounded() throws {
    let head = """
        pack: bomb
        rules:
          - id: bomb
            entity: TOKEN
            category: other_unique
            pattern: 'ZQ[0-9]{4}'
            max_length: 6

        """
    let big = String(repeating: "x", count: 1 << 20)
    let wide = head + "    description: &big '\(big)'\n    examples:\n      match: ['ZQ1234']\n      nomatch:\n"
        + String(repeating: "        - *big\n", count: 2000)
    var nest = "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
    for i in 1...9 { nest += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
    let laughs = "pack: laughs\n" + nest.split(separator: "\n").map { "x_" + $0 }.joined(separator: "\n") + "\nrules: []\n"
    for text in [wide, laughs] {
        var diagnostics: [RuleDiagnostic] = []
        let clock = ContinuousClock()
        let took = clock.measure { _ = RuleLoader.parse(text, file: "bomb.yaml", diagnostics: &diagnostics) }
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("aliases") == true, "\(diagnostics)")
        #expect(took < .seconds(20))
    }
    let small = head + "    examples:\n      match: &m ['ZQ1234']\n      nomatch: ['ZQ12']\n"
        + "  - id: again\n    entity: TOKEN\n    category: other_unique\n    pattern: 'ZR[0-9]{4}'\n    max_length: 6\n"
        + "    examples:\n      match: ['ZR1234']\n      nomatch: *m\n"
    var diagnostics: [RuleDiagnostic] = []
    #expect(RuleLoader.parse(small, file: "small.yaml", diagnostics: &diagnostics).count == 2)
    #expect(diagnostics.isEmpty, "\(diagnostics)")
}
