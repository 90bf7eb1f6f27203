import PHIScan
import PHIScrub
import PHITransform

/// Finds where CSV records end (RFC 4180): a newline ends a record unless it is inside a quoted field, so a record
/// may span lines. Fed a byte at a time through `end(in:from:)`, it keeps its state between calls, so records can
/// arrive in any chunks. Lenient like most readers: a quote inside an unquoted field is a plain byte, and bytes
/// after a closing quote (`"a"b`) stay in the field.
public struct CSVSplitter: Sendable {
    enum State: UInt8 { case fieldStart, unquoted, quoted, quoteInQuoted }
    var state = State.fieldStart

    public init() {}

    /// Whether the bytes seen so far end inside a quoted field.
    public var insideQuotes: Bool { state == .quoted }

    /// The offset just past the newline ending the record that continues at `from`, or nil when `bytes` ends first
    /// (the state then covers everything up to `bytes.count`, so continue from there).
    public mutating func end(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch state {
            case .quoted:
                if b == 0x22 { state = .quoteInQuoted }
            case .fieldStart:
                if b == 0x22 { state = .quoted } else if b == 0x0A { return i } else if b != 0x2C { state = .unquoted }
            case .unquoted:
                if b == 0x2C { state = .fieldStart } else if b == 0x0A { state = .fieldStart; return i }
            case .quoteInQuoted:
                if b == 0x22 { state = .quoted } else if b == 0x2C { state = .fieldStart }
                else if b == 0x0A { state = .fieldStart; return i } else { state = .unquoted }
            }
        }
        return nil
    }

    /// Forget the state (a new input, or a record given up on).
    public mutating func reset() { state = .fieldStart }
}

/// Rewrites CSV records field by field, with the header row's names as context: a value under `ssn` is scanned
/// after the label `SSN: ` exactly as a JSON value under the key `"ssn"` is (`KeyContext`, the same table), and a
/// column `KeyContext` does not know is scanned after its own name (`callback: ...`), so the field rules of
/// `rules/fields.yaml` see it as they see `callback=...` in a log. Everything that is not replaced passes through
/// byte for byte: separators, quoting, doubled quotes, CRLF, newlines inside quoted fields, a missing final
/// newline. A replacement inside a quoted field has its quotes doubled; one that would need quoting in an
/// unquoted field (a date shifted to `March 14, 1961`) quotes that field. The first record of an input is its
/// header; its fields are scanned too (without context), so PHI in a header never passes.
final class CSVRewriter {
    let values: ValueScanner
    let transform: any FindingReplacer
    var file = ""
    var counts = CleanCounts()
    /// Every finding, with the bytes of the record it covers (a field's raw span) and its decoded value.
    var onFinding: ((Finding, Range<Int>, UnsafeBufferPointer<UInt8>) -> Void)?
    /// The contexts of the header's columns; nil until the header was read.
    private(set) var columns: [KeyContext?]?

    init(values: ValueScanner, transform: any FindingReplacer) {
        self.values = values
        self.transform = transform
    }

    /// A new input: the next record is its header.
    func reset() { columns = nil }

    /// Appends `record` (one record with its line ending, if any) cleaned to `out`.
    func rewrite(_ record: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws {
        var body = record.count
        if body > 0 && record[body - 1] == 0x0A {
            body -= 1
            if body > 0 && record[body - 1] == 0x0D { body -= 1 }
        }
        counts.records += 1
        let fields = CSVRewriter.fields(UnsafeBufferPointer(rebasing: record[..<body]))
        let isHeader = columns == nil && body > 0
        if isHeader { columns = fields.map { CSVRewriter.context(forHeader: $0, in: record) } }
        var cursor = 0
        for (index, field) in fields.enumerated() {
            let context: KeyContext? = isHeader ? nil : (columns.flatMap { index < $0.count ? $0[index] : nil } ?? nil)
            guard let replacement = try rewriteField(field, in: record, context: context) else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: record[cursor..<field.raw.lowerBound]))
            out.append(contentsOf: replacement)
            cursor = field.raw.upperBound
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: record[cursor...]))
    }

    /// One field: where it is in the record, and (quoted) where its content is.
    struct Field {
        var raw: Range<Int>
        /// The bytes between the quotes of a well-formed quoted field (doubled quotes still doubled); nil for an
        /// unquoted (or malformed) field, whose raw bytes are its value.
        var quoted: Range<Int>?
    }

    /// The fields of a record body (without its line ending).
    static func fields(_ body: UnsafeBufferPointer<UInt8>) -> [Field] {
        var out: [Field] = []
        var start = 0
        var state = CSVSplitter.State.fieldStart
        var i = 0
        func close(_ end: Int, _ state: CSVSplitter.State) {
            // Well formed quoted: starts with a quote and the last quote closed it.
            let quoted = state == .quoteInQuoted && end - start >= 2 ? (start + 1)..<(end - 1) : nil
            out.append(Field(raw: start..<end, quoted: quoted))
        }
        while i < body.count {
            let b = body[i]
            switch state {
            case .quoted: if b == 0x22 { state = .quoteInQuoted }
            case .fieldStart:
                if b == 0x22 { state = .quoted } else if b == 0x2C { close(i, .fieldStart); start = i + 1 }
                else { state = .unquoted }
            case .unquoted:
                if b == 0x2C { close(i, .unquoted); start = i + 1; state = .fieldStart }
            case .quoteInQuoted:
                if b == 0x22 { state = .quoted } else if b == 0x2C {
                    close(i, .quoteInQuoted); start = i + 1; state = .fieldStart
                } else { state = .unquoted }
            }
            i += 1
        }
        close(body.count, state)
        return out
    }

    /// The context a header field gives its column: `KeyContext`'s for the normalised name (a `name` column's label
    /// applies only to values shaped like a full name, as for JSON), else the name itself (letters, digits, spaces,
    /// `_`, `-`, `.`; at most 64 bytes) followed by `: `, or nil for an empty name.
    static func context(forHeader field: Field, in record: UnsafeBufferPointer<UInt8>) -> KeyContext? {
        var name: [UInt8] = []
        var decoded: [UInt8] = []
        var units: [Int32] = []
        decode(field, record, into: &decoded, units: &units)
        for b in decoded {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x20, 0x5F, 0x2D, 0x2E: name.append(b)
            default: continue
            }
        }
        while name.first == 0x20 { name.removeFirst() }
        while name.last == 0x20 { name.removeLast() }
        if name.isEmpty || name.count > 64 { return nil }
        if let context = KeyContext.forKey(normalized: KeyContext.normalize(name)) { return context }
        return KeyContext(label: name + Array(": ".utf8))
    }

    /// The value of a field, and for each decoded byte the offset in the record it came from.
    static func decode(_ field: Field, _ record: UnsafeBufferPointer<UInt8>, into out: inout [UInt8],
                       units: inout [Int32]) {
        out.removeAll(keepingCapacity: true)
        units.removeAll(keepingCapacity: true)
        guard let q = field.quoted else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: record[field.raw]))
            units.append(contentsOf: field.raw.map { Int32($0) })
            return
        }
        var i = q.lowerBound
        while i < q.upperBound {
            out.append(record[i])
            units.append(Int32(i))
            i += record[i] == 0x22 && i + 1 < q.upperBound && record[i + 1] == 0x22 ? 2 : 1
        }
    }

    private var decoded: [UInt8] = []
    private var units: [Int32] = []

    /// The new bytes of `field` (quotes included when it is quoted), or nil to keep it.
    private func rewriteField(_ field: Field, in record: UnsafeBufferPointer<UInt8>, context: KeyContext?) throws -> [UInt8]? {
        if field.raw.isEmpty { return nil }
        counts.strings += 1
        CSVRewriter.decode(field, record, into: &decoded, units: &units)
        let (findings, incomplete): ([Finding], Bool) = decoded.withUnsafeBufferPointer { d in
            values.scan(d, label: context?.label(for: d))
        }
        if incomplete {
            counts.withheld += 1
            counts.stringsChanged += 1
            return field.quoted == nil ? withheldMarker : [0x22] + withheldMarker + [0x22]
        }
        if findings.isEmpty { return nil }
        // Spans in the record for each finding (widened over doubled quotes), and the replacements.
        var pieces: [(Range<Int>, [UInt8])] = []
        var needsQuoting = false
        for f in findings {
            let start = Int(units[f.start])
            var end = Int(units[f.end - 1]) + 1
            if field.quoted != nil && record[end - 1] == 0x22 { end += 1 }  // the second quote of a doubled pair
            if let last = pieces.last, start < last.0.upperBound { continue }
            let replacement = try decoded.withUnsafeBufferPointer { d in
                try transform.replacement(for: f, value: UnsafeBufferPointer(rebasing: d[f.start..<f.end]))
            }
            counts.findingsByEntity[f.entity, default: 0] += 1
            if let onFinding {
                decoded.withUnsafeBufferPointer { d in onFinding(f, start..<end, UnsafeBufferPointer(rebasing: d[f.start..<f.end])) }
            }
            if field.quoted == nil && replacement.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                needsQuoting = true
            }
            pieces.append((start..<end, replacement))
        }
        counts.stringsChanged += 1
        var out: [UInt8] = []
        if needsQuoting {
            // An unquoted field whose new value needs quotes: the whole field is written quoted.
            out.append(0x22)
            var cursor = field.raw.lowerBound
            func quote(_ bytes: some Sequence<UInt8>) { for b in bytes { out.append(b); if b == 0x22 { out.append(0x22) } } }
            for (span, replacement) in pieces {
                quote(record[cursor..<span.lowerBound])
                quote(replacement)
                cursor = span.upperBound
            }
            quote(record[cursor..<field.raw.upperBound])
            out.append(0x22)
            return out
        }
        var cursor = field.raw.lowerBound
        for (span, replacement) in pieces {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: record[cursor..<span.lowerBound]))
            if field.quoted != nil {
                for b in replacement { out.append(b); if b == 0x22 { out.append(0x22) } }
            } else {
                out.append(contentsOf: replacement)
            }
            cursor = span.upperBound
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: record[cursor..<field.raw.upperBound]))
        return out
    }
}

/// CSV cleaning for callers outside batch mode (the filter's `--format csv`): one record at a time, the first
/// record of an input being its header. Holds per-thread scanner state; share the `Scrubber`.
public final class CSVCleaner {
    let rewriter: CSVRewriter

    public init(scrubber: Scrubber, replacer: any FindingReplacer = TypedTokenReplacer(),
                lineCap: Int = StreamScanner.defaultLineCap, file: String = "") {
        rewriter = CSVRewriter(values: ValueScanner(scrubber: scrubber, lineCap: lineCap), transform: replacer)
        rewriter.file = file
    }

    /// A new input follows: its first record is a header again.
    public func reset() { rewriter.reset() }

    /// Appends the cleaned `record` (one CSV record with its line ending, if any) to `out`, reporting each finding
    /// with the bytes of `record` it covers and its decoded value.
    public func clean(_ record: UnsafeBufferPointer<UInt8>, into out: inout [UInt8],
                      onFinding: ((Finding, Range<Int>, UnsafeBufferPointer<UInt8>) -> Void)? = nil) throws -> CleanCounts {
        rewriter.counts = CleanCounts()
        rewriter.onFinding = onFinding
        defer { rewriter.onFinding = nil }
        let before = out.count
        do {
            try rewriter.rewrite(record, into: &out)
        } catch {
            out.removeSubrange(before...)
            throw error
        }
        return rewriter.counts
    }

    /// A whole CSV text (header first), cleaned.
    public func clean(_ text: String) throws -> String {
        reset()
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var splitter = CSVSplitter()
        try bytes.withUnsafeBufferPointer { b in
            var start = 0
            while start < b.count {
                let end = splitter.end(in: b, from: start) ?? b.count
                _ = try clean(UnsafeBufferPointer(rebasing: b[start..<end]), into: &out)
                start = end
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
