/// Checks each rule against its own `examples`: every `match` text yields a finding of the rule (at the marked
/// span when the text marks one with `⟦` and `⟧`), every `nomatch` text yields none. The rule is run alone, with
/// its prefilter, validator and claims, exactly as the scanner runs it (on PCRE2's interpreter, which finds the same
/// matches as the JIT: compiling every pattern for a few short texts cost more than the check).
public enum RuleExamples {
    /// Markers for an expected span inside an example.
    public static let open = "⟦", close = "⟧"

    /// Returns a diagnostic per failing example (never containing the example text beyond what the pack shows).
    /// `checkTriggers` picks the rules whose anchored keyword triggers are checked against their patterns
    /// (`TriggerCheck`); by default all.
    public static func check(_ rules: [Rule], checkTriggers: (Rule) -> Bool = { _ in true }) -> [RuleDiagnostic] {
        var problems: [RuleDiagnostic] = []
        for rule in rules {
            let set: RuleSet
            do { set = try RuleSet(rules: [rule]) } catch {
                problems.append(contentsOf: error.diagnostics)
                continue
            }
            if checkTriggers(rule) { problems.append(contentsOf: set.rules.flatMap(TriggerCheck.problems)) }
            let scanner = LineScanner(interpreting: set)
            for (i, example) in rule.matchExamples.enumerated() {
                let (text, spans) = stripMarkers(example)
                let found = scanner.scan(text).filter { $0.ruleID == rule.id }
                if found.isEmpty {
                    problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id,
                                                   message: "match example \(i + 1) is not matched"))
                } else if !spans.isEmpty && found.map({ $0.start..<$0.end }) != spans {
                    problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id,
                        message: "match example \(i + 1): found spans \(found.map { "\($0.start)..<\($0.end)" }) but marked \(spans.map { "\($0)" })"))
                }
            }
            for (i, example) in rule.nomatchExamples.enumerated() {
                let (text, _) = stripMarkers(example)
                if !scanner.scan(text).filter({ $0.ruleID == rule.id }).isEmpty {
                    problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id,
                                                   message: "nomatch example \(i + 1) is matched"))
                }
            }
        }
        return problems
    }

    /// Removes `⟦`/`⟧` markers, returning the bytes and the marked byte ranges. Works on the UTF-8 bytes: every
    /// start-up checks hundreds of examples, and a walk over Characters cost more than running them.
    public static func stripMarkers(_ marked: String) -> (bytes: [UInt8], spans: [Range<Int>]) {
        // ⟦ is E2 9F A6 and ⟧ is E2 9F A7 in UTF-8; no other character has those three bytes in a row.
        var out: [UInt8] = []
        var spans: [Range<Int>] = []
        var openAt: Int?
        let bytes = Array(marked.utf8)
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x9F {
                if bytes[i + 2] == 0xA6 {
                    openAt = out.count
                    i += 3
                    continue
                }
                // A closing marker without an opening one stays text.
                if bytes[i + 2] == 0xA7, let s = openAt {
                    spans.append(s..<out.count)
                    openAt = nil
                    i += 3
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return (out, spans)
    }
}
