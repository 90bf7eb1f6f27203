import CScanKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives the scanned input in order, one segment at a time: a whole line with its newline, or a piece of a
/// line longer than the line cap. Segments cover the input exactly once, in order.
public protocol ScanSink {
    /// `bytes` are the segment's input bytes at absolute offset `offset`; `findings` lie inside it, sorted, with
    /// absolute offsets. When `incident` is set the segment was not fully scanned and must be withheld.
    mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                          incident: ScanIncident?) throws
}

/// Line-mode streaming scanner: feed it chunks of any size; it cuts complete lines, scans them and pushes
/// segments to a sink. Findings do not depend on how the input was split into chunks.
///
/// Lines longer than `lineCap` are cut into pieces that overlap by the rule set's longest match, so no match is
/// lost at a cut; a finding is reported by the first piece it starts in. Memory is bounded by
/// `lineCap` plus the largest chunk fed.
public final class StreamScanner {
    public let scanner: LineScanner
    /// Longest line scanned as one piece.
    public let lineCap: Int
    /// Bytes a cut piece shares with the next.
    public let overlap: Int
    @exclusivity(unchecked) var pending: [UInt8] = []
    /// Absolute offset of `pending[0]`.
    @exclusivity(unchecked) var pendingOffset = 0
    @exclusivity(unchecked) var findings: [Finding] = []
    /// Total bytes fed so far.
    @exclusivity(unchecked) public private(set) var bytesIn = 0

    public static let defaultLineCap = 1 << 20

    /// Scan whole lines in batches (one feature pass per block of lines). Off only when a rule has no prefilter,
    /// since such a rule must run on every line anyway.
    let batching: Bool

    public init(scanner: LineScanner, lineCap: Int = StreamScanner.defaultLineCap) {
        self.scanner = scanner
        self.overlap = scanner.ruleSet.maxMatchLength + 8
        self.lineCap = max(lineCap, 4 * overlap, 64)
        self.batching = scanner.ruleSet.alwaysRules.isEmpty
        pending.reserveCapacity(self.lineCap + 1)
    }

    /// Adds bytes to the stream and pushes every segment that is now complete.
    public func feed<S: ScanSink>(_ chunk: UnsafeBufferPointer<UInt8>, into sink: inout S) throws {
        bytesIn += chunk.count
        pending.append(contentsOf: chunk)
        try drain(final: false, into: &sink)
    }

    /// Convenience for arrays.
    public func feed<S: ScanSink>(_ chunk: [UInt8], into sink: inout S) throws {
        try chunk.withUnsafeBufferPointer { try feed($0, into: &sink) }
    }

    /// Marks the end of input: scans what remains (a last line without a newline) and pushes it.
    public func finish<S: ScanSink>(into sink: inout S) throws {
        try drain(final: true, into: &sink)
    }

    private func drain<S: ScanSink>(final: Bool, into sink: inout S) throws {
        var consumed = 0
        defer {
            if consumed > 0 {
                pending.removeFirst(consumed)
                pendingOffset += consumed
            }
        }
        try pending.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            let count = buf.count
            var pos = 0
            // Whole lines first, as one batch.
            if batching, let nl = phs_last_byte(base, count, 0x0A) {
                let end = base.distance(to: nl) + 1
                try emitBatch(base, from: 0, to: end, into: &sink)
                pos = end
            }
            while pos < count {
                let limit = min(count, pos + lineCap + 1)
                if let nl = memchr(base + pos, 0x0A, limit - pos) {
                    let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    try emitLine(base, from: pos, lineEnd: end, segmentEnd: end + 1, into: &sink)
                    pos = end + 1
                } else if count - pos > lineCap {
                    pos = try emitCut(base, from: pos, into: &sink)
                } else if final {
                    try emitLine(base, from: pos, lineEnd: count, segmentEnd: count, into: &sink)
                    pos = count
                } else {
                    break
                }
            }
            consumed = pos
        }
    }

    /// Scans the whole lines in `base[from..<to]` (which ends with a newline) with one feature pass, then pushes
    /// runs of lines with no feature items as single segments and scans only the lines that have some. Lines with
    /// non-ASCII bytes or bytes named by byte triggers, and lines over the cap, take the per-line path.
    private func emitBatch<S: ScanSink>(_ base: UnsafePointer<UInt8>, from: Int, to end: Int, into sink: inout S) throws {
        let block = UnsafeBufferPointer(start: base + from, count: end - from)
        scanner.engine.computeBatch(block)
        var cursor = BatchCursor()
        let triggerBytes = scanner.ruleSet.byteTriggers.map(\.byte)
        // Next non-ASCII byte and next byte-trigger byte (absolute in `base`), each recomputed only once passed.
        var nonASCII = from + Int(phs_first_non_ascii(base + from, end - from))
        var triggerAt = end
        func nextTrigger(from start: Int) -> Int {
            var next = end
            for b in triggerBytes {
                if let hit = memchr(base + start, Int32(b), next - start) {
                    next = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
            }
            return next
        }
        triggerAt = nextTrigger(from: from)
        var special = min(nonASCII, triggerAt)
        func nextSpecial(from start: Int) -> Int {
            if nonASCII < start { nonASCII = start + Int(phs_first_non_ascii(base + start, end - start)) }
            if triggerAt < start { triggerAt = nextTrigger(from: start) }
            return min(nonASCII, triggerAt)
        }
        var lineStart = from
        while lineStart < end {
            if special < lineStart { special = nextSpecial(from: lineStart) }
            let item = scanner.engine.nextItem(cursor).map { $0 + from } ?? end
            let hot = min(item, special)
            if hot >= end {
                try sink.segment(UnsafeBufferPointer(start: base + lineStart, count: end - lineStart),
                                 offset: pendingOffset + lineStart, findings: [], incident: nil)
                return
            }
            var hotStart = lineStart
            if hot > lineStart, let nl = phs_last_byte(base + lineStart, hot - lineStart, 0x0A) {
                hotStart = base.distance(to: nl) + 1
            }
            if hotStart > lineStart {
                try sink.segment(UnsafeBufferPointer(start: base + lineStart, count: hotStart - lineStart),
                                 offset: pendingOffset + lineStart, findings: [], incident: nil)
            }
            let nl = memchr(base + hot, 0x0A, end - hot)!
            let lineEnd = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
            let features = scanner.engine.take(&cursor, before: lineEnd - from, shift: hotStart - from)
            if lineEnd - hotStart > lineCap {
                var p = hotStart
                while lineEnd - p > lineCap { p = try emitCut(base, from: p, into: &sink) }
                try emitLine(base, from: p, lineEnd: lineEnd, segmentEnd: lineEnd + 1, into: &sink)
            } else if special < lineEnd {
                try emitLine(base, from: hotStart, lineEnd: lineEnd, segmentEnd: lineEnd + 1, into: &sink)
            } else {
                findings.removeAll(keepingCapacity: true)
                let incident = scanner.engine.scanBatchLine(
                    UnsafeBufferPointer(start: base + hotStart, count: lineEnd - hotStart), features: features,
                    base: pendingOffset + hotStart, into: &findings)
                try sink.segment(UnsafeBufferPointer(start: base + hotStart, count: lineEnd + 1 - hotStart),
                                 offset: pendingOffset + hotStart, findings: findings, incident: incident)
            }
            lineStart = lineEnd + 1
        }
    }

    private func emitLine<S: ScanSink>(_ base: UnsafePointer<UInt8>, from: Int, lineEnd: Int, segmentEnd: Int,
                                       into sink: inout S) throws {
        findings.removeAll(keepingCapacity: true)
        let incident = scanner.scan(UnsafeBufferPointer(start: base + from, count: lineEnd - from),
                                    base: pendingOffset + from, into: &findings)
        try sink.segment(UnsafeBufferPointer(start: base + from, count: segmentEnd - from),
                         offset: pendingOffset + from, findings: findings, incident: incident)
    }

    /// Scans `lineCap` bytes of an over-long line and pushes the part no later piece can change. Returns the new
    /// position.
    private func emitCut<S: ScanSink>(_ base: UnsafePointer<UInt8>, from: Int, into sink: inout S) throws -> Int {
        findings.removeAll(keepingCapacity: true)
        let incident = scanner.scan(UnsafeBufferPointer(start: base + from, count: lineCap), base: 0, into: &findings)
        let committed = lineCap - overlap
        var end = committed
        findings.removeAll { $0.start >= committed }
        for f in findings { end = max(end, f.end) }
        let absolute = pendingOffset + from
        for i in findings.indices { findings[i] = findings[i].shifted(by: absolute) }
        try sink.segment(UnsafeBufferPointer(start: base + from, count: end), offset: absolute,
                         findings: findings, incident: incident)
        return from + end
    }
}

/// Number of newline bytes in `bytes`.
public func countNewlines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard var p = bytes.baseAddress else { return 0 }
    let end = p + bytes.count
    var n = 0
    while p < end, let nl = memchr(p, 0x0A, p.distance(to: end)) {
        n += 1
        p = UnsafePointer(nl.assumingMemoryBound(to: UInt8.self)) + 1
    }
    return n
}

/// A sink that collects findings (and counts incidents); for `scan` and tests.
public struct FindingCollector: ScanSink {
    public var findings: [Finding] = []
    public var incidents: [ScanIncident] = []
    public init() {}
    public mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                                 incident: ScanIncident?) throws {
        self.findings.append(contentsOf: findings)
        if let incident { incidents.append(incident) }
    }
}
