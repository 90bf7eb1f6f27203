/// One labelled span of a document: a gold PHI value, a hard negative, or a prediction. Offsets are UTF-8 byte
/// offsets into the document, end exclusive. Never holds the value itself.
public struct LabelledSpan: Sendable, Hashable, Codable {
    /// Index of the document in its corpus (0 for single-text corpora).
    public var doc: Int
    public var start: Int
    public var end: Int
    /// Entity type in phiscrub's names (`SSN`, `PHONE`, ...), after `EntityNames.canonical`.
    public var entity: String

    public init(doc: Int = 0, start: Int, end: Int, entity: String) {
        self.doc = doc
        self.start = start
        self.end = end
        self.entity = entity
    }

    /// True when the two spans are in the same document and share at least one byte.
    public func overlaps(_ other: LabelledSpan) -> Bool {
        doc == other.doc && start < other.end && other.start < end
    }

    /// Number of bytes the two spans share (0 in different documents).
    public func overlapLength(_ other: LabelledSpan) -> Int {
        doc == other.doc ? max(0, min(end, other.end) - max(start, other.start)) : 0
    }
}

/// A look-alike that is not PHI (a log timestamp, a UUID, an ICD-10 code), recorded so the evaluation can say which
/// kinds of negatives were wrongly reported.
public struct HardNegative: Sendable, Hashable {
    public var doc: Int
    public var start: Int
    public var end: Int
    /// What it is, e.g. `uuid`, `ts`, `icd`.
    public var kind: String

    public init(doc: Int = 0, start: Int, end: Int, kind: String) {
        self.doc = doc
        self.start = start
        self.end = end
        self.kind = kind
    }
}

/// A labelled corpus: its documents (bytes) with gold spans and hard negatives.
public struct EvalCorpus: Sendable {
    /// Name shown in reports (usually the file name).
    public var name: String
    public var documents: [[UInt8]]
    public var gold: [LabelledSpan]
    public var negatives: [HardNegative]
    /// Places the corpus labels but does not score (Presidio's GPE: cities, states and countries alike). A CITY
    /// finding on one is neither right nor wrong and is left out of scoring (`EvalReport.unscoredPlaces` counts them).
    public var unscoredPlaces: [LabelledSpan]

    public init(name: String, documents: [[UInt8]], gold: [LabelledSpan], negatives: [HardNegative] = [],
                unscoredPlaces: [LabelledSpan] = []) {
        self.name = name
        self.documents = documents
        self.gold = gold
        self.negatives = negatives
        self.unscoredPlaces = unscoredPlaces
    }
}

/// Maps entity names of other tools onto phiscrub's, so gold and predictions of either kind are compared.
public enum EntityNames {
    /// Presidio's entity types and the phiscrub entity each one corresponds to. Presidio types with no phiscrub
    /// counterpart (GPE, ORGANIZATION, TITLE, NRP, ...) map to nil and are left out of scoring.
    public static let presidio: [String: String] = [
        "PERSON": "NAME", "STREET_ADDRESS": "ADDRESS", "LOCATION": "ADDRESS", "CREDIT_CARD": "CREDIT_CARD",
        "DATE_TIME": "DATE", "PHONE_NUMBER": "PHONE", "AGE": "AGE", "EMAIL_ADDRESS": "EMAIL", "ZIP_CODE": "ZIP",
        "IBAN_CODE": "IBAN", "US_DRIVER_LICENSE": "LICENSE", "IP_ADDRESS": "IP_ADDRESS", "US_SSN": "SSN",
        "DOMAIN_NAME": "URL", "URL": "URL", "US_BANK_NUMBER": "ACCOUNT", "MEDICAL_LICENSE": "LICENSE",
        "US_ITIN": "SSN", "US_PASSPORT": "LICENSE",
    ]
    /// Presidio types deliberately not scored: phiscrub has no rule for them (they need a language model or are
    /// not identifiers).
    public static let presidioUnscored: Set<String> = ["GPE", "ORGANIZATION", "TITLE", "NRP", "NORP", "CRYPTO"]
    /// The unscored Presidio type that labels places (`EvalCorpus.unscoredPlaces`).
    public static let presidioPlace = "GPE"
    /// The phiscrub entity that a place label excuses from scoring.
    public static let placeFinding = "CITY"

    /// Types that phiscrub reports under a finer name than a general PII set uses: when scoring against such a set
    /// (`coarse: true`), FAX counts as PHONE.
    public static let coarse: [String: String] = ["FAX": "PHONE"]

    /// Gold label of a phone number outside the North American numbering plan (in general PII sets).
    public static let internationalPhone = "PHONE_INTL"

    /// Finer place entities that a general PII set's address label covers: its ADDRESS spans hold the city and the
    /// postcode with the street ("5586 Þórunnarstræti 31, Arnsdorf, Germany"), where phiscrub reports them apart.
    public static let addressParts: Set<String> = ["CITY", "ZIP"]

    /// True when a finding of entity `predicted` is a correct answer for a gold span of entity `gold` (the same
    /// name, or, in coarse scoring, a PHONE finding on an international number, or a CITY or ZIP finding on an
    /// ADDRESS span).
    public static func compatible(predicted: String, gold: String, coarse: Bool) -> Bool {
        predicted == gold || (coarse && predicted == "PHONE" && gold == internationalPhone)
            || (coarse && gold == "ADDRESS" && addressParts.contains(predicted))
    }

    /// The phiscrub name for `name`: Presidio names are mapped, phiscrub names pass through; nil when the type is
    /// deliberately unscored.
    public static func canonical(_ name: String) -> String? {
        if presidioUnscored.contains(name) { return nil }
        return presidio[name] ?? name
    }
}

/// Why a corpus or predictions file could not be read. Never carries text from the corpus.
public struct EvalError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable { case unreadable, malformed, outOfRange }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
