import Foundation
import PHIScrub

/// Any JSON value, for request bodies whose fields have more than one shape (Presidio's `text` is a string or an
/// array of strings; operator parameters are strings, numbers or booleans).
enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    static func parse(_ bytes: some Collection<UInt8>) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] } else { return nil }
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    var number: Double? { if case .number(let d) = self { return d } else { return nil } }
    /// An integral number (JSON has one number type; `3.0` counts, `3.5` does not).
    var int: Int? {
        guard case .number(let d) = self, d.rounded() == d, abs(d) < 1e15 else { return nil }
        return Int(d)
    }
    var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    var object: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    var isNull: Bool { self == .null }
}

/// Builds a JSON answer in a byte array, by hand, in the key order Presidio's services write them; strings go
/// through the library's one JSON string writer (`PHIScrub.JSONWriter`).
struct JSONBuilder {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func string(_ s: String) { string(utf8: Array(s.utf8)) }

    mutating func string(utf8 s: [UInt8]) { JSONWriter.appendString(s, to: &bytes) }

    mutating func int(_ n: Int) { raw(String(n)) }

    /// A score as Python's json module would write a float (`0.95`, `1.0`).
    mutating func score(_ d: Double) {
        guard d.isFinite else { raw("0.0"); return }
        var s = "\(d)"
        if !s.contains(".") && !s.contains("e") { s += ".0" }
        raw(s)
    }

    /// `{"error": message}`, the error body of Presidio's services.
    static func error(_ message: String) -> [UInt8] {
        var w = JSONBuilder()
        w.raw(#"{"error":"#)
        w.string(message)
        w.raw("}")
        return w.bytes
    }
}
