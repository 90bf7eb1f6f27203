import Testing
@testable import PHIScan

/// Keyword-triggered rules with `before` (rules/README.md, "Triggers"): the street rules of `places.yaml` run in
/// windows ending at each street suffix on a line instead of over the whole line.
@Suite("Keyword windows")
struct KeywordWindowTests {
    /// The default rules as shipped, and the same rules with every keyword `before` removed (whole-line runs).
    static func ruleSets() throws -> (windowed: RuleSet, wholeLine: RuleSet, windowedIDs: [String]) {
        let windowed = TestRules.defaults
        var ids: [String] = []
        let plain = windowed.rules.map { c -> Rule in
            var r = c.rule
            if !r.trigger.keywords.isEmpty && r.trigger.bytes.isEmpty && r.trigger.before != nil {
                r.trigger.before = nil
                ids.append(r.id)
            }
            return r
        }
        return (windowed, try RuleSet(rules: plain), ids)
    }

    /// Seeded long lines of prose, JSON-escaped text, house numbers, street lines in every form the street rules
    /// take (suffix in Title, upper and lower case, directionals, units, a city after `in` or a comma, British
    /// postcodes, a flat before the street) and suffix words standing alone, some with an accented letter (the
    /// per-line path): the windowed rules find exactly what whole-line runs of the same rules find, and run the
    /// street rules over whole lines on none of them.
    @Test func windowsFindWhatWholeLinesFind() throws {
        let (windowedSet, wholeLineSet, ids) = try Self.ruleSets()
        #expect(Set(ids).isSuperset(of: ["street-address", "city-after-street", "city-after-street-comma", "street-after-flat",
                                          "phone-number-stated", "age-over-89", "name-before-birth", "name-age-statement"]))
        var rng = SplitMix64(seed: 0x57EE7)
        func pick(_ a: [String]) -> String { a[Int.random(in: 0..<a.count, using: &rng)] }
        let suffixes = ["Street", "St", "St.", "Ave", "Ave.", "Avenue", "Rd", "Road", "Way", "Lane", "Ln", "Dr", "Drive",
                        "Court", "Ct", "Place", "Pl", "Blvd", "Gateway", "Point", "Park", "Center", "Trail", "Mission",
                        "STREET", "AVE", "street", "avenue", "Underpass", "Forks", "Stream", "Roads", "Terrace"]
        let names = ["Elm", "Maple", "Oak", "Gonzales", "Armstrong", "Lockhart", "Miller", "Molly", "Quarry Lock",
                     "N. Maple", "North Elm", "5th", "Cheryl", "Powell", "Shirley", "Kings"]
        let towns = ["Springfield", "Dover", "Blanchardbury", "New Chelsea", "Port Crystal", "St. Paul", "Lake Eric",
                     "Daleport", "Ericville", "South Grace", "Monday", "Thanks", "Suite"]
        let words = ["the", "patient", "moved", "to", "at", "in", "lives", "ship", "clinic", "and", "visited", "on",
                     "the", "report", "was", "filed", "for", "room", "chapter", "version", "call", "about", "near", "then",
                     "She", "He", "We", "It", "record", "2026-11-03T10:22:01Z", "id=4411", "\\n", "\\\"", "\"", ",",
                     ".", ";", "(", ")", "{\"text\":\"", "\"}", "Apt 4B", "Suite 200", "Unit 186", "#12", "Flat 15,",
                     "Studio 90,", "IL", "MA 01970", "L5 4PD", "WD2P 7LZ", "SO9 8EN",
                     // The other windowed rules' cues: a name before its birth date or age, an age before its
                     // years, a stated phone number.
                     "Jane Roe, born", "Orwen Grimsditch (born", "Hesper Everhale, DOB", "Mary Ann Smith (dob", "b.",
                     "aged", "Wrenna is a 96-year-old", "Ulvar Dunmorrow is a 97 year old", "95 yo", "101 y/o",
                     "a 92-year-old", "is 95 years of age", "year", "my number is 6175550142", "her new number:",
                     "their home number was 0044 20 7946 0958", "number", "My CN number is 13812345678",
                     "note by Ines Halvorsen, MD", "Tomas K. Brandt RN", "MD", "Cook County", "San Luis Obispo County",
                     "County", "Asya's kid", "Zorblat's wife", "'s", "Tomomi Nishiyama lives at", "Dzhambek is from",
                     "lives in", "\" said Jane Roe", "\", says Ulvar Dunmorrow", "said", "call me \"Bo\"", "call me",
                     "12 March 2020", "3rd of March", "March 3rd", "May", "+44 20 7946 0958 (office)", "555-0100 fax",
                     "office", "Hesper Everhale (daughter)", "daughter"]
        func number() -> String { String(Int.random(in: 1...99_999, using: &rng)) }
        func street() -> String {
            var s = number() + " " + pick(names) + " " + pick(suffixes)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: s += ", Apt " + String(Int.random(in: 1...40, using: &rng))
            case 1: s += " in " + pick(towns)
            case 2: s += ", " + pick(towns) + "."
            case 3: s += ", " + pick(towns) + ", " + pick(["L5 4PD", "WD2P 7LZ", "M0 7WS"])
            case 4: s = pick(["Flat", "Studio", "Apt"]) + " " + String(Int.random(in: 1...90, using: &rng)) + ", "
                + pick(names) + " " + pick(suffixes) + ", " + pick(towns) + ", L5 4PD"
            case 5: s += ", " + pick(towns) + ", IL 62701"
            default: break
            }
            return s
        }
        var lines: [String] = []
        for i in 0..<1_500 {
            var line = ""
            let target = Int.random(in: 40...3_000, using: &rng)
            while line.utf8.count < target {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0, 1: line += street()
                case 2: line += pick(suffixes)
                case 3: line += number()
                default: line += pick(words)
                }
                line += pick([" ", " ", " ", ", ", "  ", "\t"])
            }
            lines.append(i % 9 == 0 ? line + " résumé" : line)
        }
        let bytes = Array(lines.joined(separator: "\n").utf8) + [0x0A]
        let windowedScanner = LineScanner(ruleSet: windowedSet), wholeLineScanner = LineScanner(ruleSet: wholeLineSet)
        let windowed = try ReferencePrefilterTests.scan(bytes, windowedScanner)
        let wholeLine = try ReferencePrefilterTests.scan(bytes, wholeLineScanner)
        let firstDifference = zip(windowed.findings, wholeLine.findings).first { $0 != $1 }
        // Compared as a Bool, with the first difference as the message (the arrays hold thousands of findings). A
        // rule whose keyword has two words ("lives in") is not windowed: its pattern takes a tab between them
        // ("lives\tin"), which no keyword hit marks, and a whole-line run found it when another cue was on the line.
        let same = windowed.findings == wholeLine.findings
        var around = ""
        if !same, let d = firstDifference {
            let a = max(0, min(d.0.start, d.1.start) - 200), b = min(bytes.count, max(d.0.end, d.1.end) + 60)
            around = String(decoding: bytes[a..<b], as: UTF8.self)
        }
        #expect(same, "\(windowed.findings.count) vs \(wholeLine.findings.count) findings, first differing: \(String(describing: firstDifference)) in '\(around)'")
        #expect(windowed.incidents == wholeLine.incidents)
        // Not vacuous: the lines hold many street lines and towns.
        #expect(windowed.findings.filter { $0.entity == "ADDRESS" }.count > 1_000)
        #expect(windowed.findings.filter { $0.entity == "CITY" }.count > 200)
        let foundRules = Set(windowed.findings.map(\.ruleID))
        for rule in ["phone-number-stated", "age-over-89", "name-before-birth", "name-age-statement", "name-credential",
                     "county-named", "name-quote-attribution",
                     "name-nickname-call-me", "date-written-dmy", "date-month-day", "phone-intl-suffix",
                     "name-before-kinship"] {
            #expect(foundRules.contains(rule), "\(rule) found nothing: the lines do not test it")
        }
        // The windowed rules ran in windows: whole-line runs fell by at least one per windowed rule and line.
        let saved = wholeLineScanner.counters.wholeLineRuns - windowedScanner.counters.wholeLineRuns
        #expect(saved >= ids.count * 1_000, "whole-line runs \(wholeLineScanner.counters.wholeLineRuns) -> \(windowedScanner.counters.wholeLineRuns)")
        // The comparison can fail: windows too short for a house number and street words lose street lines.
        let short = try RuleSet(rules: windowedSet.rules.map { c -> Rule in
            var r = c.rule
            if ids.contains(r.id) { r.trigger.before = 6 }
            return r
        })
        let cut = try ReferencePrefilterTests.scan(bytes, LineScanner(ruleSet: short))
        #expect(cut.findings.filter { $0.entity == "ADDRESS" }.count < windowed.findings.filter { $0.entity == "ADDRESS" }.count)
    }

    /// `before` with keywords loads; with an anchored trigger, or with both bytes and keywords, or alone it is refused.
    @Test(arguments: [
        ("trigger: {keywords: [Street], before: 40}", nil),
        ("trigger: {keywords: [Street], anchored: true, before: 40}", "'before' does not combine with an anchored trigger"),
        ("trigger: {keywords: [Street], bytes: ['@'], before: 40}", "'before' needs 'bytes' or 'keywords'"),
        ("trigger: {before: 40}", "'before' needs 'bytes' or 'keywords'"),
    ] as [(String, String?)])
    func beforeWithKeywords(_ trigger: String, _ problem: String?) throws {
        let yaml = """
        rules:
          - id: street-test
            entity: ADDRESS
            category: geographic
            pattern: '[0-9]{1,5} [A-Z][a-z]{1,20} Street'
            max_length: 40
            \(trigger)
            examples:
              match: ['at ⟦12 Elm Street⟧']
              nomatch: ['Elm Street']
        """
        var diagnostics: [RuleDiagnostic] = []
        let rules = RuleLoader.parse(yaml, file: "t.yaml", diagnostics: &diagnostics)
        if let problem {
            #expect(diagnostics.contains { $0.message.contains(problem) }, "\(diagnostics.map(\.message))")
        } else {
            #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
            let rule = try #require(rules.first)
            #expect(rule.trigger.before == 40)
            #expect(RuleExamples.check([rule]).isEmpty)
            let set = try RuleSet(rules: [rule])
            #expect(LineScanner(ruleSet: set).scan(Array("lives at 12 Elm Street now".utf8)).map(\.entity) == ["ADDRESS"])
        }
    }
}
