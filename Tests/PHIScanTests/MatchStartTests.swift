import Testing
@testable import PHIScan

/// `MatchStart` (Sources/PHIScan/Rules/MatchStart.swift): what a pattern's opening assertions say about where its
/// matches start, and the dispatch that skips numeric runs in which none can start. Skipping must never change a
/// finding: the reference prefilter asks no start condition, so the two scanners are compared on seeded card-like
/// numbers in every position a lookbehind distinguishes.
@Suite("Match start conditions")
struct MatchStartTests {
    static func bytes(_ set: (UInt8) -> Bool) -> String {
        String(decoding: (0...255).map { UInt8($0) }.filter { $0 >= 0x20 && $0 < 0x7F && set($0) }, as: UTF8.self)
    }

    @Test func theCardRuleStartsWithTwoToSixAfterNoDigitOrHyphen() throws {
        let rule = try #require(TestRules.defaults.rules.first { $0.rule.id == "credit-card" })
        let start = try #require(MatchStart.derive(rule.rule.pattern))
        #expect(Self.bytes(start.mayStart(with:)) == "23456")
        #expect(Self.bytes(start.forbidsStart(after:)) == "-0123456789")
        #expect(start.excludesADigit)
    }

    @Test(arguments: [
        // (pattern, bytes that may start a match, bytes after which none starts); nil: nothing derived.
        ("(?<![0-9])(?=[0-9])(?![01])[0-9]{3}", "23456789" as String?, "0123456789" as String?),
        ("(?=[\\x{35}-9])[0-9]+", "56789", ""),
        ("(?=[]a])[]a]+", "]a", ""),
        // A positive lookbehind: no match starts after a byte its alternatives do not end with.
        ("(?<=x)(?=\\d)(?:a|b)[0-9]", "0123456789", String((0x20..<0x7F).map { Character(UnicodeScalar(UInt8($0))) }.filter { $0 != "x" })),
        ("(?<![0-9][ ])(?<!-)[0-9]+", nil, "-"),
        ("(?=[2-6])[0-9]+|x[0-9]", nil, nil),
        ("(?i)(?=[2-6])[0-9]+", nil, nil),
        ("(?<![0-9][ ])[0-9]+", nil, nil),
        ("(?=\\b)[0-9]+", nil, nil),
        ("(?=\\p{Nd})[0-9]+", nil, nil),
        ("(?=\\-)-[0-9]+", "-", ""),
    ])
    func opening(_ pattern: String, _ first: String?, _ notAfter: String?) throws {
        let start = MatchStart.derive(pattern)
        if first == nil && notAfter == nil {
            #expect(start == nil, "\(pattern)")
            return
        }
        let s = try #require(start, "\(pattern)")
        if let first {
            // A set of all printable bytes reads as unconstrained; "" here means no byte may start a match.
            #expect(Self.bytes(s.mayStart(with:)) == first, "\(pattern)")
        } else {
            #expect((0...255).allSatisfy { s.mayStart(with: UInt8($0)) }, "\(pattern)")
        }
        #expect(Self.bytes(s.forbidsStart(after:)) == (notAfter ?? ""), "\(pattern)")
    }

    /// Scans `lines` with the fast scanner, which asks the start conditions, and the reference one, which asks none;
    /// expects the same findings and returns them with both scanners (for their run counts).
    static func scanBoth(_ lines: [String]) throws -> (findings: [Finding], fast: LineScanner, reference: LineScanner) {
        let bytes = Array(lines.joined(separator: "\n").utf8) + [0x0A]
        let set = TestRules.defaults
        let fastScanner = LineScanner(ruleSet: set), referenceScanner = LineScanner(referencePrefilter: set)
        let fast = try ReferencePrefilterTests.scan(bytes, fastScanner)
        let reference = try ReferencePrefilterTests.scan(bytes, referenceScanner)
        // Compared as a Bool, with the first difference as the message (the arrays hold thousands of findings).
        let firstDifference = zip(fast.findings, reference.findings).first { $0 != $1 }
        let same = fast.findings == reference.findings
        #expect(same, "\(fast.findings.count) vs \(reference.findings.count) findings, first differing: \(String(describing: firstDifference))")
        return (fast.findings, fastScanner, referenceScanner)
    }

    /// A valid card number of `digits` digits starting with `prefix` (Luhn check digit appended).
    static func card(_ prefix: String, _ digits: Int, _ rng: inout SplitMix64) -> String {
        var d = prefix.map { Int(String($0))! }
        while d.count < digits - 1 { d.append(Int.random(in: 0...9, using: &rng)) }
        var sum = 0
        for (i, x) in d.reversed().enumerated() { sum += i % 2 == 0 ? (x * 2 > 9 ? x * 2 - 9 : x * 2) : x }
        d.append((10 - sum % 10) % 10)
        return d.map(String.init).joined()
    }

    /// Cards of every issuer, epoch milliseconds, and numbers of any first digit, glued to each byte a lookbehind
    /// reads, at line starts, after a hyphen, a digit and a space, in ASCII lines (batch walk) and lines with an
    /// accented letter (per-line path): the fast scanner, which asks the card rule's start condition, finds exactly
    /// what the reference finds, and skips most PCRE2 runs of the card rule.
    @Test func skippingRunsChangesNoFinding() throws {
        var rng = SplitMix64(seed: 0xCA4D)
        let prefixes = ["4", "51", "2221", "34", "37", "6011", "65", "36", "3530", "62", "50", "1", "7", "8", "9", "0"]
        let before = ["", " ", "-", "x", ":", "=", "9 ", "1-", "\t", "card ", "ts=", "é ", "(", "1790974429569 "]
        var lines: [String] = []
        for i in 0..<4_000 {
            var line = ""
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let number = Int.random(in: 0..<3, using: &rng) == 0
                    ? "17\(Int.random(in: 10_000_000_000...99_999_999_999, using: &rng))"
                    : Self.card(prefixes[Int.random(in: 0..<prefixes.count, using: &rng)],
                                [13, 15, 16, 19][Int.random(in: 0..<4, using: &rng)], &rng)
                var grouped = number
                if number.count == 16 && Bool.random(using: &rng) {
                    let sep = Bool.random(using: &rng) ? " " : "-"
                    grouped = stride(from: 0, to: 16, by: 4).map { o in
                        String(number.dropFirst(o).prefix(4)) }.joined(separator: sep)
                }
                line += before[Int.random(in: 0..<before.count, using: &rng)] + grouped
            }
            lines.append(i % 7 == 0 ? line + " résumé" : line)
        }
        let (findings, fastScanner, referenceScanner) = try Self.scanBoth(lines)
        let set = TestRules.defaults
        let cards = findings.filter { $0.entity == "CREDIT_CARD" }.count
        #expect(cards > 1_000)
        let rule = try #require(set.rules.firstIndex { $0.rule.id == "credit-card" })
        let fastRuns = fastScanner.counters.runsByRule[rule], referenceRuns = referenceScanner.counters.runsByRule[rule]
        #expect(fastRuns < referenceRuns * 3 / 4, "card rule runs: \(fastRuns) fast, \(referenceRuns) reference")
    }

    /// The rules that take a value only when it is the whole line open with `(?<![^\n])`: every digit may start a
    /// match, but only after a newline (or nothing), so the dispatch turns away every numeric run that does not open
    /// its line.
    @Test func aWholeLineRuleStartsOnlyAtALineStart() throws {
        let rule = try #require(TestRules.defaults.rules.first { $0.rule.id == "ssn-alone" })
        let start = try #require(MatchStart.derive(rule.rule.pattern))
        #expect(start.onlyAtLineStart && start.filtersNumericRuns && !start.excludesADigit)
        #expect((0...255).allSatisfy { start.mayStart(with: UInt8($0)) })
        let cardRule = try #require(TestRules.defaults.rules.first { $0.rule.id == "credit-card" })
        let card = try #require(MatchStart.derive(cardRule.rule.pattern))
        #expect(!card.onlyAtLineStart)
        #expect(MatchStart.derive("(?<![^\\n ])[0-9]{9}")?.onlyAtLineStart == false)
    }

    /// Nine- to twelve-digit numbers alone on their line and after every kind of byte, in ASCII lines (batch walk)
    /// and lines with an accented letter (per-line path): the fast scanner finds exactly what the reference finds,
    /// finds the lone values as wholes, and runs `ssn-alone` only on the runs that open a line.
    @Test func skippingRunsThatDoNotOpenTheirLineChangesNoFinding() throws {
        var rng = SplitMix64(seed: 0x10E)
        let before = ["", "", "", " ", "x", "=", "-", "id ", "\t", "é "]
        var lines: [String] = []
        var alone = 0
        for i in 0..<3_000 {
            let digits = Int.random(in: 9...12, using: &rng)
            var d = ["4"] + (1..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }
            if digits == 9 { (d[3], d[8]) = ("1", "1") }  // an SSN group and serial the SSA rules accept
            let number = d.joined()
            let lead = before[Int.random(in: 0..<before.count, using: &rng)]
            let tail = Int.random(in: 0..<4, using: &rng) == 0 ? " ok" : ""
            if lead.isEmpty && tail.isEmpty && i % 5 != 0 { alone += 1 }
            lines.append(i % 5 == 0 ? lead + number + tail + " résumé" : lead + number + tail)
        }
        let (findings, fastScanner, referenceScanner) = try Self.scanBoth(lines)
        let set = TestRules.defaults
        let lone = Set(["ssn-alone", "itin-alone", "routing-alone", "phone-alone", "account-alone"])
        let found = findings.filter { lone.contains($0.ruleID) }
        // Nine-digit numbers the SSA rules refuse (none here: 4xx areas) aside, every lone value is found whole.
        #expect(found.count == alone, "\(found.count) lone findings, \(alone) lone lines")
        let rule = try #require(set.rules.firstIndex { $0.rule.id == "ssn-alone" })
        let fastRuns = fastScanner.counters.runsByRule[rule], referenceRuns = referenceScanner.counters.runsByRule[rule]
        // A run that a separator opens at the line start (`-`, a space, a tab) is still tried: it starts the line.
        #expect(fastRuns < referenceRuns * 3 / 4, "ssn-alone runs: \(fastRuns) fast, \(referenceRuns) reference")
    }

    /// An opening positive lookbehind is read as the byte sets its alternatives end with; what it cannot read
    /// (a group, a quantified last atom, a newline in a set) says nothing.
    @Test func aPositiveLookbehindIsReadAsTheBytesBeforeAMatch() throws {
        let rule = try #require(TestRules.defaults.rules.first { $0.rule.id == "phone-at-number" })
        let start = try #require(MatchStart.derive(rule.rule.pattern))
        #expect(start.filtersNumericRuns && !start.before.isEmpty)
        // Only a space or a tab ends one of its words ("at ", "call ", "text\t").
        #expect(Self.bytes { !start.forbidsStart(after: $0) } == " ")
        func fits(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { start.fitsBefore($0.baseAddress!, at: bytes.count) }
        }
        #expect(fits("meet at ") && fits("Call\t") && fits("call: ") && fits(" on "))
        #expect(!fits("at ") && !fits("cat") && !fits("id=") && !fits("") && !fits("boat\n"))
        let quantified = try #require(MatchStart.derive("(?<=ab?c|x{2}y)[0-9]+"))
        #expect(quantified.before.count == 2 && quantified.before.map(\.count) == [1, 1])
        for pattern in ["(?<=ab?)[0-9]+", "(?<=(?:a|b)c|d)[0-9]+", "(?<=\\n)[0-9]+", "(?<=[\\s]x|\\Kx)[0-9]+", "(?<=a.)[0-9]+"] {
            #expect(MatchStart.derive(pattern)?.before.isEmpty ?? true, "\(pattern)")
        }
    }

    /// Ten-digit numbers after the words of `phone-at-number`'s lookbehind, after words that only end like them,
    /// at line starts and after other bytes, in batch and per-line lines: the fast scanner, which reads the
    /// lookbehind, finds what the reference finds and runs the rule only where its words come before.
    @Test func skippingRunsWithoutTheWordsBeforeChangesNoFinding() throws {
        var rng = SplitMix64(seed: 0xA7)
        let before = ["", "meet at ", "call ", "Text\t", "reach us on ", "call: ", "cat ", "at ", "id=", "boat ", "x",
                      " at:  ", "CALL ", "ring "]
        var lines: [String] = []
        for i in 0..<3_000 {
            let number = "415555" + String(format: "%04d", Int.random(in: 100...199, using: &rng))
            let lead = before[Int.random(in: 0..<before.count, using: &rng)]
            lines.append(i % 6 == 0 ? lead + number + " résumé" : lead + number + " today")
        }
        let (findings, fastScanner, referenceScanner) = try Self.scanBoth(lines)
        #expect(findings.contains { $0.ruleID == "phone-at-number" })
        let rule = try #require(TestRules.defaults.rules.firstIndex { $0.rule.id == "phone-at-number" })
        let fastRuns = fastScanner.counters.runsByRule[rule], referenceRuns = referenceScanner.counters.runsByRule[rule]
        #expect(fastRuns < referenceRuns * 3 / 4, "phone-at-number runs: \(fastRuns) fast, \(referenceRuns) reference")
    }
}
