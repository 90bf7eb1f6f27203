/// A JSON value in an audit record's `details`: counts, flags, names and keyed fingerprints, never PHI values.
public enum AuditValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([AuditValue])
    case object([String: AuditValue])

    /// Appends the value as compact JSON; object keys sorted, so a record's bytes do not depend on dictionary order.
    func write(to out: inout [UInt8]) {
        switch self {
        case .string(let s): AuditJSON.writeString(s, to: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let map):
            AuditJSON.writeObject(map, to: &out)
        }
    }
}

extension AuditValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// Compact JSON writing for audit records.
enum AuditJSON {
    static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func writeObject(_ map: [String: AuditValue], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, key) in map.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            map[key]!.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `,"key":` then the string value.
    static func field(_ key: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: Array(",\"\(key)\":".utf8))
        writeString(value, to: &out)
    }
}
