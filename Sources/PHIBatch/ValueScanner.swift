import PHIScan
import PHIScrub
#if canImport(Glibc)
import Glibc
#endif

/// Scans decoded string values, each on its own, optionally after a context label from its key. One per worker
/// thread: it reuses one stream scanner (and its PCRE2 match data) for every value.
final class ValueScanner {
    let stream: StreamScanner
    // Unchecked: one thread uses a scanner, and a dynamic exclusivity check on every access was a tenth of what a
    // short value costs.
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var sink = SegmentCollector()

    let lineCap: Int

    /// What the JSON keys seen so far mean, for the rewriters that use this scanner (kept with it, so that the
    /// service's pooled scanners keep theirs from one request to the next); the packs' field keys answer for JSON keys
    /// the built-in table does not know.
    let keys: JSONKeyTable

    init(scrubber: Scrubber, lineCap: Int) {
        stream = scrubber.makeStreamScanner(lineCap: lineCap)
        self.lineCap = stream.lineCap
        let fieldKeys = FieldKeyIndex(rules: scrubber.ruleSet.rules.map(\.rule))
        keys = JSONKeyTable { key in KeyContext.forKey(normalized: key) ?? fieldKeys.context(forKey: key) }
    }

    /// Findings in `value` (offsets into `value`, sorted, not overlapping) when scanned as `label` + `value`, and
    /// whether some part could not be scanned completely (then the value must be withheld).
    func scan(_ value: UnsafeBufferPointer<UInt8>, label: [UInt8]?) -> (findings: [Finding], incomplete: Bool) {
        let prefix = label?.count ?? 0
        sink.findings.removeAll(keepingCapacity: true)
        sink.incomplete = false
        var base = stream.bytesIn
        if prefix + value.count <= lineCap, value.isEmpty || memchr(value.baseAddress!, 0x0A, value.count) == nil {
            // One line: scanned directly, as the stream scanner would scan it (most values are short).
            base = 0
            if let label {
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: label)
                buffer.append(contentsOf: value)
                buffer.withUnsafeBufferPointer {
                    if stream.scanner.scan($0, base: 0, into: &sink.findings) != nil { sink.incomplete = true }
                }
            } else if stream.scanner.scan(value, base: 0, into: &sink.findings) != nil {
                sink.incomplete = true
            }
        } else {
            if let label {
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: label)
                buffer.append(contentsOf: value)
                buffer.withUnsafeBufferPointer { try? stream.feed($0, into: &sink) }
            } else {
                try? stream.feed(value, into: &sink)
            }
            // SegmentCollector never throws. (The one-line path above leaves the stream as it found it: nothing
            // pending, no sign-off carried, so it needs no finish.)
            try? stream.finish(into: &sink)
        }
        var out: [Finding] = []
        out.reserveCapacity(sink.findings.count)
        var cursor = 0
        for var f in sink.findings {
            f.start -= base + prefix
            f.end -= base + prefix
            if f.end <= 0 { continue }  // inside the label
            f.start = max(f.start, 0)
            if f.start < cursor { continue }
            out.append(f)
            cursor = f.end
        }
        return (out, sink.incomplete)
    }
}

/// Collects the findings of every segment and notes whether any segment had an incident.
struct SegmentCollector: ScanSink {
    var findings: [Finding] = []
    var incomplete = false
    mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                          incident: ScanIncident?) {
        self.findings.append(contentsOf: findings)
        if incident != nil { incomplete = true }
    }
}
