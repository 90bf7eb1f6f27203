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
            var q = from
            while q < count, p[q] &- 0x30 >= 10 { q += 1 }
            searchedFrom = from
            next = q
        }
        return next < end
    }
}
