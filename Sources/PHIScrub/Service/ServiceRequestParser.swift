#if canImport(Glibc)
import Glibc
#endif

/// The request decoder of `ServiceCodec`: one pass over the bytes of a request line for the fixed request schema of
/// docs/serve.md (`id`, `op`, `text`, `texts`, `options`), straight into the `[UInt8]` texts the service scans.
///
/// It replaced Foundation's `JSONDecoder` on the request path (see Benchmarks/README.md, "Service request path"):
/// that decoder built a `String` for the text, checked it, and the codec then copied it again to bytes, about a
/// third of what a Spark batch request cost the engine. This parser validates and copies a string that has no escapes
/// in one go (eight bytes at a time while they are plain ASCII), and decodes escapes straight into the output.
///
/// It answers as the Foundation decoder did (`ServiceCodec.decodeWithFoundation` is kept as the reference, and the
/// tests check that both agree):
/// - the structure must be RFC 8259 JSON (`invalid_json` otherwise, and for a key that is not valid text); any
///   nesting depth is safe: values the schema does not use are skipped without recursion;
/// - a string value that cannot be text (invalid UTF-8, a raw control character, an unknown escape, a `\u` escape of
///   a lone surrogate) is a field of the wrong type, like a number where a string belongs: the first such problem,
///   an unknown field or option, is answered (`invalid_request`, `invalid_option`) with the id when it was read;
/// - numbers for `id` and `mask_keep` must have an integer value (`100`, `1e2`, `2.0`);
/// - a field or option given twice is an error (`invalid_request`, `invalid_option`); Foundation kept the first
///   copy silently, and other JSON parsers keep the last, so a request that two parsers read differently is refused.
struct ServiceRequestParser {
    /// The line is not one JSON object (position and reason are not reported: nothing of the text is echoed).
    struct Syntax: Error {}

    /// What a request line holds, before the codec checks that the fields make a request.
    struct Fields {
        var id: ServiceID = .none
        var op: String?
        var text: [UInt8]?
        var texts: [[UInt8]]?
        var options: ServiceOptions?
        /// The first problem with a field's type or name.
        var problem: ServiceError?
    }

    private let p: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var fields = Fields()
    private var seen: UInt8 = 0

    private init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    /// The fields of `line`, or nil when it is not a JSON object.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Fields? {
        guard line.baseAddress != nil else { return nil }
        var parser = ServiceRequestParser(line)
        do {
            try parser.request()
        } catch {
            return nil
        }
        return parser.fields
    }

    static func parse(_ line: [UInt8]) -> Fields? {
        line.withUnsafeBufferPointer { parse($0) }
    }

    static let optionNames = ["operator", "operators", "min_confidence", "context", "subject", "mask_keep", "role",
                              "agent", "user", "tool", "provider", "region", "json", "key", "findings", "fingerprints",
                              "view_role"]

    private mutating func note(_ e: ServiceError) {
        if fields.problem == nil { fields.problem = e }
    }

    // MARK: - the request object

    private mutating func request() throws(Syntax) {
        // A UTF-8 byte-order mark, as Foundation's decoder accepts.
        if p.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }
        skipWhitespace()
        try expect(0x7B)  // {
        skipWhitespace()
        if i < p.count && p[i] == 0x7D {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard i < p.count, p[i] == 0x22 else { throw Syntax() }
                let name = try key()
                skipWhitespace()
                try expect(0x3A)  // :
                skipWhitespace()
                guard i < p.count else { throw Syntax() }
                try member(name)
                skipWhitespace()
                guard i < p.count else { throw Syntax() }
                if p[i] == 0x2C { i += 1; continue }
                if p[i] == 0x7D { i += 1; break }
                throw Syntax()
            }
        }
        skipWhitespace()
        guard i == p.count else { throw Syntax() }
    }

    private mutating func once(_ bit: UInt8) -> Bool {
        if seen & bit != 0 {
            note(ServiceError(.invalidRequest, "a field is given twice in the request"))
            return false
        }
        seen |= bit
        return true
    }

    private mutating func member(_ name: String) throws(Syntax) {
        switch name {
        case "id":
            guard once(1) else { return try skipValue() }
            switch p[i] {
            case 0x22:
                if let s = try string() { fields.id = .string(s) } else {
                    note(ServiceError(.invalidRequest, "\"id\" must be a string or an integer"))
                }
            case 0x6E: try literal("null")
            case 0x2D, 0x30...0x39:
                if let n = try integer() { fields.id = .int(n) } else {
                    note(ServiceError(.invalidRequest, "\"id\" must be a string or an integer"))
                }
            default:
                note(ServiceError(.invalidRequest, "\"id\" must be a string or an integer"))
                try skipValue()
            }
        case "op":
            guard once(2) else { return try skipValue() }
            let quoted = p[i] == 0x22
            if quoted, let op = try string() { fields.op = op } else {
                note(ServiceError(.invalidRequest, "\"op\" must be a string"))
                if !quoted { try skipValue() }
            }
        case "text":
            guard once(4) else { return try skipValue() }
            let quoted = p[i] == 0x22
            if quoted, let text = try bytes() { fields.text = text } else {
                note(ServiceError(.invalidRequest, "\"text\" must be a string"))
                if !quoted { try skipValue() }
            }
        case "texts":
            guard once(8) else { return try skipValue() }
            try texts()
        case "options":
            guard once(16) else { return try skipValue() }
            if p[i] == 0x6E {
                try literal("null")
            } else if p[i] == 0x7B {
                try options()
            } else {
                note(ServiceError(.invalidRequest, "\"options\" must be an object"))
                try skipValue()
            }
        default:
            // The field's name is caller text: name the known ones instead.
            note(ServiceError(.invalidRequest, "unknown field in the request; fields: id, op, text, texts, options"))
            try skipValue()
        }
    }

    private mutating func texts() throws(Syntax) {
        let wrong = ServiceError(.invalidRequest, "\"texts\" must be an array of strings")
        guard p[i] == 0x5B else {
            note(wrong)
            return try skipValue()
        }
        i += 1
        var out: [[UInt8]] = []
        var ok = true
        skipWhitespace()
        if i < p.count && p[i] == 0x5D {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard i < p.count else { throw Syntax() }
                if p[i] == 0x22 {
                    if let t = try bytes() {
                        if ok { out.append(t) }
                    } else {
                        ok = false
                        out = []
                    }
                } else {
                    ok = false
                    out = []
                    try skipValue()
                }
                skipWhitespace()
                guard i < p.count else { throw Syntax() }
                if p[i] == 0x2C { i += 1; continue }
                if p[i] == 0x5D { i += 1; break }
                throw Syntax()
            }
        }
        if ok { fields.texts = out } else { note(wrong) }
    }

    private mutating func options() throws(Syntax) {
        i += 1  // {
        var o = ServiceOptions()
        var seenOptions = Set<String>()
        skipWhitespace()
        if i < p.count && p[i] == 0x7D {
            i += 1
            fields.options = o
            return
        }
        while true {
            skipWhitespace()
            guard i < p.count, p[i] == 0x22 else { throw Syntax() }
            let name = try key()
            skipWhitespace()
            try expect(0x3A)
            skipWhitespace()
            guard i < p.count else { throw Syntax() }
            if !seenOptions.insert(name).inserted {
                note(ServiceError(.invalidOption, "an option is given twice in the request"))
                try skipValue()
            } else {
                try option(name, into: &o)
            }
            skipWhitespace()
            guard i < p.count else { throw Syntax() }
            if p[i] == 0x2C { i += 1; continue }
            if p[i] == 0x7D { i += 1; break }
            throw Syntax()
        }
        fields.options = o
    }

    private mutating func optionString(_ name: String) throws(Syntax) -> String? {
        let quoted = p[i] == 0x22
        if quoted, let s = try string() { return s }
        note(ServiceError(.invalidOption, "options.\(name) must be a string"))
        if !quoted { try skipValue() }
        return nil
    }

    private mutating func optionBool(_ name: String) throws(Syntax) -> Bool? {
        if p[i] == 0x74 { try literal("true"); return true }
        if p[i] == 0x66 { try literal("false"); return false }
        note(ServiceError(.invalidOption, "options.\(name) must be true or false"))
        try skipValue()
        return nil
    }

    private mutating func option(_ name: String, into o: inout ServiceOptions) throws(Syntax) {
        switch name {
        case "operator": o.defaultOperator = try optionString(name)
        case "operators":
            let wrong = ServiceError(.invalidOption, "options.operators must map entity names to operator names")
            guard p[i] == 0x7B else {
                note(wrong)
                return try skipValue()
            }
            i += 1
            var map: [String: String] = [:]
            var ok = true
            skipWhitespace()
            if i < p.count && p[i] == 0x7D {
                i += 1
            } else {
                while true {
                    skipWhitespace()
                    guard i < p.count, p[i] == 0x22 else { throw Syntax() }
                    let entity = try key()
                    skipWhitespace()
                    try expect(0x3A)
                    skipWhitespace()
                    guard i < p.count else { throw Syntax() }
                    if p[i] == 0x22 {
                        if let op = try string() { map[entity] = op } else { ok = false }
                    } else {
                        ok = false
                        try skipValue()
                    }
                    skipWhitespace()
                    guard i < p.count else { throw Syntax() }
                    if p[i] == 0x2C { i += 1; continue }
                    if p[i] == 0x7D { i += 1; break }
                    throw Syntax()
                }
            }
            if ok { o.operators = map } else { note(wrong) }
        case "min_confidence":
            if let d = try double() { o.minConfidence = d } else {
                note(ServiceError(.invalidOption, "options.min_confidence must be a number in 0...1"))
            }
        case "mask_keep":
            if p[i] == 0x2D || (0x30...0x39).contains(p[i]) {
                if let n = try integer() { o.maskKeep = n } else {
                    note(ServiceError(.invalidOption, "options.mask_keep must be an integer 0...64"))
                }
            } else {
                note(ServiceError(.invalidOption, "options.mask_keep must be an integer 0...64"))
                try skipValue()
            }
        case "context": o.context = try optionString(name)
        case "subject": o.subject = try optionString(name)
        case "role": o.role = try optionString(name)
        case "agent": o.agent = try optionString(name)
        case "user": o.user = try optionString(name)
        case "tool": o.tool = try optionString(name)
        case "provider": o.provider = try optionString(name)
        case "region": o.region = try optionString(name)
        case "key": o.key = try optionString(name)
        case "view_role": o.viewRole = try optionString(name)
        case "json": o.json = try optionBool(name)
        case "findings": o.findings = try optionBool(name)
        case "fingerprints": o.fingerprints = try optionBool(name)
        default:
            note(ServiceError(.invalidOption, "unknown option; options: \(Self.optionNames.joined(separator: ", "))"))
            try skipValue()
        }
    }

    // MARK: - values

    @inline(__always) private mutating func skipWhitespace() {
        while i < p.count {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    @inline(__always) private mutating func expect(_ b: UInt8) throws(Syntax) {
        guard i < p.count, p[i] == b else { throw Syntax() }
        i += 1
    }

    private mutating func literal(_ word: StaticString) throws(Syntax) {
        let n = word.utf8CodeUnitCount
        guard p.count - i >= n else { throw Syntax() }
        let w = word.utf8Start
        for k in 0..<n where p[i + k] != w[k] { throw Syntax() }
        i += n
    }

    /// A number (RFC 8259 grammar) starting at `i`; its range and whether it is written as an integer.
    private mutating func number() throws(Syntax) -> (Range<Int>, Bool) {
        let start = i
        let n = p.count
        if i < n && p[i] == 0x2D { i += 1 }
        guard i < n else { throw Syntax() }
        if p[i] == 0x30 {
            i += 1
        } else if (0x31...0x39).contains(p[i]) {
            while i < n && (0x30...0x39).contains(p[i]) { i += 1 }
        } else {
            throw Syntax()
        }
        var integer = true
        if i < n && p[i] == 0x2E {
            integer = false
            i += 1
            let digits = i
            while i < n && (0x30...0x39).contains(p[i]) { i += 1 }
            guard i > digits else { throw Syntax() }
        }
        if i < n && (p[i] == 0x65 || p[i] == 0x45) {
            integer = false
            i += 1
            if i < n && (p[i] == 0x2B || p[i] == 0x2D) { i += 1 }
            let digits = i
            while i < n && (0x30...0x39).contains(p[i]) { i += 1 }
            guard i > digits else { throw Syntax() }
        }
        return (start..<i, integer)
    }

    /// A number that must be an integer in Int's range (nil when it is not one: the caller names the problem).
    private mutating func integer() throws(Syntax) -> Int? {
        let (r, isInteger) = try number()
        guard isInteger else {
            // 1e2, 2.0: an integer value written as a number with a fraction or an exponent.
            guard let d = Double(String(decoding: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self)),
                  d == d.rounded(), d >= -9.2e18, d <= 9.2e18 else { return nil }
            return Int(d)
        }
        var k = r.lowerBound
        let negative = p[k] == 0x2D
        if negative { k += 1 }
        var v = 0
        while k < r.upperBound {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int(p[k] - 0x30)) : m.addingReportingOverflow(Int(p[k] - 0x30))
            if o1 || o2 { return nil }
            v = s
            k += 1
        }
        return v
    }

    /// A number as a Double (nil, value skipped, when the value is not a number).
    private mutating func double() throws(Syntax) -> Double? {
        guard p[i] == 0x2D || (0x30...0x39).contains(p[i]) else {
            try skipValue()
            return nil
        }
        let (r, _) = try number()
        return Double(String(decoding: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self))
    }

    /// A key: short names become small strings without a heap allocation. A key that is not text is a syntax
    /// error (as in Foundation's decoder).
    private mutating func key() throws(Syntax) -> String {
        guard let k = try string() else { throw Syntax() }
        return k
    }

    /// A string value, or nil when it cannot be text.
    private mutating func string() throws(Syntax) -> String? {
        let (r, escaped, valid) = try scanString()
        guard valid else { return nil }
        if !escaped { return String(decoding: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self) }
        return String(decoding: decode(r), as: UTF8.self)
    }

    /// A string value as UTF-8 bytes, or nil when it cannot be text.
    private mutating func bytes() throws(Syntax) -> [UInt8]? {
        let (r, escaped, valid) = try scanString()
        guard valid else { return nil }
        if !escaped { return Array(UnsafeBufferPointer(rebasing: p[r])) }
        return decode(r)
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether any of eight bytes is a quote, a backslash, a control character or not ASCII.
    @inline(__always) private static func special(_ w: UInt64) -> Bool {
        let quote = w ^ (ones &* 0x22)
        let slash = w ^ (ones &* 0x5C)
        let control = (w &- ones &* 0x20) & ~w
        let q = (quote &- ones) & ~quote
        let s = (slash &- ones) & ~slash
        return (control | q | s | w) & highs != 0
    }

    /// Moves past the string whose opening quote is at `i` (only an unterminated string is a syntax error) and
    /// returns its content's range, whether it holds escapes, and whether it is text: escapes known, surrogates
    /// paired, UTF-8 valid, no raw control characters.
    private mutating func scanString() throws(Syntax) -> (Range<Int>, Bool, Bool) {
        i += 1
        let start = i
        let n = p.count
        let base = p.baseAddress!
        var escaped = false
        var valid = true
        while true {
            while n - i >= 8 && !Self.special(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
            guard i < n else { throw Syntax() }
            let b = p[i]
            if b == 0x22 {
                i += 1
                return (start..<(i - 1), escaped, valid)
            } else if b == 0x5C {
                escaped = true
                guard n - i >= 2 else { throw Syntax() }
                if !scanEscape() {
                    valid = false
                    i += 2  // past the backslash and the byte after it (which may be a quote)
                }
            } else if b < 0x20 {
                valid = false
                i += 1
            } else if b < 0x80 {
                i += 1
            } else if !scanUTF8() {
                valid = false
                i += 1
            }
        }
    }

    @inline(__always) private static func hex(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    /// Four hex digits at `k` (nil when they are not).
    private func hex4(_ k: Int) -> UInt32? {
        guard p.count - k >= 4 else { return nil }
        var v: UInt32 = 0
        for j in k..<(k + 4) {
            guard let h = Self.hex(p[j]) else { return nil }
            v = v << 4 | h
        }
        return v
    }

    /// One escape at `i` (at least two bytes left): moves past it, or returns false without moving.
    private mutating func scanEscape() -> Bool {
        switch p[i + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            i += 2
        case 0x75:
            guard let u = hex4(i + 2) else { return false }
            if (0xD800...0xDBFF).contains(u) {
                guard p.count - i >= 12, p[i + 6] == 0x5C, p[i + 7] == 0x75, let low = hex4(i + 8),
                      (0xDC00...0xDFFF).contains(low) else { return false }
                i += 12
            } else if (0xDC00...0xDFFF).contains(u) {
                return false
            } else {
                i += 6
            }
        default:
            return false
        }
        return true
    }

    /// One UTF-8 sequence at `i`, starting with a byte >= 0x80 (no overlong forms, no surrogates, nothing above
    /// U+10FFFF): moves past it, or returns false without moving.
    private mutating func scanUTF8() -> Bool {
        let n = p.count
        let b0 = p[i]
        @inline(__always) func cont(_ k: Int) -> Bool { k < n && p[k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            guard cont(i + 1) else { return false }
            i += 2
        case 0xE0...0xEF:
            guard cont(i + 1), cont(i + 2) else { return false }
            let b1 = p[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { return false }
            if b0 == 0xED && b1 >= 0xA0 { return false }
            i += 3
        case 0xF0...0xF4:
            guard cont(i + 1), cont(i + 2), cont(i + 3) else { return false }
            let b1 = p[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { return false }
            if b0 == 0xF4 && b1 >= 0x90 { return false }
            i += 4
        default:
            return false
        }
        return true
    }

    /// The content of a checked string with escapes, decoded. Decoding never lengthens a string, so the output is
    /// written into one allocation of the escaped length.
    private func decode(_ r: Range<Int>) -> [UInt8] {
        let src = p.baseAddress!
        return [UInt8](unsafeUninitializedCapacity: r.count) { out, count in
            let dst = out.baseAddress!
            var o = 0
            var k = r.lowerBound
            let end = r.upperBound
            while k < end {
                // The run up to the next backslash, copied at once.
                let rest = end - k
                let slash = memchr(src + k, 0x5C, rest).map { UnsafeRawPointer(src).distance(to: UnsafeRawPointer($0)) } ?? end
                if slash > k {
                    (dst + o).update(from: src + k, count: slash - k)
                    o += slash - k
                    k = slash
                }
                if k >= end { break }
                let e = src[k + 1]
                k += 2
                var scalar: UInt32
                switch e {
                case 0x62: scalar = 0x08
                case 0x66: scalar = 0x0C
                case 0x6E: scalar = 0x0A
                case 0x72: scalar = 0x0D
                case 0x74: scalar = 0x09
                case 0x75:
                    scalar = hex4(k)!
                    k += 4
                    if (0xD800...0xDBFF).contains(scalar) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(k + 2)! - 0xDC00)
                        k += 6
                    }
                default: scalar = UInt32(e)  // \" \\ \/
                }
                switch scalar {
                case 0..<0x80:
                    dst[o] = UInt8(scalar); o += 1
                case 0x80..<0x800:
                    dst[o] = UInt8(0xC0 | (scalar >> 6)); dst[o + 1] = UInt8(0x80 | (scalar & 0x3F)); o += 2
                case 0x800..<0x10000:
                    dst[o] = UInt8(0xE0 | (scalar >> 12)); dst[o + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                    dst[o + 2] = UInt8(0x80 | (scalar & 0x3F)); o += 3
                default:
                    dst[o] = UInt8(0xF0 | (scalar >> 18)); dst[o + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
                    dst[o + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F)); dst[o + 3] = UInt8(0x80 | (scalar & 0x3F)); o += 4
                }
            }
            count = o
        }
    }

    /// Skips one value of any kind and depth (no recursion), checking its syntax.
    private mutating func skipValue() throws(Syntax) {
        // Open containers: true = object, false = array.
        var stack: [Bool] = []
        let n = p.count
        while true {
            // A value is expected at i.
            skipWhitespace()
            guard i < n else { throw Syntax() }
            var complete = true
            switch p[i] {
            case 0x7B:
                i += 1
                skipWhitespace()
                if i < n && p[i] == 0x7D {
                    i += 1
                } else {
                    stack.append(true)
                    try memberKey()
                    complete = false
                }
            case 0x5B:
                i += 1
                skipWhitespace()
                if i < n && p[i] == 0x5D {
                    i += 1
                } else {
                    stack.append(false)
                    complete = false
                }
            case 0x22: _ = try scanString()
            case 0x74: try literal("true")
            case 0x66: try literal("false")
            case 0x6E: try literal("null")
            case 0x2D, 0x30...0x39: _ = try number()
            default: throw Syntax()
            }
            if !complete { continue }
            // After a complete value: close containers, or go on to the next member or element.
            while true {
                guard let object = stack.last else { return }
                skipWhitespace()
                guard i < n else { throw Syntax() }
                if p[i] == 0x2C {
                    i += 1
                    if object { try memberKey() }
                    break
                }
                guard p[i] == (object ? 0x7D : 0x5D) else { throw Syntax() }
                i += 1
                stack.removeLast()
            }
        }
    }

    /// `"key" :` inside a skipped object.
    private mutating func memberKey() throws(Syntax) {
        skipWhitespace()
        guard i < p.count, p[i] == 0x22 else { throw Syntax() }
        _ = try scanString()
        skipWhitespace()
        try expect(0x3A)
    }
}
