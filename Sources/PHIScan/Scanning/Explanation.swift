/// Why a finding was reported: the rule, its validator's verdict, and the context words that moved its confidence.
/// Names rule parts only, never the matched value.
public struct FindingExplanation: Sendable, Hashable, Codable {
    public var rule: String
    public var entity: String
    /// The validator the span passed (`ssn`, `luhn`, ...), or nil when the rule has none.
    public var validator: String?
    /// `passed` or `none` (a span that fails its validator is never reported).
    public var validatorResult: String
    /// The rule's confidence before context.
    public var baseConfidence: Double
    /// Context words found within the rule's window, and the boost they added (0 when none).
    public var contextWords: [String]
    public var contextBoost: Double
    /// Negative context words found before the span, and the penalty they subtracted (0 when none; they count
    /// only when no context word was found).
    public var negativeContextWords: [String]
    public var contextPenalty: Double
    /// Reported confidence.
    public var confidence: Double
    /// The finding came from the rule's `deny` list (a site's known values), not from its pattern.
    public var denyList: Bool
    /// For a detector rule: what made the span a name (`cue: my name is`, `dictionary: given name and surname`,
    /// `roster name`). Absent for pattern rules.
    public var detector: String?
    /// For a field rule: which of the rule's keys the value stood under (`ssn` for `patient_ssn=`), as the pack
    /// spells it, never text from the input (a key written in the input could hold a name). Absent for other rules.
    public var fieldKey: String?
}

extension RuleSet {
    /// Explains `finding` from the bytes of the line (or line piece) it was found in; `lineOffset` is the absolute
    /// offset of `line[0]`. Nil when no rule of this set has the finding's rule id. Off the hot path: meant for
    /// `--explain` and debugging.
    public func explain(_ finding: Finding, line: UnsafeBufferPointer<UInt8>, lineOffset: Int) -> FindingExplanation? {
        guard let index = ruleIndex[finding.ruleID], let p = line.baseAddress else { return nil }
        let rule = rules[index]
        let s = finding.start - lineOffset, e = finding.end - lineOffset
        guard s >= 0, s <= e, e <= line.count else { return nil }
        var masked = Array(line)
        if masked.contains(0x1B) { TerminalEscapes.mask(&masked) }
        return masked.withUnsafeBufferPointer { buf -> FindingExplanation in
            let q = buf.baseAddress ?? p
            let n = buf.count
            let span = s..<e
            var validatorResult = "none"
            if let v = rule.validator {
                validatorResult = v.validate(UnsafeBufferPointer(rebasing: buf[span])) ? "passed" : "failed"
            }
            let found = rule.context.isEmpty ? [] :
                ContextWords.all(rule.context.words, in: q, n, around: span, window: rule.contextWindow)
            let negative = rule.negativeContext.isEmpty || !found.isEmpty ? [] :
                ContextWords.all(rule.negativeContext.words, in: q, n, around: s..<s, window: rule.contextWindow, after: false)
            var explanation = FindingExplanation(
                rule: rule.rule.id, entity: rule.rule.entity, validator: rule.validator?.rawValue,
                validatorResult: validatorResult, baseConfidence: rule.confidence,
                contextWords: found.map { rule.rule.contextWords[$0] },
                contextBoost: found.isEmpty ? 0 : min(1, rule.confidence + rule.contextBoost) - rule.confidence,
                negativeContextWords: negative.map { rule.rule.negativeContext[$0] },
                contextPenalty: negative.isEmpty ? 0 : rule.contextPenalty,
                confidence: finding.confidence, denyList: rule.rule.isDenyList)
            if rule.rule.detector != nil, let names = personNames {
                // The line as the scanner saw it (escapes masked); the detector finds the same span again.
                explanation.detector = names.reason(in: q, n, span: span) ?? "person-name detector"
            }
            if rule.rule.isField {
                explanation.fieldKey = FieldKey.matching(rule.rule.fieldKeys, before: span.lowerBound, in: q)
            }
            return explanation
        }
    }
}

/// Which key of a field rule a value stood under, read back from the bytes before the value.
enum FieldKey {
    /// Skips the separator (quotes, backslashes, spaces, `:` or `=`) before `start`, takes the written key (letters,
    /// digits, `_`, `-`, `.`, at most 64 bytes), and returns the longest of `keys` whose letters and digits end it
    /// (case-insensitively), as the pack spells it.
    static func matching(_ keys: [String], before start: Int, in p: UnsafePointer<UInt8>) -> String? {
        var i = start
        var steps = 0
        while i > 0, steps < 12, [0x22, 0x27, 0x5C, 0x20, 0x09, 0x3A, 0x3D].contains(p[i - 1]) {
            i -= 1
            steps += 1
        }
        let end = i
        while i > 0, end - i < 64, ByteClass.isAlnum(p[i - 1]) || p[i - 1] == 0x5F || p[i - 1] == 0x2D || p[i - 1] == 0x2E {
            i -= 1
        }
        let written = folded(UnsafeBufferPointer(start: p + i, count: end - i))
        return keys.filter { key in
            let k = folded(Array(key.utf8))
            return written.count >= k.count && written.suffix(k.count).elementsEqual(k)
        }.max { $0.count < $1.count }
    }

    /// Letters and digits, lower case: `patient_SSN` and `patient ssn` both give `patientssn`.
    private static func folded<C: Collection<UInt8>>(_ bytes: C) -> [UInt8] {
        bytes.filter(ByteClass.isAlnum).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }
}
