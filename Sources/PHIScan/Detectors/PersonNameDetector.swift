import CScanKernels
import Foundation
import PHILock

/// Words of cue phrases and roster names, hashed the way the detector hashes the words of a line.
enum PersonNameWords {
    /// Longest cue phrase or roster name, in words (`PHS_NAME_MAX_PHRASE`).
    static let maxPhraseWords = Int(PHS_NAME_MAX_PHRASE)

    /// The words of a phrase: runs between spaces and tabs.
    static func words(of phrase: String) -> [String] {
        phrase.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    /// The detector's hash of one word (case and Latin diacritics folded, apostrophes dropped); 0 when the word
    /// cannot be a name (too long).
    static func hash(_ word: String) -> UInt64 {
        var bytes = Array(word.utf8)
        return bytes.withUnsafeMutableBufferPointer { phs_name_word_hash($0.baseAddress!, $0.count) }
    }
}

/// Why a person-name detector could not be built.
public struct PersonNameDictionaryError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// A name dictionary in the C detector's table (given names, surnames, common-word flags): built once per set of
/// files and shared, read-only, by every detector and thread that uses it.
final class NameDictionary: @unchecked Sendable {
    let pointer: OpaquePointer
    /// `phs_digest64` of each file's bytes, in order (`VerifiedPacks.dataDigests`).
    let digests: [UInt64]

    init(files: [String]) throws(PersonNameDictionaryError) {
        var datas: [(String, [UInt8])] = []
        for file in files {
            guard let bytes = PackFile.bytes(atPath: file) else {
                throw PersonNameDictionaryError(file: file, line: 0, message: "cannot read the name dictionary")
            }
            datas.append((file, bytes))
        }
        digests = datas.map { d in d.1.withUnsafeBufferPointer { phs_digest64($0.baseAddress, $0.count) } }
        guard let d = phs_name_dict_new(Int32(clamping: datas.reduce(0) { $0 + $1.1.count / 10 })) else {
            throw PersonNameDictionaryError(file: files.first ?? "", line: 0, message: "out of memory")
        }
        pointer = d
        for (file, bytes) in datas where !bytes.isEmpty {
            let result = bytes.withUnsafeBufferPointer { phs_name_dict_load_tsv(d, $0.baseAddress!, $0.count) }
            if result < 0 { throw PersonNameDictionaryError(file: file, line: 0, message: "out of memory") }
            if result > 0 {
                throw PersonNameDictionaryError(file: file, line: Int(result),
                                                message: "expected 'key<TAB>flags' with flags g, s, w or x (unknown flag or no tab)")
            }
        }
    }

    deinit { phs_name_dict_free(pointer) }
}

/// The name dictionaries built so far in this process, by their files: the rule examples build one rule set per
/// rule, and each would otherwise read and build the same dictionary again.
final class DictionaryCache: @unchecked Sendable {
    static let shared = DictionaryCache()
    private let lock = Lock()
    private var entries: [[String]: NameDictionary] = [:]

    func load(_ files: [String]) throws(PersonNameDictionaryError) -> NameDictionary {
        try lock.withLock { () throws(PersonNameDictionaryError) -> NameDictionary in
            if let hit = entries[files] { return hit }
            let built = try NameDictionary(files: files)
            entries[files] = built
            return built
        }
    }
}

/// Finds person names in a line (see `DetectorSpec.NameMode` and rules/README.md, "Detectors"): built once per
/// rule set from its `person_names` rules and shared by every scanner; the per-line work is `names.c`.
final class PersonNameDetector: @unchecked Sendable {
    private let table: OpaquePointer
    /// Kept alive for as long as the detector reads it.
    private let dictionary: NameDictionary?
    /// Rule index for dictionary pairs, and for each cue phrase and roster name by its C index.
    let pairRule: Int?
    let singleRule: Int?
    /// Rules for the city lines and the street lines with no street type of address cards (modes `card_city`,
    /// `card_street`).
    let cardCityRule: Int?
    let cardStreetRule: Int?
    /// Rule for the postcode lines of address cards (mode `card_zip`).
    let cardZipRule: Int?
    /// Field rules by label id (`phs_names_add_label`): a line holding one of a field rule's keys alone, with a
    /// colon, makes the next line a value of that rule, if its value shape (`labelValues`, anchored) matches there.
    let labelRules: [Int]
    let labelValues: [CompiledPattern]
    let cueRules: [Int]
    let cuePhrases: [String]
    let rosterRules: [Int]

    /// Builds the detector for the `person_names` rules among `rules` (indices into the rule set); nil when none.
    init?(rules: [CompiledRule]) throws(PersonNameDictionaryError) {
        let mine = rules.indices.filter { rules[$0].rule.detector?.kind == .personNames }
        if mine.isEmpty { return nil }
        var dictionaries: [String] = []
        var particles = Set<String>(), notNames = Set<String>(), placeWords = Set<String>(), endings = Set<String>()
        var givenNotAlone = Set<String>(), scriptSurnames = Set<String>()
        var suffixes = Set<String>(), notCityFiles: [String] = []
        for r in mine {
            let spec = rules[r].rule.detector!
            if let d = spec.dictionary, !dictionaries.contains(d) { dictionaries.append(d) }
            if let f = spec.notCities, !notCityFiles.contains(f) { notCityFiles.append(f) }
            particles.formUnion(spec.particles)
            notNames.formUnion(spec.notNames)
            givenNotAlone.formUnion(spec.givenNotAlone)
            placeWords.formUnion(spec.placeWords)
            suffixes.formUnion(spec.suffixes)
            endings.formUnion(spec.surnameEndings)
            scriptSurnames.formUnion(spec.scriptSurnames)
        }
        let dictionary = dictionaries.isEmpty ? nil : try DictionaryCache.shared.load(dictionaries)
        guard let table = phs_names_new(dictionary?.pointer) else {
            throw PersonNameDictionaryError(file: dictionaries.first ?? "", line: 0, message: "out of memory")
        }
        self.table = table
        self.dictionary = dictionary
        var failed = false
        for w in particles { let h = PersonNameWords.hash(w); if h != 0 { failed = failed || phs_names_add_word(table, h, UInt16(PHS_NAME_PARTICLE)) != 0 } }
        for w in placeWords { let h = PersonNameWords.hash(w); if h != 0 { failed = failed || phs_names_add_word(table, h, UInt16(PHS_NAME_PLACE)) != 0 } }
        for w in suffixes { let h = PersonNameWords.hash(w); if h != 0 { failed = failed || phs_names_add_word(table, h, UInt16(PHS_NAME_SUFFIX)) != 0 } }
        for w in notNames { let h = PersonNameWords.hash(w); if h != 0 { failed = failed || phs_names_add_word(table, h, UInt16(PHS_NAME_STOP)) != 0 } }
        for w in givenNotAlone { let h = PersonNameWords.hash(w); if h != 0 { failed = failed || phs_names_add_word(table, h, UInt16(PHS_NAME_STOP_GIVEN)) != 0 } }
        for w in scriptSurnames { let h = PersonNameWords.hash(w); if h != 0 { failed = failed || phs_names_add_word(table, h, UInt16(PHS_NAME_SCRIPT_SURNAME)) != 0 } }
        for file in notCityFiles {
            let words: [String]
            do throws(PersonNameDictionaryError) { words = try Self.readNotCities(file) } catch {
                phs_names_free(table)
                throw error
            }
            for w in words {
                let h = PersonNameWords.hash(w)
                if h != 0 { failed = failed || phs_names_add_word(table, h, UInt16(PHS_NAME_NOT_CITY)) != 0 }
            }
        }
        for e in endings.sorted() {
            var bytes = Array(e.utf8)
            failed = failed || bytes.withUnsafeMutableBufferPointer { phs_names_add_surname_ending(table, $0.baseAddress!, $0.count) } != 0
        }

        var pairRule: Int?, singleRule: Int?, cardCityRule: Int?, cardStreetRule: Int?, cardZipRule: Int?
        var cueRules: [Int] = [], cuePhrases: [String] = [], rosterRules: [Int] = []
        for r in mine {
            let spec = rules[r].rule.detector!
            switch spec.mode {
            case .dictionary:
                pairRule = pairRule ?? r
            case .singleGiven:
                singleRule = singleRule ?? r
            case .cardCity:
                cardCityRule = cardCityRule ?? r
            case .cardStreet:
                cardStreetRule = cardStreetRule ?? r
            case .cardZip:
                cardZipRule = cardZipRule ?? r
            case .cue, .givenCue, .strongCue, .stated, .title, .placeCue:
                let kind: Int32 = switch spec.mode {
                case .cue: PHS_NAME_CUE_WEAK
                case .placeCue: PHS_NAME_CUE_PLACE
                case .givenCue: PHS_NAME_CUE_GIVEN
                case .strongCue: PHS_NAME_CUE_STRONG
                case .stated: PHS_NAME_CUE_STATED
                default: PHS_NAME_TITLE
                }
                for cue in spec.cues {
                    let words = PersonNameWords.words(of: cue)
                    let hashes = words.map(PersonNameWords.hash)
                    if hashes.isEmpty || hashes.contains(0) { continue }
                    var last = Array(words[words.count - 1].utf8)
                    last.withUnsafeMutableBufferPointer { phs_names_note_cue_word(table, $0.baseAddress!, $0.count) }
                    let id = hashes.withUnsafeBufferPointer { phs_names_add_cue(table, $0.baseAddress!, Int32($0.count), kind) }
                    if id < 0 { failed = true; continue }
                    cueRules.append(r)
                    cuePhrases.append(cue)
                }
            case .roster:
                var names = spec.names
                for file in spec.nameFiles { names += try Self.readRoster(file) }
                for name in names {
                    let hashes = PersonNameWords.words(of: name).map(PersonNameWords.hash)
                    if hashes.isEmpty || hashes.count > PersonNameWords.maxPhraseWords || hashes.contains(0) { continue }
                    let id = hashes.withUnsafeBufferPointer { phs_names_add_roster(table, $0.baseAddress!, Int32($0.count)) }
                    if id < 0 { failed = true; continue }
                    rosterRules.append(r)
                }
            }
        }
        // Field labels: every spelling of every key of every field rule ("Home Phone:", "home_phone:").
        var labelRules: [Int] = [], labelValues: [CompiledPattern] = []
        for (r, c) in rules.enumerated() where c.rule.isField && !c.rule.isDenyList {
            guard let pattern = Self.labelValuePattern(of: c.rule) else { continue }
            let id = Int32(labelRules.count)
            for keyword in c.rule.trigger.keywords {
                var bytes = Array(keyword.utf8)
                let key = bytes.withUnsafeMutableBufferPointer { phs_names_label_key($0.baseAddress!, $0.count) }
                if key != 0 && phs_names_add_label(table, key, id) != 0 { failed = true }
            }
            labelRules.append(r)
            labelValues.append(pattern)
        }
        if failed {
            phs_names_free(table)
            throw PersonNameDictionaryError(file: dictionaries.first ?? "", line: 0, message: "out of memory")
        }
        // A card's street is told by the name heading the card: the pair search runs for it too (its own spans then
        // belong to no rule and are dropped).
        phs_names_enable_pairs(table, pairRule == nil && cardStreetRule == nil ? 0 : 1)
        phs_names_enable_singles(table, singleRule == nil ? 0 : 1)
        phs_names_enable_card_cities(table, cardCityRule == nil && cardStreetRule == nil && cardZipRule == nil ? 0 : 1)
        self.pairRule = pairRule
        self.singleRule = singleRule
        self.cardCityRule = cardCityRule
        self.cardStreetRule = cardStreetRule
        self.cardZipRule = cardZipRule
        self.cueRules = cueRules
        self.cuePhrases = cuePhrases
        self.rosterRules = rosterRules
        self.labelRules = labelRules
        self.labelValues = labelValues
    }

    deinit { phs_names_free(table) }

    /// The value shape of a field rule, compiled anchored with the value as group 1 (`PatternCache`): what the line
    /// after a field label alone on its line must be to be that field's value. Nil for other rules.
    static func labelValuePattern(of rule: Rule) -> CompiledPattern? {
        guard rule.isField, !rule.isDenyList, let value = rule.fieldValue else { return nil }
        return try? PatternCache.compile("(" + value + ")", anchored: true)
    }

    /// Whether the data files a detector rule reads (the name dictionary, the list of places larger than a city)
    /// are the ones the test suite checked its examples with (`VerifiedPacks.dataDigests`), so a load may skip them
    /// as it skips a verified pack's pattern rules. A roster is never verified. The dictionary is built here (once per
    /// process, `DictionaryCache`), as the rule set would build it next.
    static func dataVerified(_ spec: DetectorSpec) -> Bool {
        guard spec.mode != .roster, spec.names.isEmpty, spec.nameFiles.isEmpty, VerifiedPacks.librariesMatch else {
            return false
        }
        if let d = spec.dictionary {
            guard let dictionary = try? DictionaryCache.shared.load([d]),
                  dictionary.digests.allSatisfy(VerifiedPacks.dataDigests.contains) else { return false }
        }
        if let f = spec.notCities {
            guard let bytes = PackFile.bytes(atPath: f),
                  VerifiedPacks.dataDigests.contains(bytes.withUnsafeBufferPointer { phs_digest64($0.baseAddress, $0.count) })
            else { return false }
        }
        return true
    }

    /// The capitalised words of a list of places larger than a city (one per line; blank lines and lines starting
    /// with `#` skipped): `Bosnia and Herzegovina` gives `Bosnia` and `Herzegovina`.
    static func readNotCities(_ path: String) throws(PersonNameDictionaryError) -> [String] {
        guard let bytes = PackFile.bytes(atPath: path) else {
            throw PersonNameDictionaryError(file: path, line: 0, message: "cannot read the list of places larger than a city")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PersonNameDictionaryError(file: path, line: 0, message: "the list of places is not UTF-8 text")
        }
        var words: [String] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            for word in PersonNameWords.words(of: String(line)) where word.first?.isUppercase == true {
                words.append(word)
            }
        }
        return words
    }

    /// Reads a roster file: one name per line; blank lines and lines starting with `#` are skipped.
    static func readRoster(_ path: String) throws(PersonNameDictionaryError) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            throw PersonNameDictionaryError(file: path, line: 0, message: "cannot read the roster file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PersonNameDictionaryError(file: path, line: 0, message: "the roster file is not UTF-8 text")
        }
        var names: [String] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = PersonNameWords.words(of: line)
            if words.count > PersonNameWords.maxPhraseWords {
                throw PersonNameDictionaryError(file: path, line: i + 1,
                    message: "a roster name has at most \(PersonNameWords.maxPhraseWords) words")
            }
            names.append(line)
        }
        return names
    }

    /// The sign-off cue ("Sincerely,", "Best regards,") that ends `text` as its last line,
    /// `PHS_NAMES_SPEAKER_BEFORE` when that line starts with a named speaker, `PHS_NAMES_CARD_BEFORE` when it is an
    /// address card's unit line, or -1.
    /// `before`: what the text before `text` ended with (this answer for it), -1 when unknown.
    func signoffAtEnd(_ text: UnsafePointer<UInt8>, _ n: Int, before: Int32 = -1) -> Int32 {
        phs_names_signoff_at_end(table, text, n, before)
    }

    /// What `signoffAtEnd(text, line)` says for the line that starts at `text[line]` (`text[line - 1]` is a
    /// newline), reading that line as well (`text[0..<n]`), which makes most answers cheaper; `before` as for
    /// `signoffAtEnd`.
    func signoff(_ text: UnsafePointer<UInt8>, _ n: Int, beforeLine line: Int, before: Int32 = -1) -> Int32 {
        phs_names_signoff_before_line(table, text, n, line, before)
    }

    /// The rule a span of the C detector belongs to (nil when the rule set has none for its kind).
    @inline(__always)
    func rule(of span: phs_name_span) -> Int? {
        switch span.kind {
        case PHS_NAME_PAIR, PHS_NAME_LAST_FIRST: return pairRule
        case PHS_NAME_SINGLE: return singleRule
        case PHS_NAME_CARD_CITY: return cardCityRule
        case PHS_NAME_CARD_STREET: return cardStreetRule
        case PHS_NAME_CARD_ZIP: return cardZipRule
        case PHS_NAME_LABEL_VALUE: return span.detail >= 0 && Int(span.detail) < labelRules.count ? labelRules[Int(span.detail)] : nil
        case PHS_NAME_ROSTER: return span.detail >= 0 && Int(span.detail) < rosterRules.count ? rosterRules[Int(span.detail)] : nil
        default: return span.detail >= 0 && Int(span.detail) < cueRules.count ? cueRules[Int(span.detail)] : nil
        }
    }

    /// What made a span a name, for explanations (recorded as the scanner takes the span): the cue phrase, the
    /// roster, or the dictionary.
    func reason(of span: phs_name_span) -> String {
        switch span.kind {
        case PHS_NAME_PAIR:
            switch span.detail {
            case PHS_NAME_DETAIL_LIST: return "dictionary: a list of names"
            case PHS_NAME_DETAIL_INITIAL: return "dictionary: name with a middle initial"
            case PHS_NAME_DETAIL_RECORD: return "shape: name heading a contact record"
            case PHS_NAME_DETAIL_SPEAKER: return "shape: speaker of a dialogue"
            case PHS_NAME_DETAIL_ADDRESSED: return "shape: person addressed"
            case PHS_NAME_DETAIL_FOREIGN: return "dictionary: two words that are no English words, one a surname"
            case PHS_NAME_DETAIL_MENTION: return "shape: another mention of a name found on the line"
            case PHS_NAME_DETAIL_LOWER: return "dictionary: lower-case given name and surname, or list of given names"
            case PHS_NAME_DETAIL_SCRIPT: return "shape: words of another script in a line of English"
            case PHS_NAME_DETAIL_SCRIPT_SURNAME: return "dictionary: a Han or Hangul word opening with a surname, after a preposition"
            default: return "dictionary: given name and surname"
            }
        case PHS_NAME_LAST_FIRST: return "dictionary: surname, given name"
        case PHS_NAME_SINGLE where span.detail == PHS_NAME_DETAIL_SURNAME: return "dictionary: surname alone that is no English word or place"
        case PHS_NAME_SINGLE: return "dictionary: given name that is no English word"
        case PHS_NAME_ROSTER: return "roster name"
        case PHS_NAME_CARD_CITY: return "shape: the line after an address card's unit line"
        case PHS_NAME_CARD_STREET: return "shape: the street line after an address card's head"
        case PHS_NAME_CARD_ZIP: return "shape: the postcode line after an address card's city or state line"
        case PHS_NAME_LABEL_VALUE: return "field label alone on the line before"
        default:
            let phrase = span.detail >= 0 && Int(span.detail) < cuePhrases.count ? cuePhrases[Int(span.detail)] : "?"
            return "cue: \(phrase)"
        }
    }

    /// The value shape to check a label value span against (anchored at the span's start), or nil.
    @inline(__always)
    func labelValue(of span: phs_name_span) -> CompiledPattern? {
        span.kind == PHS_NAME_LABEL_VALUE && span.detail >= 0 && Int(span.detail) < labelValues.count
            ? labelValues[Int(span.detail)] : nil
    }

    /// Finds the names in `line` into `scratch.spans[0..<count]`; returns count. `signoff`: the sign-off cue that
    /// ends the text before `line` (`signoffAtEnd`), or -1: a name on the line after "Sincerely," is found.
    func find(_ line: UnsafePointer<UInt8>, _ n: Int, _ scratch: PersonNameScratch, signoff: Int32 = -1) -> Int {
        while true {
            let count = Int(phs_names_find(table, line, n, signoff, scratch.tokens, Int32(scratch.tokenCapacity),
                                           scratch.spans, Int32(scratch.spanCapacity)))
            // A full span buffer may have cut the search short: grow it and search again (never drop a name).
            if count < scratch.spanCapacity { return count }
            scratch.growSpans()
        }
    }
}

/// Per-scanner buffers of the person-name detector (not thread-safe, like the scanner that owns them).
final class PersonNameScratch {
    let tokenCapacity = 1024
    let tokens: UnsafeMutablePointer<phs_name_token>
    private(set) var spanCapacity = 64
    private(set) var spans: UnsafeMutablePointer<phs_name_span>

    init() {
        tokens = .allocate(capacity: tokenCapacity)
        spans = .allocate(capacity: spanCapacity)
    }

    func growSpans() {
        spans.deallocate()
        spanCapacity *= 2
        spans = .allocate(capacity: spanCapacity)
    }

    deinit {
        tokens.deallocate()
        spans.deallocate()
    }
}
