/// Digit-group length sequences of a shape trigger (`groups: [3-2-4]`), tested against a numeric run's group
/// shape (`phs_region.shape`: group lengths 5 bits each, first group in the low bits, at most 12; bit 63 set when
/// the run had more) without a loop per offset.
///
/// Each sequence is one code: its lengths packed 5 bits each, its length in the top 4 bits. A run holds the
/// sequence `g0 g1 ... gk` consecutively iff, with `eq(v)` the bit set of the run's fields equal to `v`,
/// `eq(g0) & eq(g1) >> 5 & ... & eq(gk) >> 5k` is not empty. `eq` is exact per field (no borrow between fields):
/// the four low bits of each field plus 15 carry into its fifth bit only when one of them is set.
enum GroupShape {
    static let maxGroups = 12
    /// Bit 0 of each of the 12 fields; its multiples by 15, 16 and 31 (literals, so no lazy initialisation runs on
    /// the hot path).
    private static var ones: UInt64 { 0x0084_2108_4210_8421 }
    private static var low: UInt64 { 0x07BD_EF7B_DEF7_BDEF }
    private static var high: UInt64 { 0x0842_1084_2108_4210 }
    private static var fields: UInt64 { 0x0FFF_FFFF_FFFF_FFFF }

    /// The code of one sequence, or nil when it cannot be one (empty, longer than 12 groups, a length outside 1...31).
    static func code(_ lengths: [Int]) -> UInt64? {
        guard !lengths.isEmpty, lengths.count <= maxGroups, lengths.allSatisfy({ (1...31).contains($0) }) else { return nil }
        var c = UInt64(lengths.count) << 60
        for (i, len) in lengths.enumerated() { c |= UInt64(len) << UInt64(5 * i) }
        return c
    }

    /// Bit 5i+4 set for every field i of `shape` equal to `value`.
    @inline(__always)
    static func fieldsEqual(_ shape: UInt64, _ value: UInt64) -> UInt64 {
        let x = (shape & fields) ^ (value &* ones)
        let t = (x & low) &+ low
        return ~(t | x) & high
    }

    /// Whether `shape` holds the sequence `code` consecutively.
    @inline(__always)
    static func holds(_ shape: UInt64, _ code: UInt64) -> Bool {
        let count = Int(code >> 60)
        var m = fieldsEqual(shape, code & 31)
        var i = 1
        while i < count && m != 0 {
            m &= fieldsEqual(shape, (code >> UInt64(5 * i)) & 31) >> UInt64(5 * i)
            i += 1
        }
        return m != 0
    }

    /// Whether `shape` holds any of `codes` (true when the shape is unknown: more groups than it records).
    @inline(__always)
    static func matches(_ shape: UInt64, _ codes: UnsafeBufferPointer<UInt64>) -> Bool {
        if shape >> 63 != 0 { return true }
        for c in codes where holds(shape, c) { return true }
        return false
    }
}
