import CScanKernels

/// A rule compiled for matching: the declaration plus its PCRE2 code. A class, so the hot loop passes one
/// reference instead of copying the declaration's strings and arrays.
public final class CompiledRule: Sendable {
    public let rule: Rule
    public let pattern: CompiledPattern
    /// The pattern compiled anchored, for rules tried only where their keyword starts.
    let anchoredPattern: CompiledPattern?
    /// Lower-cased context words, indexed for the window search.
    let context: ContextWordIndex
    // Hot copies of declaration fields.
    let group: Int
    let validator: ValidatorKind?
    let trigger: Trigger
    /// The trigger's claims as plain numbers, for the per-match check (no arrays copied on the hot path).
    let claim: ClaimSpec
    let confidence: Double
    let contextWindow: Int
    let contextBoost: Double
    /// Lower-cased negative context words, indexed for the window search.
    let negativeContext: ContextWordIndex
    let contextPenalty: Double
    /// Lower-cased allowed values (never reported).
    let allow: Set<[UInt8]>
    /// For an `hl7:` rule, the fields whose values are findings and the shape they must have (`HL7Field`).
    let hl7: (fields: [Int], shape: HL7Field.Shape)?

    init(rule: Rule, pattern: CompiledPattern, anchoredPattern: CompiledPattern?) {
        self.rule = rule
        self.pattern = pattern
        self.anchoredPattern = anchoredPattern
        self.context = ContextWordIndex(rule.contextWords)
        self.group = rule.group
        self.validator = rule.validator
        self.trigger = rule.trigger
        var claim = ClaimSpec(rule.trigger)
        // The digit-group sequences as codes, when each can be one (at most 12 groups of 1...31 digits).
        let codes = rule.trigger.groups.compactMap(GroupShape.code)
        if !codes.isEmpty && codes.count == rule.trigger.groups.count {
            let memory = UnsafeMutablePointer<UInt64>.allocate(capacity: codes.count)
            memory.initialize(from: codes, count: codes.count)
            claim.groupCodes = UnsafeBufferPointer(start: memory, count: codes.count)
        }
        self.claim = claim
        self.confidence = rule.confidence
        self.contextWindow = rule.contextWindow
        self.contextBoost = rule.contextBoost
        self.negativeContext = ContextWordIndex(rule.negativeContext)
        self.contextPenalty = rule.contextPenalty
        self.allow = Set(rule.allow.map { Array($0.lowercased().utf8) })
        self.hl7 = rule.hl7Fields.isEmpty ? nil
            : (rule.hl7Fields, HL7Field.Shape(entity: rule.entity, validator: rule.validator))
    }

    deinit { claim.groupCodes.map { UnsafeMutableRawPointer(mutating: $0.baseAddress!).deallocate() } }
}

/// What a shape trigger claims about a match, as plain numbers (see `RuleRunner.claimHolds`). (`@unchecked
/// Sendable`: `groupCodes` is written once when the rule compiles and only read afterwards.)
struct ClaimSpec: @unchecked Sendable {
    var numeric: Bool
    var minDigits: Int
    var minDots: Int
    var separators: Int
    var hasGroups: Bool
    /// The trigger's digit-group sequences as `GroupShape` codes (owned by the `CompiledRule`), so that the claim
    /// compares one number per sequence; nil when some sequence cannot be coded (then `Trigger.groups` is read).
    var groupCodes: UnsafeBufferPointer<UInt64>?
    /// Bit n: a whole alnum token of length n (< 64).
    var alnumLengths: UInt64
    var letters: Int
    var digits: Int
    var upper: Int
    /// 0: no dashed claim.
    var dashedMin: Int
    var dashedMax: Int
    var hexColon: Bool
    /// Bytes a match may run past its numeric run (`Trigger.after`).
    var after: Int

    init(_ t: Trigger) {
        numeric = t.digits != nil || t.dots != nil
        minDigits = t.digits ?? Int.max
        minDots = t.dots ?? Int.max
        separators = SeparatorBits.mask(t.separators)
        hasGroups = !t.groups.isEmpty
        alnumLengths = t.alnumRun.reduce(UInt64(0)) { $1 >= 0 && $1 < 64 ? $0 | (1 << UInt64($1)) : $0 }
        letters = t.runLetters
        digits = t.runDigits
        upper = t.runUpper
        dashedMin = t.dashedAlnum.map { max(1, $0) } ?? 0
        dashedMax = t.dashedAlnumMax ?? Int.max
        hexColon = t.hexColon
        after = t.after
    }
}

/// A shape-triggered rule and its threshold, for the per-region loops.
struct ShapeRule: Sendable {
    var rule: Int
    var threshold: Int
    /// Alnum run lengths as a bit set (alnum triggers only).
    var lengths: UInt64
    /// Separator bits a numeric run must hold (0 = any).
    var separators: Int = 0
    /// Letters and digits an alnum or dashed run must hold.
    var letters: Int = 0
    var digits: Int = 0
    var upper: Int = 0
    /// Upper bound on a dashed run's letters and digits.
    var maxCount: Int = Int.max
    /// The rule's digit-group length sequences as `GroupShape` codes: `DispatchView.groupCodes[groupStart..<groupEnd]`.
    /// Indices rather than the codes themselves, so the struct holds no reference and the per-region loops copy it
    /// for free. Empty: the rule names no groups.
    var groupStart: Int32 = 0
    var groupEnd: Int32 = 0
    var hasGroups: Bool { groupEnd > groupStart }
    /// Index of the rule's start condition in `DispatchView.startFilters`, or -1 (digit rules whose pattern keeps
    /// some digit from starting a match; see `MatchStart`).
    var startFilter: Int32 = -1
}

/// A loaded, compiled, immutable set of rules; share one across threads and tasks. (`@unchecked Sendable`: it
/// holds C views of its tables that are written once in `init` and only read afterwards.)
public final class RuleSet: @unchecked Sendable {
    /// Rules in load order.
    public let rules: [CompiledRule]
    /// Longest match any rule can produce (bytes); the overlap used when a long line is cut.
    public let maxMatchLength: Int
    /// Largest capture count of any rule, to size per-worker match data.
    let maxCaptures: Int
    /// Keyword lookup for the keyword triggers (the rules each keyword fires are in `dispatchTables`).
    let keywords: KeywordIndex
    /// What is known of the bytes after each anchored keyword entry (`KeywordFollowers`), shared by every engine.
    let keywordFollowers: KeywordFollowers
    /// Bytes named by byte triggers, with the rules each fires.
    let byteTriggers: [(byte: UInt8, rules: [Int])]
    /// The bytes besides those outside ASCII that send a line of a batch block off the plain batch path: the byte
    /// triggers (their lines are walked even with no feature item, and run the byte rules) and ESC (lines with
    /// terminal escape sequences take the per-line path, which masks them). Kept here: a stream scanner is made per
    /// library call.
    let batchSpecialBytes: [UInt8]
    /// Rules with no prefilter: tried on every line.
    let alwaysRules: [Int]
    /// Overlap tie-breaker per rule index.
    let priorities: [Int]
    /// The rules each trigger fires (keywords, bytes, shapes), as flat memory for the per-line dispatch.
    let dispatchTables: DispatchTables
    /// The person-name detector of the `person_names` rules, if any.
    let personNames: PersonNameDetector?
    /// Rule index by id.
    let ruleIndex: [String: Int]
    /// For explanations: the pack key of a field rule (index r) that keyword k spells, at `k * rules.count + r`.
    let fieldKeys: [Int: String]
    /// What the C feature pass must record, derived from the shape rules below.
    let rawNeeds: UnsafeMutablePointer<phs_needs>
    /// Compiles `rules`. Throws `RuleSetError` listing every rule whose pattern does not compile.
    public init(rules: [Rule]) throws(RuleLoadError) {
        var compiled: [CompiledRule] = []
        var problems: [RuleDiagnostic] = []
        var seen = Set<String>()
        for rule in rules {
            if !seen.insert(rule.id).inserted {
                problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id, message: "duplicate rule id"))
                continue
            }
            do {
                let (pattern, anchored) = try Self.compilePatterns(of: rule)
                if rule.group > pattern.captureCount {
                    problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id,
                        message: "group \(rule.group) does not exist (pattern has \(pattern.captureCount))"))
                    continue
                }
                compiled.append(CompiledRule(rule: rule, pattern: pattern, anchoredPattern: anchored))
            } catch {
                problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id, message: "pattern: \(error)"))
            }
        }
        if !problems.isEmpty { throw RuleLoadError(diagnostics: problems) }

        var keywordList: [(text: String, caseSensitive: Bool)] = []
        var keywordIndex: [String: Int] = [:]
        var keywordRules: [[Int]] = []
        var byteRules: [UInt8: [Int]] = [:]
        var always: [Int] = []
        var digitRules: [ShapeRule] = [], dotRules: [ShapeRule] = [], alnumRules: [ShapeRule] = []
        var dashedRules: [ShapeRule] = [], hexColonRules: [ShapeRule] = []
        var groupCodes: [UInt64] = []
        var startFilters: [UInt8] = []
        var startBefore: [[[[UInt64]]]] = []
        var lineNumberRules: [Int] = []
        for (i, c) in compiled.enumerated() {
            if c.rule.detector != nil { continue }
            let t = c.rule.trigger
            if t.isAlways { always.append(i) }
            for kw in t.keywords {
                let key = t.caseSensitive ? "=" + kw : kw.lowercased()
                let k: Int
                if let existing = keywordIndex[key] { k = existing } else {
                    k = keywordList.count
                    keywordIndex[key] = k
                    keywordList.append((t.caseSensitive ? kw : kw.lowercased(), t.caseSensitive))
                    keywordRules.append([])
                }
                keywordRules[k].append(i)
            }
            if t.lineStartNumber { lineNumberRules.append(i) }
            for b in t.bytes { byteRules[b, default: []].append(i) }
            if let d = t.digits {
                var sr = ShapeRule(rule: i, threshold: d, lengths: 0, separators: SeparatorBits.mask(t.separators))
                if !t.groups.isEmpty {
                    sr.groupStart = Int32(groupCodes.count)
                    // A sequence the codes cannot hold matches any run, as an unknown shape does.
                    let codes = t.groups.map(GroupShape.code)
                    groupCodes.append(contentsOf: codes.contains(nil) ? [] : codes.map { $0! })
                    sr.groupEnd = Int32(groupCodes.count)
                }
                if let start = MatchStart.derive(c.rule.pattern), start.filtersNumericRuns {
                    sr.startFilter = Int32(startFilters.count / 256)
                    startFilters += (0..<256).map { b in
                        (start.mayStart(with: UInt8(b)) ? 1 : 0) | (start.forbidsStart(after: UInt8(b)) ? 2 : 0)
                    }
                    startBefore.append(start.before)
                }
                digitRules.append(sr)
            }
            if let d = t.dots {
                dotRules.append(ShapeRule(rule: i, threshold: d, lengths: 0))
            }
            if !t.alnumRun.isEmpty {
                var bits: UInt64 = 0
                for len in t.alnumRun where len < 64 { bits |= 1 << UInt64(len) }
                alnumRules.append(ShapeRule(rule: i, threshold: 0, lengths: bits, letters: t.runLetters, digits: t.runDigits,
                                            upper: t.runUpper))
            }
            if let d = t.dashedAlnum {
                dashedRules.append(ShapeRule(rule: i, threshold: d, lengths: 0, letters: t.runLetters, digits: t.runDigits,
                                             upper: t.runUpper, maxCount: t.dashedAlnumMax ?? Int.max))
            }
            if t.hexColon {
                hexColonRules.append(ShapeRule(rule: i, threshold: 0, lengths: 0))
            }
        }
        // The name detector's tables and the keyword index are built side by side (start-up; each is a few ms).
        let keywordInput = keywordList
        let (detector, builtKeywords) = ParallelWork.pair(
            { [compiled] in Result { () throws(PersonNameDictionaryError) in try PersonNameDetector(rules: compiled) } },
            { KeywordIndex(keywords: keywordInput) })
        switch detector {
        case .success(let names): self.personNames = names
        case .failure(let error):
            let rule = compiled.first { $0.rule.detector?.kind == .personNames }?.rule
            throw RuleLoadError(diagnostics: [RuleDiagnostic(location: SourceLocation(file: error.file, line: error.line),
                                                             ruleID: rule?.id, message: error.message)])
        }
        self.rules = compiled
        self.maxMatchLength = compiled.map(\.rule.maxLength).max() ?? 0
        self.maxCaptures = max(1, compiled.map(\.pattern.captureCount).max() ?? 1)
        self.keywords = builtKeywords
        // Line-start numbers are reported by the feature pass as one more keyword, after the real ones (it is in no
        // keyword table: the pass finds it from the line's first bytes), so they dispatch as anchored keyword hits.
        let lineNumberKeyword = lineNumberRules.isEmpty ? nil : keywordRules.count
        if !lineNumberRules.isEmpty { keywordRules.append(lineNumberRules) }
        self.byteTriggers = byteRules.keys.sorted().map { ($0, byteRules[$0]!) }
        self.batchSpecialBytes = self.byteTriggers.map(\.byte) + [0x1B]
        self.alwaysRules = always
        // By threshold, so the per-region loops stop at the first rule the region is too short for (the order
        // rules run in does not change the findings: overlap resolution orders them totally).
        digitRules.sort { ($0.threshold, $0.rule) < ($1.threshold, $1.rule) }
        dashedRules.sort { ($0.threshold, $0.rule) < ($1.threshold, $1.rule) }
        var byLength = [[ShapeRule]](repeating: [], count: 64)
        for sr in alnumRules { for len in 0..<64 where sr.lengths & (1 << UInt64(len)) != 0 { byLength[len].append(sr) } }
        // Rules run in windows ending at their keywords (`before`): at most 64, each with a bit in its keywords' masks
        // (a 65th would run over whole lines, which finds the same).
        var keywordBefore = [Int](repeating: 0, count: compiled.count)
        var windowSlot = [Int](repeating: -1, count: compiled.count), windowed = 0
        for (r, c) in compiled.enumerated() where windowed < 64 {
            let t = c.rule.trigger
            if c.anchoredPattern == nil, !t.keywords.isEmpty, t.bytes.isEmpty, let before = t.before {
                keywordBefore[r] = before
                windowSlot[r] = windowed
                windowed += 1
            }
        }
        self.dispatchTables = DispatchTables(
            keywordRules: keywordRules, keywordLengths: keywordRules.indices.map { $0 < keywordList.count ? keywordList[$0].text.utf8.count : 0 },
            anchored: compiled.map { $0.anchoredPattern != nil },
            keywordBefore: keywordBefore,
            keywordWindows: keywordRules.map { rules in
                rules.reduce(UInt64(0)) { m, r in windowSlot[r] >= 0 ? m | 1 << UInt64(windowSlot[r]) : m }
            },
            windowSlot: windowSlot,
            // (A detector rule's pattern is "(?!)", which needs no digit.)
            digitReach: compiled.map { $0.pattern.requiresDigit ? $0.rule.maxLength : 0 },
            byteTriggers: self.byteTriggers, always: always, digit: digitRules, groupCodes: groupCodes, dot: dotRules,
            alnumByLength: byLength, dashed: dashedRules, hexColon: hexColonRules, startFilters: startFilters,
            before: startBefore, rules: compiled)
        var followerSources: [(pattern: CompiledPattern, keyword: [UInt8], caseSensitive: Bool)?] = []
        let learnable = compiled.map { $0.anchoredPattern != nil && KeywordFollowers.learnable($0.rule.pattern) }
        for (k, rules) in keywordRules.enumerated() {
            for r in rules {
                if k < keywordList.count, learnable[r], let anchored = compiled[r].anchoredPattern {
                    followerSources.append((anchored, Array(keywordList[k].text.utf8), keywordList[k].caseSensitive))
                } else {
                    followerSources.append(nil)
                }
            }
        }
        self.keywordFollowers = KeywordFollowers(entries: followerSources)
        self.priorities = compiled.map(\.rule.priority)
        self.ruleIndex = Dictionary(compiled.enumerated().map { ($1.rule.id, $0) }, uniquingKeysWith: { a, _ in a })
        var fieldKeys: [Int: String] = [:]
        var preparedKeys: [Int: FieldKey.Prepared] = [:]
        for (k, rules) in keywordRules.enumerated() where rules.contains(where: { compiled[$0].rule.isField }) {
            let written = FieldKey.folded(Array(keywordList[k].text.utf8))
            for r in rules where compiled[r].rule.isField {
                if preparedKeys[r] == nil { preparedKeys[r] = FieldKey.prepare(compiled[r].rule.fieldKeys) }
                fieldKeys[k * compiled.count + r] = FieldKey.spelled(byFolded: written, keys: preparedKeys[r]!)
            }
        }
        self.fieldKeys = fieldKeys
        self.rawNeeds = .allocate(capacity: 1)
        phs_needs_init(rawNeeds)
        rawNeeds.pointee.min_dots = Int32(clamping: dotRules.map(\.threshold).min() ?? Int.max)
        rawNeeds.pointee.hex_colon = hexColonRules.isEmpty ? 0 : 1
        rawNeeds.pointee.line_number_keyword = lineNumberKeyword.map(Int32.init) ?? PHS_NO_LINE_NUMBER
        for sr in alnumRules {
            phs_needs_add_alnum_want(rawNeeds, sr.lengths, Int32(clamping: sr.letters), Int32(clamping: sr.digits),
                                     Int32(clamping: sr.upper))
        }
        for sr in digitRules { phs_needs_add_digit_want(rawNeeds, Int32(clamping: sr.threshold), Int32(sr.separators)) }
        for sr in dashedRules {
            phs_needs_add_dashed_want(rawNeeds, Int32(clamping: sr.threshold), Int32(clamping: sr.maxCount),
                                      Int32(clamping: sr.letters), Int32(clamping: sr.digits), Int32(clamping: sr.upper))
        }
    }

    deinit { rawNeeds.deallocate() }

    /// The patterns a rule runs (`PatternCache.compile`, shared inside a cache scope): the one it is tried with, and
    /// the anchored twin when its trigger tries it where a keyword starts. A rule tried only anchored at its
    /// keywords never runs its unanchored pattern, so that is compiled once; a detector rule's spans come from its
    /// detector, and its pattern is one that never matches and is never run (the rule is in no trigger list).
    static func compilePatterns(of rule: Rule) throws(PatternError)
        -> (pattern: CompiledPattern, anchored: CompiledPattern?)
    {
        let t = rule.trigger
        let anchoredOnly = t.anchored && t.digits == nil && t.dots == nil && t.alnumRun.isEmpty
            && t.dashedAlnum == nil && !t.hexColon && t.bytes.isEmpty
        if anchoredOnly {
            let anchored = try PatternCache.compile(rule.pattern, anchored: true)
            return (anchored, anchored)
        }
        // A rule run in windows (`before`) is compiled so that its search can stop at the window's end.
        let pattern = try PatternCache.compile(rule.detector != nil ? "(?!)" : rule.pattern, offsetLimit: t.before != nil)
        return (pattern, t.anchored ? try PatternCache.compile(rule.pattern, anchored: true) : nil)
    }

    /// Rule ids in load order.
    public var ruleIDs: [String] { rules.map(\.rule.id) }

    /// What operators need to know about each entity, as the rules declare it (`traits:` in the packs).
    public var traits: EntityTraitTable { EntityTraitTable(rules: rules.map(\.rule)) }
}
