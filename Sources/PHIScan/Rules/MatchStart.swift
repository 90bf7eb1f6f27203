import CPCRE2

/// Where a rule's matches can start, read from the zero-width assertions its pattern opens with: `(?=X)` (the
/// match's first byte is in X), `(?!X)` (it is not) and `(?<!X)` (the byte before it is not), X one character, escape
/// or bracket class. The dispatch asks it before running a digit-triggered rule on a numeric run: a run in which no
/// byte may start a match cannot produce one, so PCRE2 is not called and the run can be dropped before the batch
/// walk (a log's 13-digit epoch milliseconds start with 1, which no card issuer uses; `credit-card` opens with
/// `(?=[2-6])`, and each of those runs used to cost a PCRE2 call and a per-line dispatch of its line).
///
/// Exact by construction: the sets are what PCRE2 itself matches for X (each byte tried as a one-byte subject of
/// `\A(?:X)\z`), only assertions that hold for every top-level alternative are read, and anything not understood
/// leaves the set unconstrained. Longer negative assertions (`(?<![0-9][ ])`) are stepped over, never read.
///
/// A positive lookbehind (`(?<=[ \t]at[ \t]|[Cc]all[ \t])`, the phone rules that take a number only after a word)
/// is read as `before`: the byte sets its alternatives end with, which the bytes before a match must fit. A match
/// can then start neither at a line's start nor after a byte no alternative ends with.
struct MatchStart: Sendable, Equatable {
    /// Bit b: a match may start with byte b.
    var first: [UInt64] = [UInt64](repeating: ~0, count: 4)
    /// Bit b: no match starts right after byte b.
    var notAfter: [UInt64] = [UInt64](repeating: 0, count: 4)
    /// From an opening positive lookbehind: per alternative, the byte sets of its last bytes, nearest the match
    /// first (each set four words, bit b: byte b fits). The bytes before a match fit one alternative. Empty: no
    /// such condition. No set holds a newline, so a match needs its alternative's bytes inside its own line.
    var before: [[[UInt64]]] = []

    func mayStart(with b: UInt8) -> Bool { first[Int(b >> 6)] >> UInt64(b & 63) & 1 != 0 }
    func forbidsStart(after b: UInt8) -> Bool { notAfter[Int(b >> 6)] >> UInt64(b & 63) & 1 != 0 }

    /// Whether some digit cannot start a match.
    var excludesADigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains { !mayStart(with: $0) } }

    /// Whether a match starts only where a line does: after no byte but a newline (`(?<![^\n])`, the rules that take
    /// a value only when it is the whole line).
    var onlyAtLineStart: Bool {
        (0..<256).allSatisfy { b in forbidsStart(after: UInt8(b)) == (b != 0x0A) }
    }

    /// Whether the condition can turn a numeric run away: some digit cannot start a match, a match starts only
    /// at a line's start (a run elsewhere in its line follows some byte), or only after some bytes.
    var filtersNumericRuns: Bool { excludesADigit || onlyAtLineStart || !before.isEmpty }

    /// Whether the bytes before `at` in `p` (a line, or a block of whole lines, that starts at a line's start) fit
    /// one alternative of `before` (true when there is none). The plain reading, which the tests hold the
    /// dispatch's flat tables (`DispatchView.fitsBefore`) to through the scanners' findings.
    func fitsBefore(_ p: UnsafePointer<UInt8>, at: Int) -> Bool {
        if before.isEmpty { return true }
        return before.contains { sets in
            guard at >= sets.count else { return false }
            for (k, set) in sets.enumerated() {
                let b = p[at - 1 - k]
                if set[Int(b >> 6)] >> UInt64(b & 63) & 1 == 0 { return false }
            }
            return true
        }
    }

    /// The start condition of `pattern` (compiled with `CompiledPattern.compileOptions`), or nil when its opening
    /// assertions say nothing.
    static func derive(_ pattern: String) -> MatchStart? {
        let bytes = Array(pattern.utf8)
        var start = MatchStart()
        var said = false
        var pos = 0
        while pos < bytes.count, bytes[pos] == UInt8(ascii: "(") {
            let kind: Kind
            if hasPrefix(bytes, pos, "(?<!") { kind = .notAfter } else if hasPrefix(bytes, pos, "(?=") { kind = .firstIn }
            else if hasPrefix(bytes, pos, "(?!") { kind = .firstNotIn } else if hasPrefix(bytes, pos, "(?<=") { kind = .other }
            else { break }
            guard let end = groupEnd(bytes, pos) else { return nil }
            let body = kind == .notAfter ? pos + 4 : kind == .other ? pos + 4 : pos + 3
            if kind == .other, start.before.isEmpty, let sets = lookbehind(bytes, body, end) {
                start.before = sets
                // The byte right before a match ends some alternative.
                var last = [UInt64](repeating: 0, count: 4)
                for alternative in sets { for w in 0..<4 { last[w] |= alternative[0][w] } }
                for w in 0..<4 { start.notAfter[w] |= ~last[w] }
                said = true
            } else if kind != .other, let atomEnd = atomEnd(bytes, body), atomEnd == end,
               let set = byteSet(String(decoding: bytes[body..<atomEnd], as: UTF8.self)) {
                for b in 0..<256 where set[b >> 6] >> UInt64(b & 63) & 1 != 0 {
                    switch kind {
                    case .notAfter: start.notAfter[b >> 6] |= 1 << UInt64(b & 63)
                    case .firstIn: break
                    case .firstNotIn: start.first[b >> 6] &= ~(1 << UInt64(b & 63))
                    case .other: break
                    }
                }
                if kind == .firstIn { for w in 0..<4 { start.first[w] &= set[w] } }
                said = true
            }
            pos = end + 1
        }
        // The opening assertions bind every match only when the pattern is no alternation at its top level.
        guard said, !topLevelAlternation(bytes, from: pos) else { return nil }
        return start
    }

    private enum Kind { case notAfter, firstIn, firstNotIn, other }

    /// The byte sets each alternative of the lookbehind `b[from..<end]` ends with, nearest the match first: the
    /// atoms after its last quantifier, at most eight. Nil when some alternative holds anything else (a group, an
    /// assertion, `\K`), ends with a quantified atom, or has a newline in one of the sets read.
    private static func lookbehind(_ b: [UInt8], _ from: Int, _ end: Int) -> [[[UInt64]]]? {
        var alternatives: [[[UInt64]]] = []
        var atoms: [Range<Int>] = []
        var known: [String: [UInt64]] = [:]  // alternatives repeat their atoms (`[ \t]`)
        var i = from
        while i <= end {
            if i == end || b[i] == UInt8(ascii: "|") {
                guard !atoms.isEmpty else { return nil }
                var sets: [[UInt64]] = []
                for atom in atoms.suffix(8).reversed() {
                    let text = String(decoding: b[atom], as: UTF8.self)
                    guard let set = known[text] ?? byteSet(text), set[0] >> 0x0A & 1 == 0 else { return nil }
                    known[text] = set
                    sets.append(set)
                }
                alternatives.append(sets)
                atoms = []
                i += 1
                continue
            }
            if b[i] == UInt8(ascii: "?") || b[i] == UInt8(ascii: "*") || b[i] == UInt8(ascii: "+") {
                // What a quantifier applies to may repeat or vanish: only the atoms after it are known.
                atoms = []
                i += 1
                continue
            }
            if b[i] == UInt8(ascii: "{") {
                guard let close = (i..<end).first(where: { b[$0] == UInt8(ascii: "}") }) else { return nil }
                atoms = []
                i = close + 1
                continue
            }
            guard let e = atomEnd(b, i), e <= end else { return nil }
            atoms.append(i..<e)
            i = e
        }
        return alternatives.isEmpty ? nil : alternatives
    }

    private static func hasPrefix(_ b: [UInt8], _ at: Int, _ s: String) -> Bool {
        let p = Array(s.utf8)
        return at + p.count <= b.count && Array(b[at..<at + p.count]) == p
    }

    /// Index of the `)` closing the group opened at `open`, stepping over escapes and bracket classes; nil when
    /// unbalanced or when it holds something this reader does not step over safely (`\Q`, comments).
    static func groupEnd(_ b: [UInt8], _ open: Int) -> Int? {
        var depth = 0, i = open
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\\"):
                guard i + 1 < b.count, b[i + 1] != UInt8(ascii: "Q") else { return nil }
                i += 2
                continue
            case UInt8(ascii: "["):
                guard let e = classEnd(b, i) else { return nil }
                i = e + 1
                continue
            case UInt8(ascii: "("):
                if hasPrefix(b, i, "(?#") { return nil }
                depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// Index of the `]` closing the class opened at `open` (a leading `^` and a `]` first are literal; `[:name:]`
    /// and escapes are stepped over).
    static func classEnd(_ b: [UInt8], _ open: Int) -> Int? {
        var i = open + 1
        if i < b.count, b[i] == UInt8(ascii: "^") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1 }
        while i < b.count {
            if b[i] == UInt8(ascii: "\\") {
                guard i + 1 < b.count, b[i + 1] != UInt8(ascii: "Q") else { return nil }
                i += 2
                continue
            }
            if b[i] == UInt8(ascii: "["), i + 1 < b.count, b[i + 1] == UInt8(ascii: ":") {
                guard let close = (i + 2..<b.count).first(where: { b[$0] == UInt8(ascii: "]") }) else { return nil }
                i = close + 1
                continue
            }
            if b[i] == UInt8(ascii: "]") { return i }
            i += 1
        }
        return nil
    }

    /// End (exclusive) of the single atom at `at`: a bracket class, an escape that stands for one character (`\d`,
    /// `\-`, `\xHH`, `\x{H}`; not `\b`, `\p{..}`, a back reference or anything else that may match no byte or
    /// several) or one literal byte; nil for anything else. (`(?=\b)` says nothing about the first byte: read as a
    /// set, it would have kept every run from the rule.)
    private static func atomEnd(_ b: [UInt8], _ at: Int) -> Int? {
        guard at < b.count else { return nil }
        switch b[at] {
        case UInt8(ascii: "["):
            return classEnd(b, at).map { $0 + 1 }
        case UInt8(ascii: "\\"):
            guard at + 1 < b.count else { return nil }
            if b[at + 1] == UInt8(ascii: "x"), at + 2 < b.count, b[at + 2] == UInt8(ascii: "{") {
                return (at + 3..<b.count).first(where: { b[$0] == UInt8(ascii: "}") }).map { $0 + 1 }
            }
            if b[at + 1] == UInt8(ascii: "x") { return at + 4 <= b.count ? at + 4 : nil }
            // One character: a class escape, a control character's name, or an escaped symbol.
            return Self.oneCharacterEscapes.contains(b[at + 1]) || !ByteClass.isAlnum(b[at + 1]) ? at + 2 : nil
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "|"), UInt8(ascii: "."), UInt8(ascii: "^"),
             UInt8(ascii: "$"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
            return nil
        default:
            return b[at] < 0x80 ? at + 1 : nil
        }
    }

    /// Escape letters that stand for exactly one character: `\d \D \s \S \w \W \h \H \v \V \t \n \r \f \e \a`.
    private static let oneCharacterEscapes = Set("dDsSwWhHvVtnrfea".utf8)

    /// The bytes `atom` matches as a whole one-byte subject, asked of PCRE2 (so classes, escapes and ranges mean
    /// exactly what they mean in the rule); nil when it does not compile.
    static func byteSet(_ atom: String) -> [UInt64]? {
        // A letter or digit stands for itself (no caseless option is compiled in): no need to ask PCRE2.
        if atom.utf8.count == 1, let b = atom.utf8.first, ByteClass.isAlnum(b) {
            var set = [UInt64](repeating: 0, count: 4)
            set[Int(b >> 6)] = 1 << UInt64(b & 63)
            return set
        }
        guard let code = try? CompiledPattern("\\A(?:" + atom + ")\\z"),
              let data = pcre2_match_data_create_from_pattern_8(code.code, nil) else { return nil }
        defer { pcre2_match_data_free_8(data) }
        var set = [UInt64](repeating: 0, count: 4)
        for b in 0..<256 {
            var byte = UInt8(b)
            if pcre2_match_8(code.code, &byte, 1, 0, 0, data, nil) >= 0 { set[b >> 6] |= 1 << UInt64(b & 63) }
        }
        return set
    }

    /// Whether `|` occurs outside every group, class and escape from `from` on.
    private static func topLevelAlternation(_ b: [UInt8], from: Int) -> Bool {
        var i = from
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\\"): i += 2; continue
            case UInt8(ascii: "["):
                guard let e = classEnd(b, i) else { return true }
                i = e + 1
                continue
            case UInt8(ascii: "("):
                guard let e = groupEnd(b, i) else { return true }
                i = e + 1
                continue
            case UInt8(ascii: "|"): return true
            default: i += 1
            }
        }
        return false
    }
}
