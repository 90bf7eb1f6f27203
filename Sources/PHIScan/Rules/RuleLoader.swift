import Foundation
import Yams

/// Reads rule packs (YAML) into `Rule`s, reporting every problem with file, line and rule id in one pass.
///
/// A pack is a mapping with `pack` (a name), optional `description`, and `rules`, a list of rule mappings with the
/// keys documented in `rules/README.md`. Unknown keys are errors.
public enum RuleLoader {
    static let ruleKeys: Set<String> = [
        "id", "entity", "category", "pattern", "group", "max_length", "validator", "trigger", "context",
        "context_window", "context_boost", "context_negative", "context_penalty", "allow", "deny", "confidence",
        "priority", "examples", "description", "detector", "field", "tier", "traits", "hl7",
    ]
    static let hl7Keys: Set<String> = ["segment", "fields"]
    /// How far past the segment's name an HL7 field may end when a rule gives no `max_length`.
    static let hl7DefaultLength = 480
    static let fieldKeys: Set<String> = ["keys", "prefixes", "not_after", "value"]
    static let detectorKeys: Set<String> = ["kind", "mode", "cues", "names", "name_files"]
    static let personNamesPackKeys: Set<String> = ["dictionary", "particles", "not_names", "given_not_alone", "place_words", "suffixes",
                                                   "surname_endings", "not_cities", "script_surnames"]
    static let triggerKeys: Set<String> = ["digits", "dots", "keywords", "bytes", "before", "alnum_run", "dashed_alnum", "hex_colon", "case_sensitive", "separators", "run_letters", "run_digits", "run_upper", "groups", "after", "anchored", "line_start_number"]
    /// The largest `max_length` a rule may declare.
    public static let maxRuleLength = 4096

    /// Parses one pack's text. Problems are appended to `diagnostics`; rules with problems are left out.
    public static func parse(_ text: String, file: String, diagnostics: inout [RuleDiagnostic]) -> [Rule] {
        let root: Node?
        do {
            // Scalars are read as text and converted here, so no tag resolution (and none of its regexes) is needed.
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            diagnostics.append(RuleDiagnostic(location: SourceLocation(file: file, line: yamlErrorLine(error)),
                                              ruleID: nil, message: "invalid YAML: \(yamlErrorSummary(error))"))
            return []
        } catch {
            diagnostics.append(RuleDiagnostic(location: SourceLocation(file: file, line: 0), ruleID: nil,
                                              message: "invalid YAML"))
            return []
        }
        if let root, let expanded = expansionExceeded(root, textBytes: text.utf8.count) {
            diagnostics.append(RuleDiagnostic(location: SourceLocation(file: file, line: 1), ruleID: nil, message: expanded))
            return []
        }
        guard let root, let top = root.mapping else {
            diagnostics.append(RuleDiagnostic(location: SourceLocation(file: file, line: 1), ruleID: nil,
                                              message: "a rule pack is a mapping with 'pack' and 'rules'"))
            return []
        }
        for (k, _) in top where !["pack", "description", "rules", "detectors"].contains(k.string ?? "") {
            diagnostics.append(RuleDiagnostic(location: loc(file, k), ruleID: nil,
                                              message: "unknown key '\(k.string ?? "?")' (expected pack, description, detectors, rules)"))
        }
        var packContext = RuleContext(file: file, node: root)
        let packDetectors = packContext.parsePackDetectors(top["detectors"])
        diagnostics.append(contentsOf: packContext.problems)
        guard let rulesNode = top["rules"], let list = rulesNode.sequence else {
            diagnostics.append(RuleDiagnostic(location: loc(file, root), ruleID: nil, message: "missing 'rules' list"))
            return []
        }
        var rules: [Rule] = []
        for node in list {
            var ctx = RuleContext(file: file, node: node)
            ctx.packDetectors = packDetectors
            if let rule = ctx.build() {
                if rule.detector != nil {
                    rules.append(rule)
                } else if rule.pattern.isEmpty {
                    rules.append(DenyList.rule(from: rule, id: rule.id))
                } else {
                    rules.append(rule)
                    if !rule.deny.isEmpty { rules.append(DenyList.rule(from: rule, id: rule.id + ".deny")) }
                }
            }
            diagnostics.append(contentsOf: ctx.problems)
        }
        return rules
    }

    /// The most a pack may expand to through YAML aliases (`*name` repeats an anchored node without copying it in
    /// the text): 2,000 aliases of a 1 MB string are 2 GB of examples to check. Text without aliases never reaches it.
    public static let maxExpandedBytes = 16 << 20
    public static let maxExpandedNodes = 1_000_000

    /// A message when `root`, with every alias expanded, holds more than `max(maxExpandedBytes, 2 × textBytes)`
    /// bytes of scalars or more than `maxExpandedNodes` nodes; nil otherwise. Stops counting at the limit, so a
    /// "billion laughs" nest costs no more than the limit to find.
    static func expansionExceeded(_ root: Node, textBytes: Int) -> String? {
        let byteLimit = max(maxExpandedBytes, 2 * textBytes)
        var bytes = 0, nodes = 0
        var stack: [Node] = [root]
        while let node = stack.popLast() {
            nodes += 1
            switch node {
            case .scalar(let s): bytes += s.string.utf8.count
            case .sequence(let seq): stack.append(contentsOf: seq)
            case .mapping(let map):
                for (k, v) in map {
                    stack.append(k)
                    stack.append(v)
                }
            case .alias: break
            }
            if bytes > byteLimit || nodes > maxExpandedNodes {
                return "YAML aliases expand this pack beyond \(byteLimit >> 20) MiB or \(maxExpandedNodes) nodes; "
                    + "refusing it (repeat text instead of aliasing large values)"
            }
        }
        return nil
    }

    static func loc(_ file: String, _ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: (node.mark?.line ?? 0))
    }

    static func yamlErrorLine(_ error: YamlError) -> Int {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default:
            return 0
        }
    }

    static func yamlErrorSummary(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "\(problem) at column \(mark.column)"
        default:
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
        }
    }
}

/// Builds one rule from its YAML node, collecting problems.
private struct RuleContext {
    let file: String
    let node: Node
    var problems: [RuleDiagnostic] = []
    var ruleID: String?
    /// The pack's `detectors:` settings, copied into each detector rule.
    var packDetectors = PackDetectors()

    init(file: String, node: Node) {
        self.file = file
        self.node = node
    }

    mutating func problem(_ message: String, at n: Node? = nil) {
        problems.append(RuleDiagnostic(location: RuleLoader.loc(file, n ?? node), ruleID: ruleID, message: message))
    }

    func string(_ n: Node?) -> String? {
        guard let n, case .scalar(let s) = n else { return nil }
        return s.string
    }

    mutating func requireString(_ map: Fields, _ key: String) -> String? {
        guard let v = map[key] else {
            problem("missing '\(key)'")
            return nil
        }
        guard let s = string(v), !s.isEmpty else {
            problem("'\(key)' must be a non-empty string", at: v)
            return nil
        }
        return s
    }

    mutating func int(_ map: Fields, _ key: String, range: ClosedRange<Int>) -> Int? {
        guard let v = map[key] else { return nil }
        guard let s = string(v), let i = Int(s), range.contains(i) else {
            problem("'\(key)' must be an integer in \(range.lowerBound)...\(range.upperBound)", at: v)
            return nil
        }
        return i
    }

    mutating func double(_ map: Fields, _ key: String) -> Double? {
        guard let v = map[key] else { return nil }
        guard let s = string(v), let d = Double(s), (0...1).contains(d) else {
            problem("'\(key)' must be a number in 0...1", at: v)
            return nil
        }
        return d
    }

    mutating func stringList(_ n: Node?, _ key: String) -> [String] {
        guard let n else { return [] }
        guard let seq = n.sequence else {
            problem("'\(key)' must be a list of strings", at: n)
            return []
        }
        var out: [String] = []
        for item in seq {
            if let s = string(item) { out.append(s) } else { problem("'\(key)' items must be strings", at: item) }
        }
        return out
    }

    mutating func build() -> Rule? {
        guard let map = node.mapping.map(Fields.init) else {
            problem("a rule is a mapping")
            return nil
        }
        ruleID = string(map["id"])
        let before = problems.count
        for (k, _) in map where !RuleLoader.ruleKeys.contains(k.string ?? "") {
            problem("unknown key '\(k.string ?? "?")'", at: k)
        }
        let id = requireString(map, "id")
        let entity = requireString(map, "entity")
        let categoryText = requireString(map, "category")
        let deny = stringList(map["deny"], "deny")
        let allow = stringList(map["allow"], "allow")
        for value in deny where !DenyList.isValid(value) {
            problem("deny value \(deny.firstIndex(of: value)! + 1) must be ASCII, start and end with a letter or digit, and be at most 200 bytes",
                    at: map["deny"])
        }
        let detector = parseDetector(map["detector"])
        if detector != nil, map["pattern"] != nil { problem("a rule has a 'pattern' or a 'detector', not both", at: map["pattern"]) }
        let field = parseField(map["field"])
        if map["field"] != nil, map["pattern"] != nil || map["trigger"] != nil || map["group"] != nil {
            problem("a 'field' rule has no 'pattern', 'trigger' or 'group' of its own (they are derived from it)", at: map["field"])
        }
        let hl7 = parseHL7(map["hl7"])
        if map["hl7"] != nil, map["pattern"] != nil || map["trigger"] != nil || map["group"] != nil || map["field"] != nil {
            problem("an 'hl7' rule has no 'pattern', 'trigger', 'group' or 'field' of its own (they are derived from it)", at: map["hl7"])
        }
        // A rule of deny values alone, or one a detector finds, needs no pattern; a field or HL7 rule's is derived
        // (when its mapping has problems, those are the rule's problems: no "missing 'pattern'" on top).
        let derived = map["field"] != nil || map["hl7"] != nil
        let pattern = field?.pattern ?? hl7?.pattern ?? (derived ? nil
            : map["pattern"] == nil && (!deny.isEmpty || map["detector"] != nil) ? "" : requireString(map, "pattern"))
        var category: SafeHarborCategory?
        if let categoryText {
            category = SafeHarborCategory(rawValue: categoryText)
            if category == nil {
                problem("unknown category '\(categoryText)' (one of: \(SafeHarborCategory.allCases.map(\.rawValue).joined(separator: ", ")))",
                        at: map["category"])
            }
        }
        var maxLength = int(map, "max_length", range: 1...RuleLoader.maxRuleLength)
        if pattern == "" {
            maxLength = maxLength ?? 1
        } else if map["hl7"] != nil {
            maxLength = maxLength ?? RuleLoader.hl7DefaultLength
        } else if map["max_length"] == nil {
            problem("missing 'max_length'")
        }
        var validator: ValidatorKind?
        if let v = map["validator"] {
            if let s = string(v), let kind = ValidatorKind(rawValue: s) { validator = kind } else {
                problem("unknown validator '\(string(v) ?? "?")' (one of: \(ValidatorKind.allCases.map(\.rawValue).joined(separator: ", ")))", at: v)
            }
        }
        let trigger = field?.trigger ?? hl7?.trigger ?? parseTrigger(map["trigger"])
        let context = stringList(map["context"], "context")
        let negative = stringList(map["context_negative"], "context_negative")
        for word in negative where word.utf8.contains(where: { $0 >= 0x80 }) || !(word.utf8.first.map(ByteClass.isAlnum) ?? false) {
            problem("negative context word '\(word)' must be ASCII and start with a letter or digit", at: map["context_negative"])
        }
        for word in context where word.utf8.contains(where: { $0 >= 0x80 }) || !(word.utf8.first.map(ByteClass.isAlnum) ?? false) {
            problem("context word '\(word)' must be ASCII and start with a letter or digit", at: map["context"])
        }
        let examples = parseExamples(map["examples"])
        let traits = parseTraits(map["traits"])
        var tier = RuleTier.standard
        if let t = map["tier"] {
            if let s = string(t), let value = RuleTier(rawValue: s) { tier = value } else {
                problem("unknown tier '\(string(t) ?? "?")' (one of: \(RuleTier.allCases.map(\.rawValue).joined(separator: ", ")))", at: t)
            }
        }

        if let pattern, !pattern.isEmpty, let maxLength {
            do {
                let analysis = try PatternAnalysis.analyze(pattern)
                if analysis.maxWidth > maxLength {
                    problem("pattern can match up to \(analysis.maxWidth) bytes but max_length is \(maxLength)", at: map["max_length"])
                }
            } catch {
                problem("pattern: \(error)", at: map["pattern"])
            }
        }
        guard problems.count == before, let id, let entity, let category, let pattern, let maxLength else { return nil }
        var rule = Rule(
            id: id, entity: entity, category: category, pattern: pattern,
            group: field != nil ? 1 : int(map, "group", range: 0...9) ?? 0, maxLength: maxLength, validator: validator,
            trigger: trigger, contextWords: context,
            contextWindow: int(map, "context_window", range: 0...1024) ?? 48,
            contextBoost: double(map, "context_boost") ?? 0.1,
            negativeContext: negative, contextPenalty: double(map, "context_penalty") ?? 1.0,
            allow: allow, deny: deny,
            confidence: double(map, "confidence") ?? 0.8,
            priority: int(map, "priority", range: -1000...1000) ?? 0,
            matchExamples: examples.match, nomatchExamples: examples.nomatch,
            source: RuleLoader.loc(file, node))
        rule.detector = detector
        rule.fieldKeys = field?.keys ?? []
        rule.fieldPrefixes = field?.prefixes ?? []
        rule.fieldNotAfter = field?.notAfter ?? []
        rule.fieldValue = field?.value
        rule.hl7Fields = hl7?.fields ?? []
        rule.tier = tier
        rule.traits = traits
        return rule
    }

    /// A rule's `traits:` mapping (`identifier`, `date`: true or false; `generalize`: year, zip3 or age_90_plus):
    /// what operators need to know about its entity (see `EntityTraits`).
    mutating func parseTraits(_ node: Node?) -> EntityTraits? {
        guard let node else { return nil }
        guard let map = node.mapping else {
            problem("'traits' is a mapping with identifier, date and generalize", at: node)
            return nil
        }
        var traits = EntityTraits()
        for (k, v) in map {
            switch k.string ?? "" {
            case "identifier", "date":
                guard let s = string(v), let b = Bool(s) else {
                    problem("'traits.\(k.string ?? "")' must be true or false", at: v)
                    continue
                }
                if k.string == "identifier" { traits.identifier = b } else { traits.date = b }
            case "generalize":
                guard let s = string(v), let g = EntityTraits.Generalization(rawValue: s) else {
                    problem("unknown generalization '\(string(v) ?? "?")' (one of: \(EntityTraits.Generalization.allCases.map(\.rawValue).joined(separator: ", ")))", at: v)
                    continue
                }
                traits.generalization = g
            default:
                problem("unknown key 'traits.\(k.string ?? "?")' (expected \(EntityTraits.keys.sorted().joined(separator: ", ")))", at: k)
            }
        }
        return traits
    }

    /// A rule's mapping under `name` (`field`, `hl7`), every key of it one of `keys`; nil (a problem) when it is no
    /// mapping. Unknown keys are problems too, but the mapping is returned.
    mutating func subMapping(_ n: Node, _ name: String, keys: Set<String>, holding: String) -> Fields? {
        guard let map = n.mapping.map(Fields.init) else {
            problem("'\(name)' must be a mapping with \(holding)", at: n)
            return nil
        }
        for (k, _) in map where !keys.contains(k.string ?? "") {
            problem("unknown key '\(k.string ?? "?")' in \(name) (one of: \(keys.sorted().joined(separator: ", ")))", at: k)
        }
        return map
    }

    /// What a log or a JSON document writes where a field has no value (`first_name=null`, `"city": null`,
    /// `patient_id=None`, `mrn=undefined`, `address: N/A`): never a field's value, whatever its shape allows.
    static let noValue = "(?!(?i:null|none|undefined|n/a)(?![A-Za-z0-9_/.-]))"

    /// A rule's `field:` mapping: the value under any of `keys` (snake, camel, kebab or spaced; after any of
    /// `prefixes`: `patient_ssn`, `memberSsn`, `x-patient-ssn`) in `key=value`, `key: value`, JSON `"key": "value"`,
    /// query strings and headers. The pattern is `(?i:<prefix>?<key>)<separator>(<value>)`, group 1; the trigger
    /// is every key in every spelling and every glued prefix+key (camelCase) as an anchored keyword, so a bare
    /// prefix or first word (`user`, `service`) costs nothing. See rules/README.md.
    mutating func parseField(_ n: Node?) -> (pattern: String, trigger: Trigger, keys: [String], value: String,
                                              prefixes: [String], notAfter: [String])? {
        guard let n, let map = subMapping(n, "field", keys: RuleLoader.fieldKeys, holding: "'keys' and 'value'") else {
            return nil
        }
        let keys = stringList(map["keys"], "field.keys").map { $0.lowercased() }
        let prefixes = stringList(map["prefixes"], "field.prefixes").map { $0.lowercased() }
        let notAfter = stringList(map["not_after"], "field.not_after").map { $0.lowercased() }
        guard let value = requireString(map, "value") else { return nil }
        if keys.isEmpty { problem("'field.keys' needs at least one key", at: n) }
        func words(_ key: String) -> [String] {
            key.utf8.split(whereSeparator: { !ByteClass.isAlnum($0) }).map { String(decoding: $0, as: UTF8.self) }
        }
        for key in keys + prefixes + notAfter where words(key).isEmpty || key.utf8.contains(where: { $0 >= 0x80 }) {
            problem("field key or prefix '\(key)' must be ASCII letters and digits (words separated by space, _ or -)", at: n)
        }
        if !problems.isEmpty { return nil }
        // Words of a key may be joined by nothing (camelCase, glued), _, -, . or a space.
        func alternative(_ key: String) -> String { words(key).joined(separator: "[ _.-]?") }
        let keyAlt = keys.sorted { $0.count > $1.count }.map(alternative).joined(separator: "|")
        // A key glued to a word before it by _ - or . still counts (patient_ssn: the match is tried where `ssn`
        // starts), unless that word changes its meaning (ip_address, email_address: `not_after`).
        // Never inside a replacement token ([ENC:ADDRESS:k2:...], [CITY:tok:...]): no key right after ':' or '['.
        var head = "(?<![A-Za-z0-9:\\[])"
        for word in notAfter { head += "(?<!" + words(word).joined(separator: "[ _.-]") + "[ _.-])" }
        if !prefixes.isEmpty {
            head += "(?:(?:" + prefixes.sorted { $0.count > $1.count }.map(alternative).joined(separator: "|") + ")[ _.-]?)?"
        }
        // A numbered copy of a key is the same key (ssn_2, address-1, phone_10: a second value, a form's repeated field).
        let pattern = "(?i:" + head + "(?:" + keyAlt + ")(?:[_-][0-9]{1,2})?(?![A-Za-z0-9_-]))"
            + "\\\\?[\"']?[ \\t]{0,3}[:=][ \\t]{0,12}\\\\?[\"']?" + Self.noValue + "(" + value + ")"
        // Whole keys as keywords, in every spelling the pattern accepts (service_date, service-date, service.date,
        // "service date", servicedate), so the feature pass verifies the whole key before the pattern runs.
        var keywords = Set<String>()
        for key in keys {
            let w = words(key)
            for separator in ["", "_", "-", ".", " "] where w.count > 1 || separator.isEmpty {
                keywords.insert(w.joined(separator: separator))
            }
            for prefix in prefixes { keywords.insert(words(prefix).joined() + w.joined()) }
        }
        var trigger = Trigger(keywords: keywords.filter { $0.count < 32 }.sorted())
        trigger.anchored = true
        return (pattern, trigger, keys, value, prefixes, notAfter)
    }

    /// A rule's `hl7:` mapping (`segment`: three upper-case letters or digits; `fields`: numbers 2 to 99): the values
    /// of those fields of an HL7 v2 segment. The pattern is the segment's name and its `|` at a segment's start (a
    /// line's start, a blank, a quote, a carriage return or a JSON string's `\r`) before a set ID (field 1: up to four
    /// digits), group 0; the trigger is the name as an anchored, case-sensitive keyword (and glued to the `r` or `n` of
    /// an escaped line break). `HL7Field` finds the field from there. See rules/README.md, "HL7 rules".
    mutating func parseHL7(_ n: Node?) -> (pattern: String, trigger: Trigger, fields: [Int])? {
        guard let n, let map = subMapping(n, "hl7", keys: RuleLoader.hl7Keys, holding: "'segment' and 'fields'") else {
            return nil
        }
        let segment = requireString(map, "segment")
        let fieldTexts = stringList(map["fields"], "hl7.fields")
        let fields = Set(fieldTexts.compactMap { Int($0) }.filter { (2...99).contains($0) }).sorted()
        let fieldsValid = !fieldTexts.isEmpty && fields.count == fieldTexts.count
        if !fieldsValid {
            problem("'hl7.fields' must list field numbers from 2 to 99, each once (field 1 is the set ID)", at: map["fields"] ?? n)
        }
        let bytes = Array((segment ?? "").utf8)
        if segment != nil, bytes.count != 3 || !bytes.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ByteClass.isDigit($0) })
            || ByteClass.isDigit(bytes[0]) {
            problem("'hl7.segment' must be three upper-case letters or digits, a letter first (PID, NK1)", at: map["segment"])
            return nil
        }
        guard let segment, fieldsValid else { return nil }
        // After a JSON string's escaped line break the feature pass sees one word, `rPID`: the match starts at its
        // `r` (or `n`) then, so that word is a keyword too. (No positive look-behind for the backslash: the keyword
        // followers learn nothing for such a pattern, and `PID|PID|...` would start a run of every PID rule at every
        // name.)
        let pattern = "(?<![0-9A-Za-z_|^~&])[rn]?" + segment + "\\|(?=[0-9]{0,4}\\|)"
        var trigger = Trigger(keywords: [segment, "r" + segment, "n" + segment])
        trigger.caseSensitive = true
        trigger.anchored = true
        return (pattern, trigger, fields)
    }

    /// Resolves a path named in a pack against the pack file's folder.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).standardized.path
    }

    /// The pack-level `detectors:` mapping: settings shared by every rule of a detector kind in this pack.
    mutating func parsePackDetectors(_ n: Node?) -> PackDetectors {
        var out = PackDetectors()
        guard let n else { return out }
        guard let map = n.mapping.map(Fields.init) else {
            problem("'detectors' must be a mapping", at: n)
            return out
        }
        for (k, v) in map {
            guard k.string == DetectorSpec.Kind.personNames.rawValue else {
                problem("unknown detector '\(k.string ?? "?")' (one of: \(DetectorSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")))", at: k)
                continue
            }
            guard let m = v.mapping.map(Fields.init) else {
                problem("'detectors.person_names' must be a mapping", at: v)
                continue
            }
            for (key, _) in m where !RuleLoader.personNamesPackKeys.contains(key.string ?? "") {
                problem("unknown key '\(key.string ?? "?")' in detectors.person_names (one of: \(RuleLoader.personNamesPackKeys.sorted().joined(separator: ", ")))", at: key)
            }
            if let d = m["dictionary"] {
                if let s = string(d), !s.isEmpty { out.nameDictionary = resolve(s) } else { problem("'dictionary' must be a path", at: d) }
            }
            if let d = m["not_cities"] {
                if let s = string(d), !s.isEmpty { out.notCities = resolve(s) } else { problem("'not_cities' must be a path", at: d) }
            }
            out.particles = stringList(m["particles"], "particles").map { $0.lowercased() }
            out.notNames = stringList(m["not_names"], "not_names").map { $0.lowercased() }
            out.givenNotAlone = stringList(m["given_not_alone"], "given_not_alone").map { $0.lowercased() }
            out.placeWords = stringList(m["place_words"], "place_words").map { $0.lowercased() }
            out.suffixes = stringList(m["suffixes"], "suffixes").map { $0.lowercased() }
            out.surnameEndings = stringList(m["surname_endings"], "surname_endings").map { $0.lowercased() }
            for e in out.surnameEndings where e.utf8.count < 2 || e.utf8.count > 8 || !e.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) {
                problem("surname ending '\(e)' must be 2 to 8 ASCII letters", at: m["surname_endings"])
            }
            out.scriptSurnames = stringList(m["script_surnames"], "script_surnames")
            for s in out.scriptSurnames where !(1...2).contains(s.unicodeScalars.count) || !s.unicodeScalars.allSatisfy(\.isHanOrHangul) {
                problem("script surname '\(s)' must be one or two Han or Hangul characters", at: m["script_surnames"])
            }
        }
        return out
    }

    /// A rule's `detector:` mapping.
    mutating func parseDetector(_ n: Node?) -> DetectorSpec? {
        guard let n else { return nil }
        guard let map = n.mapping.map(Fields.init) else {
            problem("'detector' must be a mapping with 'kind' and 'mode'", at: n)
            return nil
        }
        for (k, _) in map where !RuleLoader.detectorKeys.contains(k.string ?? "") {
            problem("unknown key '\(k.string ?? "?")' in detector (one of: \(RuleLoader.detectorKeys.sorted().joined(separator: ", ")))", at: k)
        }
        guard let kindText = requireString(map, "kind") else { return nil }
        guard let kind = DetectorSpec.Kind(rawValue: kindText) else {
            problem("unknown detector kind '\(kindText)' (one of: \(DetectorSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")))", at: map["kind"])
            return nil
        }
        guard let modeText = requireString(map, "mode") else { return nil }
        guard let mode = DetectorSpec.NameMode(rawValue: modeText) else {
            problem("unknown mode '\(modeText)' (one of: \(DetectorSpec.NameMode.allCases.map(\.rawValue).joined(separator: ", ")))", at: map["mode"])
            return nil
        }
        var spec = DetectorSpec(kind: kind, mode: mode)
        spec.cues = stringList(map["cues"], "cues").map { $0.lowercased() }
        spec.names = stringList(map["names"], "names")
        spec.nameFiles = stringList(map["name_files"], "name_files").map(resolve)
        spec.dictionary = packDetectors.nameDictionary
        spec.particles = packDetectors.particles
        spec.notNames = packDetectors.notNames
        spec.givenNotAlone = packDetectors.givenNotAlone
        spec.placeWords = packDetectors.placeWords
        spec.suffixes = packDetectors.suffixes
        spec.surnameEndings = packDetectors.surnameEndings
        spec.scriptSurnames = packDetectors.scriptSurnames
        spec.notCities = packDetectors.notCities
        switch mode {
        case .placeCue:
            if spec.cues.isEmpty { problem("mode 'place_cue' needs a non-empty 'cues' list", at: n) }
            for cue in spec.cues {
                let count = PersonNameWords.words(of: cue).count
                if count < 2 || count > PersonNameWords.maxPhraseWords {
                    problem("residence cue '\(cue)' needs 2 to \(PersonNameWords.maxPhraseWords) words", at: map["cues"])
                }
            }
        case .cue, .givenCue, .strongCue, .stated, .title:
            if spec.cues.isEmpty { problem("mode '\(modeText)' needs a non-empty 'cues' list", at: n) }
            for cue in spec.cues where PersonNameWords.words(of: cue).count > PersonNameWords.maxPhraseWords {
                problem("cue '\(cue)' has more than \(PersonNameWords.maxPhraseWords) words", at: map["cues"])
            }
        case .roster:
            if spec.names.isEmpty && spec.nameFiles.isEmpty { problem("mode 'roster' needs 'names' or 'name_files'", at: n) }
        case .dictionary, .singleGiven, .cardCity, .cardStreet, .cardZip:
            if spec.dictionary == nil { problem("mode 'dictionary' needs detectors.person_names.dictionary in the pack", at: n) }
        }
        return spec
    }

    mutating func parseTrigger(_ n: Node?) -> Trigger {
        guard let n else { return .always }
        guard let map = n.mapping.map(Fields.init) else {
            problem("'trigger' must be a mapping", at: n)
            return .always
        }
        for (k, _) in map where !RuleLoader.triggerKeys.contains(k.string ?? "") {
            problem("unknown trigger '\(k.string ?? "?")' (one of: \(RuleLoader.triggerKeys.sorted().joined(separator: ", ")))", at: k)
        }
        var t = Trigger()
        t.digits = int(map, "digits", range: 1...64)
        t.dots = int(map, "dots", range: 1...16)
        if let dashed = map["dashed_alnum"], let seq = dashed.sequence {
            let bounds = seq.compactMap { string($0).flatMap { Int($0) } }
            if bounds.count == 2, (1...63).contains(bounds[0]), bounds[0] <= bounds[1], bounds[1] <= 1024 {
                t.dashedAlnum = bounds[0]
                t.dashedAlnumMax = bounds[1]
            } else {
                problem("'dashed_alnum' is a number or [min, max] with 1 <= min <= max", at: dashed)
            }
        } else {
            t.dashedAlnum = int(map, "dashed_alnum", range: 1...63)
        }
        if let groups = map["groups"] {
            for text in stringList(groups, "trigger.groups") {
                let parts = text.split(separator: "-").map { Int($0) }
                if parts.isEmpty || parts.count > 12 || parts.contains(where: { $0 == nil || $0! < 1 || $0! > 31 }) {
                    problem("group pattern '\(text)' must be 1 to 12 lengths in 1...31 joined by '-', e.g. 3-2-4", at: groups)
                } else {
                    t.groups.append(parts.map { $0! })
                }
            }
            if t.digits == nil { problem("'groups' needs 'digits'", at: groups) }
        }
        t.runLetters = int(map, "run_letters", range: 0...63) ?? 0
        t.runDigits = int(map, "run_digits", range: 0...63) ?? 0
        t.runUpper = int(map, "run_upper", range: 0...63) ?? 0
        if let seps = map["separators"] {
            let text = string(seps) ?? ""
            let allowed = Set("-. /()+".utf8)
            if text.isEmpty || !text.utf8.allSatisfy(allowed.contains) {
                problem("'separators' must be characters from \"-. /()+\"", at: seps)
            } else {
                t.separators = Array(text.utf8)
            }
            if t.digits == nil { problem("'separators' needs 'digits'", at: seps) }
        }
        if (t.runLetters > 0 || t.runDigits > 0) && t.alnumRun.isEmpty && map["dashed_alnum"] == nil && map["alnum_run"] == nil {
            problem("'run_letters' and 'run_digits' need 'alnum_run' or 'dashed_alnum'", at: map["run_letters"] ?? map["run_digits"])
        }
        t.keywords = stringList(map["keywords"], "trigger.keywords")
        for kw in t.keywords where kw.utf8.contains(where: { $0 >= 0x80 }) || !(kw.utf8.first.map(ByteClass.isAlnum) ?? false) {
            problem("trigger keyword '\(kw)' must be ASCII and start with a letter or digit", at: map["keywords"])
        }
        for b in stringList(map["bytes"], "trigger.bytes") {
            guard b.utf8.count == 1, let byte = b.utf8.first, byte < 0x80 else {
                problem("trigger bytes must be single ASCII characters", at: map["bytes"])
                continue
            }
            t.bytes.append(byte)
        }
        if map["after"] != nil {
            t.after = int(map, "after", range: 1...48) ?? 0
            let bases = [map["digits"], map["alnum_run"], map["hex_colon"]].filter { $0 != nil }.count
            if bases != 1 {
                problem("'after' needs one of 'digits', 'alnum_run' or 'hex_colon'", at: map["after"])
            }
        }
        if map["before"] != nil {
            t.before = int(map, "before", range: 1...4096)
            if t.bytes.isEmpty == t.keywords.isEmpty {
                problem("'before' needs 'bytes' or 'keywords' (one of them: the windows end at each byte or keyword)", at: map["before"])
            }
        }
        if let runs = map["alnum_run"] {
            for s in stringList(runs, "trigger.alnum_run") {
                if let len = Int(s), (1...63).contains(len) { t.alnumRun.append(len) } else {
                    problem("alnum_run lengths must be integers in 1...63", at: runs)
                }
            }
        }
        if let a = map["anchored"] {
            if let s = string(a), let b = Bool(s) { t.anchored = b } else {
                problem("'anchored' must be true or false", at: a)
            }
            if t.keywords.isEmpty { problem("'anchored' needs 'keywords'", at: a) }
        }
        for kw in t.keywords {
            var first = 0
            for b in kw.utf8 { if ByteClass.isAlnum(b) { first += 1 } else { break } }
            if first >= 32 { problem("trigger keyword '\(kw)' starts with a word of 32 or more characters", at: map["keywords"]) }
        }
        if let c = map["case_sensitive"] {
            if let s = string(c), let b = Bool(s) { t.caseSensitive = b } else {
                problem("'case_sensitive' must be true or false", at: c)
            }
        }
        if let h = map["hex_colon"] {
            guard let s = string(h), let b = Bool(s) else {
                problem("'hex_colon' must be true or false", at: h)
                return t
            }
            t.hexColon = b
        }
        if let l = map["line_start_number"] {
            guard let s = string(l), let b = Bool(s) else {
                problem("'line_start_number' must be true or false", at: l)
                return t
            }
            if b && !t.keywords.isEmpty && !t.anchored {
                problem("a 'line_start_number' rule is tried anchored at the number: its keywords need 'anchored: true'", at: l)
            }
            if b && (t.digits != nil || t.dots != nil || !t.bytes.isEmpty || !t.alnumRun.isEmpty || t.dashedAlnum != nil
                     || t.hexColon) {
                problem("'line_start_number' combines only with anchored 'keywords'", at: l)
            }
            t.lineStartNumber = b
            if b { t.anchored = true }
        }
        if t.anchored && t.before != nil {
            problem("'before' does not combine with an anchored trigger (that rule is tried only where its keyword or number starts)", at: map["before"])
        }
        return t
    }

    mutating func parseExamples(_ n: Node?) -> (match: [String], nomatch: [String]) {
        guard let n else {
            problem("missing 'examples' (match and nomatch lists)")
            return ([], [])
        }
        guard let map = n.mapping.map(Fields.init) else {
            problem("'examples' must be a mapping with 'match' and 'nomatch'", at: n)
            return ([], [])
        }
        for (k, _) in map where !["match", "nomatch"].contains(k.string ?? "") {
            problem("unknown key '\(k.string ?? "?")' in examples", at: k)
        }
        let match = stringList(map["match"], "examples.match")
        let nomatch = stringList(map["nomatch"], "examples.nomatch")
        if match.isEmpty { problem("examples.match needs at least one example", at: n) }
        return (match, nomatch)
    }
}

/// A YAML mapping's values by key, indexed once. Yams' `Node.Mapping[String]` builds a `Node` for the key and
/// compares it with every pair on each lookup, which made reading the packs' rules cost more than parsing them.
/// Like Yams, the last of duplicate keys wins; iteration still yields every pair in file order.
struct Fields: Sequence {
    let mapping: Node.Mapping
    private let index: [String: Node]

    init(_ mapping: Node.Mapping) {
        self.mapping = mapping
        var index: [String: Node] = [:]
        for (key, value) in mapping {
            if let k = key.string { index[k] = value }
        }
        self.index = index
    }

    subscript(key: String) -> Node? { index[key] }

    func makeIterator() -> Node.Mapping.Iterator { mapping.makeIterator() }
}

/// A pack's `detectors:` settings.
struct PackDetectors {
    var nameDictionary: String?
    var particles: [String] = []
    var notNames: [String] = []
    var givenNotAlone: [String] = []
    var placeWords: [String] = []
    var suffixes: [String] = []
    var surnameEndings: [String] = []
    var scriptSurnames: [String] = []
    var notCities: String?
}

extension Unicode.Scalar {
    /// A CJK unified ideograph (the basic block or extension A) or a precomposed Hangul syllable.
    var isHanOrHangul: Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0xAC00...0xD7A3).contains(value)
    }
}

/// Builds the rule that finds a rule's `deny` values: an anchored alternation of the literals (case-insensitive,
/// whole words, any run of one to three spaces or tabs where a value has a space), triggered by each value's first
/// word as a keyword, so the feature pass's keyword lookup is the multi-pattern literal search.
enum DenyList {
    static func isValid(_ value: String) -> Bool {
        let b = Array(value.utf8)
        guard let first = b.first, let last = b.last, b.count <= 200 else { return false }
        return b.allSatisfy { $0 < 0x80 && $0 != 0x0A && $0 != 0x0D } && ByteClass.isAlnum(first) && ByteClass.isAlnum(last)
    }

    static func rule(from base: Rule, id: String) -> Rule {
        let values = base.deny.sorted { $0.utf8.count > $1.utf8.count }
        let alternatives = values.map { value -> String in
            var out = ""
            var lastSpace = false
            for b in value.utf8 {
                if b == 0x20 || b == 0x09 {
                    if !lastSpace { out += "[ \\t]{1,3}" }
                    lastSpace = true
                    continue
                }
                lastSpace = false
                out += ByteClass.isAlnum(b) ? String(UnicodeScalar(b)) : "\\" + String(UnicodeScalar(b))
            }
            return out
        }
        let pattern = "(?i)(?<![0-9A-Za-z])(?:" + alternatives.joined(separator: "|") + ")(?![0-9A-Za-z])"
        let longest = values.map { v in v.utf8.reduce(0) { $0 + ($1 == 0x20 || $1 == 0x09 ? 3 : 1) } }.max() ?? 1
        // Each value's first word is the keyword (the rule runs anchored there, so the spacing inside a value
        // is the pattern's business).
        let firstWords = values.map { v in String(v.lowercased().prefix { $0 != " " && $0 != "\t" }) }
        var trigger = Trigger(keywords: Array(Set(firstWords)).sorted())
        trigger.anchored = true
        var rule = Rule(id: id, entity: base.entity, category: base.category, pattern: pattern, maxLength: longest,
                    trigger: trigger, contextWords: base.contextWords, contextWindow: base.contextWindow,
                    contextBoost: base.contextBoost, confidence: 1.0, priority: base.priority + 1,
                    matchExamples: base.pattern.isEmpty ? base.matchExamples : [],
                    nomatchExamples: base.pattern.isEmpty ? base.nomatchExamples : [], source: base.source)
        rule.isDenyList = true
        return rule
    }
}
