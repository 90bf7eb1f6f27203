import CScanKernels

/// One rule's lower-cased context words, with the C index `phs_context_first` searches (words bucketed by first
/// byte). Immutable after init, so shared read-only across threads.
final class ContextWordIndex: @unchecked Sendable {
    /// The words, lower-cased, in declaration order.
    let words: [[UInt8]]
    let raw: UnsafeMutablePointer<phs_context_words>
    private let memory = CTableMemory()

    init(_ declared: [String]) {
        let words = declared.map { Array($0.lowercased().utf8) }
        self.words = words
        var bytes: [UInt8] = [], offsets: [Int32] = []
        for w in words {
            offsets.append(Int32(bytes.count))
            bytes += w
        }
        var order: [Int32] = [], bucketStart = [Int32](repeating: 0, count: 257)
        for b in 0..<256 {
            bucketStart[b] = Int32(order.count)
            for (k, w) in words.enumerated() where w.first == UInt8(b) { order.append(Int32(k)) }
        }
        bucketStart[256] = Int32(order.count)
        let m = memory
        raw = m.single(phs_context_words(
            bytes: m.copy(bytes), offset: m.copy(offsets), length: m.copy(words.map { Int32($0.count) }),
            bucket_start: m.copy(bucketStart), order: m.copy(order), count: Int32(words.count)))
    }



    var isEmpty: Bool { words.isEmpty }
}

/// Whole-word, case-insensitive search for context words near a span.
enum ContextWords {
    /// Walks the word starts in the window (outside the span) and compares only the words whose first byte matches.
    @inline(__always)
    static func present(_ index: ContextWordIndex, in p: UnsafePointer<UInt8>, _ n: Int, around span: Range<Int>,
                        window: Int, after: Bool = true) -> Bool {
        let lo = max(0, span.lowerBound - window)
        let hi = after ? min(n, span.upperBound + window) : span.lowerBound
        return phs_context_first(index.raw, p, n, lo, hi, span.lowerBound, span.upperBound) >= 0
    }

    /// Index in `words` of the first word found (nearest the window's start), or nil. `after: false` searches only
    /// before the span.
    static func first(_ words: [[UInt8]], in p: UnsafePointer<UInt8>, _ n: Int, around span: Range<Int>,
                      window: Int, after: Bool = true) -> Int? {
        let lo = max(0, span.lowerBound - window)
        let hi = after ? min(n, span.upperBound + window) : span.lowerBound
        var i = lo
        while i < hi {
            let b = p[i]
            guard ByteClass.isAlnum(b), i == 0 || !ByteClass.isAlnum(p[i - 1]) else {
                i += 1
                continue
            }
            if i < span.lowerBound || i >= span.upperBound {
                let first = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                for (k, w) in words.enumerated() where w[0] == first && i + w.count <= hi {
                    if i < span.lowerBound && i + w.count > span.lowerBound { continue }
                    if matches(w, p + i), WholeWord.check(p, n, i, i + w.count, w) { return k }
                }
            }
            i += 1
            while i < hi && ByteClass.isAlnum(p[i]) { i += 1 }
        }
        return nil
    }

    /// Indices in `words` of every word found in the window (for explanations; not on the hot path).
    static func all(_ words: [[UInt8]], in p: UnsafePointer<UInt8>, _ n: Int, around span: Range<Int>,
                    window: Int, after: Bool = true) -> [Int] {
        var found: [Int] = []
        for (k, w) in words.enumerated()
        where first([w], in: p, n, around: span, window: window, after: after) != nil { found.append(k) }
        return found
    }

    @inline(__always)
    static func matches(_ w: [UInt8], _ q: UnsafePointer<UInt8>) -> Bool {
        for k in 0..<w.count {
            var b = q[k]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            if b != w[k] { return false }
        }
        return true
    }
}
