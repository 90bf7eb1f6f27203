import PHIScan

/// Splicing replacements into pass-through bytes: the one routine behind the filter's sink, batch mode's text
/// sink and anything else that writes a segment with its findings replaced. Everything outside the findings is
/// written byte for byte; a finding that overlaps one already replaced is skipped (its bytes are covered).
public enum Splice {
    /// Writes `bytes` (a segment starting at absolute `offset`) with each of `findings` (sorted, absolute
    /// positions inside the segment) replaced by what `replace` returns for it; pass-through pieces and
    /// replacements go to `write` in order. Returns the number of bytes written.
    @inline(__always)
    public static func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                               replace: (Finding, UnsafeBufferPointer<UInt8>) throws -> [UInt8],
                               write: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows -> Int {
        var cursor = 0
        var written = 0
        for f in findings {
            let s = f.start - offset, e = f.end - offset
            // A finding outside its segment is an engine bug: stop rather than write out of bounds.
            precondition(s >= 0 && s <= e && e <= bytes.count, "finding outside its segment")
            if s < cursor { continue }  // overlapping leftovers are already covered
            try write(UnsafeBufferPointer(rebasing: bytes[cursor..<s]))
            let token = try replace(f, UnsafeBufferPointer(rebasing: bytes[s..<e]))
            try token.withUnsafeBufferPointer { try write($0) }
            written += (s - cursor) + token.count
            cursor = e
        }
        try write(UnsafeBufferPointer(rebasing: bytes[cursor...]))
        return written + bytes.count - cursor
    }

    /// Writes what stands for a segment that could not be scanned completely (fail closed): `[WITHHELD]` and the
    /// segment's line terminator (CRLF or LF), if it ends a line. Returns the number of bytes written.
    @inline(__always)
    public static func withheld(_ bytes: UnsafeBufferPointer<UInt8>,
                                write: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows -> Int {
        try withheldMarker.withUnsafeBufferPointer { try write($0) }
        guard bytes.last == 0x0A else { return withheldMarker.count }
        let crlf = bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D
        let terminator: [UInt8] = crlf ? [0x0D, 0x0A] : [0x0A]
        try terminator.withUnsafeBufferPointer { try write($0) }
        return withheldMarker.count + terminator.count
    }
}
