import PHIScrub

/// A position-only syntax error in JSON text: where and what, never the text itself.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    /// Byte offset of the problem in the text that was parsed.
    public var offset: Int
    /// What was wrong, e.g. "unterminated string".
    public var reason: String
    public var description: String { "\(reason) at byte \(offset)" }
}

/// Receives the tokens of a JSON text in order. Ranges are byte ranges of the parsed buffer; a string's range
/// covers its content between the quotes (escapes still encoded).
protocol JSONVisitor {
    mutating func beginObject(at offset: Int)
    mutating func endObject()
    mutating func beginArray()
    mutating func endArray()
    mutating func key(_ content: Range<Int>, hasEscapes: Bool)
    mutating func string(_ content: Range<Int>, hasEscapes: Bool) throws(JSONSyntaxError)
    mutating func scalar(_ range: Range<Int>) throws(JSONSyntaxError)
}

/// A strict, iterative (no recursion, so any nesting depth is safe) JSON tokenizer over a byte buffer
/// (RFC 8259, plus a leading UTF-8 byte-order mark). Raw bytes that are not valid UTF-8 are accepted inside
/// strings and passed on as they are; raw control characters are not.
struct JSONWalker {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { p = bytes }

    /// Walks exactly one JSON value surrounded by optional whitespace.
    mutating func walk<V: JSONVisitor>(_ v: inout V) throws(JSONSyntaxError) {
        // Containers open: true = object, false = array.
        var stack: [Bool] = []
        stack.reserveCapacity(16)
        if p.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }
        skipWhitespace()
        while true {
            // A value is expected here.
            guard i < p.count else { throw fail("unexpected end of input") }
            var closedValue = true
            switch p[i] {
            case UInt8(ascii: "{"):
                v.beginObject(at: i)
                i += 1
                skipWhitespace()
                if i < p.count && p[i] == UInt8(ascii: "}") {
                    i += 1
                    v.endObject()
                } else {
                    try readKey(&v)
                    stack.append(true)
                    closedValue = false
                }
            case UInt8(ascii: "["):
                v.beginArray()
                i += 1
                skipWhitespace()
                if i < p.count && p[i] == UInt8(ascii: "]") {
                    i += 1
                    v.endArray()
                } else {
                    stack.append(false)
                    closedValue = false
                }
            case UInt8(ascii: "\""):
                let (range, escapes) = try readString()
                try v.string(range, hasEscapes: escapes)
            case UInt8(ascii: "t"): try literal("true", &v)
            case UInt8(ascii: "f"): try literal("false", &v)
            case UInt8(ascii: "n"): try literal("null", &v)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(&v)
            default: throw fail("unexpected byte 0x\(String(p[i], radix: 16))")
            }
            if !closedValue { continue }
            // After a complete value: close containers or move to the next member/element.
            while true {
                skipWhitespace()
                guard let isObject = stack.last else {
                    guard i == p.count else { throw fail("trailing data after the JSON value") }
                    return
                }
                guard i < p.count else { throw fail("unexpected end of input") }
                let b = p[i]
                if b == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    if isObject { try readKey(&v) }
                    break
                }
                if isObject && b == UInt8(ascii: "}") {
                    i += 1
                    stack.removeLast()
                    v.endObject()
                    continue
                }
                if !isObject && b == UInt8(ascii: "]") {
                    i += 1
                    stack.removeLast()
                    v.endArray()
                    continue
                }
                throw fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        }
    }

    private mutating func readKey<V: JSONVisitor>(_ v: inout V) throws(JSONSyntaxError) {
        guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        let (range, escapes) = try readString()
        v.key(range, hasEscapes: escapes)
        skipWhitespace()
        guard i < p.count, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        i += 1
        skipWhitespace()
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < p.count {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// Reads a string starting at its opening quote; returns the content range and whether it has escapes.
    private mutating func readString() throws(JSONSyntaxError) -> (Range<Int>, Bool) {
        let start = i + 1
        var j = start
        var escapes = false
        let n = p.count
        let base = p.baseAddress
        while j < n {
            // Eight bytes at a time, straight to the next quote, backslash or control character.
            if let base, n - j >= 8 {
                let m = JSONWriter.escapeMask(UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
                if m == 0 {
                    j += 8
                    continue
                }
                j += m.trailingZeroBitCount >> 3
            }
            let b = p[j]
            if b == UInt8(ascii: "\"") {
                i = j + 1
                return (start..<j, escapes)
            }
            if b == UInt8(ascii: "\\") {
                escapes = true
                guard j + 1 < n else { break }
                switch p[j + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    j += 2
                case UInt8(ascii: "u"):
                    guard j + 5 < n, (2...5).allSatisfy({ JSONString.hexValue(p[j + $0]) != nil }) else {
                        i = j
                        throw fail("invalid \\u escape")
                    }
                    j += 6
                default:
                    i = j
                    throw fail("invalid escape")
                }
                continue
            }
            if b < 0x20 {
                i = j
                throw fail("control character in string")
            }
            j += 1
        }
        i = start - 1
        throw fail("unterminated string")
    }

    private mutating func literal<V: JSONVisitor>(_ word: StaticString, _ v: inout V) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= p.count else { throw fail("invalid literal") }
        for k in 0..<count where p[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        try v.scalar(i..<(i + count))
        i += count
    }

    private mutating func number<V: JSONVisitor>(_ v: inout V) throws(JSONSyntaxError) {
        let start = i
        func digit(_ k: Int) -> Bool { k < p.count && p[k] >= 0x30 && p[k] <= 0x39 }
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { throw fail("invalid number") }
        if p[i] == UInt8(ascii: "0") { i += 1 } else { while digit(i) { i += 1 } }
        if i < p.count && p[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { throw fail("invalid number") }
            while digit(i) { i += 1 }
        }
        if i < p.count && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < p.count && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            guard digit(i) else { throw fail("invalid number") }
            while digit(i) { i += 1 }
        }
        try v.scalar(start..<i)
    }

    private func fail(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(offset: i, reason: reason) }
}
