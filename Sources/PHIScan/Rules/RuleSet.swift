/// A rule compiled for matching: the declaration plus its PCRE2 code.
public struct CompiledRule: Sendable {
    public let rule: Rule
    public let pattern: CompiledPattern
    /// Lower-cased context words, as bytes.
    let context: [[UInt8]]
}

/// A loaded, compiled, immutable set of rules; share one across threads and tasks.
public final class RuleSet: Sendable {
    /// Rules in load order.
    public let rules: [CompiledRule]
    /// Longest match any rule can produce (bytes); the overlap used when a long line is cut.
    public let maxMatchLength: Int
    /// Largest capture count of any rule, to size per-worker match data.
    let maxCaptures: Int
    /// Keyword pass for the keyword triggers; `keywordRules[k]` lists the rules keyword k fires.
    let keywords: KeywordAutomaton
    let keywordRules: [[Int]]
    /// For case-sensitive keywords, the exact bytes a hit must have; nil when case does not matter.
    let keywordExact: [[UInt8]?]
    /// Bytes named by byte triggers, with the rules each fires.
    let byteTriggers: [(byte: UInt8, rules: [Int])]
    /// Rules with no prefilter: tried on every line.
    let alwaysRules: [Int]
    /// Rules with a shape trigger (digits, dots, runs, IPv6).
    let shapeRules: [Int]
    let needs: FeatureNeeds

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
                let pattern = try CompiledPattern(rule.pattern)
                if rule.group > pattern.captureCount {
                    problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id,
                        message: "group \(rule.group) does not exist (pattern has \(pattern.captureCount))"))
                    continue
                }
                compiled.append(CompiledRule(rule: rule, pattern: pattern,
                                             context: rule.contextWords.map { Array($0.lowercased().utf8) }))
            } catch {
                problems.append(RuleDiagnostic(location: rule.source, ruleID: rule.id, message: "pattern: \(error)"))
            }
        }
        if !problems.isEmpty { throw RuleLoadError(diagnostics: problems) }

        var keywordList: [String] = []
        var keywordIndex: [String: Int] = [:]
        var keywordRules: [[Int]] = []
        var keywordExact: [[UInt8]?] = []
        var byteRules: [UInt8: [Int]] = [:]
        var always: [Int] = []
        var shape: [Int] = []
        var needs = FeatureNeeds()
        for (i, c) in compiled.enumerated() {
            let t = c.rule.trigger
            if t.isAlways { always.append(i) }
            for kw in t.keywords {
                let key = t.caseSensitive ? "=" + kw : kw.lowercased()
                let k: Int
                if let existing = keywordIndex[key] { k = existing } else {
                    k = keywordList.count
                    keywordIndex[key] = k
                    keywordList.append(kw.lowercased())
                    keywordRules.append([])
                    keywordExact.append(t.caseSensitive ? Array(kw.utf8) : nil)
                }
                keywordRules[k].append(i)
            }
            for b in t.bytes { byteRules[b, default: []].append(i) }
            var isShape = false
            if let d = t.digits { needs.minDigits = min(needs.minDigits, d); isShape = true }
            if let d = t.dots { needs.minDots = min(needs.minDots, d); isShape = true }
            for len in t.alnumRun where len < 64 { needs.alnumLengths |= 1 << UInt64(len); isShape = true }
            if let d = t.dashedAlnum { needs.minDashed = min(needs.minDashed, d); isShape = true }
            if t.hexColon { needs.hexColon = true; isShape = true }
            if isShape { shape.append(i) }
        }
        self.rules = compiled
        self.maxMatchLength = compiled.map(\.rule.maxLength).max() ?? 0
        self.maxCaptures = max(1, compiled.map(\.pattern.captureCount).max() ?? 1)
        self.keywords = KeywordAutomaton(keywords: keywordList)
        self.keywordRules = keywordRules
        self.keywordExact = keywordExact
        self.byteTriggers = byteRules.keys.sorted().map { ($0, byteRules[$0]!) }
        self.alwaysRules = always
        self.shapeRules = shape
        self.needs = needs
    }

    /// Rule ids in load order.
    public var ruleIDs: [String] { rules.map(\.rule.id) }
}
