import Foundation
import PHILock

/// A JSON value that keeps what an MCP message holds: integers stay integers (request ids), other numbers are
/// kept as doubles, objects keep their keys (order is not significant in JSON-RPC).
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] } else { return nil }
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var object: [String: JSON]? { if case .object(let o) = self { return o } else { return nil } }
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// Parses one message; nil when it is not JSON.
    public static func parse(_ bytes: some Collection<UInt8>) -> JSON? {
        try? JSONDecoder().decode(Wire.self, from: Data(bytes)).value
    }

    private struct Wire: Decodable {
        var value: JSON
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { value = .null }
            else if let b = try? c.decode(Bool.self) { value = .bool(b) }
            else if let i = try? c.decode(Int.self) { value = .int(i) }
            else if let d = try? c.decode(Double.self) { value = .double(d) }
            else if let s = try? c.decode(String.self) { value = .string(s) }
            else if let a = try? c.decode([Wire].self) { value = .array(a.map(\.value)) }
            else { value = .object(try c.decode([String: Wire].self).mapValues(\.value)) }
        }
    }

    /// Compact JSON without a newline anywhere (MCP's stdio transport is one message per line).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20: out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                v.write(to: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(0x2C) }
                Self.writeString(k, to: &out)
                out.append(0x3A)
                o[k]!.write(to: &out)
            }
            out.append(0x7D)
        }
    }
}

/// Reads newline-delimited messages from a file descriptor (a `\r` before the newline is dropped; blank lines are
/// skipped). Returns nil at end of input.
final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false

    init(fd: Int32) { self.fd = fd }

    func next() -> [UInt8]? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                var line = Array(buffer[start..<nl])
                start = nl + 1
                if start > 1 << 16 { buffer.removeFirst(start); start = 0 }
                if line.last == 0x0D { line.removeLast() }
                if line.isEmpty { continue }
                return line
            }
            if eof {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { eof = true; continue }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

/// Writes whole messages to a file descriptor, one writer at a time.
final class MessageWriter: @unchecked Sendable {
    private let fd: Int32
    private let lock = Lock()
    private(set) var broken = false

    init(fd: Int32) { self.fd = fd }

    func send(_ message: JSON) { send(bytes: message.bytes) }

    func send(bytes: [UInt8]) {
        lock.withLock { sendLocked(bytes) }
    }

    /// `send` with the lock held.
    private func sendLocked(_ bytes: [UInt8]) {
        guard !broken else { return }
        let line = bytes + [0x0A]
        var sent = 0
        while sent < line.count {
            let n = line[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { broken = true; return }
            sent += n
        }
    }
}
