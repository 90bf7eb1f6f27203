/// A span of a line that satisfies a shape trigger, with the counts the trigger thresholds compare against.
public struct Region: Sendable, Equatable {
    public var start: Int
    public var end: Int
    /// Digits (numeric runs; time-of-day groups excluded), letters+digits (alnum and dashed runs).
    public var count: Int
    /// Dots (numeric runs).
    public var dots: Int
    /// Numeric runs: bit set of the separators present (see `SeparatorBits`). Alnum and dashed runs: letters.
    public var extra: Int = 0
    /// Alnum and dashed runs: digits.
    public var digits: Int = 0
}

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

/// What the set of loaded rules wants the feature pass to record; derived once from the rule triggers.
struct FeatureNeeds: Sendable {
    var minDigits = Int.max
    var minDots = Int.max
    /// Bit n set: record alnum runs of length n (n < 64).
    var alnumLengths: UInt64 = 0
    var minDashed = Int.max
    var hexColon = false
}

/// Byte classes for the feature pass.
enum ByteClass {
    static let digit: UInt8 = 1
    static let separator: UInt8 = 2  // - . space / ( ) +
    static let alpha: UInt8 = 4
    static let hexAlpha: UInt8 = 8
    static let colon: UInt8 = 16

    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(b)] = digit }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(b)] = alpha }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(b)] = alpha }
        for b in UInt8(ascii: "a")...UInt8(ascii: "f") { t[Int(b)] |= hexAlpha }
        for b in UInt8(ascii: "A")...UInt8(ascii: "F") { t[Int(b)] |= hexAlpha }
        for b in "-. /()+".utf8 { t[Int(b)] = separator }
        t[Int(UInt8(ascii: ":"))] = colon
        return t
    }()

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { table[Int(b)] & (digit | alpha) != 0 }
}

/// Per-line shape features: the regions of a line that can satisfy shape triggers. Reused across lines by one
/// worker (no allocation per line once the arrays have grown).
struct LineFeatures {
    var numeric: [Region] = []
    var alnum: [Region] = []
    var dashed: [Region] = []
    var hexColon: [Region] = []

    mutating func reset() {
        numeric.removeAll(keepingCapacity: true)
        alnum.removeAll(keepingCapacity: true)
        dashed.removeAll(keepingCapacity: true)
        hexColon.removeAll(keepingCapacity: true)
    }

    /// One pass over the line recording the regions that `needs` asks for.
    mutating func compute(_ line: UnsafeBufferPointer<UInt8>, needs: FeatureNeeds) {
        reset()
        guard let p = line.baseAddress, line.count > 0 else { return }
        let n = line.count
        ByteClass.table.withUnsafeBufferPointer { table in
            computeNumeric(p, n, table, needs)
            if needs.alnumLengths != 0 || needs.minDashed != Int.max { computeAlnum(p, n, table, needs) }
            if needs.hexColon { computeHexColon(p, n, table) }
        }
    }

    /// Runs of digits and separators; a run of three separators ends a run (its last two may lead the next);
    /// a digit group followed by `:` and a digit is a time of day and is not counted.
    private mutating func computeNumeric(_ p: UnsafePointer<UInt8>, _ n: Int, _ table: UnsafeBufferPointer<UInt8>,
                                         _ needs: FeatureNeeds) {
        if needs.minDigits == Int.max && needs.minDots == Int.max { return }
        var i = 0
        while i < n {
            // Skip to the next digit quickly: runs only matter if they hold digits.
            while i < n && table[Int(p[i])] & ByteClass.digit == 0 { i &+= 1 }
            if i >= n { break }
            // Leading separators (at most two) belong to the run.
            var start = i
            while start > 0 && i - start < 2 && table[Int(p[start - 1])] & ByteClass.separator != 0 { start -= 1 }
            var dots = 0
            var seps = 0
            for k in start..<i {
                if p[k] == UInt8(ascii: ".") { dots += 1 }
                seps |= SeparatorBits.bit(p[k])
            }
            var digits = 0
            var group = 0
            var sepRun = 0
            var j = i
            while j < n {
                let c = table[Int(p[j])]
                if c & ByteClass.digit != 0 {
                    group &+= 1
                    sepRun = 0
                } else if c & ByteClass.separator != 0 {
                    if group > 0 { digits &+= group; group = 0 }
                    sepRun &+= 1
                    if sepRun >= 3 { break }
                    if p[j] == UInt8(ascii: ".") { dots &+= 1 }
                    seps |= SeparatorBits.bit(p[j])
                } else {
                    break
                }
                j &+= 1
            }
            if group > 0 {
                let isTime = j + 1 < n && p[j] == UInt8(ascii: ":") && ByteClass.isDigit(p[j + 1])
                if !isTime { digits &+= group }
            }
            if digits >= needs.minDigits || dots >= needs.minDots {
                numeric.append(Region(start: start, end: j, count: digits, dots: dots, extra: seps))
            }
            // A run broken by three separators restarts at its last two.
            i = j
            if sepRun >= 3 { i = j - 1 }
            else if i < n { i &+= 1 }
        }
    }

    private mutating func computeAlnum(_ p: UnsafePointer<UInt8>, _ n: Int, _ table: UnsafeBufferPointer<UInt8>,
                                       _ needs: FeatureNeeds) {
        let wantDashed = needs.minDashed != Int.max
        let wantLengths = needs.alnumLengths
        var i = 0
        // Dashed run state: start, letters+digits, letters, digits.
        var dStart = -1, dCount = 0, dLetters = 0, dDigits = 0
        while i < n {
            let c = table[Int(p[i])]
            if c & (ByteClass.digit | ByteClass.alpha) != 0 {
                let runStart = i
                var digits = 0
                while i < n {
                    let k = table[Int(p[i])]
                    if k & (ByteClass.digit | ByteClass.alpha) == 0 { break }
                    digits &+= Int(k & ByteClass.digit)
                    i &+= 1
                }
                let len = i - runStart
                if len < 64 && wantLengths & (1 << UInt64(len)) != 0 {
                    alnum.append(Region(start: runStart, end: i, count: len, dots: 0, extra: len - digits, digits: digits))
                }
                if wantDashed {
                    if dStart < 0 { dStart = runStart }
                    dCount &+= len
                    dDigits &+= digits
                    dLetters &+= len - digits
                }
                continue
            }
            if wantDashed {
                if p[i] == UInt8(ascii: "-") {
                    if i > 0 && p[i - 1] == UInt8(ascii: "-") {
                        // "--" ends the run; the second dash may start the next.
                        if dStart >= 0 && dCount >= needs.minDashed {
                            dashed.append(Region(start: dStart, end: i - 1, count: dCount, dots: 0, extra: dLetters, digits: dDigits))
                        }
                        dStart = i; dCount = 0; dLetters = 0; dDigits = 0
                    } else if dStart < 0 {
                        dStart = i
                    }
                } else {
                    if dStart >= 0 && dCount >= needs.minDashed {
                        dashed.append(Region(start: dStart, end: i, count: dCount, dots: 0, extra: dLetters, digits: dDigits))
                    }
                    dStart = -1; dCount = 0; dLetters = 0; dDigits = 0
                }
            }
            i &+= 1
        }
        if wantDashed && dStart >= 0 && dCount >= needs.minDashed {
            dashed.append(Region(start: dStart, end: n, count: dCount, dots: 0, extra: dLetters, digits: dDigits))
        }
    }

    /// Runs of hex digits and colons that look like IPv6: `::`, three or more colons, or two and a hex letter.
    private mutating func computeHexColon(_ p: UnsafePointer<UInt8>, _ n: Int, _ table: UnsafeBufferPointer<UInt8>) {
        var i = 0
        while i < n {
            // Find a colon; then extend the hex/colon run around it.
            while i < n && p[i] != UInt8(ascii: ":") { i &+= 1 }
            if i >= n { break }
            var s = i
            while s > 0 && Self.isHexOrColon(p[s - 1], table) { s -= 1 }
            var e = i
            var colons = 0, letters = false, double = false
            var k = s
            while k < n && Self.isHexOrColon(p[k], table) {
                if p[k] == UInt8(ascii: ":") {
                    colons += 1
                    if k > s && p[k - 1] == UInt8(ascii: ":") { double = true }
                } else if table[Int(p[k])] & ByteClass.hexAlpha != 0 {
                    letters = true
                }
                k += 1
            }
            e = k
            if double || colons >= 3 || (colons >= 2 && letters) {
                hexColon.append(Region(start: s, end: e, count: colons, dots: 0))
            }
            i = e + 1
        }
    }

    @inline(__always)
    static func isHexOrColon(_ b: UInt8, _ table: UnsafeBufferPointer<UInt8>) -> Bool {
        let c = table[Int(b)]
        return c & (ByteClass.digit | ByteClass.hexAlpha | ByteClass.colon) != 0
    }
}

/// The engine-side check that a match has the property its trigger claims (see `Trigger`).
enum TriggerClaim {
    /// True when `line[span]` satisfies the numeric claim with at least `minDigits` digits / `minDots` dots.
    static func numeric(_ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>, minDigits: Int?, minDots: Int?,
                        separators: Int) -> Bool {
        var digits = 0, dots = 0, sepRun = 0, group = 0, seps = 0
        for k in span {
            let b = p[k]
            if ByteClass.isDigit(b) {
                group += 1
                sepRun = 0
            } else if ByteClass.table[Int(b)] & ByteClass.separator != 0 {
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
        if let minDigits, digits >= minDigits, separators == 0 || seps & separators != 0 { return true }
        if let minDots, dots >= minDots { return true }
        return false
    }

    static func alnumRun(_ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>, lengths: [Int], letters: Int,
                         digits: Int) -> Bool {
        guard lengths.contains(span.count) else { return false }
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

    static func hexColon(_ p: UnsafePointer<UInt8>, _ span: Range<Int>) -> Bool {
        var colons = 0, letters = false, double = false
        for k in span {
            let b = p[k]
            if b == UInt8(ascii: ".") { break }
            if b == UInt8(ascii: ":") {
                colons += 1
                if k > span.lowerBound && p[k - 1] == UInt8(ascii: ":") { double = true }
            } else if ByteClass.table[Int(b)] & ByteClass.hexAlpha != 0 {
                letters = true
            } else if !ByteClass.isDigit(b) {
                return false
            }
        }
        return double || colons >= 3 || (colons >= 2 && letters)
    }
}
