/// One detected PHI span. Carries where and what, never the matched bytes themselves.
public struct Finding: Sendable, Hashable, Codable {
    /// Byte offset of the first byte of the span in the scanned input (absolute for streams).
    public var start: Int
    /// Byte offset one past the last byte of the span.
    public var end: Int
    /// Entity type, e.g. `SSN`, `PHONE`.
    public var entity: String
    /// Id of the rule that produced the finding.
    public var ruleID: String
    /// Confidence in 0...1 after context scoring.
    public var confidence: Double

    public init(start: Int, end: Int, entity: String, ruleID: String, confidence: Double) {
        self.start = start
        self.end = end
        self.entity = entity
        self.ruleID = ruleID
        self.confidence = confidence
    }

    /// Number of bytes the span covers.
    public var length: Int { end - start }

    /// Returns the finding moved by `delta` bytes (used to make line-relative offsets absolute).
    @inlinable
    public func shifted(by delta: Int) -> Finding {
        var f = self
        f.start += delta
        f.end += delta
        return f
    }
}
