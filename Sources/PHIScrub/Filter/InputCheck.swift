/// Inputs the filter and `scan` cannot read as text, recognised from their first bytes: they would otherwise pass
/// through unscanned (gzip) or with every ASCII character split by NUL bytes, so that no rule matches (UTF-16).
public enum InputCheck {
    /// Throws `FilterError.refused` when `first` (the first bytes read from the input shown as `name`) is gzip, zstd
    /// or UTF-16/UTF-32 text.
    public static func sniff(_ first: UnsafeBufferPointer<UInt8>, name: String) throws(FilterError) {
        let shown = name == "-" ? "standard input" : name
        if first.count >= 2 && first[0] == 0x1F && first[1] == 0x8B {
            throw FilterError(.refused, "\(shown): gzip-compressed input is not scanned by the filter; decompress it "
                              + "(zcat FILE | phiscrub) or clean it with phiscrub batch, which reads and writes .gz")
        }
        if first.count >= 4 && first[0] == 0x28 && first[1] == 0xB5 && first[2] == 0x2F && first[3] == 0xFD {
            throw FilterError(.refused, "\(shown): zstd-compressed input is not scanned by the filter; decompress it "
                              + "(zstdcat FILE | phiscrub) or clean it with phiscrub batch, which reads and writes .zst")
        }
        let utf32 = first.count >= 4 && ((first[0] == 0xFF && first[1] == 0xFE && first[2] == 0 && first[3] == 0)
                                          || (first[0] == 0 && first[1] == 0 && first[2] == 0xFE && first[3] == 0xFF))
        let bom = first.count >= 2 && ((first[0] == 0xFF && first[1] == 0xFE) || (first[0] == 0xFE && first[1] == 0xFF))
        if utf32 || bom || looksNULInterleaved(first) {
            throw FilterError(.refused, "\(shown): input is \(utf32 ? "UTF-32" : "UTF-16") text (\(bom || utf32 ? "byte order mark" : "every other byte NUL")), "
                              + "which the rules cannot read; convert it first (iconv -f \(utf32 ? "UTF-32" : "UTF-16") -t UTF-8 FILE | phiscrub)")
        }
    }

    /// UTF-16 without a byte order mark: in a sample of at least 16 bytes, 90 % of the bytes at one parity are NUL
    /// and under 10 % at the other (ASCII in UTF-16LE or BE). Logs with a few NUL bytes do not come near it.
    public static func looksNULInterleaved(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(b.count, 4096) & ~1
        guard n >= 16 else { return false }
        var even = 0, odd = 0
        for i in stride(from: 0, to: n, by: 2) {
            if b[i] == 0 { even += 1 }
            if b[i + 1] == 0 { odd += 1 }
        }
        let pairs = n / 2
        return (odd * 10 >= pairs * 9 && even * 10 < pairs) || (even * 10 >= pairs * 9 && odd * 10 < pairs)
    }
}
