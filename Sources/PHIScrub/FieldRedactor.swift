import PHITransform

/// Redacts PHI in short free-text fields that are not part of the data stream but end up in side channels: file
/// names (findings, SARIF, audit records, batch reports, error messages) and the identifiers and details of an
/// audit record. A name like `Jane_Roe_SSN_365-94-0475.log` becomes `Jane_Roe_SSN_[SSN].log`.
///
/// Underscores are read as spaces while scanning (file names use them between words, and the rules look for whole
/// words), and every byte outside a finding is kept, so the result still identifies the file to a reader. A field
/// that cannot be scanned completely is replaced by `[WITHHELD]` whole (fail closed).
public struct FieldRedactor: Sendable {
    public let scrubber: Scrubber

    public init(scrubber: Scrubber) {
        self.scrubber = scrubber
    }

    /// `text` with each finding replaced by `[ENTITY]`.
    public func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return text }
        let scanned = bytes.map { $0 == UInt8(ascii: "_") || $0 == 0x0A || $0 == 0x0D ? UInt8(ascii: " ") : $0 }
        let report = scrubber.scanReport(scanned)
        if !report.incidents.isEmpty { return String(decoding: withheldMarker, as: UTF8.self) }
        if report.findings.isEmpty { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        for finding in report.findings.sorted(by: { $0.start < $1.start }) where finding.start >= at {
            out += bytes[at..<finding.start]
            out += TypedToken.bytes(finding.entity)
            at = min(finding.end, bytes.count)
        }
        out += bytes[at...]
        return String(decoding: out, as: UTF8.self)
    }
}
