import Testing
@testable import PHIScan

/// The bytes after an anchored keyword (`KeywordFollowers`, ARCHITECTURE.md "Scanning"): a rule tried anchored at an
/// everyday keyword ("plan", "group", "member") is not run where the next bytes cannot continue a match, and that never
/// loses a finding: the fast scanner finds what the reference prefilter (which asks nothing of it) finds, on seeded
/// lines that put every anchored keyword of the default packs before every kind of next byte.
@Suite("Keyword followers")
struct KeywordFollowersTests {
    /// Every anchored keyword of the default packs, as its rules list it.
    static func anchoredKeywords(_ set: RuleSet) -> [String] {
        var out: Set<String> = []
        for c in set.rules where c.anchoredPattern != nil { out.formUnion(c.rule.trigger.keywords) }
        return out.sorted()
    }

    @Test func everyAnchoredKeywordBeforeAnyNextBytesFindsWhatTheReferenceFinds() throws {
        let set = TestRules.defaults
        let keywords = Self.anchoredKeywords(set)
        #expect(keywords.count > 100)
        // What may follow a keyword: separators of labels, the values the rules look for, words that end nothing.
        let tails = [": 123-45-6789", " id: AB1234567", " #: 7788", "_no=998877", "-number 55123", " before answering",
                     " 07/04/1958", ":\t(617) 555-0142", " is 4155550142", "=4155550142", " ", ":", "", " of the plan",
                     "s are here", " 12 Elm Street", ", Springfield, IL 62704", "\"", " NUMBER: XK99-1234", " (ID) 12",
                     "_2=625908148", "-1: 617-555-0142", "_id=ab12", "-level 4",
                     // A space and a lower-case letter: the third byte's sets.
                     " in Dover", " on Maple Avenue", " at 12 Elm Street", " near Salem", " of Port Ellery", " to Oak Street",
                     " is 12 Quarry Lock", " number: 4155550142", " no: 123-45-6789", " dr. Quennel", " a"]
        var rng = SplitMix64(seed: 17)
        var lines: [String] = []
        for (i, kw) in keywords.enumerated() {
            for t in 0..<tails.count where (i + t) % 3 == 0 || t < 6 {
                let form = [kw, kw.uppercased(), kw.prefix(1).uppercased() + kw.dropFirst()][Int.random(in: 0..<3, using: &rng)]
                lines.append("note \(form)\(tails[t]) end")
            }
        }
        let bytes = Array(lines.joined(separator: "\n").utf8) + [0x0A]
        let fastScanner = LineScanner(ruleSet: set), referenceScanner = LineScanner(referencePrefilter: set)
        let fast = try ReferencePrefilterTests.scan(bytes, fastScanner)
        let reference = try ReferencePrefilterTests.scan(bytes, referenceScanner)
        let firstDifference = zip(fast.findings, reference.findings).first { $0 != $1 }
        #expect(fast.findings == reference.findings,
                "\(fast.findings.count) vs \(reference.findings.count) findings, first differing: \(String(describing: firstDifference))")
        #expect(fast.findings.count > 500)
    }

    @Test func aKeywordInProseStartsNoRunOnceItsNextBytesAreKnown() throws {
        let set = TestRules.defaults
        let rule = try #require(set.rules.firstIndex { $0.rule.id == "health-plan-id" })
        let prose = String(repeating: "The assistant reviews the follow-up plan before answering. ", count: 50)
        let scanner = LineScanner(ruleSet: set)
        let clean = try ReferencePrefilterTests.scan(Array((prose + "\n").utf8), scanner)
        #expect(clean.findings.isEmpty)
        #expect(scanner.counters.runsByRule[rule] == 0, "health-plan-id ran \(scanner.counters.runsByRule[rule]) times")
        // The same keyword before a value is still found.
        let found = try ReferencePrefilterTests.scan(Array("member plan id: XK99123456 on file\n".utf8), scanner)
        #expect(found.findings.contains { $0.ruleID == "health-plan-id" })
    }

    @Test func aCueBeforeAPrepositionItsRuleDoesNotTakeStartsNoRun() throws {
        let set = TestRules.defaults
        let rule = try #require(set.rules.firstIndex { $0.rule.id == "city-after-cue" })
        let scanner = LineScanner(ruleSet: set)
        let streets = String(repeating: "she lives on Maple Avenue and ", count: 40)
        let found = try ReferencePrefilterTests.scan(Array((streets + "\n").utf8), scanner)
        #expect(found.findings.count == 40)
        #expect(scanner.counters.runsByRule[rule] == 0, "city-after-cue ran \(scanner.counters.runsByRule[rule]) times")
        // The cue before the preposition the rule takes still runs it, and the city is found.
        let city = try ReferencePrefilterTests.scan(Array("she lives in Port Ellery now\n".utf8), scanner)
        #expect(city.findings.contains { $0.entity == "CITY" })
        #expect(scanner.counters.runsByRule[rule] > 0)
    }

    @Test func aKeyGluedToAnotherWordStartsNoRunButANumberedKeyDoes() throws {
        let set = TestRules.defaults
        let rule = try #require(set.rules.firstIndex { $0.rule.id == "field-person" })
        let scanner = LineScanner(ruleSet: set)
        let ids = String(repeating: "patient_id=77 member_id=88 client-id=99 ", count: 20)
        _ = try ReferencePrefilterTests.scan(Array((ids + "\n").utf8), scanner)
        #expect(scanner.counters.runsByRule[rule] == 0, "field-person ran \(scanner.counters.runsByRule[rule]) times")
        let found = try ReferencePrefilterTests.scan(Array(#"{"patient_2": "Maribel Quennel"}"#.utf8 + [0x0A]), scanner)
        #expect(found.findings.contains { $0.ruleID == "field-person" })
    }

    @Test func patternsThatReadBeforeTheirKeywordAreNotLearnt() {
        #expect(KeywordFollowers.learnable(#"(?i:(?<![0-9A-Za-z])plan[ \t]?id)"#))
        #expect(!KeywordFollowers.learnable(#"(?<=: )plan id"#))
        #expect(!KeywordFollowers.learnable(#"\Bplan"#))
        #expect(!KeywordFollowers.learnable(#"(*SKIP)plan"#))
        #expect(KeywordFollowers.learnable(#"\\Bplan"#))
    }
}
