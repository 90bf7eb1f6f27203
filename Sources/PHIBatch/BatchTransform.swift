import PHIScan

/// How batch mode replaces a finding: the seam through which the transformation policy (redact, token, encrypt,
/// ...) is passed in. One value is shared by all worker threads, so implementations must be thread-safe.
public protocol BatchTransform: Sendable {
    /// The replacement text (plain UTF-8; batch mode escapes it for JSON itself) for one finding. `value` is the
    /// matched text, decoded: use it (e.g. to derive a token) but never store or print it. `file` is the input
    /// path, for operators that bind a data context. Throwing fails the file closed: nothing of it is written.
    func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>, file: String) throws -> [UInt8]
}

/// The default transformation, as in the filter: the typed token `[ENTITY]`, e.g. `[SSN]`.
public struct TypedTokenTransform: BatchTransform {
    public init() {}
    public func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>, file: String) -> [UInt8] {
        Array("[\(finding.entity)]".utf8)
    }
}
