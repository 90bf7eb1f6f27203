/// What cleaning one file (or a whole run) did: counts only, never values.
public struct CleanCounts: Sendable, Equatable {
    /// Findings replaced, per entity (`SSN`, `PHONE`, ...).
    public var findingsByEntity: [String: Int] = [:]
    /// Strings (JSON) or lines (text) withheld because they could not be scanned completely.
    public var withheld = 0
    /// JSON string values scanned, and how many of them changed.
    public var strings = 0
    public var stringsChanged = 0
    /// JSON Lines records, or text lines.
    public var records = 0
    /// JSON numbers that scanned as PHI under their key (`"ssn": 402198877`, `"zip": 38574`) and were replaced by a
    /// string token (their type changed; the report says how many).
    public var numbersReplaced = 0

    public init() {}

    /// Total findings replaced.
    public var findings: Int { findingsByEntity.values.reduce(0, +) }

    /// Adds `other` to these counts.
    public mutating func merge(_ other: CleanCounts) {
        for (k, v) in other.findingsByEntity { findingsByEntity[k, default: 0] += v }
        withheld += other.withheld
        strings += other.strings
        stringsChanged += other.stringsChanged
        records += other.records
        numbersReplaced += other.numbersReplaced
    }
}
