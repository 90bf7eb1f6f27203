import CScanKernels

/// A keyword found on a line: `keyword` index and `start` offset.
public typealias KeywordHit = phs_hit

/// Whole-word keyword lookup by token.
///
/// Keywords start with a letter or digit, so a whole-word occurrence always begins a token (a maximal run of ASCII
/// letters and digits). The C feature pass hashes each token's first eight bytes (case-folded) and its length,
/// probes this open-addressing table of the keywords' first tokens, and verifies the rest of each candidate
/// keyword (further words, `/`, `.`, `#`, ...) in place. One probe per token instead of one automaton step per byte
/// keeps the table in L1 however many keywords the rules declare.
///
/// The table lives in memory this class allocates and frees; `raw` points at the C view of it. Immutable after
/// init, so it is shared read-only across threads.
public final class KeywordIndex: @unchecked Sendable {
    /// Keywords as declared (case kept for case-sensitive ones).
    public let keywords: [[UInt8]]
    let raw: UnsafeMutablePointer<phs_keywords>
    private let memory = CTableMemory()

    /// `keywords` must each start with an ASCII letter or digit.
    /// The bytes that are not a letter or digit (what may follow a one-token keyword), as four 64-bit words.
    static let tokenEndMask: [UInt64] = {
        var m = [UInt64](repeating: 0, count: 4)
        for b in 0..<256 where !ByteClass.isAlnum(UInt8(b)) { m[b >> 6] |= 1 << UInt64(b & 63) }
        return m
    }()

    public init(keywords input: [(text: String, caseSensitive: Bool)]) {
        let kws = input.map { Array($0.text.utf8) }
        self.keywords = kws
        var firstTokens: [(key: UInt64, len: Int, kw: Int)] = []
        for (k, kw) in kws.enumerated() {
            var len = 0
            while len < kw.count && ByteClass.isAlnum(kw[len]) { len += 1 }
            precondition(len > 0, "keyword must start with a letter or digit")
            let key = kw.withUnsafeBufferPointer { KeywordIndex.key($0.baseAddress!, len, available: kw.count) }
            firstTokens.append((key, len, k))
        }
        var bytes: [UInt8] = []
        var offsets: [Int32] = []
        for kw in kws {
            offsets.append(Int32(bytes.count))
            bytes.append(contentsOf: kw)
        }
        var entries: [phs_keyword_entry] = []
        // Keywords grouped by first token, groups in order of first appearance (linear: packs carry thousands of
        // keywords, and a filter per group made this quadratic, most of start-up for the USPS suffix list).
        struct TokenKey: Hashable { let key: UInt64; let len: Int }
        var groupOf: [TokenKey: Int] = [:]
        var groups: [(t: (key: UInt64, len: Int, kw: Int), members: [Int32])] = []
        for t in firstTokens {
            let k = TokenKey(key: t.key, len: t.len)
            if let g = groupOf[k] { groups[g].members.append(Int32(t.kw)) } else {
                groupOf[k] = groups.count
                groups.append((t, [Int32(t.kw)]))
            }
        }
        // A slot per first token, at most a quarter full (a probe that misses reads one or two cache lines). Sized
        // by first tokens, not keywords: the packs' 4,000 keywords share about 1,500, and the table was 1 MiB, most
        // of it never read; built in place in the memory the pass reads (the copy was a tenth of the build).
        var size = 64
        while size < groups.count * 4 { size *= 2 }
        let slots = memory.zeroed(phs_keyword_slot.self, count: size, alignment: 64)
        for (t, members) in groups {
            var slot = KeywordIndex.slot(t.key, t.len, size - 1)
            while slots[slot].key != 0 { slot = (slot + 1) & (size - 1) }
            var next = [UInt64](repeating: 0, count: 4)
            for k in members.map(Int.init) {
                let kw = kws[k]
                if kw.count == t.len {
                    // One token: whatever ends the token (a byte that is not a letter or digit) may follow.
                    for w in 0..<4 { next[w] |= KeywordIndex.tokenEndMask[w] }
                } else {
                    let b = Int(kw[t.len])
                    next[b >> 6] |= 1 << UInt64(b & 63)
                }
            }
            let start = Int32(entries.count)
            for k in members.map(Int.init) {
                entries.append(phs_keyword_entry(keyword: Int32(k), offset: offsets[k], length: Int32(kws[k].count),
                                                 case_sensitive: input[k].caseSensitive ? 1 : 0))
            }
            slots[slot] = phs_keyword_slot(key: t.key, length: Int32(t.len), list_start: start,
                                           list_end: Int32(entries.count), reserved: 0,
                                           next: (next[0], next[1], next[2], next[3]), padding: 0)
        }
        var firstLengths = [UInt32](repeating: 0, count: 256)
        var bigrams = [UInt64](repeating: 0, count: 1024)
        for t in firstTokens {
            let kw = kws[t.kw]
            let c0 = Int(kw[0] | 0x20), c1 = t.len > 1 ? Int(kw[1] | 0x20) : 0
            if t.len < 32 { firstLengths[c0] |= 1 << UInt32(t.len) }
            let bg = c0 << 8 | c1
            bigrams[bg >> 6] |= 1 << UInt64(bg & 63)
        }
        var tokenFilter = [UInt64](repeating: 0, count: 1024)
        var tokenFilterLower = [UInt64](repeating: 0, count: 1024)
        for t in firstTokens {
            let h = Int(phs_token_filter_hash(t.key, UInt64(t.len)))
            tokenFilter[h >> 6] |= 1 << UInt64(h & 63)
            // A token with no capital in its first min(length, 8) bytes matches a case-sensitive keyword only if
            // the keyword has none there either (its first token has the token's length and bytes).
            let head = kws[t.kw].prefix(min(t.len, 8))
            if !input[t.kw].caseSensitive || !head.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) {
                tokenFilterLower[h >> 6] |= 1 << UInt64(h & 63)
            }
        }
        let m = memory
        // One array: the pass indexes the second half for tokens without capitals (see phiscrub_kernels.h).
        let filters = m.copy(tokenFilter + tokenFilterLower)
        raw = m.single(phs_keywords(
            slots: UnsafePointer(slots), entries: m.copy(entries), mask: Int32(size - 1), kw_bytes: m.copy(bytes),
            count: Int32(kws.count),
            max_first_length: Int32(firstTokens.map(\.len).max() ?? 0),
            first_lengths: m.copy(firstLengths), bigrams: m.copy(bigrams),
            digit_first: kws.contains { ByteClass.isDigit($0[0]) } ? 1 : 0,
            digits_only_first: firstTokens.contains { kws[$0.kw].prefix($0.len).allSatisfy(ByteClass.isDigit) } ? 1 : 0,
            token_filter: filters,
            token_filter_lower: filters + 1024))
    }



    public var isEmpty: Bool { keywords.isEmpty }

    /// Case-folded first eight bytes of a token of `length` bytes at `p` (`available` bytes readable from `p`),
    /// never zero. Must match `token_key` in kernels.c.
    static func key(_ p: UnsafePointer<UInt8>, _ length: Int, available: Int) -> UInt64 {
        let take = min(length, 8)
        var v: UInt64 = 0
        for i in 0..<min(take, available) { v |= UInt64(p[i]) << UInt64(i * 8) }
        let fold: UInt64 = take < 8 ? 0x2020_2020_2020_2020 & ((UInt64(1) << UInt64(take * 8)) &- 1) : 0x2020_2020_2020_2020
        return (v | fold) | 0x8000_0000_0000_0000
    }

    /// Must match `token_slot` in kernels.c.
    static func slot(_ key: UInt64, _ length: Int, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: ((key ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }
}

/// Whole-word helpers shared with context scoring.
enum WholeWord {
    @inline(__always)
    static func check(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ end: Int, _ kw: [UInt8]) -> Bool {
        if ByteClass.isAlnum(kw[0]), start > 0, ByteClass.isAlnum(p[start - 1]) { return false }
        if ByteClass.isAlnum(kw[kw.count - 1]), end < n, ByteClass.isAlnum(p[end]) { return false }
        return true
    }
}
