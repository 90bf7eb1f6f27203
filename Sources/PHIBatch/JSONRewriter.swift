import PHIScan
import PHITransform

/// Rewrites the string values of a JSON text and nothing else.
///
/// Every byte outside string values (whitespace, key order, numbers, keys) is copied as it is, so the output
/// parses to the same shape: same keys, same array lengths, same types. Each string value is decoded (all
/// escapes, surrogate pairs included), scanned after the label its key implies (`KeyContext`), and only when
/// something was found is it spliced: replaced spans are mapped back to the escaped bytes they came from, so the
/// rest of the string keeps its original escapes and a replacement can never cut an escape sequence in half. A
/// string that itself holds JSON (tool-call arguments, tool results) is rewritten as JSON, recursively, and
/// encoded again. A string that could not be scanned completely is replaced by `[WITHHELD]`.
final class JSONRewriter {
    let values: ValueScanner
    let transform: any FindingReplacer
    /// Input path for the transform's data context.
    var file = ""
    /// Counts since creation (the caller resets them per file). Unchecked, as the scanners' state: one thread uses
    /// a rewriter.
    @exclusivity(unchecked) var counts = CleanCounts()
    /// When set, every finding is reported here with the bytes of the top-level text it was found in (a nested
    /// JSON string's finding: that whole string) and its decoded value.
    var onFinding: ((Finding, Range<Int>, UnsafeBufferPointer<UInt8>) -> Void)?
    /// The top-level text being rewritten and the content range of its string being rewritten.
    @exclusivity(unchecked) fileprivate var topBase: UnsafePointer<UInt8>?
    @exclusivity(unchecked) fileprivate var topString: Range<Int> = 0..<0
    /// What the keys seen so far mean (keys repeat: every record has the same few); the value scanner's table.
    var keys: JSONKeyTable { values.keys }

    /// Deepest JSON-inside-a-string nesting rewritten as JSON; deeper strings are scanned as text.
    static let maxNesting = 8

    init(values: ValueScanner, transform: any FindingReplacer) {
        self.values = values
        self.transform = transform
    }

    /// Appends the rewritten `text` to `out`. Throws `JSONSyntaxError` (with nothing appended) when `text` is not
    /// one valid JSON value; rethrows a failing transform.
    func rewrite(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws {
        topBase = text.baseAddress
        defer { topBase = nil }
        _ = try rewrite(text, into: &out, depth: 0)
    }

    /// Returns whether any string changed.
    private func rewrite(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], depth: Int) throws -> Bool {
        let toolLike = try JSONStructure.analyse(text, keys: keys)
        var pass = RewritePass(rewriter: self, text: text, toolLike: toolLike, depth: depth, out: out)
        out = []  // `pass` owns the buffer while it runs (no copy-on-write)
        var walker = JSONWalker(text)
        do {
            try walker.walk(&pass)
        } catch {
            // The structure pass accepted the text, so only a failing transform lands here.
            out = pass.takeOutput()
            throw pass.failure ?? error
        }
        pass.finish()
        out = pass.takeOutput()
        return pass.changed
    }

    /// The replacement for a number that scans as PHI after its key's label (`"zip": 38574`, `"ssn": 402198877`): a
    /// JSON string, quotes included (`"[ZIP]"`), or nil to keep the number. The value's type changes, which a
    /// consumer's schema may notice; a ZIP code or SSN left in place would be PHI passed on (fail closed).
    fileprivate func rewriteNumber(_ number: UnsafeBufferPointer<UInt8>, context: KeyContext, depth: Int) throws -> [UInt8]? {
        guard let content = try rewriteDecoded(number, raw: number, escaped: false, context: context, depth: depth) else {
            return nil
        }
        counts.numbersReplaced += 1
        return [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]
    }

    /// The new content (escaped, without quotes) of the string at `raw`, or nil to keep it as it is.
    fileprivate func rewriteString(_ raw: UnsafeBufferPointer<UInt8>, hasEscapes: Bool, context: KeyContext?,
                                   depth: Int) throws -> [UInt8]? {
        counts.strings += 1
        if raw.isEmpty { return nil }
        var decoded: [UInt8] = []
        if hasEscapes { JSONString.decode(raw, into: &decoded) }
        let result: [UInt8]? = try (hasEscapes ? decoded.withUnsafeBufferPointer { d in
            try rewriteDecoded(d, raw: raw, escaped: true, context: context, depth: depth)
        } : rewriteDecoded(raw, raw: raw, escaped: false, context: context, depth: depth))
        if result != nil { counts.stringsChanged += 1 }
        return result
    }

    /// `escaped`: `d` is `raw` decoded (else `d` is `raw`). The raw offset of each decoded byte is worked out only
    /// for a string in which something was found.
    private func rewriteDecoded(_ d: UnsafeBufferPointer<UInt8>, raw: UnsafeBufferPointer<UInt8>, escaped: Bool,
                                context: KeyContext?, depth: Int) throws -> [UInt8]? {
        if depth == 0, let top = topBase, let base = raw.baseAddress {
            let at = top.distance(to: base)
            topString = at..<(at + raw.count)
        }
        if depth < JSONRewriter.maxNesting, JSONRewriter.looksLikeJSON(d) {
            var inner: [UInt8] = []
            inner.reserveCapacity(d.count)
            do {
                let changed = try rewrite(d, into: &inner, depth: depth + 1)
                if !changed { return nil }
                var encoded: [UInt8] = []
                encoded.reserveCapacity(inner.count + inner.count / 8)
                JSONString.encode(inner, into: &encoded)
                return encoded
            } catch is JSONSyntaxError {
                // Not JSON after all: scanned as text below.
            }
        }
        let (findings, incomplete) = values.scan(d, label: context?.label(for: d))
        if incomplete {
            counts.withheld += 1
            var encoded: [UInt8] = []
            JSONString.encode(withheldMarker, into: &encoded)
            return encoded
        }
        if findings.isEmpty { return nil }
        var units: [Int32]?
        if escaped {
            var again: [UInt8] = []
            var offsets: [Int32] = []
            JSONString.decode(raw, into: &again, units: &offsets)
            units = offsets
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + 16 * findings.count)
        var cursor = 0  // in raw
        for f in findings {
            let (rs, re) = JSONRewriter.rawRange(f.start..<f.end, units: units, rawCount: raw.count)
            if rs < cursor { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[cursor..<rs]))
            let replacement = try transform.replacement(
                for: f, value: UnsafeBufferPointer(rebasing: d[f.start..<f.end]))
            JSONString.encode(replacement, into: &out)
            counts.findingsByEntity[f.entity, default: 0] += 1
            if let onFinding {
                var where_ = topString
                if depth == 0, let top = topBase, let base = raw.baseAddress {
                    let at = top.distance(to: base)
                    where_ = (at + rs)..<(at + re)
                }
                onFinding(f, where_, UnsafeBufferPointer(rebasing: d[f.start..<f.end]))
            }
            cursor = re
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[cursor...]))
        return out
    }

    /// The escaped bytes a decoded span came from, widened to whole escape sequences.
    static func rawRange(_ span: Range<Int>, units: [Int32]?, rawCount: Int) -> (Int, Int) {
        guard let units else { return (span.lowerBound, span.upperBound) }
        let start = Int(units[span.lowerBound])
        let last = units[span.upperBound - 1]
        var j = span.upperBound
        while j < units.count && units[j] == last { j += 1 }
        return (start, j < units.count ? Int(units[j]) : rawCount)
    }

    /// Whether decoded text starts (after whitespace) with `{` or `[`.
    static func looksLikeJSON(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in d {
            switch b {
            case 0x20, 0x0A, 0x0D, 0x09: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return true
            default: return false
            }
        }
        return false
    }
}

/// The second pass: copies the text and rewrites string values with the context of their keys.
private struct RewritePass: JSONVisitor {
    let rewriter: JSONRewriter
    let text: UnsafeBufferPointer<UInt8>
    let toolLike: [Bool]
    let depth: Int
    private var out: [UInt8]
    private var copied = 0
    private var objects = 0
    private(set) var changed = false
    var failure: (any Error)?

    /// Open containers: whether an object, whether it describes a tool (objects) or holds tool descriptions
    /// (arrays under `tools`), and (arrays) the context its elements get.
    private var stack: [(isObject: Bool, toolLike: Bool, context: KeyContext?)] = []
    /// What the key of the member being read means.
    private var key = JSONKeyInfo.none

    init(rewriter: JSONRewriter, text: UnsafeBufferPointer<UInt8>, toolLike: [Bool], depth: Int, out: [UInt8]) {
        self.rewriter = rewriter
        self.text = text
        self.toolLike = toolLike
        self.depth = depth
        self.out = out
        stack.reserveCapacity(16)
    }

    mutating func takeOutput() -> [UInt8] {
        let o = out
        out = []
        return o
    }

    mutating func finish() {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[copied...]))
        copied = text.count
    }

    /// The context of the value about to be read.
    private func valueContext() -> KeyContext? {
        guard let top = stack.last else { return nil }
        if !top.isObject { return top.context }
        if top.toolLike && key.has(JSONKeyInfo.name) { return nil }
        return key.context
    }

    mutating func beginObject(at offset: Int) {
        let parentIsTool: Bool
        if let top = stack.last {
            parentIsTool = top.isObject ? key.has(JSONKeyInfo.toolParent) : top.toolLike
        } else {
            parentIsTool = false
        }
        stack.append((true, toolLike[objects] || parentIsTool, nil))
        objects += 1
    }

    mutating func endObject() { stack.removeLast() }

    mutating func beginArray() {
        let context = valueContext()
        let holdsTools: Bool
        if let top = stack.last {
            holdsTools = top.isObject ? key.has(JSONKeyInfo.toolParent) : top.toolLike
        } else {
            holdsTools = false
        }
        stack.append((false, holdsTools, context))
    }

    mutating func endArray() { stack.removeLast() }

    mutating func key(_ content: Range<Int>, hasEscapes: Bool) {
        key = rewriter.keys.info(UnsafeBufferPointer(rebasing: text[content]), hasEscapes: hasEscapes)
    }

    mutating func string(_ content: Range<Int>, hasEscapes: Bool) throws(JSONSyntaxError) {
        var context = valueContext()
        // A member's string under a key with no context of its own that is no message's text is structured data.
        if context == nil, let top = stack.last, top.isObject, !key.has(JSONKeyInfo.messageText) {
            context = .structured
        }
        try splice(content) { [rewriter, text, depth] in
            try rewriter.rewriteString(UnsafeBufferPointer(rebasing: text[content]), hasEscapes: hasEscapes,
                                       context: context, depth: depth)
        }
    }

    mutating func scalar(_ range: Range<Int>) throws(JSONSyntaxError) {
        // A number under a PHI key that scans as PHI becomes a string token (see `rewriteNumber`).
        let first = text[range.lowerBound]
        guard first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39), range.count >= 2,
              let context = valueContext() else { return }
        try splice(range) { [rewriter, text, depth] in
            try rewriter.rewriteNumber(UnsafeBufferPointer(rebasing: text[range]), context: context, depth: depth)
        }
    }

    /// Replaces `text[range]` in the output with what `replacement` returns (nil: keep it). A failing transform
    /// stops the walk; `failure` keeps its error for `rewrite` to rethrow.
    private mutating func splice(_ range: Range<Int>, _ replacement: () throws -> [UInt8]?) throws(JSONSyntaxError) {
        let new: [UInt8]?
        do {
            new = try replacement()
        } catch {
            failure = error
            throw JSONSyntaxError(offset: range.lowerBound, reason: "transform failed")
        }
        guard let new else { return }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[copied..<range.lowerBound]))
        out.append(contentsOf: new)
        copied = range.upperBound
        changed = true
    }
}
