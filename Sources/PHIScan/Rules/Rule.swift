/// A detection rule as declared in a rule pack, before compilation.
public struct Rule: Sendable, Hashable {
    /// Unique id within the loaded rule set, e.g. `ssn-formatted`.
    public var id: String
    /// Entity type reported in findings and used for the replacement token, e.g. `SSN`.
    public var entity: String
    /// HIPAA Safe Harbor category the entity belongs to.
    public var category: SafeHarborCategory
    /// PCRE2 pattern (byte mode, ASCII classes). Must be bounded and unable to match a newline.
    public var pattern: String
    /// Capture group whose span is the PHI (0 = the whole match). Lets a keyword lead the pattern without being redacted.
    public var group: Int
    /// Declared upper bound on the length of a match, in bytes; checked against the pattern at load.
    public var maxLength: Int
    /// Check applied to the span; a span that fails it is not reported as this entity.
    public var validator: ValidatorKind?
    /// Cheap per-line condition that must hold for the rule to be tried on a line (see `Trigger`).
    public var trigger: Trigger
    /// Words that raise confidence when they occur, whole-word and case-insensitive, near the span.
    public var contextWords: [String]
    /// How many bytes before and after the span are searched for context words.
    public var contextWindow: Int
    /// Added to the confidence when a context word is present.
    public var contextBoost: Double
    /// Words that lower confidence when they occur, whole-word and case-insensitive, in the window *before* the span
    /// (`isbn` before a Luhn-valid number, `postgres` before a server address). They count only when no `context`
    /// word is present: positive evidence wins.
    public var negativeContext: [String]
    /// Subtracted from the confidence when a negative context word is present; a match whose confidence falls to 0
    /// or below is not reported.
    public var contextPenalty: Double
    /// Values this rule never reports (compared with the whole span, ASCII case-insensitive): a site's test
    /// numbers, its own switchboard, a drug named like a person.
    public var allow: [String]
    /// Values this rule always reports wherever they stand as whole words (a site's known patient names): matched
    /// by the keyword pass, a multi-pattern literal search, as a rule of their own (`<id>.deny`).
    public var deny: [String]
    /// This rule was built from another rule's `deny` values (its pattern is their alternation).
    public var isDenyList = false
    /// A built-in detector finds this rule's spans; its `pattern` is empty and never run.
    public var detector: DetectorSpec?
    /// The keys of a rule declared with `field:` (its pattern and trigger were derived from them); empty otherwise.
    public var fieldKeys: [String] = []
    /// The `field.prefixes` of such a rule (words that glue to a key: `patientCity`), lower case.
    public var fieldPrefixes: [String] = []
    /// The `field.not_after` of such a rule (words that change a key's meaning before it: `ip_address`), lower case.
    public var fieldNotAfter: [String] = []
    /// The value shape of a rule declared with `field:` (its pattern's group 1), nil otherwise: a field label alone on
    /// its line ("Phone:") makes the next line a value of that shape (`PersonNameDetector`, label lines).
    public var fieldValue: String?
    /// The rule was declared with `field:`.
    public var isField: Bool { !fieldKeys.isEmpty }
    /// For a rule declared with `hl7:`, the fields (ascending) of the HL7 v2 segment its pattern finds the name of
    /// (`PID|`): each field's value is a finding, not the match (`HL7Field`). Empty otherwise.
    public var hl7Fields: [Int] = []
    /// Which runs load the rule: every run, or only those that ask for low-confidence candidates.
    public var tier: RuleTier = .standard
    /// What operators need to know about the rule's entity (the pack key `traits`); nil when this rule declares
    /// none (another rule of its entity may). See `EntityTraits`.
    public var traits: EntityTraits?
    /// Confidence of a validated match without context.
    public var confidence: Double
    /// Tie-breaker when two findings have the same span length and confidence (higher wins).
    public var priority: Int
    /// Texts the rule must find something in; a `⟦...⟧` pair marks the exact span expected.
    public var matchExamples: [String]
    /// Texts in which the rule must find nothing.
    public var nomatchExamples: [String]
    /// Where the rule was declared, for diagnostics.
    public var source: SourceLocation

    public init(
        id: String, entity: String, category: SafeHarborCategory, pattern: String, group: Int = 0,
        maxLength: Int, validator: ValidatorKind? = nil, trigger: Trigger = .always,
        contextWords: [String] = [], contextWindow: Int = 48, contextBoost: Double = 0.1,
        negativeContext: [String] = [], contextPenalty: Double = 1.0, allow: [String] = [], deny: [String] = [],
        confidence: Double = 0.8, priority: Int = 0, matchExamples: [String] = [], nomatchExamples: [String] = [],
        source: SourceLocation = SourceLocation(file: "<inline>", line: 0)
    ) {
        self.id = id
        self.entity = entity
        self.category = category
        self.pattern = pattern
        self.group = group
        self.maxLength = maxLength
        self.validator = validator
        self.trigger = trigger
        self.contextWords = contextWords
        self.contextWindow = contextWindow
        self.contextBoost = contextBoost
        self.negativeContext = negativeContext
        self.contextPenalty = contextPenalty
        self.allow = allow
        self.deny = deny
        self.confidence = confidence
        self.priority = priority
        self.matchExamples = matchExamples
        self.nomatchExamples = nomatchExamples
        self.source = source
    }
}

/// A file and line, for error messages.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
    public var description: String { "\(file):\(line)" }
}

/// The prefilter of a rule: a cheap property of a line that is true whenever the rule can report a finding on it.
///
/// Each trigger is also a *claim* the engine checks on every match (`TriggerClaim`): a match that does not have
/// the property is dropped. That makes the prefilter exact by construction: a rule can only report spans whose
/// line passes its trigger, so skipping lines that fail it never loses a finding.
/// Several conditions in one trigger are alternatives (any one suffices).
public struct Trigger: Sendable, Hashable {
    /// A run of digits and single/double separators (`-`, `.`, space, `/`, `(`, `)`, `+`) holding at least this
    /// many digits. A digit group directly followed by `:` and a digit (a time of day) does not count.
    public var digits: Int?
    /// A run of digits and separators holding at least this many dots (dotted quads).
    public var dots: Int?
    /// With `digits`: the run (and the match) must also hold one of these separator bytes, e.g. `/` for dates.
    public var separators: [UInt8]
    /// With `digits`: the match's digit groups (the first and last taken whole, as they stand in the line) must
    /// be one of these length sequences, e.g. `[3, 2, 4]` for an SSN; the run must hold it consecutively.
    public var groups: [[Int]]
    /// With `digits`: a match may run up to this many bytes past its numeric run, e.g. a phone number's extension
    /// (`345-899-3560x4587`, `... ext. 562`). The claim is checked on the match up to its first byte after a digit
    /// that is neither a digit nor a separator; 0 (the default) lets a match read two bytes past the run.
    /// With `alnum_run`: the match starts with such a run and may go on for this many bytes past it (an IBAN in
    /// groups of four, `DE89 3704 0044 0532 0130 00`, opens with the run `DE89`); the claim is checked on the
    /// match's first token.
    public var after: Int = 0
    /// Whole-word keywords (ASCII); any one on the line fires the rule. Case-insensitive unless
    /// `caseSensitive` is set (useful for titles such as `Ms` that collide with units like `12 ms`).
    public var keywords: [String]
    /// Keywords must match with the case given.
    public var caseSensitive: Bool
    /// The match starts where a keyword starts: the rule is tried only there, anchored, instead of over the whole
    /// line (for patterns led by their keyword, such as `DOB: <date>`).
    public var anchored: Bool
    /// Bytes of which any one on the line fires the rule (e.g. `@`).
    public var bytes: [UInt8]
    /// With `bytes` or (not anchored) `keywords`: every match holds one of the bytes, or starts one of the keywords,
    /// at most this many bytes after the match's start (an e-mail address's `@` comes after at most 64 bytes; a
    /// street line's suffix lies inside it), so the rule runs only in windows ending at each such byte or keyword,
    /// not over the whole line. A wrong value loses matches: the prefilter soundness tests check the shipped rules.
    public var before: Int?
    /// A maximal run of ASCII letters and digits of exactly one of these lengths.
    public var alnumRun: [Int]
    /// A run of letters and digits joined by single dashes holding at least this many letters and digits.
    public var dashedAlnum: Int?
    /// With `dashedAlnum`: the whole dashed run around the match holds at most this many letters and digits.
    public var dashedAlnumMax: Int?
    /// With `alnumRun`/`dashedAlnum`: the run (and the match) must hold at least this many letters.
    public var runLetters: Int
    /// With `alnumRun`/`dashedAlnum`: the run (and the match) must hold at least this many digits.
    public var runDigits: Int
    /// With `alnumRun`/`dashedAlnum`: the run (and the match) must hold at least this many upper-case letters.
    public var runUpper: Int
    /// A run of hex digits and colons holding `::` or seven or more colons (IPv6).
    public var hexColon: Bool
    /// A line that opens (after any spaces, tabs, `>` and `?`) with a number of 1 to 6 digits, one space and a
    /// letter: the rule is tried anchored where that number starts (an address card's street line, `727
    /// Gesterbyntie 68`, whose words no keyword list holds). Implies `anchored`.
    public var lineStartNumber: Bool = false

    public init(digits: Int? = nil, dots: Int? = nil, separators: [UInt8] = [], keywords: [String] = [],
                bytes: [UInt8] = [], alnumRun: [Int] = [], dashedAlnum: Int? = nil, runLetters: Int = 0,
                runDigits: Int = 0, hexColon: Bool = false, caseSensitive: Bool = false) {
        self.digits = digits
        self.separators = separators
        self.groups = []
        self.dashedAlnumMax = nil
        self.runLetters = runLetters
        self.runDigits = runDigits
        self.runUpper = 0
        self.caseSensitive = caseSensitive
        self.anchored = false
        self.dots = dots
        self.keywords = keywords
        self.bytes = bytes
        self.alnumRun = alnumRun
        self.dashedAlnum = dashedAlnum
        self.hexColon = hexColon
    }

    /// No prefilter: the rule runs on every line (correct, slow; for user packs that do not declare one).
    public static let always = Trigger()

    /// True when no condition is set.
    public var isAlways: Bool {
        digits == nil && dots == nil && keywords.isEmpty && bytes.isEmpty && alnumRun.isEmpty
            && dashedAlnum == nil && !hexColon && !lineStartNumber
    }
}

/// When a rule is loaded (the rule pack key `tier`).
public enum RuleTier: String, Sendable, Hashable, CaseIterable {
    /// Every run (the default).
    case standard = "default"
    /// Only runs that ask for candidates (`--candidates`, `RuleSet.load(candidates: true)`): shapes that are PHI
    /// only some of the time, such as a bare nine-digit number, reported at low confidence (rules/candidates.yaml).
    case candidate
}
