import PHIScan
import PHIScrub
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// How the filter and `scan` read their input (`--format` / `--input-format`).
public enum StreamFormat: String, CaseIterable, Sendable {
    /// Line mode, as always: the fast path, unchanged.
    case text
    /// Each input is one JSON document (up to `FormatRouter.maxDocument` bytes), rewritten as JSON.
    case json
    /// Every line is a JSON value; a line that is not is cleaned as text and reported (exit 2).
    case jsonl
    /// Per line: an object or array that parses is rewritten as JSON, anything else goes the text path.
    case auto
    /// CSV with a header row: each record (a quoted field may hold newlines) rewritten field by field, each field
    /// scanned with its column's header name as context, as batch does for `.csv`.
    case csv
}

/// Routes whole lines either through the JSON rewriter of batch mode (string values scanned after the label their
/// key implies, so `{"ssn": "402198877"}` is judged as `SSN: 402198877` is; output parses to the same shape) or
/// through the text stream scanner, byte-exact as ever. Lines are cut here, so how the input arrives in chunks
/// does not matter; runs of text lines are fed to the scanner together. A line too long to hold as JSON
/// (`maxLine`) streams through the text path, so memory stays bounded.
public final class FormatRouter: InputRouter {
    public static let maxLine = 8 << 20
    public static let maxDocument = 64 << 20

    public let format: StreamFormat
    public let stream: StreamScanner
    let cleaner: JSONCleaner
    /// `csv`: the record rewriter, where records end, and how far into `pending` the splitter has looked.
    private let csvCleaner: CSVCleaner?
    private var splitter = CSVSplitter()
    private var splitScanned = 0
    /// Input bytes of the unfinished line (or, for `json`, of the document) not yet routed.
    private var pending: [UInt8] = []
    /// Absolute offset of `pending[0]`.
    private var offset = 0
    /// The current line was judged text (too long for JSON) and its remaining bytes go straight to the scanner.
    private var streamingText = false
    /// Lines (documents) declared JSON that did not parse, cleaned as text.
    public private(set) var notJSON = 0
    private var out: [UInt8] = []
    private var found: [RewrittenFinding] = []

    public init(format: StreamFormat, stream: StreamScanner, scrubber: Scrubber, replacer: any FindingReplacer, file: String) {
        precondition(format != .text, "text needs no router")
        self.format = format
        self.stream = stream
        cleaner = JSONCleaner(scrubber: scrubber, replacer: replacer, lineCap: stream.lineCap, file: file)
        csvCleaner = format == .csv ? CSVCleaner(scrubber: scrubber, replacer: replacer, lineCap: stream.lineCap, file: file) : nil
    }

    /// The error for inputs declared JSON that were not (their lines were still cleaned, as text).
    public func notJSONMessage(_ input: String) -> String {
        let shown = input == "-" ? "standard input" : input
        if format == .json { return "\(shown): not one JSON document (or over \(FormatRouter.maxDocument >> 20) MiB); cleaned as text" }
        return "\(shown): \(notJSON) line(s) not JSON (--format jsonl); cleaned as text"
    }

    public func problem(input: String) -> String? {
        notJSON > 0 ? notJSONMessage(input) : nil
    }

    private var limit: Int { format == .json ? FormatRouter.maxDocument : FormatRouter.maxLine }

    public func feed<S: ScanSink>(_ chunk: UnsafeBufferPointer<UInt8>, into sink: inout S) throws {
        var rest = chunk
        if streamingText {
            // The rest of an over-long text line, up to and including its newline.
            guard let nl = format == .json ? nil : rest.firstIndex(of: 0x0A) else {
                try text(rest, into: &sink)
                return
            }
            try text(UnsafeBufferPointer(rebasing: rest[...nl]), into: &sink)
            streamingText = false
            rest = UnsafeBufferPointer(rebasing: rest[(nl + 1)...])
        }
        if format == .json {
            pending.append(contentsOf: rest)
            if pending.count > limit { try giveUpOnJSON(into: &sink) }
            return
        }
        if format == .csv {
            pending.append(contentsOf: rest)
            try csvRecords(eof: false, into: &sink)
            return
        }
        if pending.isEmpty {
            // Nothing held from the last chunk: route this one's whole lines where they lie and keep only its
            // partial last line (copying every chunk first was a second pass over the input).
            let routed = try route(rest, into: &sink)
            if routed < rest.count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: rest[routed...])) }
        } else {
            pending.append(contentsOf: rest)
            let routed = try pending.withUnsafeBufferPointer { try route($0, into: &sink) }
            pending.removeFirst(routed)
        }
        if pending.count > limit {
            // No JSON line is this long: the text path takes it, in pieces, until its newline.
            if format == .jsonl { notJSON += 1 }
            streamingText = true
            let bytes = pending
            pending.removeAll()
            try bytes.withUnsafeBufferPointer { try text($0, into: &sink) }
        }
    }

    /// Routes the whole lines of `p` (JSON lines to the JSON cleaner, runs of other lines to the text scanner);
    /// returns how many bytes that was (up to and including the last newline).
    private func route<S: ScanSink>(_ p: UnsafeBufferPointer<UInt8>, into sink: inout S) throws -> Int {
        guard let base = p.baseAddress else { return 0 }
        var start = 0
        var textStart = 0  // start of the run of text lines not yet fed
        while start < p.count, let nl = memchr(base + start, 0x0A, p.count - start) {
            let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
            let line = UnsafeBufferPointer(rebasing: p[start..<end])
            if line.count <= limit + 1, FormatRouter.mayBeJSON(line) {
                if textStart < start { try text(UnsafeBufferPointer(rebasing: p[textStart..<start]), into: &sink) }
                if !(try json(line, into: &sink)) {
                    if format == .jsonl { notJSON += 1 }
                    try text(line, into: &sink)
                }
                textStart = end
            } else if format == .jsonl && !FormatRouter.isBlank(line) {
                notJSON += 1
            }
            start = end
        }
        if textStart < start { try text(UnsafeBufferPointer(rebasing: p[textStart..<start]), into: &sink) }
        return start
    }

    /// The end of input: the last line (without a newline), or the JSON document.
    public func finish<S: ScanSink>(into sink: inout S) throws {
        defer { pending.removeAll(); streamingText = false; splitter.reset(); splitScanned = 0 }
        if format == .csv {
            if !streamingText { try csvRecords(eof: true, into: &sink) }
            try stream.finish(into: &sink)
            return
        }
        if !streamingText && !pending.isEmpty {
            let bytes = pending
            pending.removeAll()
            try bytes.withUnsafeBufferPointer { line in
                if FormatRouter.mayBeJSON(line, document: format == .json), try json(line, into: &sink) { return }
                if format != .auto && !FormatRouter.isBlank(line) { notJSON += 1 }
                try text(line, into: &sink)
            }
        }
        try stream.finish(into: &sink)
    }

    /// `csv`: rewrites every complete record in `pending` (at the end of input, the last one without a newline too).
    /// A record over `maxLine` (a quote never closed, or a huge field) streams through the text path up to the next
    /// newline, and record splitting starts afresh after it.
    private func csvRecords<S: ScanSink>(eof: Bool, into sink: inout S) throws {
        guard let csvCleaner else { return }
        var start = 0
        while start < pending.count {
            let found: Int? = pending.withUnsafeBufferPointer { p in
                splitter.end(in: p, from: max(start, splitScanned)).map { e in splitScanned = e; return e }
            }
            guard let end = found ?? (eof ? pending.count : nil) else {
                splitScanned = pending.count
                break
            }
            try pending.withUnsafeBufferPointer { p in
                try csvRecord(UnsafeBufferPointer(rebasing: p[start..<end]), csvCleaner, into: &sink)
            }
            start = end
        }
        if start > 0 {
            pending.removeFirst(start)
            splitScanned = max(0, splitScanned - start)
        }
        if pending.count > limit {
            streamingText = true
            splitter.reset()
            splitScanned = 0
            let bytes = pending
            pending.removeAll()
            try bytes.withUnsafeBufferPointer { try text($0, into: &sink) }
        }
    }

    /// One CSV record, rewritten and handed to the sink as one rewritten line.
    private func csvRecord<S: ScanSink>(_ record: UnsafeBufferPointer<UInt8>, _ csvCleaner: CSVCleaner,
                                        into sink: inout S) throws {
        guard stream.isBetweenLines else {
            try text(record, into: &sink)
            return
        }
        out.removeAll(keepingCapacity: true)
        found.removeAll(keepingCapacity: true)
        let base = offset
        let counts = try csvCleaner.clean(record, into: &out) { [self] f, at, value in
            var g = f
            g.start = base + at.lowerBound
            g.end = base + at.upperBound
            found.append(RewrittenFinding(finding: g, value: Array(value)))
        }
        try out.withUnsafeBufferPointer {
            try sink.rewrittenLine($0, offset: base, inputCount: record.count, findings: found, withheld: counts.withheld)
        }
        stream.skip(record.count)
        offset += record.count
    }

    /// `json` over the size limit: the document streams through the text path and is reported.
    private func giveUpOnJSON<S: ScanSink>(into sink: inout S) throws {
        notJSON += 1
        streamingText = true
        let bytes = pending
        pending.removeAll()
        try bytes.withUnsafeBufferPointer { try text($0, into: &sink) }
    }

    private func text<S: ScanSink>(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout S) throws {
        guard !bytes.isEmpty else { return }
        try stream.feed(bytes, into: &sink)
        offset += bytes.count
    }

    /// Rewrites `line` (its line ending kept) as JSON; false when it is not one JSON value.
    private func json<S: ScanSink>(_ line: UnsafeBufferPointer<UInt8>, into sink: inout S) throws -> Bool {
        // The scanner holds only whole lines here (each run fed ends with a newline), so skipping is exact.
        guard stream.isBetweenLines else { return false }
        var body = line.count
        if body > 0 && line[body - 1] == 0x0A { body -= 1 }
        out.removeAll(keepingCapacity: true)
        found.removeAll(keepingCapacity: true)
        let base = offset
        let counts: CleanCounts
        do {
            counts = try cleaner.clean(UnsafeBufferPointer(rebasing: line[..<body]), into: &out) { [self] f, at, value in
                var g = f
                g.start = base + at.lowerBound
                g.end = base + at.upperBound
                found.append(RewrittenFinding(finding: g, value: Array(value)))
            }
        } catch is JSONSyntaxError {
            return false
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[body...]))
        try out.withUnsafeBufferPointer {
            try sink.rewrittenLine($0, offset: base, inputCount: line.count, findings: found, withheld: counts.withheld)
        }
        stream.skip(line.count)
        offset += line.count
        return true
    }

    /// Only objects and arrays are rewritten as JSON: a bare number or word on a line (which parses as JSON) is
    /// text, where a line of digits is still judged by the rules.
    public static func mayBeJSON(_ line: UnsafeBufferPointer<UInt8>, document: Bool = false) -> Bool {
        for b in line {
            switch b {
            case 0x20, 0x09, 0x0D: continue
            case 0x0A where document: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return true
            default: return false
            }
        }
        return false
    }

    public static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }
}
