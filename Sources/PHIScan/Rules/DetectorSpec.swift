/// A rule found by a built-in detector instead of a pattern: what the detector is and the word lists it takes
/// from the rule pack (see rules/README.md, "Detectors"). Paths are absolute (the loader resolves them against the
/// pack file's folder).
public struct DetectorSpec: Sendable, Hashable {
    /// The built-in detectors.
    public enum Kind: String, Sendable, CaseIterable {
        /// Person names from a dictionary of given names and surnames, cue phrases and rosters.
        case personNames = "person_names"
    }

    /// What a person-name rule finds.
    public enum NameMode: String, Sendable, CaseIterable {
        /// A capitalised given name and surname from the dictionary, or `Surname, Given`.
        case dictionary
        /// A capitalised given name on its own that is no English word (Katrine, Leif).
        case singleGiven = "single_given"
        /// Capitalised words after a cue phrase, when one of them is in the dictionary.
        case cue
        /// As `cue`, but a single word must be a given name (for plain prepositions: `to Maria`, not `for Jenkins`).
        case givenCue = "given_cue"
        /// Capitalised words after a strong cue phrase (`my name is`), dictionary or not; lower-case dictionary
        /// names too.
        case strongCue = "strong_cue"
        /// Capitalised words after a phrase that states a name (`my name is`, `last name`), even one word that is
        /// in no dictionary (`my name is Rubija`).
        case stated
        /// Capitalised words after an honorific (`Mr.`, `Dr.`).
        case title
        /// The names of a roster, matched exactly with case and diacritics folded.
        case roster
        /// Not a person: the city line of an address card, the line right after its unit line (`Suite 501`, or a
        /// street line ending with one) that holds only a place's words (see rules/README.md, "Detectors").
        case cardCity = "card_city"
        /// Not a person: the street line of an address card with no street type (`20789 Allika 46`), right after the
        /// card's head (a name alone on its line, perhaps a blank line between).
        case cardStreet = "card_street"
        /// Not a person: the postcode line of an address card, after its city line or the state line after it.
        case cardZip = "card_zip"
        /// Not a person: a city after a residence cue (`lives in`, `grew up in`, `originally from`; two or more
        /// words), one to three capitalised words of which one is no plain English word and no place larger than a
        /// city.
        case placeCue = "place_cue"
    }

    public var kind: Kind
    public var mode: NameMode
    /// Cue phrases, lower case, words separated by single spaces (modes `cue`, `strong_cue`, `title`).
    public var cues: [String]
    /// Roster names given inline (mode `roster`).
    public var names: [String]
    /// Roster files, one name per line (mode `roster`).
    public var nameFiles: [String]
    /// The pack's name dictionary (`key<TAB>flags` lines, see rules/names/SOURCES.md).
    public var dictionary: String?
    /// Lower-case words that join parts of a name (`van`, `de`, `bin`).
    public var particles: [String]
    /// Words that never start a name without a strong cue (months, weekdays, log levels).
    public var notNames: [String]
    /// Given names that alone are other words (demonyms: `German place`, `Danish food`): a name before a surname
    /// or after a cue, never on their own.
    public var givenNotAlone: [String] = []
    /// Words that make the capitalised words before them a place or organisation (Street, Ltd, Apt).
    public var placeWords: [String] = []
    /// Words that belong to the name right before them (`Jr`, `II`, `MD`, `PhD`).
    public var suffixes: [String] = []
    /// The pack's list of places larger than a city, one per line (rules/names/not-cities.txt): after a residence
    /// cue they are no city.
    public var notCities: String?
    /// Lower-case ASCII endings of surnames (`sson`, `ova`, `ski`): a capitalised word with one, after a dictionary
    /// given name, is a surname even when the dictionary lacks it.
    public var surnameEndings: [String] = []
    /// Surnames written in Han or Hangul, one or two characters each (`김`, `王`, `欧阳`): a word of two to four such
    /// characters that opens with one, after a word such as `to` or `for` in a line of English, is a name.
    public var scriptSurnames: [String] = []

    public init(kind: Kind, mode: NameMode, cues: [String] = [], names: [String] = [], nameFiles: [String] = [],
                dictionary: String? = nil, particles: [String] = [], notNames: [String] = []) {
        self.kind = kind
        self.mode = mode
        self.cues = cues
        self.names = names
        self.nameFiles = nameFiles
        self.dictionary = dictionary
        self.particles = particles
        self.notNames = notNames
    }
}
