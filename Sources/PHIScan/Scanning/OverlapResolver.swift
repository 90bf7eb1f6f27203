/// The last step of the matcher seam (ARCHITECTURE.md, "Scanning"): of a line's candidates, pattern rules' and
/// detectors' alike, keeps a set of disjoint spans: the longest span among overlapping candidates, then the
/// higher confidence, then the rule's priority. A candidate that only partly overlaps the spans kept before it keeps
/// the parts they leave (trimmed to where letters and digits start and end), so no byte of a value is left in clear
/// because a longer finding took the rest of it (`2360 Ryan Prairie` under a name `Prairie Johnchester`). It owns
/// its working buffers, so resolving a line allocates nothing once they have grown.
struct OverlapResolver {
    /// Above this many candidates on a line, overlaps are resolved with a byte map instead of sorted insertion.
    static let sortedInsertLimit = 256

    private var kept: [Candidate] = []
    /// Bytes of the line already taken by a kept span, when a line has too many candidates for sorted insertion.
    private var taken: [Bool] = []

    /// Replaces `candidates` with the ones kept, sorted by start. `priorities` is the rule set's, by rule index.
    @inline(__always)
    mutating func resolve(_ candidates: inout [Candidate], priorities: [Int], text: UnsafePointer<UInt8>) {
        if candidates.count < 2 { return }
        candidates.sort { a, b in
            if a.end - a.start != b.end - b.start { return a.end - a.start > b.end - b.start }
            if a.confidence != b.confidence { return a.confidence > b.confidence }
            if priorities[a.rule] != priorities[b.rule] { return priorities[a.rule] > priorities[b.rule] }
            if a.start != b.start { return a.start < b.start }
            return a.rule < b.rule
        }
        kept.clearKeepingCapacity()
        if candidates.count <= Self.sortedInsertLimit {
            // Kept spans are disjoint; keep them sorted by start so each candidate is checked against its two
            // neighbours only (binary search), not against every kept span.
            for c in candidates {
                var lo = 0, hi = kept.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if kept[mid].start < c.start { lo = mid + 1 } else { hi = mid }
                }
                let left = lo > 0 && kept[lo - 1].end > c.start
                if !left && !(lo < kept.count && kept[lo].start < c.end) {
                    kept.insert(c, at: lo)
                    continue
                }
                // The parts of c that the kept spans it overlaps leave uncovered.
                var i = left ? lo - 1 : lo, from = c.start
                while i < kept.count && kept[i].start < c.end {
                    if kept[i].start > from, let piece = Self.trimmed(c, from, kept[i].start, text) {
                        kept.insert(piece, at: i)
                        i += 1
                    }
                    from = max(from, kept[i].end)
                    i += 1
                }
                if from < c.end, let piece = Self.trimmed(c, from, c.end, text) { kept.insert(piece, at: i) }
            }
        } else {
            // Many candidates on one line (a 10 MB line of names): inserting into the middle of a sorted array
            // would move it for every span. Mark the bytes kept spans take instead, then sort once.
            var low = Int.max, high = 0
            for c in candidates { low = min(low, c.start); high = max(high, c.end) }
            taken.removeAll(keepingCapacity: true)
            taken.append(contentsOf: repeatElement(false, count: high - low))
            taken.withUnsafeMutableBufferPointer { t in
                for c in candidates {
                    // Each run of bytes of c that no kept span took (all of c when it overlaps nothing).
                    var i = c.start
                    while i < c.end {
                        while i < c.end && t[i - low] { i += 1 }
                        let from = i
                        while i < c.end && !t[i - low] { i += 1 }
                        if from == c.start && i == c.end {
                            kept.append(c)
                        } else if from < i, let piece = Self.trimmed(c, from, i, text) {
                            kept.append(piece)
                        } else {
                            continue
                        }
                        for k in from..<i { t[k - low] = true }
                    }
                }
            }
            kept.sort { $0.start < $1.start }
        }
        swap(&candidates, &kept)
    }

    /// The part `from..<to` of candidate c, without the blanks and punctuation at its ends; nil when no letter,
    /// digit or byte outside ASCII is left.
    @inline(__always)
    private static func trimmed(_ c: Candidate, _ from: Int, _ to: Int, _ text: UnsafePointer<UInt8>) -> Candidate? {
        var a = from, b = to
        while a < b && !Self.valueByte(text[a]) { a += 1 }
        while b > a && !Self.valueByte(text[b - 1]) { b -= 1 }
        if a == b { return nil }
        return Candidate(start: a, end: b, rule: c.rule, confidence: c.confidence)
    }

    @inline(__always)
    private static func valueByte(_ b: UInt8) -> Bool { b >= 0x80 || ByteClass.isAlnum(b) }
}
