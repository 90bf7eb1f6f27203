import CICUShim
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

    /// A whole line rewritten outside the scanner (a JSON line under `--format auto`): `output` replaces the
    /// `inputCount` input bytes at absolute `offset`; `findings` are in input coordinates, each with its decoded
    /// value (to fingerprint, never to store); `withheld` strings of it could not be scanned completely and were
    /// replaced by `[WITHHELD]`. The default refuses, so a sink that does not handle it never drops text silently.
    mutating func rewrittenLine(_ output: UnsafeBufferPointer<UInt8>, offset: Int, inputCount: Int,
                                findings: [RewrittenFinding], withheld: Int) throws

    /// A segment of whole lines with no finding (it ends with a newline), holding `newlines` of them: what
    /// `segment` with no findings means, with the line count the scanner knows from its newline bitmap, so that a
    /// sink that counts lines need not search the bytes again (a second pass over most of the input). The default
    /// calls `segment`.
    mutating func cleanLines(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, newlines: Int) throws
}

extension ScanSink {
    public mutating func cleanLines(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, newlines: Int) throws {
        try segment(bytes, offset: offset, findings: [], incident: nil)
    }

    public mutating func rewrittenLine(_ output: UnsafeBufferPointer<UInt8>, offset: Int, inputCount: Int,
                                       findings: [RewrittenFinding], withheld: Int) throws {
        throw RewrittenLineUnsupported()
    }
}

/// A sink was handed a rewritten line it cannot write.
public struct RewrittenLineUnsupported: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "this output does not take rewritten (JSON) lines" }
}

/// A finding of a line rewritten outside the scanner, with its decoded value.
public struct RewrittenFinding: Sendable {
    public var finding: Finding
    public var value: [UInt8]
    public init(finding: Finding, value: [UInt8]) {
        self.finding = finding
        self.value = value
    }
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
    /// Bytes at the start of `pending` kept as left context of an over-long line being cut.
    var carried = 0
    /// Whether `pending[0]` is the first byte of that line (else it is only context).
    var carriedIsLineStart = false
    /// An over-long line is being cut.
    var inLongLine = false
    /// The sign-off cue ("Sincerely,") that ends the last whole line pushed, or -1 (see `lead`).
    var lastSignoff: Int32 = -1
    /// Absolute offset before which (from the current position) no newline exists: saves re-searching a long
    /// line on every small feed.
    var noNewlineBefore = 0

    /// 256 KiB: a piece's candidates and findings are held at once, and a line dense with findings (10 MB of
    /// `Mr. Mr. ...`, one name every 4 bytes) took 115 MiB at 1 MiB pieces, 58 MiB at 256 KiB (Benchmarks/README.md).
    public static let defaultLineCap = 256 << 10

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

    /// Whether whole lines can be scanned where the caller's chunk holds them: batch mode, and no over-long line
    /// being cut (checked again after the held partial line is completed: it may have been one).
    private var scansInPlace: Bool { carried == 0 && !inLongLine && batching }

    /// Adds bytes to the stream and pushes every segment that is now complete.
    public func feed<S: ScanSink>(_ chunk: UnsafeBufferPointer<UInt8>, into sink: inout S) throws {
        bytesIn += chunk.count
        var chunk = chunk
        // The chunk's whole lines are scanned where they lie, and only the partial line at its end is copied
        // (copying every chunk into `pending` first was a second pass over the input). A partial line held from the
        // chunk before is completed first, with the bytes up to this chunk's first newline.
        if !pending.isEmpty, scansInPlace, let base = chunk.baseAddress,
           let nl = memchr(base, 0x0A, chunk.count) {
            let head = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[..<head]))
            try drain(final: false, into: &sink)
            chunk = UnsafeBufferPointer(rebasing: chunk[head...])
        }
        if pending.isEmpty, scansInPlace, let base = chunk.baseAddress,
           let nl = phs_last_byte(base, chunk.count, 0x0A) {
            let end = base.distance(to: nl) + 1
            try emitBatches(base, from: 0, to: end, into: &sink)
            pendingOffset += end
            noNewlineBefore = pendingOffset
            if end == chunk.count { return }
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[end...]))
        } else {
            pending.append(contentsOf: chunk)
        }
        try drain(final: false, into: &sink)
    }

    /// Convenience for arrays.
    public func feed<S: ScanSink>(_ chunk: [UInt8], into sink: inout S) throws {
        try chunk.withUnsafeBufferPointer { try feed($0, into: &sink) }
    }

    /// Moves the stream's offsets past `n` input bytes handled elsewhere (a JSON line rewritten by the caller), so
    /// later findings keep their absolute offsets. Only between whole lines: nothing may be pending.
    public func skip(_ n: Int) {
        precondition(pending.isEmpty && carried == 0 && !inLongLine, "skip inside a line")
        pendingOffset += n
        bytesIn += n
        lastSignoff = -1
    }

    /// Gives the stream the end of the input before its first byte (when the input is cut into blocks scanned by
    /// separate streams): a detector that reads the line before a name ("Sincerely," then the name) sees it, so a
    /// block's first line is scanned as it would be in one stream.
    public func lead(_ before: UnsafeBufferPointer<UInt8>) {
        guard let p = before.baseAddress, before.count > 0 else { return }
        lastSignoff = signoffAtEnd(p, before.count)
    }

    /// The sign-off cue ("Sincerely,") that ends `p[0..<n]` as its last line, or -1 (no name detector, or none).
    private func signoffAtEnd(_ p: UnsafePointer<UInt8>, _ n: Int, before: Int32 = -1) -> Int32 {
        guard let names = scanner.ruleSet.personNames, n > 0 else { return -1 }
        return names.signoffAtEnd(p, n, before: before)
    }

    /// Whether no partial line is held (everything fed so far has been pushed to the sink).
    public var isBetweenLines: Bool { pending.isEmpty && !inLongLine }

    /// Marks the end of input: scans what remains (a last line without a newline) and pushes it.
    public func finish<S: ScanSink>(into sink: inout S) throws {
        try drain(final: true, into: &sink)
        lastSignoff = -1
    }

    private func drain<S: ScanSink>(final: Bool, into sink: inout S) throws {
        var consumed = 0
        var retained = 0
        defer {
            if consumed > 0 {
                pending.removeFirst(consumed)
                pendingOffset += consumed
            }
            carried = retained
        }
        try pending.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            let count = buf.count
            var pos = carried
            // Where the over-long line being cut begins in `pending` (its retained left context), if any.
            var longStart: Int? = carried > 0 || inLongLine ? 0 : nil
            var longStartIsReal = carriedIsLineStart
            // No newline in pending[..<searched] at or after pos (offsets in pending).
            var searched = max(pos, noNewlineBefore - pendingOffset)
            while pos < count {
                if longStart == nil, batching {
                    searched = max(searched, pos)
                    if let nl = phs_last_byte(base + searched, count - searched, 0x0A) {
                        let end = base.distance(to: nl) + 1
                        try emitBatches(base, from: pos, to: end, into: &sink)
                        pos = end
                        searched = end
                        continue
                    }
                    searched = count
                }
                let limit = min(count, pos + lineCap + 1)
                let from = max(pos, searched)
                if from < limit, let nl = memchr(base + from, 0x0A, limit - from) {
                    let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    let context = longStart.map { contextStart(base, pos, lineStart: $0, isReal: longStartIsReal) } ?? pos
                    try emitLine(base, from: pos, context: context, lineEnd: end, segmentEnd: end + 1,
                                 signoff: longStart == nil ? lastSignoff : -1, into: &sink)
                    lastSignoff = longStart == nil ? signoffAtEnd(base + pos, end - pos, before: lastSignoff) : -1
                    pos = end + 1
                    searched = pos
                    longStart = nil
                } else if count - pos > lineCap {
                    searched = max(searched, limit)
                    let context = longStart.map { contextStart(base, pos, lineStart: $0, isReal: longStartIsReal) } ?? pos
                    let first = longStart == nil
                    if longStart == nil {
                        longStart = pos
                        longStartIsReal = true
                    }
                    pos = try emitCut(base, from: pos, context: context, signoff: first ? lastSignoff : -1, into: &sink)
                    lastSignoff = -1
                } else if final {
                    let context = longStart.map { contextStart(base, pos, lineStart: $0, isReal: longStartIsReal) } ?? pos
                    try emitLine(base, from: pos, context: context, lineEnd: count, segmentEnd: count,
                                 signoff: longStart == nil ? lastSignoff : -1, into: &sink)
                    lastSignoff = -1
                    pos = count
                    longStart = nil
                } else {
                    searched = max(searched, count)
                    break
                }
            }
            // Keep the left context of a line still being cut: the next piece is scanned with it.
            if let ls = longStart {
                retained = min(overlap + 1, pos - ls)
                carriedIsLineStart = longStartIsReal && retained == pos - ls
                inLongLine = true
            } else {
                inLongLine = false
            }
            consumed = pos - retained
            noNewlineBefore = pendingOffset + max(searched, pos)
        }
    }

    /// Where the scan of a piece of an over-long line starting at `pos` begins: up to `overlap` bytes earlier, so
    /// a label before the cut still leads its value, moved forward to a word start so the cut invents no word.
    /// `lineStart` is where the line's retained bytes begin; `isReal` says whether that is the line's first byte.
    private func contextStart(_ base: UnsafePointer<UInt8>, _ pos: Int, lineStart: Int, isReal: Bool) -> Int {
        var c = max(lineStart + (isReal ? 0 : 1), pos - overlap)
        if c > pos { c = pos }
        while c < pos && c > lineStart && ByteClass.isAlnum(base[c - 1]) && ByteClass.isAlnum(base[c]) { c += 1 }
        return c
    }

    /// Bytes per batch block (whole lines; a longer line is a block of its own). A read chunk (256 KiB) is cut into
    /// blocks this size so the feature pass's bitmaps, the name detector and the per-line rules reread a block
    /// that is still in the first-level cache (20 MB log: 1,556 M -> 1,549 M instructions, 2 % fewer L1 misses).
    static let batchBlock = 32 * 1024

    /// `emitBatch` over `base[from..<end]` (whole lines) in blocks of about `batchBlock` bytes, cut at newlines.
    private func emitBatches<S: ScanSink>(_ base: UnsafePointer<UInt8>, from: Int, to end: Int, into sink: inout S) throws {
        var start = from
        let block = StreamScanner.batchBlock
        while end - start > block {
            guard let nl = phs_last_byte(base + start, block, 0x0A) else { break }
            let cut = base.distance(to: nl) + 1
            try emitBatch(base, from: start, to: cut, into: &sink)
            start = cut
        }
        if start < end { try emitBatch(base, from: start, to: end, into: &sink) }
    }

    /// Scans the whole lines in `base[from..<to]` (which ends with a newline) with one feature pass, then pushes
    /// runs of lines with no feature items as single segments and scans only the lines that have some. Lines with
    /// non-ASCII bytes or bytes named by byte triggers, and lines over the cap, take the per-line path.
    private func emitBatch<S: ScanSink>(_ base: UnsafePointer<UInt8>, from: Int, to end: Int, into sink: inout S) throws {
        let block = UnsafeBufferPointer(start: base + from, count: end - from)
        // The name detector reads the line before a block's first line (a sign-off) from the stream's state, and
        // the lines inside the block from the block itself.
        let signoffBefore = lastSignoff
        scanner.engine.signoff = signoffBefore
        scanner.engine.computeBatch(block)
        scanner.engine.signoff = -1
        defer { lastSignoff = signoffAtEnd(base + from, end - from, before: signoffBefore) }
        let names = scanner.ruleSet.personNames
        func signoff(before line: Int) -> Int32 {
            if line == from { return signoffBefore }
            return names?.signoff(base + from, end - from, beforeLine: line - from, before: signoffBefore) ?? -1
        }
        let newlines = scanner.engine.batchNewlines
        var cursor = BatchCursor()
        // The next byte outside ASCII, byte-trigger byte or ESC (absolute in `base`; `end` when none), one pass over
        // the block for all of them (`RuleSet.batchSpecialBytes`), recomputed only once passed.
        let specialBytes = scanner.ruleSet.batchSpecialBytes
        func nextSpecial(from start: Int) -> Int {
            start + specialBytes.withUnsafeBufferPointer {
                phs_first_special(base + start, end - start, $0.baseAddress, Int32($0.count))
            }
        }
        var special = nextSpecial(from: from)
        // Bytes from `clean` up to the line being looked at hold no finding and are pushed as one segment when a
        // line with findings (or one scanned on its own) comes, or at the block's end: lines with feature items
        // but no finding (two thirds of those walked in a log) join the clean lines around them instead of costing
        // the sink a segment each.
        // A line holding a special byte is scanned on its own when it holds a terminal escape (masked there), or bytes
        // outside ASCII whose normalised form differs from them; a trigger byte alone, or accents and emoji that
        // normalise to themselves, stay on the batch path.
        func takesLinePath(_ start: Int, _ stop: Int) -> Bool {
            if memchr(base + start, 0x1B, stop - start) != nil { return true }
            return phs_first_non_ascii(base + start, stop - start) < stop - start
                && !scanner.engine.normalizesToItself(UnsafeBufferPointer(start: base + start, count: stop - start))
        }
        // The next escape that stands for a character (absolute; `end` when none): JSON \uXXXX, URL %XX, an HTML
        // reference. Its line is read decoded, on the per-line path ("Jos\u00e9 Hern\u00e1ndez" from a serializer
        // that escapes every character outside ASCII, "dob=10%2F13%2F1951" in a query string). Searched from a
        // line's start, so backslashes pair up as the line writes them.
        func nextEscape(from start: Int) -> Int { start + phs_icu_next_escape(base + start, end - start) }
        var escape = nextEscape(from: from)
        var clean = from
        // Clean runs end where a line starts (or at the block's end), so they are whole lines; their count is a
        // popcount of the newline bitmap.
        func pushClean(to stop: Int) throws {
            if stop > clean {
                try sink.cleanLines(UnsafeBufferPointer(start: base + clean, count: stop - clean),
                                    offset: pendingOffset + clean,
                                    newlines: phs_bit_count(newlines, clean - from, stop - from))
            }
            clean = stop
        }
        var lineStart = from
        while lineStart < end {
            if special < lineStart { special = nextSpecial(from: lineStart) }
            if escape < lineStart { escape = nextEscape(from: lineStart) }
            let item = scanner.engine.nextItem(cursor).map { $0 + from } ?? end
            let hot = min(item, special, escape)
            if hot >= end { break }
            // The hot line's bounds from the feature pass's newline bitmap (a bit scan, not a byte search).
            var hotStart = lineStart
            if hot > lineStart {
                let nl = phs_bit_prev(newlines, lineStart - from, hot - from)
                if nl >= 0 { hotStart = from + Int(nl) + 1 }
            }
            let lineEnd = from + phs_bit_next(newlines, hot - from, end - from)
            let features = scanner.engine.take(&cursor, before: lineEnd - from, shift: hotStart - from)
            if lineEnd - hotStart > lineCap {
                try pushClean(to: hotStart)
                var p = hotStart
                while lineEnd - p > lineCap {
                    let context = p == hotStart ? p : contextStart(base, p, lineStart: hotStart, isReal: true)
                    p = try emitCut(base, from: p, context: context, signoff: p == hotStart ? signoff(before: hotStart) : -1,
                                    into: &sink)
                }
                let context = contextStart(base, p, lineStart: hotStart, isReal: true)
                try emitLine(base, from: p, context: context, lineEnd: lineEnd, segmentEnd: lineEnd + 1, signoff: -1,
                             into: &sink)
                clean = lineEnd + 1
            } else if escape < lineEnd || (special < lineEnd && takesLinePath(hotStart, lineEnd)) {
                try pushClean(to: hotStart)
                try emitLine(base, from: hotStart, context: hotStart, lineEnd: lineEnd, segmentEnd: lineEnd + 1,
                             signoff: signoff(before: hotStart), into: &sink)
                clean = lineEnd + 1
            } else {
                findings.clearKeepingCapacity()
                let incident = scanner.engine.scanBatchLine(
                    UnsafeBufferPointer(start: base + hotStart, count: lineEnd - hotStart), features: features,
                    base: pendingOffset + hotStart, byteTriggers: special < lineEnd, into: &findings)
                if !findings.isEmpty || incident != nil {
                    try pushClean(to: hotStart)
                    try sink.segment(UnsafeBufferPointer(start: base + hotStart, count: lineEnd + 1 - hotStart),
                                     offset: pendingOffset + hotStart, findings: findings, incident: incident)
                    clean = lineEnd + 1
                }
            }
            lineStart = lineEnd + 1
        }
        try pushClean(to: end)
    }

    /// Scans `base[context..<lineEnd]` and pushes `base[from..<segmentEnd]` with the findings that start at or
    /// after `from` (bytes before `from` were pushed already and serve as left context only).
    private func emitLine<S: ScanSink>(_ base: UnsafePointer<UInt8>, from: Int, context: Int, lineEnd: Int,
                                       segmentEnd: Int, signoff: Int32, into sink: inout S) throws {
        findings.clearKeepingCapacity()
        scanner.engine.signoff = signoff
        let incident = scanner.scan(UnsafeBufferPointer(start: base + context, count: lineEnd - context),
                                    base: pendingOffset + context, into: &findings)
        scanner.engine.signoff = -1
        if context < from {
            let first = pendingOffset + from
            findings.removeAll { $0.start < first }
        }
        try sink.segment(UnsafeBufferPointer(start: base + from, count: segmentEnd - from),
                         offset: pendingOffset + from, findings: findings, incident: incident)
    }

    /// Scans `lineCap` bytes of an over-long line from `context` and pushes `base[from..<end]`, where `end` is the
    /// point no later piece can change: findings starting before `lineCap - overlap` are reported here, the rest by
    /// the next piece, which is scanned with up to `overlap` bytes of left context. Returns `end`.
    private func emitCut<S: ScanSink>(_ base: UnsafePointer<UInt8>, from: Int, context: Int, signoff: Int32,
                                      into sink: inout S) throws -> Int {
        findings.clearKeepingCapacity()
        let window = pendingOffset + context
        scanner.engine.signoff = signoff
        let incident = scanner.scan(UnsafeBufferPointer(start: base + context, count: lineCap), base: window,
                                    into: &findings)
        scanner.engine.signoff = -1
        let committed = context + lineCap - overlap
        let first = pendingOffset + from, last = pendingOffset + committed
        findings.removeAll { $0.start < first || $0.start >= last }
        var end = committed
        for f in findings { end = max(end, f.end - pendingOffset) }
        try sink.segment(UnsafeBufferPointer(start: base + from, count: end - from), offset: pendingOffset + from,
                         findings: findings, incident: incident)
        return end
    }
}

/// Number of newline bytes in `bytes`.
public func countNewlines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let p = bytes.baseAddress else { return 0 }
    return phs_count_byte(p, bytes.count, 0x0A)
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

extension Array {
    /// Empties the array and keeps its storage. An array that is empty already (most lines' candidates and
    /// findings) is left alone: `removeAll(keepingCapacity:)` costs a generic range replacement even then, about
    /// 100 instructions per line on the scan path.
    @inline(__always) mutating func clearKeepingCapacity() {
        if !isEmpty { removeAll(keepingCapacity: true) }
    }
}
