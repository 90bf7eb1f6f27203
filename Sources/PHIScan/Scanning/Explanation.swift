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
    /// The rule has an `allow` list and the value was looked up in it and not found (false: the rule has none).
    public var allowListChecked = false
    /// For a detector rule: what made the span a name (`cue: my name is`, `dictionary: given name and surname`,
    /// `roster name`). Absent for pattern rules.
    public var detector: String?
    /// For a field rule: which of the rule's keys the value stood under (`ssn` for `patient_ssn=`), as the pack
    /// spells it, never text from the input (a key written in the input could hold a name). Absent for other rules.
    public var fieldKey: String?
    /// Bytes between the span and the nearest context word found (or, with none, the nearest negative context
    /// word); nil when no word was found. A count, never text.
    public var contextDistance: Int?
}

/// The explanations a `LineScanner` recorded for the findings of the line (or line piece) it scanned last, by
/// absolute start offset: written where each finding is decided (`LineEngine.accept`, `runDetectors`), read by
/// the findings printer before the next scan. Only a scanner given one records (`LineScanner.explanations`), so a
/// scan without `--explain` pays for none of it. Not thread-safe, like the scanner that fills it.
public final class ExplanationLog {
    public internal(set) var byStart: [Int: FindingExplanation] = [:]
    public init() {}
}

/// Which key of a field rule a keyword of its trigger spells: the longest key whose letters and digits end the
/// keyword's (case-insensitively), as the pack spells it. Worked out once per rule set from the pack, never from
/// the input (a key written in the input could hold a name).
enum FieldKey {
    /// A rule's keys with their folded letters and digits, prepared once per rule set (folding every key again for
    /// every keyword that triggers the rule cost 100 M instructions at start-up, mostly in the rule example checks).
    typealias Prepared = [(folded: [UInt8], key: String)]

    static func prepare(_ keys: [String]) -> Prepared { keys.map { (folded(Array($0.utf8)), $0) } }

    /// The key that a keyword (folded) spells; of keys equally long, the first.
    static func spelled(byFolded written: [UInt8], keys: Prepared) -> String? {
        var best: String?
        for (k, key) in keys where written.count >= k.count && written.suffix(k.count).elementsEqual(k) {
            if best == nil || key.count > best!.count { best = key }
        }
        return best
    }

    /// Letters and digits, lower case: `patient_SSN` and `patient ssn` both give `patientssn`.
    static func folded(_ bytes: [UInt8]) -> [UInt8] {
        bytes.filter(ByteClass.isAlnum).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }
}
