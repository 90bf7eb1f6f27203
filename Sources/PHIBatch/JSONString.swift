import PHIScrub

/// Decoding and encoding of JSON string contents (the bytes between the quotes).
enum JSONString {
    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    /// Decodes escaped string content (already validated by `JSONWalker`) into UTF-8 `out`, and records in `units`,
    /// for every decoded byte, the offset in `raw` of the escape or byte it came from. Surrogate pairs become one
    /// code point; a lone surrogate becomes U+FFFD in the decoded copy (its escape is kept in the output unless a
    /// finding covers it). Raw bytes, valid UTF-8 or not, are copied as they are.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], units: inout [Int32]) {
        var offsets = Offsets(units: units)
        units = []
        offsets.units.removeAll(keepingCapacity: true)
        offsets.units.reserveCapacity(raw.count)
        decode(raw, into: &out, &offsets)
        units = offsets.units
    }

    /// `decode` without the offsets (what a value needs until something is found in it).
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var none = NoOffsets()
        decode(raw, into: &out, &none)
    }

    /// Runs between backslashes are copied whole; `offsets` hears, per decoded byte, the raw offset it came from.
    private static func decode<O: OffsetSink>(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8],
                                              _ offsets: inout O) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(raw.count)
        let n = raw.count
        guard let base = raw.baseAddress else { return }
        var i = 0
        while i < n {
            var j = i
            while n - j >= 8 {
                let m = backslashes(UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
                if m != 0 {
                    j += m.trailingZeroBitCount >> 3
                    break
                }
                j += 8
            }
            if n - j < 8 { while j < n && raw[j] != UInt8(ascii: "\\") { j += 1 } }
            if j > i {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[i..<j]))
                offsets.run(i..<j)
                i = j
                continue
            }
            let start = i
            let e = raw[i + 1]
            i += 2
            var scalar: UInt32
            switch e {
            case UInt8(ascii: "b"): scalar = 0x08
            case UInt8(ascii: "f"): scalar = 0x0C
            case UInt8(ascii: "n"): scalar = 0x0A
            case UInt8(ascii: "r"): scalar = 0x0D
            case UInt8(ascii: "t"): scalar = 0x09
            case UInt8(ascii: "u"):
                scalar = hex4(raw, i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    if i + 5 < n, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") {
                        let low = hex4(raw, i + 2)
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
            default: scalar = UInt32(e)  // \" \\ \/
            }
            let before = out.count
            appendUTF8(scalar, to: &out)
            offsets.escape(start, bytes: out.count - before)
        }
    }

    /// The high bit of each of eight bytes that is a backslash (the lowest set bit exact; see `JSONWriter.escapeMask`).
    @inline(__always)
    private static func backslashes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = w ^ (ones &* 0x5C)
        return (x &- ones) & ~x & (ones &* 0x80)
    }

    @inline(__always)
    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 { v = v << 4 | (hexValue(raw[i + k]) ?? 0) }
        return v
    }

    static func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80:
            out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (s >> 6)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (s >> 12)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (s >> 18)))
            out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    /// Appends `text` escaped as JSON string content (the one writer, `JSONWriter`: `"`, `\` and control
    /// characters escaped; every other byte, UTF-8 or not, as it is).
    static func encode(_ text: [UInt8], into out: inout [UInt8]) {
        text.withUnsafeBufferPointer { JSONWriter.appendEscaped(bytes: $0, to: &out) }
    }

    static func encode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        JSONWriter.appendEscaped(bytes: text, to: &out)
    }
}

/// Where `JSONString.decode` reports the raw offset of each decoded byte.
private protocol OffsetSink {
    /// Raw bytes `range` were copied as they are.
    mutating func run(_ range: Range<Int>)
    /// The escape at raw offset `at` decoded to `bytes` bytes.
    mutating func escape(_ at: Int, bytes: Int)
}

private struct Offsets: OffsetSink {
    var units: [Int32]
    mutating func run(_ range: Range<Int>) { for k in range { units.append(Int32(truncatingIfNeeded: k)) } }
    mutating func escape(_ at: Int, bytes: Int) {
        for _ in 0..<bytes { units.append(Int32(truncatingIfNeeded: at)) }
    }
}

private struct NoOffsets: OffsetSink {
    mutating func run(_ range: Range<Int>) {}
    mutating func escape(_ at: Int, bytes: Int) {}
}
