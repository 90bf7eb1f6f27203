/// The one JSON string writer of findings, reports, batch rewriting and the service (the audit log keeps its own
/// canonical encoder in PHICompliance, see `AuditValue`).
///
/// A string is written byte for byte between quotes, escaping only what RFC 8259 requires: `"` and `\`, and every
/// control character below 0x20 (`\n`, `\r`, `\t` in their short forms, the rest as `\u00XX` with lower-case hex).
/// DEL (0x7F) and every byte from 0x80 up are written as they are (RFC 8259 allows them unescaped), so UTF-8 text
/// stays readable and invalid UTF-8 passes through unchanged, as the filter passes every other byte.
public enum JSONWriter {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a JSON string literal (quotes included).
    public static func appendString<S: Sequence>(_ bytes: S, to out: inout [UInt8]) where S.Element == UInt8 {
        out.append(0x22)
        appendEscaped(bytes, to: &out)
        out.append(0x22)
    }

    /// `appendEscaped` for bytes already in memory, with no generic dispatch (the batch rewriter's path).
    public static func appendEscaped(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        appendEscaped(buffer: bytes, to: &out)
    }

    /// Appends `bytes` escaped as JSON string content (no quotes).
    public static func appendEscaped<S: Sequence>(_ bytes: S, to out: inout [UInt8]) where S.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { appendEscaped(buffer: $0, to: &out) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { appendEscaped(buffer: $0, to: &out) } }
    }

    /// Whether any of eight bytes needs an escape (a quote, a backslash or a control character).
    @inline(__always) private static func needsEscape(_ w: UInt64) -> Bool { escapeMask(w) != 0 }

    /// `needsEscape` as a mask, also the bytes a JSON reader must stop at inside a string: the lowest set bit is the
    /// high bit of the first such byte (in memory order, the eight bytes read little-endian); bits above it may be set
    /// by borrows and mean nothing.
    @inlinable @inline(__always) public static func escapeMask(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = w ^ (ones &* 0x22)
        let slash = w ^ (ones &* 0x5C)
        // A byte below 0x20 borrows into its own high bit; `& ~w` drops bytes from 0x80 up (never escaped).
        let control = (w &- ones &* 0x20) & ~w
        return (control | ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash)) & (ones &* 0x80)
    }

    /// Runs of bytes that need no escape are copied at once; they are found eight bytes at a time.
    private static func appendEscaped(buffer buf: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        var i = 0
        let n = buf.count
        guard let base = buf.baseAddress else { return }
        while i < n {
            while n - i >= 8 && !needsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
            guard i < n else { break }
            let b = buf[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                i += 1
                continue
            }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i])) }
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            default: out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            }
            i += 1
            runStart = i
        }
        if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<n])) }
    }

    /// `s` as a JSON string literal.
    public static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        appendString(s.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A confidence or score, rounded to three decimals.
    public static func number(_ d: Double) -> String {
        let scaled = (d * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
