import Testing

import PHIScan

// Table tests of the default rules on sentences the rule examples do not contain. Every case runs through the
// chunking verifier (whole, byte by byte, fixed sizes, 20 random splittings, a split at every byte of every expected
// span, and a long line cut by a small line cap), so each table row is also a chunk-invariance test.

@Suite("Default rules: positives")
struct DefaultRulePositiveTests {
    @Test("finds exactly the marked spans with the expected entity", arguments: ScanCorpus.positives)
    func positive(_ c: ScanCase) throws {
        let verifier = StandardVerifier.standard
        let result = try #require(verifier.verify(marked: c.marked))
        let findings = result.outcome.findings
        #expect(findings.map(\.range) == result.spans, "spans for \(c.marked): \(findings.map(\.brief))")
        #expect(findings.map(\.entity) == c.entities, "entities for \(c.marked): \(findings.map(\.brief))")
        #expect(result.outcome.incidents.isEmpty)
        let (bytes, _) = RuleExamples.stripMarkers(c.marked)
        #expect(result.outcome.redacted == Splice.redact(bytes, findings))
    }

    @Test func everyEntityHasAtLeastThreeFreshPositives() {
        var counts: [String: Int] = [:]
        for c in ScanCorpus.positives where c.entities.count == 1 { counts[c.entities[0], default: 0] += 1 }
        let required = ["SSN", "PHONE", "FAX", "DATE", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "NPI", "DEA", "MBI",
                        "CREDIT_CARD", "VIN", "VEHICLE_ID", "EMAIL", "URL", "IP_ADDRESS", "MAC_ADDRESS", "DEVICE_ID", "ZIP",
                        "ADDRESS", "AGE", "NAME", "IBAN", "CITY"]
        for entity in required {
            #expect(counts[entity, default: 0] >= 3, "\(entity) has \(counts[entity, default: 0]) positive sentences")
        }
        // IPv4 and IPv6 are both covered.
        #expect(ScanCorpus.positives.contains { $0.marked.contains("::") && $0.entities == ["IP_ADDRESS"] })
        // Every default entity is covered by the table.
        let ruleEntities = Set(TestRules.defaults.rules.map(\.rule.entity))
        #expect(ruleEntities.subtracting(required).isEmpty, "untested entities: \(ruleEntities.subtracting(required))")
    }

    @Test func sentencesAreNotTheRulesOwnExamples() throws {
        let rules = try RulePacks.load()
        var examples = Set<[UInt8]>()
        for rule in rules {
            for e in rule.matchExamples + rule.nomatchExamples { examples.insert(RuleExamples.stripMarkers(e).bytes) }
        }
        for c in ScanCorpus.positives {
            #expect(!examples.contains(RuleExamples.stripMarkers(c.marked).bytes), "\(c.marked) is a rule example")
        }
        for c in ScanCorpus.negatives {
            #expect(!examples.contains(Array(c.text.utf8)), "\(c.text) is a rule example")
        }
    }
}

@Suite("Default rules: negatives")
struct DefaultRuleNegativeTests {
    @Test("look-alikes, timestamps, UUIDs, versions and clinical codes are not findings", arguments: ScanCorpus.negatives)
    func negative(_ c: NegativeCase) throws {
        let verifier = StandardVerifier.standard
        let outcome = try #require(verifier.verify(Array(c.text.utf8), label: c.text))
        if let forbidden = c.forbidden {
            let bad = outcome.findings.filter { forbidden.contains($0.entity) }
            #expect(bad.isEmpty, "\(c.why): \(bad.map(\.brief))")
        } else {
            #expect(outcome.findings.isEmpty, "\(c.why): \(outcome.findings.map(\.brief))")
        }
        #expect(outcome.incidents.isEmpty)
    }

    @Test func logTimestampsStayEvenNextToPHI() throws {
        // The timestamp is kept, the PHI after it is not.
        let cases = [
            "2026-11-26T03:13:29Z INFO lookup for ⟦m.quennel@example.com⟧",
            "2026-11-26 03:13:29,123 - api - WARNING - bad SSN ⟦365-94-0475⟧ submitted",
            "Nov 26 03:13:29 host app[9]: client ⟦192.0.2.17⟧ sent DOB ⟦07/04/1958⟧",
            "⟦192.0.2.10⟧ - - [26/Nov/2026:03:13:29 +0000] \"GET /a HTTP/1.1\" 200 12",
        ]
        for marked in cases {
            let result = try #require(StandardVerifier.standard.verify(marked: marked))
            #expect(result.outcome.findings.map(\.range) == result.spans, "\(marked): \(result.outcome.findings.map(\.brief))")
        }
    }
}

@Suite("Overlap resolution")
struct OverlapTests {
    @Test("default rules: longest span wins", arguments: ScanCorpus.overlaps)
    func defaultRuleOverlaps(_ c: ScanCase) throws {
        let result = try #require(StandardVerifier.standard.verify(marked: c.marked))
        #expect(result.outcome.findings.map(\.range) == result.spans)
        #expect(result.outcome.findings.map(\.entity) == c.entities)
    }

    @Test func theURLAndTheEmailInsideItBothMatchAlone() throws {
        // Guard for the overlap case above: each rule on its own does match its part.
        let text = Array("see https://portal.example.com/contact/jane.roe@example.com for details".utf8)
        let rules = try RulePacks.load()
        for id in ["url", "email"] {
            let rule = try #require(rules.first { $0.id == id })
            let found = LineScanner(ruleSet: try RuleSet(rules: [rule])).scan(text)
            #expect(found.count == 1, "\(id) alone: \(found.map(\.brief))")
        }
    }

    static func rule(_ id: String, _ entity: String, _ pattern: String, confidence: Double = 0.8, priority: Int = 0)
        -> Rule {
        Rule(id: id, entity: entity, category: .otherUnique, pattern: pattern, maxLength: 40, confidence: confidence,
             priority: priority)
    }

    @Test func longerSpanWinsOverAnEarlierShorterOne() throws {
        // The short match starts first; leftmost-first across rules would keep it. The longer span must win, and
        // the short one keeps the part the long one leaves ("AB"), so none of its letters stays in clear.
        let set = try RuleSet(rules: [
            Self.rule("short", "SHORT", "[A-Z]{2}[0-9]{2}", confidence: 1.0, priority: 100),
            Self.rule("long", "LONG", "[0-9]{2}-[0-9]{4}-[0-9]{4}", confidence: 0.5),
        ])
        let verifier = StandardVerifier(ruleSet: set)
        let result = try #require(verifier.verify(marked: "ref ⟦AB⟧⟦12-3456-7890⟧ end"))
        #expect(result.outcome.findings.map(\.range) == result.spans)
        #expect(result.outcome.findings.map(\.entity) == ["SHORT", "LONG"])
    }

    @Test func aPartlyCoveredSpanKeepsOnlyPartsWithLettersOrDigits() throws {
        // "(Z)" left of the long span holds a letter: kept, trimmed to "Z". "--" right of it holds none: dropped.
        // A span inside the long one leaves nothing.
        let set = try RuleSet(rules: [
            Self.rule("left", "LEFT", "\\(Z\\) [0-9]{2}"),
            Self.rule("long", "LONG", "[0-9]{2}-[0-9]{4}-[0-9]{4}", confidence: 0.5),
            Self.rule("right", "RIGHT", "[0-9]{4}--"),
            Self.rule("inner", "INNER", "3456"),
        ])
        let result = try #require(StandardVerifier(ruleSet: set).verify(marked: "ref (⟦Z⟧) ⟦12-3456-7890⟧-- end"))
        #expect(result.outcome.findings.map(\.range) == result.spans)
        #expect(result.outcome.findings.map(\.entity) == ["LEFT", "LONG"])
    }

    @Test func longerSpanWinsWhateverTheRuleOrder() throws {
        let short = Self.rule("short", "SHORT", "[0-9]{3}-[0-9]{4}", confidence: 1.0, priority: 100)
        let long = Self.rule("long", "LONG", "[0-9]{3}-[0-9]{3}-[0-9]{4}", confidence: 0.5)
        for order in [[short, long], [long, short]] {
            let result = try #require(StandardVerifier(ruleSet: try RuleSet(rules: order)).verify(marked: "x ⟦201-555-0142⟧ y"))
            #expect(result.outcome.findings.map(\.entity) == ["LONG"])
            #expect(result.outcome.findings.map(\.range) == result.spans)
        }
    }

    @Test func equalSpansGoToHigherConfidenceThenPriority() throws {
        let a = Self.rule("a", "A", "[0-9]{6}", confidence: 0.6, priority: 5)
        let b = Self.rule("b", "B", "[0-9]{6}", confidence: 0.9, priority: 0)
        var result = try #require(StandardVerifier(ruleSet: try RuleSet(rules: [a, b])).verify(marked: "n ⟦123456⟧"))
        #expect(result.outcome.findings.map(\.entity) == ["B"])

        let c = Self.rule("c", "C", "[0-9]{6}", confidence: 0.7, priority: 1)
        let d = Self.rule("d", "D", "[0-9]{6}", confidence: 0.7, priority: 9)
        result = try #require(StandardVerifier(ruleSet: try RuleSet(rules: [c, d])).verify(marked: "n ⟦123456⟧"))
        #expect(result.outcome.findings.map(\.entity) == ["D"])
    }

    @Test func nonOverlappingMatchesOfDifferentRulesAreAllKept() throws {
        let set = try RuleSet(rules: [
            Self.rule("x", "X", "X[0-9]{3}"),
            Self.rule("y", "Y", "Y[0-9]{3}"),
        ])
        let result = try #require(StandardVerifier(ruleSet: set).verify(marked: "⟦X123⟧⟦Y456⟧ ⟦X789⟧"))
        #expect(result.outcome.findings.map(\.range) == result.spans)
        #expect(result.outcome.findings.map(\.entity) == ["X", "Y", "X"])
    }
}

@Suite("Non-ASCII input")
struct FullwidthTests {
    static let cases: [ScanCase] = [
        ScanCase("ＳＳＮ ⟦３６５－９４－０４７５⟧", "SSN"),
        ScanCase("SSN ⟦３６５-９４-０４７５⟧ (fullwidth digits)", "SSN"),
        ScanCase("DOB： ⟦０７/０４/１９５８⟧", "DATE"),
        ScanCase("Patient：⟦Orla Vestergaard⟧ — café visit, phone ⟦(３１２) ５５５-０１３４⟧", "NAME", "PHONE"),
        ScanCase("naïve note: ⟦m.quennel@example.com⟧ ✓", "EMAIL"),
        // Look-alike letters of other scripts inside Latin words and numbers (Cyrillic о and З, Greek Ο).
        ScanCase("Patient: ⟦J\u{043E}hn Smith⟧, SSN ⟦5\u{0417}6-22-8141⟧", "NAME", "SSN"),
        ScanCase("PATIENT: ⟦MARIA L\u{039F}PEZ⟧", "NAME"),
        // Names in fullwidth or mathematical letters, and a combining accent inside a name.
        ScanCase("Patient: ⟦ＪＯＨＮ ＳＭＩＴＨ⟧, ⟦Ｊｏｈｎ Ｓｍｉｔｈ⟧", "NAME", "NAME"),
        ScanCase("Dear ⟦𝐉𝐨𝐡𝐧⟧,", "NAME"),
        ScanCase("Patient: ⟦Jo\u{0301}hn Smith⟧", "NAME"),
        // JSON escapes of a serializer that escapes everything outside ASCII, in a line read as text.
        ScanCase(#"{"msg": "Patient ⟦Jos\u00e9 Hern\u00e1ndez⟧ called from ⟦617-555-0142⟧"}"#, "NAME", "PHONE"),
        ScanCase(#"{"note": "SSN ⟦\u0035\u0033\u0036-22-8141⟧", "by": "Spoke with ⟦Bj\u00f6rn \u00c5str\u00f6m⟧"}"#,
                 "SSN", "NAME"),
        // Query strings and HTML read with their escapes decoded (the seeded benchmark log writes these).
        ScanCase(#""GET /lookup?phone=⟦213%20555%200171⟧&dob=⟦10%2F13%2F1951⟧&email=⟦rosmund72%40mail.example.com⟧ HTTP/1.1""#,
                 "PHONE", "DATE", "EMAIL"),
        ScanCase(#""POST /lookup?patient_name=⟦Wrenna%20Saltmarsh⟧ HTTP/1.1" 404"#, "NAME"),
        ScanCase("GET /search?name=⟦Jos%C3%A9+Hern%C3%A1ndez⟧&device_mac=⟦23%3A82%3A7d%3Af6%3A9b%3A20⟧", "NAME", "MAC_ADDRESS"),
        ScanCase("<td>Patient: ⟦Jos&eacute; Hern&aacute;ndez⟧</td><td>SSN ⟦536&#8209;22&#8209;8141⟧</td>", "NAME", "SSN"),
        // An em dash stays punctuation for the name detector, whatever else the line holds.
        ScanCase("Dear ⟦Maria⟧\u{2014}thanks, call ⟦(３１２) ５５５-０１３４⟧", "NAME", "PHONE"),
    ]

    @Test("fullwidth and other non-ASCII text maps back to the original bytes", arguments: cases)
    func mapsBack(_ c: ScanCase) throws {
        let result = try #require(StandardVerifier.standard.verify(marked: c.marked))
        #expect(result.outcome.findings.map(\.range) == result.spans, "\(c.marked): \(result.outcome.findings.map(\.brief))")
        #expect(result.outcome.findings.map(\.entity) == c.entities)
        let (bytes, _) = RuleExamples.stripMarkers(c.marked)
        #expect(result.outcome.redacted == Splice.redact(bytes, result.outcome.findings))
    }

    @Test func fullwidthSSNIsReplacedByteForByte() throws {
        let input = Array("ＳＳＮ ３６５－９４－０４７５\n".utf8)
        let outcome = try StandardVerifier.standard.run(input)
        #expect(outcome.findings.count == 1)
        let f = try #require(outcome.findings.first)
        // "ＳＳＮ " is 3 fullwidth letters (9 bytes) and a space; the number is 11 fullwidth characters (33 bytes).
        #expect(f.start == 10 && f.end == 43)
        #expect(f.entity == "SSN")
        #expect(outcome.redacted == Array("ＳＳＮ [SSN]\n".utf8))
    }
}

@Suite("Prefilter soundness")
struct PrefilterSoundnessTests {
    /// Every line the tests know: corpus sentences, rule examples, stream cases split into lines.
    static func lines() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        out += ScanCorpus.positives.map { RuleExamples.stripMarkers($0.marked).bytes }
        out += ScanCorpus.negatives.map { Array($0.text.utf8) }
        out += ScanCorpus.overlaps.map { RuleExamples.stripMarkers($0.marked).bytes }
        out += FullwidthTests.cases.map { RuleExamples.stripMarkers($0.marked).bytes }
        for rule in try RulePacks.load() {
            out += (rule.matchExamples + rule.nomatchExamples).map { RuleExamples.stripMarkers($0).bytes }
        }
        for c in StreamCorpus.cases + StreamCorpus.gluedANSI {
            out += c.bytes.split(separator: 0x0A, omittingEmptySubsequences: true).map(Array.init)
        }
        return out
    }

    /// DESIGN.md: "for every rule and line, prefilter(rule, line) is true whenever the rule matches the line, or it
    /// silently drops PHI". Each default rule alone, with its trigger, must find everything the same rule finds with
    /// no prefilter at all.
    @Test func aTriggerNeverDropsAMatchTheRuleWouldReport() throws {
        let lines = try Self.lines()
        for rule in try RulePacks.load() {
            var bare = rule
            bare.trigger = .always
            let withTrigger = LineScanner(ruleSet: try RuleSet(rules: [rule]))
            let without = LineScanner(ruleSet: try RuleSet(rules: [bare]))
            for line in lines {
                let a = withTrigger.scan(line), b = without.scan(line)
                #expect(Set(b).isSubset(of: Set(a)), "\(rule.id) on '\(String(decoding: line, as: UTF8.self))': with trigger \(a.map(\.brief)), without \(b.map(\.brief))")
            }
        }
    }

    /// A DEA number whose second character is the digit 9 (allowed by the pattern and the validator) has one letter
    /// and eight digits, but the rule's trigger demands `run_letters: 2, run_digits: 7`, so the claim check drops
    /// every such match.
    @Test func deaNumberWithNineAsSecondCharacter() throws {
        for marked in ["DEA no. ⟦F92917031⟧", "prescriber ⟦A91234563⟧"] {
            let result = try #require(StandardVerifier.standard.verify(marked: marked))
            #expect(result.outcome.findings.map(\.range) == result.spans, "\(marked)")
            #expect(result.outcome.findings.map(\.entity) == ["DEA"])
        }
        let dea = try #require(try RulePacks.load().first { $0.id == "dea" })
        #expect(ValidatorKind.dea.validate("F92917031"))
        #expect(LineScanner(ruleSet: try RuleSet(rules: [dea])).scan(Array("DEA F92917031".utf8)).count == 1)
    }
}

@Suite("Prefilter soundness: random lines")
struct PrefilterFuzzTests {
    /// Random lines of digit runs, letters, trigger keywords and context words in random case, known PHI values and
    /// fullwidth digits, joined by separators: the default rules with their prefilters must report everything the
    /// same rules report with no prefilter. Guards the feature pass, the keyword index and the trigger claims.
    /// Rules left out of the comparison because of a known, separately tested bug (none now: `mbi` was left out
    /// until its dashed-run bound was widened, see `mbiNextToADash`).
    static let knownBugs: Set<String> = []

    static func compare(lines count: Int, seed: UInt64, excluding excluded: Set<String>) throws -> [String] {
        let all = try RulePacks.load()
        let rules = all.filter { !excluded.contains($0.id) }
        let bare = rules.map { rule -> Rule in
            var b = rule
            b.trigger = .always
            return b
        }
        let fast = LineScanner(ruleSet: try RuleSet(rules: rules))
        let slow = LineScanner(ruleSet: try RuleSet(rules: bare))
        var words: [String] = []
        for r in all { words += r.trigger.keywords + r.contextWords }
        let values = ScanCorpus.positives.flatMap { c -> [String] in
            let (bytes, spans) = RuleExamples.stripMarkers(c.marked)
            return spans.map { String(decoding: bytes[$0], as: UTF8.self) }
        }
        let separators = ["-", ".", " ", "/", "(", ")", "+", ", ", " ", " ", "#", "=", "\"", "@", "\t", ": ", " - "]
        var rng = SplitMix64(seed: seed)
        func pick(_ a: [String]) -> String { a[Int.random(in: 0..<a.count, using: &rng)] }
        func run(_ alphabet: String, _ n: ClosedRange<Int>) -> String {
            let chars = Array(alphabet)
            return String((0..<Int.random(in: n, using: &rng)).map { _ in chars[Int.random(in: 0..<chars.count, using: &rng)] })
        }
        var problems: [String] = []
        for _ in 0..<count {
            var line = ""
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                line += pick(separators)
                switch Int.random(in: 0..<7, using: &rng) {
                case 0: line += run("0123456789", 1...11)
                case 1: let w = pick(words); line += Bool.random(using: &rng) ? w.uppercased() : w
                case 2, 3: line += pick(values)
                case 4: line += run("ABCDEFGHJKLMNPRSTUVWXYZabcdefx", 1...7)
                case 5: line += run("０１２３４５６７８９－", 1...10)
                default: line += " "
                }
            }
            let bytes = Array(line.utf8)
            // Soundness: everything the rules report without prefilters is reported with them. (With prefilters the
            // engine may find more: a rule run from each keyword hit can find a match that overlaps the previous
            // match's label, which one left-to-right pass skips. Such an extra match may win the overlap against the
            // finding the pass without prefilters reports, so that finding counts as reported when a finding with
            // prefilters covers its span: see `anchoredRunsAgreeWithOneLeftToRightPass`.)
            let a = fast.scan(bytes), b = slow.scan(bytes)
            let found = Set(a)
            let lost = b.filter { f in !found.contains(f) && !a.contains { $0.start <= f.start && f.end <= $0.end } }
            if !lost.isEmpty {
                problems.append("'\(line)': with prefilters \(a.map(\.brief)), without \(b.map(\.brief))")
            }
        }
        return problems
    }

    @Test func prefiltersNeverChangeTheFindings() throws {
        let problems = try Self.compare(lines: 20_000, seed: 0xF0F0_1234, excluding: Self.knownBugs)
        #expect(problems.isEmpty, "\(problems.count) lines differ, e.g. \(problems.prefix(5))")
    }

    @Test func prefiltersNeverChangeTheFindingsIncludingKnownBugs() throws {
        let problems = try Self.compare(lines: 20_000, seed: 0xF0F0_1234, excluding: [])
        #expect(problems.isEmpty, "\(problems.count) lines differ, e.g. \(problems.prefix(5))")
    }

    /// An anchored keyword rule is tried at every hit of its keywords, so it can find a match whose label lies inside
    /// its own previous match, which one left-to-right pass (the same rule without a prefilter) skips. In
    /// 'CERT"AT4236673-CERT/MR4650758' the first licence match ends after the second 'CERT'; tried from that 'CERT'
    /// the rule also labels MR4650758 a licence, which then wins the span from the DEA finding the left-to-right pass
    /// reports. Nothing is left in clear (the span is reported either way), but the findings differ.
    @Test(.disabled("intended difference: anchored rules are tried at every keyword hit, also inside their own previous match. Skipping those hits (one left-to-right pass) loses PHI: in 'Name: Rosmund Rookwood, Name: Brisca Ironwick' the first match runs through ', Name' and the second name is then never tried. An extra match may take a span from another rule; nothing is left in clear"))
    func anchoredRunsAgreeWithOneLeftToRightPass() throws {
        let line = Array("x CERT\"AT4236673-CERT/MR4650758 y".utf8)
        let rules = try RulePacks.load()
        let bare = rules.map { rule -> Rule in
            var b = rule
            b.trigger = .always
            return b
        }
        let fast = LineScanner(ruleSet: try RuleSet(rules: rules)).scan(line)
        let slow = LineScanner(ruleSet: try RuleSet(rules: bare)).scan(line)
        #expect(fast == slow, "with prefilters \(fast.map(\.brief)), without \(slow.map(\.brief))")
    }

    /// The MBI pattern (`\b...\b`) and validator accept an MBI with a dash before or after it, and the engine at
    /// 50e6cee reported it; the tighter dashed-run trigger claim of the later prefilter rejects the whole dashed run,
    /// so the value passes in clear.
    @Test func mbiNextToADash() throws {
        for marked in ["ref=mbi-⟦4VP2-W90-VM14⟧ on file", "ids ⟦4VP2-W90-VM14⟧-464", "MBI-⟦9P92-P43-WW85⟧",
                       "- -⟦4VP2-W90-VM14⟧-00-1B-44-11-3A-B7-HfWS"] {
            let result = try #require(StandardVerifier.standard.verify(marked: marked))
            #expect(result.outcome.findings.map(\.range) == result.spans, "\(marked): \(result.outcome.findings.map(\.brief))")
        }
    }

    /// Labels that each rule's own pattern accepts but its trigger keywords (whole-word, exact spacing) do not
    /// cover, so the rule never runs on the line and the value passes in clear.
    static let labelVariants: [ScanCase] = [
        ScanCase("Beneficiary no: ⟦8812-AB-3301⟧", "HEALTH_PLAN"),
        ScanCase("Policy num ⟦55012-8812⟧", "HEALTH_PLAN"),
        ScanCase("Subscriber# ⟦ZQW819204477⟧", "HEALTH_PLAN"),
        ScanCase("insurance# ⟦HP-2048813⟧", "HEALTH_PLAN"),
        ScanCase("medicare# ⟦77120⟧", "HEALTH_PLAN"),
        ScanCase("macaddr=⟦3C:22:FB:7A:10:9E⟧", "MAC_ADDRESS"),
        ScanCase("MACAddress: ⟦3C:22:FB:7A:10:9E⟧", "MAC_ADDRESS"),
        ScanCase(#""next_of_kin": "⟦Teodor Albescu⟧""#, "NAME"),
        ScanCase("legalname: ⟦Teodor Albescu⟧", "NAME"),
        ScanCase("emrid: ⟦55310072⟧", "MRN"),
        ScanCase("pt-id: ⟦55310072⟧", "MRN"),
        ScanCase("Patient\tID: ⟦55310072⟧", "MRN"),
        ScanCase("acctno ⟦7720018834⟧", "ACCOUNT"),
        ScanCase("a ⟦92⟧yo woman", "AGE"),
        ScanCase("⟦91⟧y/o F", "AGE"),
        ScanCase("⟦95⟧y.o. male", "AGE"),
        ScanCase("SSN⟦402198877⟧", "SSN"),
    ]

    /// Guard for the table below: with no prefilter, each rule's pattern does accept these lines.
    @Test func labelVariantsThePatternsAccept() throws {
        let bare = try RulePacks.load().map { rule -> Rule in
            var b = rule
            b.trigger = .always
            return b
        }
        let verifier = StandardVerifier(ruleSet: try RuleSet(rules: bare))
        for c in Self.labelVariants {
            let result = try #require(verifier.verify(marked: c.marked, cutProbes: nil))
            #expect(result.outcome.findings.map(\.range) == result.spans, "\(c.marked): \(result.outcome.findings.map(\.brief))")
            #expect(result.outcome.findings.map(\.entity) == c.entities, "\(c.marked)")
        }
    }

    @Test(arguments: labelVariants)
    func labelVariantsAreFound(_ c: ScanCase) throws {
        let result = try #require(StandardVerifier.standard.verify(marked: c.marked, cutProbes: nil))
        #expect(result.outcome.findings.map(\.range) == result.spans, "\(c.marked): \(result.outcome.findings.map(\.brief))")
        #expect(result.outcome.findings.map(\.entity) == c.entities)
    }
}

/// Regression: every keyword hit of an anchored rule is tried, so a match that runs on through the next label
/// (`..., Name`) does not hide the value after that label.
@Test func twoLabelledNamesOnOneLineAreBothFound() throws {
    let scanner = LineScanner(ruleSet: try RuleSet.loadDefault())
    let text = Array("intake updated: Name: Rosmund Rookwood, Name: Brisca Ironwick".utf8)
    let names = scanner.scan(text).filter { $0.entity == "NAME" }
    for value in ["Rosmund Rookwood", "Brisca Ironwick"] {
        let range = try #require(text.firstRange(of: Array(value.utf8)))
        #expect(names.contains { $0.start <= range.lowerBound && $0.end >= range.upperBound }, "\(value) not covered")
    }
}
