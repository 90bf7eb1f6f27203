import CPCRE2

/// Load-time agreement between a rule's anchored keyword trigger and its pattern. An anchored rule is tried only
/// where one of its keywords starts, so the two must agree by hand, and nothing else notices when they do not:
/// - a keyword that cannot start a match costs a PCRE2 run at every occurrence and finds nothing (a typo, or a
///   keyword left behind when the pattern changed);
/// - a first byte the pattern can start with that starts no keyword is a branch of the pattern that never runs (a
///   missing keyword silently disables it).
/// Both are reported as rule diagnostics, so a pack with either does not load (`phiscrub rules test` lists them).
/// The checks use PCRE2 itself: a partial match (`PCRE2_PARTIAL_HARD`) of the anchored pattern on the keyword, and
/// the pattern's first-code-unit information. See rules/README.md, "Triggers".
enum TriggerCheck {
    static func problems(_ rule: CompiledRule) -> [RuleDiagnostic] {
        let t = rule.trigger
        if t.lineStartNumber, t.keywords.isEmpty, let anchored = rule.anchoredPattern {
            // Tried only where a line's first number starts: every branch of the pattern must start with a digit.
            let digits = Set(UInt8(ascii: "0")...UInt8(ascii: "9"))
            guard let first = firstBytes(anchored), first.isSubset(of: digits) else {
                return [RuleDiagnostic(location: rule.rule.source, ruleID: rule.rule.id,
                                       message: "a 'line_start_number' rule is tried only where a line's first number starts: its pattern must start with a digit")]
            }
            return []
        }
        guard t.anchored, !t.keywords.isEmpty, let anchored = rule.anchoredPattern else { return [] }
        var out: [RuleDiagnostic] = []
        func problem(_ message: String) {
            out.append(RuleDiagnostic(location: rule.rule.source, ruleID: rule.rule.id, message: message))
        }
        guard let matchData = pcre2_match_data_create_from_pattern_8(anchored.code, nil) else { return [] }
        defer { pcre2_match_data_free_8(matchData) }
        let dead = t.keywords.filter { !canStartMatch($0, anchored, matchData, caseSensitive: t.caseSensitive) }
        // A keyword alone cannot satisfy a lookbehind that needs text before it (zip-after-state wants "City, "
        // before the state), so when every keyword of such a pattern fails the test proves nothing; when only some
        // fail, those are the odd ones out.
        var lookbehind: UInt32 = 0
        _ = pcre2_pattern_info_8(anchored.code, UInt32(PCRE2_INFO_MAXLOOKBEHIND), &lookbehind)
        if !(lookbehind > 0 && dead.count == t.keywords.count) {
            for keyword in dead {
                problem("trigger keyword '\(keyword)' cannot start a match of the pattern (the rule is tried only where a keyword starts)")
            }
        }
        if let firstBytes = firstBytes(anchored) {
            var keywordFirst = Set<UInt8>()
            for keyword in t.keywords {
                guard let b = keyword.utf8.first else { continue }
                keywordFirst.insert(b)
                if !t.caseSensitive { keywordFirst.formUnion([asciiLower(b), asciiUpper(b)]) }
            }
            // With line_start_number beside its keywords the rule also runs where a line opens with a number.
            if t.lineStartNumber { keywordFirst.formUnion(UInt8(ascii: "0")...UInt8(ascii: "9")) }
            let uncovered = firstBytes.filter { !keywordFirst.contains($0) }.sorted()
            if !uncovered.isEmpty {
                let shown = uncovered.prefix(8).map { b in
                    (0x21...0x7E).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : String(format: "0x%02X", b)
                }
                problem("the pattern can start with \(shown.joined(separator: ", "))\(uncovered.count > 8 ? ", ..." : "") but no trigger keyword does: that branch never runs")
            }
        }
        return out
    }

    /// Whether `keyword` (as written, or in lower, upper or title case when keywords are case-insensitive) is a
    /// prefix of some match of the anchored pattern.
    private static func canStartMatch(_ keyword: String, _ pattern: CompiledPattern, _ matchData: OpaquePointer,
                                      caseSensitive: Bool) -> Bool {
        var spellings = [Array(keyword.utf8)]
        if !caseSensitive {
            let lower = spellings[0].map(asciiLower), upper = spellings[0].map(asciiUpper)
            var title = lower
            if let first = title.first { title[0] = asciiUpper(first) }
            spellings += [lower, upper, title]
        }
        for subject in spellings {
            let rc = subject.withUnsafeBufferPointer { buf in
                pcre2_match_8(pattern.code, buf.baseAddress, buf.count, 0, UInt32(PCRE2_PARTIAL_HARD), matchData, nil)
            }
            // A match, a partial match, or a resource limit (not evidence of a dead keyword).
            if rc != PCRE2_ERROR_NOMATCH { return true }
        }
        return false
    }

    /// The bytes a match can start with, when PCRE2 knows them (a start bitmap, or its one first code unit as it
    /// reports it: PCRE2 does not say whether that unit is caseless, so its other case is not required); nil when
    /// it does not.
    private static func firstBytes(_ pattern: CompiledPattern) -> Set<UInt8>? {
        var bitmap: UnsafePointer<UInt8>?
        if pcre2_pattern_info_8(pattern.code, UInt32(PCRE2_INFO_FIRSTBITMAP), &bitmap) == 0, let bitmap {
            var out = Set<UInt8>()
            for b in 0..<256 where bitmap[b >> 3] & (1 << UInt8(b & 7)) != 0 { out.insert(UInt8(b)) }
            return out
        }
        var type: UInt32 = 0, unit: UInt32 = 0
        guard pcre2_pattern_info_8(pattern.code, UInt32(PCRE2_INFO_FIRSTCODETYPE), &type) == 0, type == 1,
              pcre2_pattern_info_8(pattern.code, UInt32(PCRE2_INFO_FIRSTCODEUNIT), &unit) == 0, unit < 256 else {
            return nil
        }
        return [UInt8(unit)]
    }

    private static func asciiLower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
    private static func asciiUpper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b & ~0x20 : b }
}
