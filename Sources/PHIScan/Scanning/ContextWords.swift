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

/// Whole-word, case-insensitive search for context words near a span: one C walk (`context.c`) for scoring and
/// for explanations.
enum ContextWords {
    /// Walks the word starts in the window (outside the span) and compares only the words whose first byte matches.
    @inline(__always)
    static func present(_ index: ContextWordIndex, in p: UnsafePointer<UInt8>, _ n: Int, around span: Range<Int>,
                        window: Int, after: Bool = true) -> Bool {
        let lo = max(0, span.lowerBound - window)
        let hi = after ? min(n, span.upperBound + window) : span.lowerBound
        return phs_context_first(index.raw, p, n, lo, hi, span.lowerBound, span.upperBound) >= 0
    }

    /// Every word `present` would find in the same window (indices in declaration order), and the fewest bytes
    /// between one of them and the span (nil when none). For explanations, recorded as the match is scored.
    static func all(_ index: ContextWordIndex, in p: UnsafePointer<UInt8>, _ n: Int, around span: Range<Int>,
                    window: Int, after: Bool = true) -> (words: [Int], distance: Int?) {
        if index.isEmpty { return ([], nil) }
        let lo = max(0, span.lowerBound - window)
        let hi = after ? min(n, span.upperBound + window) : span.lowerBound
        var flags = [UInt8](repeating: 0, count: index.words.count)
        let (count, distance) = flags.withUnsafeMutableBufferPointer { buf -> (Int32, Int32) in
            var found = phs_context_found(found: buf.baseAddress, count: 0, distance: -1)
            let count = phs_context_all(index.raw, p, n, lo, hi, span.lowerBound, span.upperBound, &found)
            return (count, found.distance)
        }
        if count == 0 { return ([], nil) }
        return (flags.indices.filter { flags[$0] != 0 }, Int(distance))
    }
}
