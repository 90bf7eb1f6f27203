/// Where the next ASCII digit of a line or block is, for rules whose every match consumes one
/// (`PatternAnalysis.requiresDigit`): a run of such a rule over bytes with no digit cannot match, so the dispatch
/// skips it without calling PCRE2.
///
/// The cursor remembers the first digit at or after the last position it searched from, so a line's keyword hits,
/// which come in order, cost one pass over the line between them: a 10 MB line of `Mobile, AL ` (a phone cue and
/// a state name, 4.6 M anchored runs, no digit) takes one search instead of 4.6 M failing PCRE2 calls.
struct DigitCursor {
    /// The bytes searched, and how far they go.
    private let p: UnsafePointer<UInt8>
    private let count: Int
    /// The position searched from last, and the first digit at or after it (`count` when there is none).
    private var searchedFrom = Int.max
    private var next = 0

    init(_ p: UnsafePointer<UInt8>, count: Int) {
        self.p = p
        self.count = count
    }

    /// Whether `p[from..<end]` holds a digit.
    @inline(__always)
    mutating func any(from: Int, before end: Int) -> Bool {
        if from < searchedFrom || next < from {
            searchedFrom = from
            next = DigitCursor.firstDigit(p, from: from, count: count)
        }
        return next < end
    }

    /// The first ASCII digit of `p[from..<count]`, or `count`: eight bytes at a time (a prompt's prose after its last
    /// digit was read a byte at a time, a tenth of what a 2 KB prompt cost).
    @inline(__always)
    static func firstDigit(_ p: UnsafePointer<UInt8>, from: Int, count: Int) -> Int {
        var q = max(from, 0)
        let raw = UnsafeRawPointer(p)
        while count - q >= 8 {
            let v = raw.loadUnaligned(fromByteOffset: q, as: UInt64.self)
            // Per byte, with the top bit cleared so that no sum carries into the next byte: >= '0' sets the top bit
            // of x + 0x50, >= ':' that of x + 0x46; a byte from 0x80 up is no digit.
            let high: UInt64 = 0x8080_8080_8080_8080
            let x = v & ~high
            let digits = (x &+ 0x5050_5050_5050_5050) & ~(x &+ 0x4646_4646_4646_4646) & ~v & high
            if digits != 0 { return q + digits.trailingZeroBitCount >> 3 }
            q += 8
        }
        while q < count, p[q] &- 0x30 >= 10 { q += 1 }
        return q
    }
}
