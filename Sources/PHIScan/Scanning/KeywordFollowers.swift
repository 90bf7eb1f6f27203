import CPCRE2
import CScanKernels
import Synchronization

/// Which bytes may follow a keyword where a rule tried anchored at it can still match (the matcher seam's anchored
/// runs, ARCHITECTURE.md "Scanning"). A keyword that is an everyday word ("plan" of `health-plan-id`, "group",
/// "member") started a PCRE2 run at each of its occurrences in prose, each failing a byte or two after the word
/// ("plan before"); with what is known of the bytes after a (keyword, rule) pair, the run is not started where they
/// cannot continue a match.
///
/// Learnt byte by byte, the first time a byte is seen after the pair, and kept by the rule set for every engine:
/// byte b may follow when the anchored pattern, on the keyword and b alone, matches or matches partially
/// (`PCRE2_PARTIAL_HARD`) for the keyword as written, in lower case, in capitals or capitalised; four more sets do the
/// same for the byte after the keyword and one space, underscore, hyphen or `|` (most of these keywords are followed by
/// a space, which their rules allow: "plan id"; a field key may be numbered, "ssn_2", where "patient_id" is no key; an
/// HL7 segment's name is followed by `|` and its set ID).
/// After a space and a lower-case ASCII letter the third byte has sets of its own, one per letter, made only for the
/// entries that meet such a pair: a cue keyword before a preposition ("lives" before "on Maple Avenue", where the
/// city rules want "lives in") starts no run either. That errs only towards running: with nothing before the
/// keyword, a negative lookbehind, `^` and `\b` before a letter all hold, so a match in the text implies one in the
/// test. A pattern whose start could depend on the text before the keyword in the other direction (a positive
/// lookbehind, `\B`, `\G`, backtracking verbs) gets no sets, and its runs are always made. The reference prefilter
/// asks nothing of it, so the differential tests cover it.
final class KeywordFollowers: @unchecked Sendable {
    /// The anchored pattern and keyword of each learnable entry.
    private let sources: [(pattern: CompiledPattern, keyword: [UInt8], caseSensitive: Bool)]
    /// Per entry of `DispatchView.keywordRules`, its index in `sources` (-1: not learnable, always run).
    private let slot: UnsafeMutablePointer<Int32>
    /// Per learnable entry, 40 words: for the byte after the keyword, 4 words of "learnt" and 4 of "may follow"; then
    /// the same for the byte after the keyword and a space, an underscore, a hyphen, a `|`. "Learnt" is or-ed (release)
    /// after "may follow".
    private let words: UnsafeMutablePointer<UInt64>
    /// Per learnable entry, the address of its third-byte sets (0 until first needed): for each lower-case letter
    /// after the space, 4 words of "learnt" and 4 of "may follow" for the byte after it. Published with release.
    private let thirdSets: UnsafeMutablePointer<UInt64>
    private let learning = Mutex(())

    init(entries: [(pattern: CompiledPattern, keyword: [UInt8], caseSensitive: Bool)?]) {
        sources = entries.compactMap { $0 }
        slot = .allocate(capacity: max(1, entries.count))
        var next: Int32 = 0
        for (i, e) in entries.enumerated() {
            slot[i] = e == nil ? -1 : next
            if e != nil { next += 1 }
        }
        words = .allocate(capacity: max(1, sources.count) * Self.wordsPerEntry)
        words.initialize(repeating: 0, count: max(1, sources.count) * Self.wordsPerEntry)
        thirdSets = .allocate(capacity: max(1, sources.count))
        thirdSets.initialize(repeating: 0, count: max(1, sources.count))
    }

    deinit {
        for e in 0..<max(1, sources.count) where thirdSets[e] != 0 {
            UnsafeMutablePointer<UInt64>(bitPattern: UInt(thirdSets[e]))?.deallocate()
        }
        slot.deallocate()
        words.deallocate()
        thirdSets.deallocate()
    }

    private static let wordsPerEntry = 40
    /// Words of one entry's third-byte sets: 8 per lower-case letter.
    private static let wordsPerThirdSet = 26 * 8
    /// The separators whose following byte has a set of its own (sets 1, 2, 3, 4).
    private static let separators: [UInt8] = [0x20, UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "|")]

    /// Whether a match of entry `entry` may continue after its keyword with the bytes at `p[after..<n]` (`after < n`):
    /// the first byte, then the second when the first is a space, an underscore, a hyphen or a `|` (an HL7 segment's
    /// name: `PID|PID|` starts no run), then the third after a space and a lower-case letter.
    @inline(__always)
    func allows(_ entry: Int, _ p: UnsafePointer<UInt8>, _ after: Int, _ n: Int) -> Bool {
        let s = Int(slot[entry])
        if s < 0 { return true }
        let b = p[after]
        if !follows(s, 0, b) { return false }
        guard after + 1 < n else { return true }
        let b2 = p[after + 1]
        switch b {
        case 0x20:
            if !follows(s, 1, b2) { return false }
            guard b2 &- 0x61 < 26, after + 2 < n else { return true }
            return followsThird(s, b2, p[after + 2])
        case UInt8(ascii: "_"): return follows(s, 2, b2)
        case UInt8(ascii: "-"): return follows(s, 3, b2)
        case UInt8(ascii: "|"): return follows(s, 4, b2)
        default: return true
        }
    }

    /// Whether entry `entry` may continue with a space, lower-case letter `letter` and then byte `b`.
    @inline(__always)
    private func followsThird(_ entry: Int, _ letter: UInt8, _ b: UInt8) -> Bool {
        let address = phs_load_acquire_u64(thirdSets + entry)
        if address != 0, let sets = UnsafeMutablePointer<UInt64>(bitPattern: UInt(address)),
           let known = Self.answer(sets + Int(letter &- 0x61) * 8, b) {
            return known
        }
        return learnThird(entry, letter, b)
    }

    /// Tests a space, `letter` and `b` after `entry`'s keyword and records the answer, making the entry's third-byte
    /// sets on first use.
    @inline(never)
    private func learnThird(_ entry: Int, _ letter: UInt8, _ b: UInt8) -> Bool {
        let source = sources[entry]
        let may = Self.mayFollow(source.pattern, source.keyword, source.caseSensitive, [0x20, letter, b])
        learning.withLock { _ in
            var address = phs_load_acquire_u64(thirdSets + entry)
            if address == 0 {
                let sets = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.wordsPerThirdSet)
                sets.initialize(repeating: 0, count: Self.wordsPerThirdSet)
                address = UInt64(UInt(bitPattern: sets))
                phs_or_release_u64(thirdSets + entry, address)
            }
            Self.record(UnsafeMutablePointer<UInt64>(bitPattern: UInt(address))! + Int(letter &- 0x61) * 8, b, may ?? true)
        }
        return may ?? true
    }

    /// What the 8-word set at `base` (4 words "learnt", 4 "may follow") says of byte `b`: nil when not learnt yet.
    @inline(__always)
    private static func answer(_ base: UnsafeMutablePointer<UInt64>, _ b: UInt8) -> Bool? {
        let w = Int(b >> 6), bit = UInt64(1) << UInt64(b & 63)
        if phs_load_acquire_u64(base + w) & bit == 0 { return nil }
        return phs_load_acquire_u64(base + 4 + w) & bit != 0
    }

    /// Records `may` for byte `b` in the set at `base` ("may follow" before "learnt", both with release).
    private static func record(_ base: UnsafeMutablePointer<UInt64>, _ b: UInt8, _ may: Bool) {
        let w = Int(b >> 6), bit = UInt64(1) << UInt64(b & 63)
        if may { phs_or_release_u64(base + 4 + w, bit) }
        phs_or_release_u64(base + w, bit)
    }

    @inline(__always)
    private func follows(_ entry: Int, _ set: Int, _ b: UInt8) -> Bool {
        if let known = Self.answer(words + entry * Self.wordsPerEntry + set * 8, b) { return known }
        return learn(entry, set, b)
    }

    /// Tests byte `b` of set `set` for `entry` and records the answer (true when nothing can be learnt).
    @inline(never)
    private func learn(_ entry: Int, _ set: Int, _ b: UInt8) -> Bool {
        let source = sources[entry]
        let may = Self.mayFollow(source.pattern, source.keyword, source.caseSensitive,
                                 set == 0 ? [b] : [Self.separators[set - 1], b])
        learning.withLock { _ in Self.record(words + entry * Self.wordsPerEntry + set * 8, b, may ?? true) }
        return may ?? true
    }

    /// Whether `tail` after `keyword` (in its case forms) may continue an anchored match of `pattern`; nil when the
    /// test itself failed (a match limit).
    static func mayFollow(_ pattern: CompiledPattern, _ keyword: [UInt8], _ caseSensitive: Bool, _ tail: [UInt8]) -> Bool? {
        var forms: [[UInt8]] = [keyword]
        if !caseSensitive {
            let lower = keyword.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
            let upper = keyword.map { $0 &- 0x61 < 26 ? $0 & ~0x20 : $0 }
            var title = lower
            if !title.isEmpty && title[0] &- 0x61 < 26 { title[0] &= ~0x20 }
            for f in [lower, upper, title] where !forms.contains(f) { forms.append(f) }
        }
        guard let data = pcre2_match_data_create_from_pattern_8(pattern.code, nil) else { return nil }
        defer { pcre2_match_data_free_8(data) }
        for form in forms {
            let subject = form + tail
            let rc = subject.withUnsafeBufferPointer { s in
                pcre2_match_8(pattern.code, s.baseAddress, s.count, 0, UInt32(PCRE2_PARTIAL_HARD), data, nil)
            }
            if rc >= 0 || rc == PCRE2_ERROR_PARTIAL { return true }
            if rc != PCRE2_ERROR_NOMATCH { return nil }
        }
        return false
    }

    /// Whether an anchored pattern may have sets: its start reads the text before the keyword only through tests
    /// that hold with nothing there.
    static func learnable(_ source: String) -> Bool {
        // Bytes, not Foundation's String search: the places patterns run to 10 KB and a pack has dozens.
        let b = Array(source.utf8)
        var i = 0
        while i + 1 < b.count {
            if b[i] == UInt8(ascii: "\\") {
                if b[i + 1] == UInt8(ascii: "B") || b[i + 1] == UInt8(ascii: "G") { return false }
                i += 2
                continue
            }
            if b[i] == UInt8(ascii: "("), b[i + 1] == UInt8(ascii: "*") { return false }
            if b[i] == UInt8(ascii: "("), i + 3 < b.count, b[i + 1] == UInt8(ascii: "?"), b[i + 2] == UInt8(ascii: "<"),
               b[i + 3] == UInt8(ascii: "=") { return false }
            i += 1
        }
        return true
    }
}
