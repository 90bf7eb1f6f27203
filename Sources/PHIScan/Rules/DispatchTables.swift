/// The rule set's trigger tables as flat memory that nothing writes after `RuleSet.init`, for the per-line dispatch
/// (`LineEngine.dispatch`): reading a Swift array of arrays there retained and released each inner array on every
/// line (with the rule objects, about 6 % of a log run in a cpu-clock profile). Nested tables are in CSR form: the
/// entries of key k are `list[start[k]..<start[k + 1]]`.
struct DispatchView {
    /// Rules per keyword index, and per rule whether it is tried anchored at its keyword.
    let keywordStart: UnsafePointer<Int32>
    let keywordRules: UnsafePointer<Int32>
    /// Each keyword's length in bytes (what a hit spans; 0 for the line-start number's pseudo keyword).
    let keywordLength: UnsafePointer<Int32>
    let anchored: UnsafePointer<Bool>
    /// Per rule: 0, or the trigger's `before` when the rule runs in windows ending at each of its keywords
    /// (`LineEngine.runBeforeKeywords`) instead of over the whole line.
    let keywordBefore: UnsafePointer<Int32>
    /// Per keyword, the windowed rules it triggers (bit `windowSlot[r]`), and per rule its bit or -1: which of a
    /// line's hits end a window of rule r is one load and a shift.
    let keywordWindows: UnsafePointer<UInt64>
    let windowSlot: UnsafePointer<Int32>
    /// Per rule: 0, or, when every match of the rule consumes a digit (`PatternAnalysis.requiresDigit`), its
    /// `max_length`: a run at s needs a digit in s..<s + reach (anchored) or anywhere in the line (`DigitCursor`).
    let digitReach: UnsafePointer<Int32>
    /// Byte triggers: the bytes, and the rules each fires.
    let byteCount: Int
    let bytes: UnsafePointer<UInt8>
    let byteStart: UnsafePointer<Int32>
    let byteRules: UnsafePointer<Int32>
    /// Rules without a prefilter.
    let always: UnsafeBufferPointer<Int32>
    /// Shape rules; digit and dashed rules by threshold (the per-region loops stop at the first rule a region is too
    /// short for; the order rules run in does not change the findings: overlap resolution orders them totally);
    /// alnum rules by run length 0..<64.
    let digit: UnsafeBufferPointer<ShapeRule>
    /// The `digit` rules a numeric run can trigger, by its digit count (capped at `digitMaskCounts - 1`) and its
    /// separator bits: bit i of `digitMasks[count * 128 + separators]` stands for `digit[i]`. One load per run
    /// instead of a threshold and separator test per rule (those branches mispredicted on digit-heavy logs). Nil when
    /// the masks cannot express the rules (more than 64 digit rules, or a threshold past the cap).
    let digitMasks: UnsafePointer<UInt64>?
    static let digitMaskCounts = 32
    /// The `GroupShape` codes of the digit rules' group sequences (see `ShapeRule.groupStart`).
    let groupCodes: UnsafePointer<UInt64>
    let dot: UnsafeBufferPointer<ShapeRule>
    let alnumStart: UnsafePointer<Int32>
    let alnum: UnsafePointer<ShapeRule>
    let dashed: UnsafeBufferPointer<ShapeRule>
    let hexColon: UnsafeBufferPointer<ShapeRule>
    /// The start conditions of shape rules (`MatchStart`, `ShapeRule.startFilter`): 256 bytes each, bit 0 of byte b
    /// set when a match may start with b, bit 1 when none starts right after b.
    let startFilters: UnsafePointer<UInt8>
    /// The start conditions' opening lookbehinds (`MatchStart.before`), flat: filter f's alternatives are
    /// `beforeFrom[f]..<beforeFrom[f + 1]`, alternative a's byte sets `beforeAlternative[a]..<beforeAlternative[a + 1]`
    /// (nearest the match first), set s the four words at `beforeSets + 4 * s`.
    let beforeFrom: UnsafePointer<Int32>
    let beforeAlternative: UnsafePointer<Int32>
    let beforeSets: UnsafePointer<UInt64>
    /// The rule set's compiled rules by index, unretained (the rule set owns them and outlives every engine that
    /// reads this view), so that the per-region runs take a rule without a retain and release each.
    let compiledRules: UnsafePointer<Unmanaged<CompiledRule>>
    /// The `digit` rules with a start condition (bit i: `digit[i]`).
    let digitStartMask: UInt64

    @inline(__always)
    func keywordRange(_ k: Int) -> Range<Int> { Int(keywordStart[k])..<Int(keywordStart[k + 1]) }
    @inline(__always)
    func byteRange(_ i: Int) -> Range<Int> { Int(byteStart[i])..<Int(byteStart[i + 1]) }
    @inline(__always)
    func alnumRange(_ length: Int) -> Range<Int> { Int(alnumStart[length])..<Int(alnumStart[length + 1]) }

    /// Whether a numeric run's group shape holds one of `rule`'s digit-group sequences (true when it names none).
    @inline(__always)
    func shapeMatches(_ rule: ShapeRule, _ shape: UInt64) -> Bool {
        if !rule.hasGroups { return true }
        return GroupShape.matches(shape, UnsafeBufferPointer(start: groupCodes + Int(rule.groupStart),
                                                             count: Int(rule.groupEnd - rule.groupStart)))
    }

    /// Whether a match of `rule` may start in `p[from..<to]` by its start condition (true when it has none): some
    /// byte there may start one and does not follow a byte after which none starts. Before `p` and after a newline
    /// the line starts: no byte comes before (`p` is a line, the piece of one a lookbehind sees, or a block of whole
    /// lines).
    @inline(__always)
    func mayStart(_ rule: ShapeRule, _ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Bool {
        if rule.startFilter < 0 { return true }
        let filter = Int(rule.startFilter)
        let f = startFilters + filter &* 256
        var i = from
        while i < to {
            if f[Int(p[i])] & 1 != 0 && (i == 0 || f[Int(p[i &- 1])] & 2 == 0 || p[i &- 1] == 0x0A),
               fitsBefore(filter, p, at: i) { return true }
            i &+= 1
        }
        return false
    }

    /// Whether the bytes before `p[at]` fit one alternative of filter `filter`'s lookbehind (true without one). A
    /// set holds no newline, so an alternative never reaches past the line's start (`p` starts at one).
    @inline(__always)
    func fitsBefore(_ filter: Int, _ p: UnsafePointer<UInt8>, at: Int) -> Bool {
        let from = Int(beforeFrom[filter]), to = Int(beforeFrom[filter &+ 1])
        if from == to { return true }
        var a = from
        alternatives: while a < to {
            let first = Int(beforeAlternative[a]), end = Int(beforeAlternative[a &+ 1])
            a &+= 1
            if at < end &- first { continue }
            var s = first
            while s < end {
                let b = p[at &- 1 &- (s &- first)], set = beforeSets + s &* 4
                if set[Int(b >> 6)] >> UInt64(b & 63) & 1 == 0 { continue alternatives }
                s &+= 1
            }
            return true
        }
        return false
    }

    /// `digitMasks` for `rules` (see there); nil when they do not fit.
    static func digitMasks(_ rules: [ShapeRule]) -> [UInt64]? {
        guard !rules.isEmpty, rules.count <= 64, rules.allSatisfy({ $0.threshold < digitMaskCounts && $0.separators < 128 })
        else { return nil }
        var masks = [UInt64](repeating: 0, count: digitMaskCounts * 128)
        for count in 0..<digitMaskCounts {
            for separators in 0..<128 {
                var m: UInt64 = 0
                for (i, sr) in rules.enumerated()
                where count >= sr.threshold && (sr.separators == 0 || separators & sr.separators != 0) {
                    m |= 1 << UInt64(i)
                }
                masks[count * 128 + separators] = m
            }
        }
        return masks
    }
}

/// Owns the memory behind a `DispatchView` (freed with the rule set, which builds it once in `init`).
final class DispatchTables: @unchecked Sendable {
    let view: DispatchView
    private var allocations: [UnsafeMutableRawPointer] = []

    init(keywordRules: [[Int]], keywordLengths: [Int], anchored: [Bool], keywordBefore: [Int], keywordWindows: [UInt64],
         windowSlot: [Int], digitReach: [Int], byteTriggers: [(byte: UInt8, rules: [Int])], always: [Int],
         digit: [ShapeRule], groupCodes: [UInt64], dot: [ShapeRule], alnumByLength: [[ShapeRule]],
         dashed: [ShapeRule], hexColon: [ShapeRule], startFilters: [UInt8], before: [[[[UInt64]]]],
         rules: [CompiledRule]) {
        var owned: [UnsafeMutableRawPointer] = []
        // Trivial element types only (integers, Bool, ShapeRule): freed without deinitialising.
        func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, values.count))
            _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
            owned.append(UnsafeMutableRawPointer(p))
            return p
        }
        func buffer<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
            UnsafeBufferPointer(start: copy(values), count: values.count)
        }
        func csr<T>(_ lists: [[T]]) -> (start: UnsafePointer<Int32>, list: UnsafePointer<T>) {
            var start: [Int32] = [0]
            for l in lists { start.append(start.last! + Int32(l.count)) }
            return (UnsafePointer(copy(start)), UnsafePointer(copy(lists.flatMap { $0 })))
        }
        let keywords = csr(keywordRules.map { $0.map(Int32.init) })
        let bytes = csr(byteTriggers.map { $0.rules.map(Int32.init) })
        let alnum = csr(alnumByLength)
        func starts(_ counts: [Int]) -> UnsafePointer<Int32> {
            UnsafePointer(copy(counts.reduce(into: [Int32(0)]) { $0.append($0.last! + Int32($1)) }))
        }
        view = DispatchView(
            keywordStart: keywords.start, keywordRules: keywords.list,
            keywordLength: UnsafePointer(copy(keywordLengths.map(Int32.init))),
            anchored: UnsafePointer(copy(anchored)), keywordBefore: UnsafePointer(copy(keywordBefore.map(Int32.init))),
            keywordWindows: UnsafePointer(copy(keywordWindows)), windowSlot: UnsafePointer(copy(windowSlot.map(Int32.init))),
            digitReach: UnsafePointer(copy(digitReach.map(Int32.init))),
            byteCount: byteTriggers.count, bytes: UnsafePointer(copy(byteTriggers.map(\.byte))),
            byteStart: bytes.start, byteRules: bytes.list, always: buffer(always.map(Int32.init)),
            digit: buffer(digit), digitMasks: DispatchView.digitMasks(digit).map { UnsafePointer(copy($0)) },
            groupCodes: UnsafePointer(copy(groupCodes)), dot: buffer(dot), alnumStart: alnum.start, alnum: alnum.list,
            dashed: buffer(dashed), hexColon: buffer(hexColon), startFilters: UnsafePointer(copy(startFilters)),
            beforeFrom: starts(before.map(\.count)), beforeAlternative: starts(before.flatMap { $0.map(\.count) }),
            beforeSets: UnsafePointer(copy(before.flatMap { $0.flatMap { $0.flatMap { $0 } } })),
            compiledRules: UnsafePointer(copy(rules.map { Unmanaged.passUnretained($0) })),
            digitStartMask: digit.enumerated().reduce(0) { $1.element.startFilter >= 0 && $1.offset < 64 ? $0 | 1 << UInt64($1.offset) : $0 })
        allocations = owned
    }

    deinit { for a in allocations { a.deallocate() } }
}
