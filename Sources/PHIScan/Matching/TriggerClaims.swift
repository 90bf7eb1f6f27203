import CScanKernels

/// A span of a line that satisfies a shape trigger, with the counts the trigger thresholds compare against
/// (`phs_region` from the C feature pass: numeric runs carry digits, dots and separator bits in `extra`; alnum and
/// dashed runs carry letters+digits in `count`, letters in `extra` and `digits`).
public typealias Region = phs_region

/// Bits for the separator bytes of numeric runs.
enum SeparatorBits {
    @inline(__always)
    static func bit(_ b: UInt8) -> Int {
        switch b {
        case UInt8(ascii: "-"): return 1
        case UInt8(ascii: "."): return 2
        case UInt8(ascii: " "): return 4
        case UInt8(ascii: "/"): return 8
        case UInt8(ascii: "("): return 16
        case UInt8(ascii: ")"): return 32
        case UInt8(ascii: "+"): return 64
        default: return 0
        }
    }

    static func mask(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 | bit($1) } }
}

/// ASCII byte classes for the Swift side of matching (arithmetic, no tables).
enum ByteClass {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isHexAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 6 }
    @inline(__always) static func isSeparator(_ b: UInt8) -> Bool { SeparatorBits.bit(b) != 0 }
}

/// The engine-side check that a match has the property its trigger claims (see `Trigger`).
enum TriggerClaim {
    /// True when `line[span]` satisfies the numeric claim with at least `minDigits` digits / `minDots` dots.
    /// `minDigits` / `minDots` of `Int.max` mean no such claim.
    static func numeric(_ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>, minDigits: Int, minDots: Int,
                        separators: Int) -> Bool {
        var digits = 0, dots = 0, sepRun = 0, group = 0, seps = 0
        for k in span {
            let b = p[k]
            if ByteClass.isDigit(b) {
                group += 1
                sepRun = 0
            } else if ByteClass.isSeparator(b) {
                digits += group
                group = 0
                sepRun += 1
                if sepRun >= 3 { return false }
                if b == UInt8(ascii: ".") { dots += 1 }
                seps |= SeparatorBits.bit(b)
            } else {
                return false
            }
        }
        if group > 0 {
            // Extend the final group through the line; a time of day does not count.
            var j = span.upperBound
            while j < n && ByteClass.isDigit(p[j]) { j += 1 }
            let isTime = j + 1 < n && p[j] == UInt8(ascii: ":") && ByteClass.isDigit(p[j + 1])
            if !isTime { digits += group }
        }
        if digits >= minDigits, separators == 0 || seps & separators != 0 { return true }
        return dots >= minDots
    }

    /// The span is one whole token (its length is checked by the caller) with at least `letters` letters and
    /// `digits` digits.
    static func alnumRun(_ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>, letters: Int, digits: Int) -> Bool {
        var d = 0
        for k in span {
            if !ByteClass.isAlnum(p[k]) { return false }
            if ByteClass.isDigit(p[k]) { d += 1 }
        }
        if d < digits || span.count - d < letters { return false }
        if span.lowerBound > 0 && ByteClass.isAlnum(p[span.lowerBound - 1]) { return false }
        if span.upperBound < n && ByteClass.isAlnum(p[span.upperBound]) { return false }
        return true
    }

    static func dashed(_ p: UnsafePointer<UInt8>, _ span: Range<Int>, min: Int, letters: Int, digits: Int) -> Bool {
        var count = 0, d = 0
        var previousDash = false
        for k in span {
            let b = p[k]
            if ByteClass.isAlnum(b) {
                count += 1
                if ByteClass.isDigit(b) { d += 1 }
                previousDash = false
            } else if b == UInt8(ascii: "-") {
                if previousDash { return false }
                previousDash = true
            } else {
                return false
            }
        }
        return count >= min && d >= digits && count - d >= letters
    }

    /// Hands `body` the length of each digit group of `span` in order, the first and last group extended through
    /// the digits around it in the line, until `body` returns false.
    @inline(__always)
    static func eachGroupLength(_ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>, _ body: (Int) -> Bool) {
        var k = span.lowerBound
        var first = true
        while k < span.upperBound {
            guard ByteClass.isDigit(p[k]) else {
                k += 1
                continue
            }
            var s = k
            if first { while s > 0 && ByteClass.isDigit(p[s - 1]) { s -= 1 } }
            first = false
            var e = k
            while e < span.upperBound && ByteClass.isDigit(p[e]) { e += 1 }
            if e == span.upperBound { while e < n && ByteClass.isDigit(p[e]) { e += 1 } }
            if !body(e - s) { return }
            k = e
        }
    }

    /// The match's digit-group lengths (`eachGroupLength`) equal one of `groups`. The lengths are measured once,
    /// then compared with each expected sequence.
    static func groups(_ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>, _ groups: [[Int]]) -> Bool {
        let longest = groups.reduce(0) { max($0, $1.count) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: longest + 1) { lengths in
            // Lengths of the first `longest + 1` groups: one more than any expected sequence tells "too many".
            var count = 0
            eachGroupLength(p, n, span) { length in
                lengths[count] = length
                count += 1
                return count <= longest
            }
            for g in groups where g.count == count {
                var equal = true
                for i in 0..<count where g[i] != lengths[i] {
                    equal = false
                    break
                }
                if equal { return true }
            }
            return false
        }
    }

    /// `groups(_:_:_:_:)` with the sequences as `GroupShape` codes (each at most 12 groups of 1...31 digits): the
    /// match's group lengths are packed the same way and compared whole, with no array read per sequence. A match
    /// with more groups, or a longer group, than any code can hold equals none of them.
    @inline(__always)
    static func groups(_ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>, codes: UnsafeBufferPointer<UInt64>) -> Bool {
        var code: UInt64 = 0
        var count = 0
        var fits = true
        eachGroupLength(p, n, span) { length in
            fits = count < GroupShape.maxGroups && length <= 31
            if fits {
                code |= UInt64(length) << UInt64(5 * count)
                count += 1
            }
            return fits
        }
        if !fits { return false }
        code |= UInt64(count) << 60
        for c in codes where c == code { return true }
        return false
    }

    /// Upper-case ASCII letters in `span`.
    static func upper(_ p: UnsafePointer<UInt8>, _ span: Range<Int>) -> Int {
        var n = 0
        for k in span where p[k] &- 0x41 < 26 { n += 1 }
        return n
    }

    /// Letters and digits in the maximal dashed run (tokens joined by single dashes) around `span`.
    static func dashedRunCount(_ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>) -> Int {
        var s = span.lowerBound, e = span.upperBound
        while s > 0 {
            if ByteClass.isAlnum(p[s - 1]) { s -= 1 }
            else if p[s - 1] == UInt8(ascii: "-"), s >= 2, ByteClass.isAlnum(p[s - 2]), s < n, ByteClass.isAlnum(p[s]) { s -= 1 }
            else { break }
        }
        while e < n {
            if ByteClass.isAlnum(p[e]) { e += 1 }
            else if p[e] == UInt8(ascii: "-"), e + 1 < n, ByteClass.isAlnum(p[e + 1]), e > 0, ByteClass.isAlnum(p[e - 1]) { e += 1 }
            else { break }
        }
        var count = 0
        for k in s..<e where ByteClass.isAlnum(p[k]) { count += 1 }
        return count
    }

    static func hexColon(_ p: UnsafePointer<UInt8>, _ span: Range<Int>) -> Bool {
        var colons = 0, letters = false, double = false
        for k in span {
            let b = p[k]
            if b == UInt8(ascii: ".") { break }
            if b == UInt8(ascii: ":") {
                colons += 1
                if k > span.lowerBound && p[k - 1] == UInt8(ascii: ":") { double = true }
            } else if ByteClass.isHexAlpha(b) {
                letters = true
            } else if !ByteClass.isDigit(b) {
                return false
            }
        }
        _ = letters
        return double || colons >= 7
    }
}
