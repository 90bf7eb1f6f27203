/// Static checks on a rule pattern that PCRE2 does not offer: every match must be bounded in length (so a long
/// line can be cut with a fixed overlap) and must not be able to contain a newline (line mode).
///
/// The analysis walks the pattern text with a small recursive-descent parser over the PCRE2 syntax rule
/// authors need (groups, alternation, classes, escapes, quantifiers, lookarounds, backreferences) and rejects
/// what it cannot bound, with a message that says what to write instead.
public struct PatternAnalysis: Sendable, Equatable {
    /// Longest possible match in bytes.
    public var maxWidth: Int
    /// Every match consumes an ASCII digit (a literal digit, a class of digits only, or `\d`, which rules compile
    /// without Unicode properties). So a stretch of line with none holds no match, and the dispatch need not call
    /// PCRE2 there (`DigitCursor`). Read conservatively: a digit inside a lookaround, an optional part, one
    /// alternative only or a class that also holds other bytes does not count.
    public var requiresDigit: Bool

    /// Analyses `pattern`; throws a message naming the construct and its offset.
    public static func analyze(_ pattern: String) throws(PatternAnalysisError) -> PatternAnalysis {
        var parser = Parser(bytes: Array(pattern.utf8))
        let piece = try parser.parseAlternation(depth: 0)
        if parser.pos < parser.bytes.count {
            throw PatternAnalysisError(message: "unbalanced ')'", offset: parser.pos)
        }
        return PatternAnalysis(maxWidth: piece.width, requiresDigit: piece.digit)
    }
}

/// What the parser knows of a part of a pattern: its longest match and whether every match of it consumes a digit.
private struct Piece {
    var width: Int
    var digit: Bool

    static let empty = Piece(width: 0, digit: false)
    static func one(digit: Bool) -> Piece { Piece(width: 1, digit: digit) }
}

/// Why a pattern was rejected by the static analysis.
public struct PatternAnalysisError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) (pattern offset \(offset))" }
}

private struct Parser {
    let bytes: [UInt8]
    var pos = 0
    var groupCount = 0
    var groups: [Int: Piece] = [:]

    /// Widths past this are treated as unbounded.
    static let cap = 1 << 20

    func fail(_ message: String, at offset: Int? = nil) -> PatternAnalysisError {
        PatternAnalysisError(message: message, offset: offset ?? pos)
    }

    var atEnd: Bool { pos >= bytes.count }
    func peek(_ k: Int = 0) -> UInt8? { pos + k < bytes.count ? bytes[pos + k] : nil }

    mutating func parseAlternation(depth: Int) throws(PatternAnalysisError) -> Piece {
        if depth > 64 { throw fail("groups nested too deeply") }
        var best = try parseSequence(depth: depth)
        while peek() == UInt8(ascii: "|") {
            pos += 1
            let next = try parseSequence(depth: depth)
            best = Piece(width: max(best.width, next.width), digit: best.digit && next.digit)
        }
        return best
    }

    mutating func parseSequence(depth: Int) throws(PatternAnalysisError) -> Piece {
        var total = Piece.empty
        while let c = peek(), c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
            let atomStart = pos
            let atom = try parseAtom(depth: depth)
            let quantified = try parseQuantifier(atom, atomStart: atomStart)
            total = Piece(width: min(Self.cap, total.width + quantified.width), digit: total.digit || quantified.digit)
        }
        return total
    }

    /// Applies a following quantifier, if any, to `atom`: the width grows by its upper bound; a digit stays
    /// required only when the atom must occur at least once.
    mutating func parseQuantifier(_ atom: Piece, atomStart: Int) throws(PatternAnalysisError) -> Piece {
        guard let c = peek() else { return atom }
        var result = atom
        switch c {
        case UInt8(ascii: "*"), UInt8(ascii: "+"):
            throw fail("unbounded quantifier '\(Character(UnicodeScalar(c)))': use {m,n} with an upper bound")
        case UInt8(ascii: "?"):
            pos += 1
            result.digit = false
        case UInt8(ascii: "{"):
            guard let (lo, hi, length) = braceQuantifier(at: pos) else { return atom }
            if hi == nil { throw fail("unbounded quantifier '{\(lo),}': give an upper bound") }
            pos += length
            result = Piece(width: min(Self.cap, atom.width * hi!), digit: atom.digit && lo > 0)
        default:
            return atom
        }
        // Lazy or possessive suffix.
        if let s = peek(), s == UInt8(ascii: "?") || s == UInt8(ascii: "+") { pos += 1 }
        if let s = peek(), s == UInt8(ascii: "*") || s == UInt8(ascii: "+") || s == UInt8(ascii: "{") && braceQuantifier(at: pos) != nil {
            throw fail("repeated quantifier")
        }
        return result
    }

    /// Parses `{n}`, `{n,}`, `{n,m}` at `i`; nil when the brace is a literal.
    func braceQuantifier(at i: Int) -> (Int, Int?, Int)? {
        var j = i + 1
        func number() -> Int? {
            var n = 0, digits = 0
            while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39 {
                n = min(Self.cap, n * 10 + Int(bytes[j] - 0x30))
                j += 1
                digits += 1
            }
            return digits > 0 ? n : nil
        }
        guard let lo = number() else { return nil }
        if j < bytes.count, bytes[j] == UInt8(ascii: "}") { return (lo, lo, j + 1 - i) }
        guard j < bytes.count, bytes[j] == UInt8(ascii: ",") else { return nil }
        j += 1
        let hi = number()
        guard j < bytes.count, bytes[j] == UInt8(ascii: "}") else { return nil }
        if let hi, hi < lo { return nil }
        return (lo, hi, j + 1 - i)
    }

    mutating func parseAtom(depth: Int) throws(PatternAnalysisError) -> Piece {
        let c = bytes[pos]
        switch c {
        case UInt8(ascii: "("): return try parseGroup(depth: depth)
        case UInt8(ascii: "["): return try parseClass()
        case UInt8(ascii: "\\"): return try parseEscape()
        case UInt8(ascii: "^"), UInt8(ascii: "$"):
            pos += 1
            return .empty
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
            throw fail("quantifier without an atom")
        default:
            pos += 1
            return .one(digit: ByteClass.isDigit(c))  // '.' (no DOTALL allowed) or a literal byte
        }
    }

    mutating func parseGroup(depth: Int) throws(PatternAnalysisError) -> Piece {
        let open = pos
        pos += 1
        var capturing = true
        var zeroWidth = false
        if peek() == UInt8(ascii: "*") { throw fail("backtracking verbs are not supported in rules") }
        if peek() == UInt8(ascii: "?") {
            pos += 1
            guard let k = peek() else { throw fail("unterminated group", at: open) }
            switch k {
            case UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                capturing = false
                pos += 1
            case UInt8(ascii: "="), UInt8(ascii: "!"):
                capturing = false; zeroWidth = true
                pos += 1
            case UInt8(ascii: "<") where peek(1) == UInt8(ascii: "=") || peek(1) == UInt8(ascii: "!"):
                capturing = false; zeroWidth = true
                pos += 2
            case UInt8(ascii: "<"), UInt8(ascii: "'"), UInt8(ascii: "P"):
                // Named group: skip the name.
                if k == UInt8(ascii: "P") { pos += 1 }
                let close: UInt8 = peek() == UInt8(ascii: "'") ? UInt8(ascii: "'") : UInt8(ascii: ">")
                while let b = peek(), b != close { pos += 1 }
                if atEnd { throw fail("unterminated group name", at: open) }
                pos += 1
            default:
                // Inline options (?i) (?-i) (?i: ...)
                var flags: [UInt8] = []
                while let b = peek(), b != UInt8(ascii: ")"), b != UInt8(ascii: ":") {
                    flags.append(b)
                    pos += 1
                }
                for f in flags {
                    switch f {
                    case UInt8(ascii: "i"), UInt8(ascii: "-"), UInt8(ascii: "U"), UInt8(ascii: "J"), UInt8(ascii: "n"): continue
                    case UInt8(ascii: "s"): throw fail("(?s) lets '.' match a newline; rules match within one line", at: open)
                    case UInt8(ascii: "x"): throw fail("(?x) extended mode is not supported in rules", at: open)
                    case UInt8(ascii: "m"): continue
                    default:
                        if f >= 0x30 && f <= 0x39 || f == UInt8(ascii: "R") || f == UInt8(ascii: "&") {
                            throw fail("recursion and subroutine calls are not supported in rules", at: open)
                        }
                        throw fail("unsupported group syntax", at: open)
                    }
                }
                if atEnd { throw fail("unterminated group", at: open) }
                if bytes[pos] == UInt8(ascii: ")") {
                    pos += 1
                    return .empty
                }
                pos += 1  // ':'
                capturing = false
            }
        }
        var number = 0
        if capturing {
            groupCount += 1
            number = groupCount
        }
        let inner = try parseAlternation(depth: depth + 1)
        guard peek() == UInt8(ascii: ")") else { throw fail("missing ')'", at: open) }
        pos += 1
        if capturing { groups[number] = inner }
        return zeroWidth ? .empty : inner
    }

    /// The byte of a `\xHH` escape at `i` (two hex digits, 0x80 or above: UTF-8 lead and continuation bytes, which
    /// can never be a newline), or nil when the escape is not of that form.
    func highByteEscape(at i: Int) -> UInt8? {
        guard i >= 0, i + 4 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "x"),
              let v = UInt8(String(decoding: bytes[(i + 2)..<(i + 4)], as: UTF8.self), radix: 16), v >= 0x80
        else { return nil }
        return v
    }

    /// A bracket class: one byte (or one character). It requires a digit when every member is a digit: `0`-`9`,
    /// a range between two of them, or `\d`.
    mutating func parseClass() throws(PatternAnalysisError) -> Piece {
        let open = pos
        pos += 1
        var negated = false
        var containsNewline = false
        var onlyDigits = true
        if peek() == UInt8(ascii: "^") {
            negated = true
            pos += 1
        }
        var first = true
        while true {
            guard let b = peek() else { throw fail("missing ']'", at: open) }
            if b == UInt8(ascii: "]") && !first { pos += 1; break }
            first = false
            if b == UInt8(ascii: "[") && peek(1) == UInt8(ascii: ":") {
                // POSIX class [:name:]
                let start = pos
                while let x = peek(), !(x == UInt8(ascii: "]") && bytes[pos - 1] == UInt8(ascii: ":")) { pos += 1 }
                pos += 1
                onlyDigits = false
                let name = String(decoding: bytes[start..<min(pos, bytes.count)], as: UTF8.self)
                if name.contains("^") || name.contains("space") || name.contains("cntrl") {
                    throw fail("POSIX class \(name) can match a newline", at: start)
                }
                continue
            }
            if b == UInt8(ascii: "\\") {
                guard let e = peek(1) else { throw fail("trailing backslash") }
                if e != UInt8(ascii: "d") { onlyDigits = false }
                switch e {
                case UInt8(ascii: "n"): containsNewline = true
                case UInt8(ascii: "s"), UInt8(ascii: "S"), UInt8(ascii: "D"), UInt8(ascii: "W"), UInt8(ascii: "H"),
                     UInt8(ascii: "v"), UInt8(ascii: "R"), UInt8(ascii: "p"), UInt8(ascii: "P"):
                    if !negated {
                        throw fail("\\\(Character(UnicodeScalar(e))) in a class can match a newline; use an explicit class such as [ \\t]")
                    }
                case UInt8(ascii: "x"):
                    // \xHH of a byte 0x80 or above (UTF-8 lead and continuation bytes); a range between two such
                    // bytes cannot hold a newline either.
                    guard highByteEscape(at: pos) != nil else {
                        throw fail("numeric escapes in classes must be \\xHH of a byte 0x80-0xFF; write other bytes literally")
                    }
                    // A range touching \xHH must have \xHH at both ends, so it holds no byte below 0x80.
                    let rangeFromHere = pos + 4 < bytes.count && bytes[pos + 4] == UInt8(ascii: "-")
                        && pos + 5 < bytes.count && bytes[pos + 5] != UInt8(ascii: "]")
                    let rangeToHere = pos >= 1 && bytes[pos - 1] == UInt8(ascii: "-") && highByteEscape(at: pos - 5) == nil
                        && pos - 1 > open + 1
                    if (rangeFromHere && highByteEscape(at: pos + 5) == nil) || rangeToHere {
                        throw fail("a range with \\xHH at one end needs \\xHH of a byte 0x80-0xFF at the other")
                    }
                    pos += rangeFromHere ? 9 : 4
                    continue
                case UInt8(ascii: "0"):
                    throw fail("numeric escapes in classes are not supported in rules; write the byte literally")
                default: break
                }
                pos += 2
                continue
            }
            if b == 0x0A { containsNewline = true }
            if ByteClass.isDigit(b), peek(1) == UInt8(ascii: "-"), let end = peek(2), ByteClass.isDigit(end) {
                pos += 3  // a range of digits, such as 0-9
                continue
            }
            if !ByteClass.isDigit(b) { onlyDigits = false }  // a '-' not inside a range is itself a member
            pos += 1
        }
        if negated && !containsNewline {
            throw fail("negated class can match a newline; add \\n to it, e.g. [^\\n,;]", at: open)
        }
        return .one(digit: onlyDigits && !negated)
    }

    mutating func parseEscape() throws(PatternAnalysisError) -> Piece {
        let at = pos
        guard let e = peek(1) else { throw fail("trailing backslash") }
        pos += 2
        switch e {
        case UInt8(ascii: "d"):
            return .one(digit: true)
        case UInt8(ascii: "w"), UInt8(ascii: "h"), UInt8(ascii: "t"), UInt8(ascii: "V"), UInt8(ascii: "N"):
            return .one(digit: false)
        case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"),
             UInt8(ascii: "G"), UInt8(ascii: "K"):
            return .empty
        case UInt8(ascii: "s"), UInt8(ascii: "S"), UInt8(ascii: "D"), UInt8(ascii: "W"), UInt8(ascii: "H"),
             UInt8(ascii: "v"), UInt8(ascii: "R"), UInt8(ascii: "X"), UInt8(ascii: "n"), UInt8(ascii: "C"):
            throw fail("\\\(Character(UnicodeScalar(e))) can match a newline; rules match within one line (use [ \\t], [0-9], [^\\n...])", at: at)
        case UInt8(ascii: "p"), UInt8(ascii: "P"):
            throw fail("Unicode properties are not supported; rules use ASCII classes", at: at)
        case UInt8(ascii: "x") where highByteEscape(at: at) != nil:
            // \xHH of a byte 0x80-0xFF (a UTF-8 lead or continuation byte): one byte, never a newline.
            pos = at + 4
            return .one(digit: false)
        case UInt8(ascii: "x"), UInt8(ascii: "o"), UInt8(ascii: "c"):
            throw fail("numeric and control escapes are not supported in rules (except \\xHH of a byte 0x80-0xFF); write the byte literally", at: at)
        case UInt8(ascii: "Q"):
            // \Q...\E literal run.
            var run = Piece.empty
            while pos < bytes.count {
                if bytes[pos] == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "E") { pos += 2; return run }
                if bytes[pos] == 0x0A { throw fail("newline inside \\Q...\\E") }
                run.width += 1
                run.digit = run.digit || ByteClass.isDigit(bytes[pos])
                pos += 1
            }
            return run
        case UInt8(ascii: "E"): return .empty
        case UInt8(ascii: "g"), UInt8(ascii: "k"):
            throw fail("named and relative backreferences are not supported; use \\1..\\9", at: at)
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            let number = Int(e - 0x30)
            guard let w = groups[number] else {
                throw fail("backreference \\\(number) to a group that is not closed before it", at: at)
            }
            return w
        case UInt8(ascii: "0"):
            throw fail("octal escapes are not supported in rules", at: at)
        default:
            if (e >= UInt8(ascii: "a") && e <= UInt8(ascii: "z")) || (e >= UInt8(ascii: "A") && e <= UInt8(ascii: "Z")) {
                throw fail("unsupported escape \\\(Character(UnicodeScalar(e)))", at: at)
            }
            return .one(digit: false)  // escaped punctuation
        }
    }
}
