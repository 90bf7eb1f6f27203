/// The last step of the matcher seam (ARCHITECTURE.md, "Scanning"): of a line's candidates, pattern rules' and
/// detectors' alike, keeps a set of disjoint spans: the longest span among overlapping candidates, then the
/// higher confidence, then the rule's priority. It owns its working buffers, so resolving a line allocates nothing
/// once they have grown.
struct OverlapResolver {
    /// Above this many candidates on a line, overlaps are resolved with a byte map instead of sorted insertion.
    static let sortedInsertLimit = 256

    private var kept: [Candidate] = []
    /// Bytes of the line already taken by a kept span, when a line has too many candidates for sorted insertion.
    private var taken: [Bool] = []

    /// Replaces `candidates` with the ones kept, sorted by start. `priorities` is the rule set's, by rule index.
    @inline(__always)
    mutating func resolve(_ candidates: inout [Candidate], priorities: [Int]) {
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
                if lo > 0 && kept[lo - 1].end > c.start { continue }
                if lo < kept.count && kept[lo].start < c.end { continue }
                kept.insert(c, at: lo)
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
                    var free = true
                    for i in (c.start - low)..<(c.end - low) where t[i] { free = false; break }
                    if !free { continue }
                    for i in (c.start - low)..<(c.end - low) { t[i] = true }
                    kept.append(c)
                }
            }
            kept.sort { $0.start < $1.start }
        }
        swap(&candidates, &kept)
    }
}
