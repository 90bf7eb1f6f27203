import CICUShim
import CScanKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why part of the input could not be scanned completely. The text concerned must not be emitted in clear.
public struct ScanIncident: Sendable, Hashable {
    /// The rule whose match hit the PCRE2 match limit.
    public var ruleID: String
}

/// Scans single lines with a shared `RuleSet`. Holds the per-worker state (PCRE2 match data, feature buffers,
/// normaliser), so it is not thread-safe: make one per thread or task; share the `RuleSet`.
public final class LineScanner {
    public let ruleSet: RuleSet
    @exclusivity(unchecked) var engine: LineEngine

    public init(ruleSet: RuleSet, minConfidence: Double = 0) {
        self.ruleSet = ruleSet
        self.engine = LineEngine(ruleSet: ruleSet, minConfidence: minConfidence)
    }

    /// A scanner whose patterns run on PCRE2's interpreter and are never JIT-compiled by it (see
    /// `CompiledPattern`): for the few texts of the load-time example check.
    init(interpreting ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        self.engine = LineEngine(ruleSet: ruleSet, minConfidence: 0, interpretOnly: true)
    }

    /// A scanner whose prefilter is the reference feature pass (`features_reference.c`, the specification of the
    /// fast one) instead of the bitmap pass: the differential tests scan with both and expect the same findings.
    init(referencePrefilter ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        self.engine = LineEngine(ruleSet: ruleSet, minConfidence: 0, referencePrefilter: true)
    }

    /// Findings below this confidence are not reported.
    public var minConfidence: Double {
        get { engine.minConfidence }
        set { engine.minConfidence = newValue }
    }

    /// Work counters, for profiling the prefilter (`phiscrub --stats`).
    public var counters: ScanCounters { engine.counters }

    /// When set, each scan records why each of its findings was reported (`--explain`) into this log, as the
    /// finding is decided; each scan replaces what the one before recorded. Nil (the default) records nothing.
    public var explanations: ExplanationLog? {
        get { engine.log }
        set { engine.log = newValue }
    }

    /// Scans one line (without its newline) and appends its findings, offsets moved by `base`, to `out`.
    /// Returns an incident when a rule could not finish; the caller must then withhold the line.
    @discardableResult
    public func scan(_ line: UnsafeBufferPointer<UInt8>, base: Int, into out: inout [Finding]) -> ScanIncident? {
        engine.scan(line, base: base, into: &out)
    }

    /// Convenience for tests and the library: scans a whole buffer that holds one line.
    public func scan(_ line: [UInt8]) -> [Finding] {
        var out: [Finding] = []
        line.withUnsafeBufferPointer { _ = scan($0, base: 0, into: &out) }
        return out
    }
}

/// The scanner's state and hot path as a struct: its mutating methods reach their buffers without the dynamic
/// exclusivity checks that class properties cost on every access.
struct LineEngine {
    let ruleSet: RuleSet
    /// The seam's three steps after the prefilter (ARCHITECTURE.md, "Scanning"): PCRE2 and claims, the verdict on
    /// each match, and the choice among overlapping candidates.
    let runner: RuleRunner
    var scorer: FindingScorer
    var resolver = OverlapResolver()
    /// Findings below this confidence are not reported.
    var minConfidence: Double {
        get { scorer.minConfidence }
        set { scorer.minConfidence = newValue }
    }
    let normalizer = LineNormalizer()
    /// The form the detectors read when `normalizer` rewrote letters: the same, with dashes and spaces as written.
    let detectorNormalizer = LineNormalizer(keepsPunctuation: true)
    let kernel = FeatureKernel()
    /// Feature output of the current batch; separate from `kernel` so a line scanned on its own inside a batch
    /// (non-ASCII, byte triggers) does not overwrite it.
    let batchKernel = FeatureKernel(newlines: true)
    /// Generation stamps per rule (the rule already ran on the whole current line) and the group-shape cache; a
    /// copied engine gets its own on its next line, as an array would copy on write.
    var dispatchScratch: DispatchScratch
    /// The rule set's trigger tables as flat memory (kept alive by `ruleSet`).
    let tables: DispatchView
    var generation: UInt32 = 0
    var fired: [Int] = []
    var candidates: [Candidate] = []
    /// The sign-off cue that ends the text before the next line or block scanned (set by `StreamScanner`, which
    /// sees the lines in order), or -1: the name detector then finds a name on the line after "Sincerely,".
    var signoff: Int32 = -1
    var escapeScratch: [UInt8] = []
    /// The normalised form `normalizesToItself` found different from its line, kept for the per-line scan of that
    /// same line that follows (its bytes live in `normalizer` until the next normalisation), with the line's address
    /// and length.
    var pendingNormalized: (line: UnsafePointer<UInt8>, count: Int, form: NormalizedLine)?
    var counters = ScanCounters()
    /// Where explanations go (`LineScanner.explanations`); nil: none are recorded, and the hot path pays one
    /// test per accepted match.
    var log: ExplanationLog?
    /// Explanations of the current line's candidates, by span and rule, until overlap resolution keeps some.
    var reasons: [Reason] = []
    /// Buffers of the person-name detector (nil when the rule set has none): for single lines, and for the spans
    /// found in the current batch block.
    let nameScratch: PersonNameScratch?
    let batchNameScratch: PersonNameScratch?
    var batchNameCount = 0

    /// Run the reference feature pass instead of the fast one (differential tests only). It also leaves out the
    /// rules' start conditions (`MatchStart`), so the differential tests check those as well.
    let referencePrefilter: Bool
    /// The digit rules whose start condition is asked (`DispatchView.digitStartMask`; none with the reference pass).
    let digitStartMask: UInt64
    /// The fewest dots any dot rule asks of a numeric run (Int.max: no dot rule).
    let minDotThreshold: Int

    init(ruleSet: RuleSet, minConfidence: Double, interpretOnly: Bool = false, referencePrefilter: Bool = false) {
        self.ruleSet = ruleSet
        self.scorer = FindingScorer(minConfidence: minConfidence)
        self.referencePrefilter = referencePrefilter
        self.runner = RuleRunner(scratch: MatchScratch(maxCaptures: ruleSet.maxCaptures, interpretOnly: interpretOnly))
        self.dispatchScratch = DispatchScratch(count: ruleSet.rules.count)
        self.tables = ruleSet.dispatchTables.view
        self.minDotThreshold = self.tables.dot.map(\.threshold).min() ?? Int.max
        self.digitStartMask = referencePrefilter ? 0 : self.tables.digitStartMask
        self.counters.runsByRule = [Int](repeating: 0, count: ruleSet.rules.count)
        self.nameScratch = ruleSet.personNames == nil ? nil : PersonNameScratch()
        self.batchNameScratch = ruleSet.personNames == nil ? nil : PersonNameScratch()
    }

    mutating func scan(_ line: UnsafeBufferPointer<UInt8>, base: Int, into out: inout [Finding]) -> ScanIncident? {
        if let log { log.byStart.removeAll(keepingCapacity: true) }
        guard line.count > 0, let p = line.baseAddress else { return nil }
        if memchr(p, 0x1B, line.count) != nil {
            // Terminal escape sequences (colours) are masked with spaces in a copy, so `ESC[31m` neither glues to
            // the PHI after it nor gets redacted with it; offsets are unchanged.
            var masked = escapeScratch
            escapeScratch = []
            masked.removeAll(keepingCapacity: true)
            masked.append(contentsOf: line)
            TerminalEscapes.mask(&masked)
            let incident = masked.withUnsafeBufferPointer { scanUnescaped($0, base: base, into: &out) }
            escapeScratch = masked
            return incident
        }
        return scanUnescaped(line, base: base, into: &out)
    }

    private mutating func scanUnescaped(_ line: UnsafeBufferPointer<UInt8>, base: Int, into out: inout [Finding]) -> ScanIncident? {
        // (An ASCII line with no escape: `normalize` says so with nil, and it is scanned as it is.)
        let normalized: NormalizedLine
        let pending = pendingNormalized
        pendingNormalized = nil
        do {
            if let pending, pending.line == line.baseAddress, pending.count == line.count {
                normalized = pending.form
            } else {
                guard let n = try normalizer.normalize(line) else { return scanASCII(line, base: base, into: &out) }
                normalized = n
            }
        } catch {
            // Fail closed: a line that cannot be normalised is not scanned on its raw bytes and let out.
            return ScanIncident(ruleID: "normalization")
        }
        var local: [Finding] = []
        let incident = scanASCII(normalized.bytes, base: 0, into: &local, detectors: false)
        // Explanations were recorded at the normalised line's offsets: they move with their findings.
        var normalizedWhy: [Int: FindingExplanation] = [:]
        if let log { swap(&normalizedWhy, &log.byStart) }
        guard ruleSet.personNames != nil else {
            for f in local {
                let r = normalized.originalRange(of: f.start..<f.end)
                out.append(Finding(start: r.lowerBound + base, end: r.upperBound + base, entity: f.entity,
                                   ruleID: f.ruleID, confidence: f.confidence))
                if let log, let why = normalizedWhy[f.start] { log.byStart[r.lowerBound + base] = why }
            }
            return incident
        }
        // Detectors read the line as written (case, letters and punctuation intact; but see below), so the pattern
        // findings, mapped back to the original bytes, and the detectors' are resolved together.
        candidates.clearKeepingCapacity()
        reasons.removeAll(keepingCapacity: true)
        for f in local {
            let r = normalized.originalRange(of: f.start..<f.end)
            if let rule = ruleSet.ruleIndex[f.ruleID] {
                candidates.append(Candidate(start: r.lowerBound, end: r.upperBound, rule: rule, confidence: f.confidence))
                if log != nil, let why = normalizedWhy[f.start] {
                    reasons.append(Reason(start: r.lowerBound, end: r.upperBound, rule: rule, why: why))
                }
            }
        }
        if normalized.changedLetters {
            // Letters the normaliser rewrote (look-alikes of other scripts inside Latin words, fullwidth and
            // mathematical letters, escapes) would hide a name from the detector: it reads them as the normaliser
            // does, with dashes and spaces as written, and its spans map back to the line. (The patterns' form is
            // those bytes when the line has no dash or space to keep.)
            var form = normalized
            if normalized.changedPunctuation {
                do {
                    if let f = try detectorNormalizer.normalize(line) { form = f }
                } catch {
                    return ScanIncident(ruleID: "normalization")
                }
            }
            let first = candidates.count, firstReason = reasons.count
            runDetectors(form.bytes.baseAddress!, form.bytes.count)
            for i in first..<candidates.count {
                let r = form.originalRange(of: candidates[i].start..<candidates[i].end)
                candidates[i].start = r.lowerBound
                candidates[i].end = r.upperBound
            }
            for i in firstReason..<reasons.count {
                let r = form.originalRange(of: reasons[i].start..<reasons[i].end)
                reasons[i].start = r.lowerBound
                reasons[i].end = r.upperBound
            }
        } else {
            runDetectors(line.baseAddress!, line.count)
        }
        resolveOverlaps(line.baseAddress!, base: base, into: &out)
        return incident
    }

    private mutating func scanASCII(_ line: UnsafeBufferPointer<UInt8>, base: Int, into out: inout [Finding],
                                    detectors: Bool = true) -> ScanIncident? {
        kernel.compute(line, needs: ruleSet.rawNeeds, keywords: ruleSet.keywords, reference: referencePrefilter)
        return dispatch(line, FeatureView(kernel.out, shift: 0), base: base, into: &out, detectors: detectors)
    }

    /// Adds the built-in detectors' findings on the line to the candidates: the spans a batch pass found already
    /// (`found`, positions offset by `shift`), or else the detector's run on the line.
    private mutating func runDetectors(_ p: UnsafePointer<UInt8>, _ n: Int,
                                       found: UnsafeBufferPointer<phs_name_span>? = nil, shift: Int = 0) {
        // Most lines of a batch have no name: return before touching the detector's objects (their retains and
        // releases cost 2 % of a log run when done for every line).
        if let found, found.isEmpty { return }
        guard let names = ruleSet.personNames, let scratch = nameScratch else { return }
        let spans: UnsafeBufferPointer<phs_name_span>
        if let found {
            spans = found
        } else {
            // `find` may grow the span buffer: read its address only afterwards.
            let count = names.find(p, n, scratch, signoff: signoff)
            spans = UnsafeBufferPointer(start: scratch.spans, count: count)
        }
        for span in spans {
            guard let r = names.rule(of: span) else { continue }
            if let value = names.labelValue(of: span) {
                acceptLabelValue(value, r, p, n, Int(span.start) - shift, Int(span.end) - shift, why: names.reason(of: span))
                continue
            }
            let confidence = ruleSet.rules[r].confidence
            if confidence < minConfidence { continue }
            candidates.append(Candidate(start: Int(span.start) - shift, end: Int(span.end) - shift, rule: r,
                                        confidence: confidence))
            if log != nil {
                // The detector says what made the span a name: the cue phrase, the roster, or the dictionary.
                let rule = ruleSet.rules[r]
                var why = FindingExplanation(
                    rule: rule.rule.id, entity: rule.rule.entity, validator: nil, validatorResult: "none",
                    baseConfidence: rule.confidence, contextWords: [], contextBoost: 0, negativeContextWords: [],
                    contextPenalty: 0, confidence: confidence, denyList: rule.rule.isDenyList)
                why.detector = names.reason(of: span)
                reasons.append(Reason(start: Int(span.start) - shift, end: Int(span.end) - shift, rule: r, why: why))
            }
        }
    }

    /// The value line after a field label alone on its line (`p[start..<end]`, trimmed): the field rule's value shape
    /// from its start, then the rule's validator, allow list and threshold as for any match (`accept`). A match limit
    /// fails closed: the whole line is the value.
    private mutating func acceptLabelValue(_ value: CompiledPattern, _ r: Int, _ p: UnsafePointer<UInt8>, _ n: Int,
                                           _ start: Int, _ end: Int, why: String) {
        let rule = ruleSet.rules[r]
        let span: Range<Int>
        switch runner.scratch.match(value, subject: p, length: end, startOffset: start, group: 1) {
        case .match(let m, _) where !m.isEmpty: span = m
        case .limitExceeded: span = start..<end
        default: return
        }
        let before = candidates.count
        _ = accept(rule, r, p, n, span)
        if log != nil, candidates.count > before, let last = reasons.indices.last { reasons[last].why.detector = why }
    }

    /// Runs the feature pass over a block of whole lines at once (batch mode, see `StreamScanner`).
    mutating func computeBatch(_ block: UnsafeBufferPointer<UInt8>) {
        batchKernel.compute(block, needs: ruleSet.rawNeeds, keywords: ruleSet.keywords, reference: referencePrefilter)
        dropIdleNumericRuns(block)
        dropIdleHits(block)
        // No name crosses a newline, so the detector runs once over the block; its spans are items like the rest.
        if let names = ruleSet.personNames, let scratch = batchNameScratch, let p = block.baseAddress {
            batchNameCount = names.find(p, block.count, scratch, signoff: signoff)
        }
    }

    /// The newlines of the last batch block (bit i: byte i of the block), from its feature pass.
    var batchNewlines: UnsafePointer<UInt64> { batchKernel.newlineBits }

    /// Position (in the batch block) of the next feature item at or after the cursor, or nil.
    /// (`mutating` although it changes nothing, like `take`: called through `LineScanner.engine`, a non-mutating
    /// method gets a copy of the whole engine, with a retain of each of its references, on every line.)
    mutating func nextItem(_ c: BatchCursor) -> Int? {
        let f = batchKernel.out
        var best = Int.max
        if c.hits < Int(f.hit_count) { best = min(best, Int(f.hits[c.hits].start)) }
        if c.numeric < Int(f.numeric.count) { best = min(best, Int(f.numeric.items[c.numeric].start)) }
        if c.alnum < Int(f.alnum.count) { best = min(best, Int(f.alnum.items[c.alnum].start)) }
        if c.dashed < Int(f.dashed.count) { best = min(best, Int(f.dashed.items[c.dashed].start)) }
        if c.hexcolon < Int(f.hexcolon.count) { best = min(best, Int(f.hexcolon.items[c.hexcolon].start)) }
        if c.names < batchNameCount, let scratch = batchNameScratch { best = min(best, Int(scratch.spans[c.names].start)) }
        return best == Int.max ? nil : best
    }

    /// Moves the cursor past every item that starts before `end`, returning the view of those items.
    mutating func take(_ c: inout BatchCursor, before end: Int, shift: Int) -> FeatureView {
        let f = batchKernel.out
        func advance(_ i: inout Int, _ count: Int32, _ start: (Int) -> Int32) -> Range<Int> {
            let s = i
            while i < Int(count) && Int(start(i)) < end { i += 1 }
            return s..<i
        }
        let h = advance(&c.hits, f.hit_count) { f.hits[$0].start }
        let nu = advance(&c.numeric, f.numeric.count) { f.numeric.items[$0].start }
        let al = advance(&c.alnum, f.alnum.count) { f.alnum.items[$0].start }
        let da = advance(&c.dashed, f.dashed.count) { f.dashed.items[$0].start }
        let hc = advance(&c.hexcolon, f.hexcolon.count) { f.hexcolon.items[$0].start }
        var names: UnsafeBufferPointer<phs_name_span>?
        if let scratch = batchNameScratch {
            let spans = scratch.spans
            let nm = advance(&c.names, Int32(batchNameCount)) { spans[$0].start }
            names = UnsafeBufferPointer(start: spans + nm.lowerBound, count: nm.count)
        }
        return FeatureView(
            hits: UnsafeBufferPointer(start: f.hits + h.lowerBound, count: h.count),
            numeric: UnsafeBufferPointer(start: f.numeric.items + nu.lowerBound, count: nu.count),
            alnum: UnsafeBufferPointer(start: f.alnum.items + al.lowerBound, count: al.count),
            dashed: UnsafeBufferPointer(start: f.dashed.items + da.lowerBound, count: da.count),
            hexcolon: UnsafeBufferPointer(start: f.hexcolon.items + hc.lowerBound, count: hc.count),
            names: names,
            numericRules: dispatchScratch.runRuleCount == Int(f.numeric.count) ? dispatchScratch.runRules + nu.lowerBound : nil,
            shift: shift)
    }

    /// Whether a line with bytes outside ASCII can be scanned on the batch path: what the per-line path would
    /// scan, its normalised form (NFKC, default-ignorables dropped, dashes, digits and spaces folded to ASCII), is the
    /// line itself, byte for byte (accented letters, curly quotes, emoji; not a dash, a no-break space, a ligature or
    /// full-width digits). A line that cannot be normalised (invalid UTF-8) is not: the per-line path fails closed
    /// on it. A form that differs is kept for that per-line scan (`pendingNormalized`).
    mutating func normalizesToItself(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        pendingNormalized = nil
        let normalized: NormalizedLine?
        do { normalized = try normalizer.normalize(line) } catch { return false }
        guard let normalized else { return true }
        if normalized.bytes.count == line.count && memcmp(normalized.bytes.baseAddress!, line.baseAddress!, line.count) == 0 {
            return true
        }
        pendingNormalized = (line.baseAddress!, line.count, normalized)
        return false
    }

    /// Scans one line of a batch (ASCII, or one that normalises to itself) with the features the batch pass found
    /// for it. `byteTriggers`: the line holds a byte-trigger byte (`@`), so the rules triggered by bytes run too.
    mutating func scanBatchLine(_ line: UnsafeBufferPointer<UInt8>, features: FeatureView, base: Int,
                                byteTriggers: Bool = false, into out: inout [Finding]) -> ScanIncident? {
        if let log { log.byStart.removeAll(keepingCapacity: true) }
        return dispatch(line, features, base: base, into: &out, byteTriggers: byteTriggers)
    }

    /// Tries every rule whose trigger the line's features satisfy, then resolves overlaps.
    private mutating func dispatch(_ line: UnsafeBufferPointer<UInt8>, _ f: FeatureView, base: Int,
                                   into out: inout [Finding], byteTriggers: Bool = true,
                                   detectors: Bool = true) -> ScanIncident? {
        // Unretained: `self` holds both for the whole call (a retain and release each per line otherwise).
        unowned(unsafe) let rs = ruleSet
        let p = line.baseAddress!
        // A line of a CRLF file ends in "\r": the rules match it without, so that a pattern's `$` (which PCRE2 lets
        // match before a final "\n" only) holds at the line's end as in an LF file. The "\r" is kept in the output.
        let n = line.count > 0 && p[line.count - 1] == 0x0D ? line.count - 1 : line.count
        let shift = f.shift
        candidates.clearKeepingCapacity()
        if log != nil { reasons.removeAll(keepingCapacity: true) }
        var incident: ScanIncident?

        // Whole-line triggers: keywords, bytes, rules without a prefilter. A generation stamp marks the rules
        // fired on this line without clearing an array per line.
        generation &+= 1
        let gen = generation
        fired.clearKeepingCapacity()
        if !isKnownUniquelyReferenced(&dispatchScratch) { dispatchScratch = dispatchScratch.copy() }
        unowned(unsafe) let ds = dispatchScratch
        let t = tables, stamp = ds.stamps
        unowned(unsafe) let followers = rs.keywordFollowers
        var digits = DigitCursor(p, count: n)
        for h in f.hits.indices {
            let hit = f.hits[h]
            for i in t.keywordRange(Int(hit.keyword)) {
                let r = Int(t.keywordRules[i])
                if stamp[r] == gen { continue }
                if t.keywordBefore[r] > 0 && !referencePrefilter {
                    // Windows ending at this and each later keyword of the rule, once per line (the reference
                    // prefilter runs the rule over the whole line, so the differential tests check the windows).
                    stamp[r] = gen
                    if let bad = runBeforeKeywords(r, Int(t.keywordBefore[r]), f.hits, first: h, p, n, shift: shift) {
                        incident = bad
                    }
                    continue
                }
                if t.anchored[r] {
                    // Tried once, anchored, where the keyword starts; not where the byte after the keyword cannot
                    // continue a match (`KeywordFollowers`).
                    let length = Int(t.keywordLength[Int(hit.keyword)]), after = Int(hit.start) - shift + length
                    if !referencePrefilter, length > 0, after < n,
                       !followers.allows(i, p, after, n) { continue }
                    let at = Int(hit.start) - shift, reach = Int(t.digitReach[r])
                    if !referencePrefilter, reach > 0, !digits.any(from: at, before: at + reach) { continue }
                    counters.anchoredRuns &+= 1
                    counters.runsByRule[r] &+= 1
                    let keyword = Int(hit.keyword)
                    // The rule from the unretained table, as in runRegion: a keyword-dense line (prose, a cue
                    // phrase repeated) made two retains and releases per anchored run, 15 % of such a line's time.
                    let bad = t.compiledRules[r]._withUnsafeGuaranteedRef { rule in
                        runner.runAnchored(rule, rule.anchoredPattern!, p, n, at: at,
                                           accept: { span in _ = accept(rule, r, p, n, span, keyword: keyword) })
                    }
                    if let bad { incident = bad }
                    continue
                }
                stamp[r] = gen
                fired.append(r)
            }
        }
        if byteTriggers {
            for b in 0..<t.byteCount where memchr(p, Int32(t.bytes[b]), n) != nil {
                for i in t.byteRange(b) {
                    let r = Int(t.byteRules[i])
                    if stamp[r] != gen {
                        stamp[r] = gen
                        if let before = rs.rules[r].rule.trigger.before, !referencePrefilter {
                            if let bad = runBeforeBytes(r, t.bytes[b], before, p, n) { incident = bad }
                        } else {
                            fired.append(r)
                        }
                    }
                }
            }
        }
        for r32 in t.always {
            let r = Int(r32)
            if stamp[r] != gen {
                stamp[r] = gen
                fired.append(r)
            }
        }
        counters.lines &+= 1
        counters.wholeLineRuns &+= fired.count
        for r in fired {
            if !referencePrefilter, t.digitReach[r] > 0, !digits.any(from: 0, before: n) { continue }
            counters.runsByRule[r] &+= 1
            let bad = t.compiledRules[r]._withUnsafeGuaranteedRef { rule in
                runner.run(rule, p, n, from: 0, length: n, regionEnd: n, claims: false,
                           accept: { span in accept(rule, r, p, n, span) })
            }
            if let bad { incident = bad }
        }

        // Shape triggers: only the regions the feature pass found, only rules not already run on the whole line.
        for (k, region) in f.numeric.enumerated() {
            if let digitMasks = t.digitMasks {
                var m = f.numericRules?[k]
                    ?? Self.digitRules(region, digitMasks, t, ds, p, shift: shift, startMask: digitStartMask)
                while m != 0 {
                    let sr = t.digit[m.trailingZeroBitCount]
                    m &= m &- 1
                    guard stamp[sr.rule] != gen else { continue }
                    if let bad = runRegion(sr.rule, p, n, region, shift) { incident = bad }
                }
            } else {
                // digitRules are sorted by threshold: the first one the region is too short for ends the loop.
                for sr in t.digit {
                    if Int(region.count) < sr.threshold { break }
                    guard sr.separators == 0 || Int(region.extra) & sr.separators != 0, stamp[sr.rule] != gen,
                          t.shapeMatches(sr, region.shape),
                          referencePrefilter || t.mayStart(sr, p, from: Int(region.start) - shift, to: Int(region.end) - shift)
                    else { continue }
                    if let bad = runRegion(sr.rule, p, n, region, shift) { incident = bad }
                }
            }
            for sr in t.dot where Int(region.dots) >= sr.threshold && stamp[sr.rule] != gen {
                if let bad = runRegion(sr.rule, p, n, region, shift) { incident = bad }
            }
        }
        for region in f.alnum where region.count >= 0 && region.count < 64 {
            for i in t.alnumRange(Int(region.count)) {
                let sr = t.alnum[i]
                guard Int(region.extra) >= sr.letters, Int(region.digits) >= sr.digits, Int(region.upper) >= sr.upper,
                      stamp[sr.rule] != gen else { continue }
                if let bad = runRegion(sr.rule, p, n, region, shift) { incident = bad }
            }
        }
        for region in f.dashed {
            for sr in t.dashed {
                if Int(region.count) < sr.threshold { break }
                guard Int(region.count) <= sr.maxCount, Int(region.extra) >= sr.letters, Int(region.digits) >= sr.digits,
                      Int(region.upper) >= sr.upper, stamp[sr.rule] != gen else { continue }
                if let bad = runRegion(sr.rule, p, n, region, shift) { incident = bad }
            }
        }
        for region in f.hexcolon {
            for sr in t.hexColon where stamp[sr.rule] != gen {
                if let bad = runRegion(sr.rule, p, n, region, shift) { incident = bad }
            }
        }
        if detectors { runDetectors(p, n, found: f.names, shift: shift) }
        resolveOverlaps(p, base: base, into: &out)
        return incident
    }

    /// The digit rules (bits of `tables.digit`) a numeric run can trigger: by its digit count and separators (one
    /// table lookup), then by its digit-group shape (cached per engine: log lines repeat their shapes), then, for
    /// the rules in `startMask`, by whether a match may start among its bytes (`p`, at the run's offsets less
    /// `shift`; see `MatchStart`).
    @inline(__always)
    private static func digitRules(_ region: Region, _ digitMasks: UnsafePointer<UInt64>, _ t: DispatchView,
                                   _ ds: DispatchScratch, _ p: UnsafePointer<UInt8>, shift: Int,
                                   startMask: UInt64) -> UInt64 {
        let count = max(0, min(Int(region.count), DispatchView.digitMaskCounts - 1))
        let index = count &* 128 &+ (Int(region.extra) & 127)
        let m = digitMasks[index]
        if m == 0 { return 0 }
        var kept = ds.shapeFiltered(index, m, region.shape) { all in
            var kept: UInt64 = 0, rest = all
            while rest != 0 {
                let bit = rest.trailingZeroBitCount
                rest &= rest &- 1
                if t.shapeMatches(t.digit[bit], region.shape) { kept |= 1 << UInt64(bit) }
            }
            return kept
        }
        var filtered = kept & startMask
        while filtered != 0 {
            let bit = filtered.trailingZeroBitCount
            filtered &= filtered &- 1
            if !t.mayStart(t.digit[bit], p, from: Int(region.start) &- shift, to: Int(region.end) &- shift) {
                kept &= ~(1 << UInt64(bit))
            }
        }
        return kept
    }

    /// Drops the batch block's numeric runs that can trigger no rule (no digit rule their count, separators and
    /// group shape let through, fewer dots than any dot rule asks for): `dispatch` would run nothing on them, so a
    /// line whose only items they were is passed through with the clean lines around it instead of being walked
    /// rule by rule (a log's timestamps, durations and counts: two thirds of the lines `dispatch` saw on the seeded
    /// log found nothing). Exact: a run dropped here is one `dispatch` skips.
    /// The digit rules each kept run can trigger are kept beside it (`DispatchScratch.runRules`), so that `dispatch`
    /// does not work them out again.
    private mutating func dropIdleNumericRuns(_ block: UnsafeBufferPointer<UInt8>) {
        let t = tables
        if !isKnownUniquelyReferenced(&dispatchScratch) { dispatchScratch = dispatchScratch.copy() }
        let ds = dispatchScratch
        ds.runRuleCount = -1
        guard let digitMasks = t.digitMasks, batchKernel.out.numeric.count > 0, let p = block.baseAddress else { return }
        let items = batchKernel.out.numeric.items!
        let count = Int(batchKernel.out.numeric.count)
        ds.reserveRunRules(count)
        let runRules = ds.runRules
        let minDots = minDotThreshold
        var kept = 0
        for i in 0..<count {
            let region = items[i]
            let rules = Self.digitRules(region, digitMasks, t, ds, p, shift: 0, startMask: digitStartMask)
            if Int(region.dots) >= minDots || rules != 0 {
                items[kept] = region
                runRules[kept] = rules
                kept += 1
            }
        }
        ds.runRuleCount = kept
        batchKernel.out.numeric.count = Int32(kept)
    }

    /// Drops the batch block's keyword hits at which nothing can run: every rule of the keyword is anchored there
    /// and no match can start at the hit within the line (`CompiledPattern.couldMatch`: too short a rest, or no
    /// byte the pattern requires, the test `RuleRunner.runAnchored` makes first). A line whose only items they were
    /// passes through with the clean lines ("Nov 26 15:20:46 host ..." of a syslog, tried by the written-date rule).
    /// Exact: `dispatch` would have run nothing for these hits.
    private mutating func dropIdleHits(_ block: UnsafeBufferPointer<UInt8>) {
        let count = Int(batchKernel.out.hit_count)
        guard count > 0, let p = block.baseAddress else { return }
        let t = tables, rules = ruleSet.rules, n = block.count
        let hits = batchKernel.out.hits!
        let newlines = batchKernel.newlineBits
        var digits = DigitCursor(p, count: n)
        var kept = 0
        for i in 0..<count {
            let hit = hits[i]
            let start = Int(hit.start)
            var live = false
            for j in t.keywordRange(Int(hit.keyword)) {
                let r = Int(t.keywordRules[j])
                guard t.anchored[r], let pattern = rules[r].anchoredPattern else { live = true; break }
                // The subject `runAnchored` would see: to the line's end, at most the longest match and two bytes.
                let reach = min(n, start + rules[r].rule.maxLength + 2)
                // The line's end from the feature pass's newline bitmap (a bit scan, not a byte search per hit).
                let lineEnd = phs_bit_next(newlines, start, reach)
                let needsDigit = t.digitReach[r] > 0
                if (!needsDigit || digits.any(from: start, before: lineEnd)),
                   pattern.couldMatch(p, length: lineEnd, from: start) { live = true; break }
            }
            if live {
                hits[kept] = hit
                kept += 1
            }
        }
        batchKernel.out.hit_count = Int32(kept)
    }

    /// Runs a rule whose matches hold its trigger byte at most `before` bytes after their start (`bytes` with
    /// `before`): in one window per occurrence of the byte, the match starting at most `before` bytes ahead of it
    /// and not inside the window or match before, over at most its longest match past the byte. On a 2 KB prompt
    /// with one `@` the e-mail rule tries about 65 start positions instead of 2,048.
    private mutating func runBeforeBytes(_ r: Int, _ byte: UInt8, _ before: Int, _ p: UnsafePointer<UInt8>,
                                         _ n: Int) -> ScanIncident? {
        counters.runsByRule[r] &+= 1
        var from = 0, pos = 0
        while pos < n, let hit = memchr(p + pos, Int32(byte), n - pos) {
            let at = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            let window = runWindow(r, p, n, from: max(from, at - before), last: at, slack: 2)
            if let bad = window.incident { return bad }
            from = window.next
            pos = at + 1
        }
        return nil
    }

    /// One window of a windowed rule (`runBeforeBytes`, `runBeforeKeywords`): the acceptable matches starting in
    /// `from...last`, PCRE2's search stopped at `last` (the offset limit), the subject cut `slack` bytes past the
    /// longest match from `last`. Returns where the next window may start (past `last` and past the last accepted
    /// match), or the incident that stops the line.
    private mutating func runWindow(_ r: Int, _ p: UnsafePointer<UInt8>, _ n: Int, from: Int, last: Int,
                                    slack: Int) -> (next: Int, incident: ScanIncident?) {
        var end = from
        let bad = tables.compiledRules[r]._withUnsafeGuaranteedRef { rule in
            runner.run(rule, p, n, from: from, length: min(n, last + rule.rule.maxLength + slack),
                       regionEnd: last + 1, claims: false, window: true,
                       accept: { span in
                           let ok = accept(rule, r, p, n, span)
                           if ok { end = max(end, span.upperBound) }
                           return ok
                       })
        }
        if bad == nil { counters.regionRuns &+= 1 }
        return (max(last + 1, end), bad)
    }

    /// Runs a rule whose matches start one of its keywords at most `before` bytes after their start (`keywords` with
    /// `before`): over the windows that end at the rule's keyword hits from `first` on, a match starting at most
    /// `before` bytes ahead of a keyword and not inside the match before, the subject cut at the longest match past
    /// the keyword and 16 bytes for look-aheads. Hits less than `before` apart make one window (one PCRE2 search
    /// whose offset limit is the last hit: a line dense with street suffixes costs a search per stretch, not per
    /// suffix). Every start position of the line is tried at most once, as in a whole-line run; on a long line
    /// with a few street suffixes the street rules try a few hundred positions instead of every house number.
    private mutating func runBeforeKeywords(_ r: Int, _ before: Int, _ hits: UnsafeBufferPointer<phs_hit>, first: Int,
                                            _ p: UnsafePointer<UInt8>, _ n: Int, shift: Int) -> ScanIncident? {
        let t = tables
        counters.runsByRule[r] &+= 1
        // A rule whose every match consumes a digit is not run where no match from the window could reach one (a
        // street needs its house number), as the whole-line run is skipped on a line without a digit.
        let needsDigit = t.digitReach[r] > 0
        var digits = DigitCursor(p, count: n)
        var from = 0, windowStart = -1, windowEnd = -1
        var j = first
        let slot = UInt64(t.windowSlot[r])
        while true {
            // The next hit of this rule, or none (-1).
            var at = -1
            while j < hits.count {
                let hit = hits[j]
                j += 1
                if (t.keywordWindows[Int(hit.keyword)] >> slot) & 1 != 0 {
                    at = Int(hit.start) - shift
                    break
                }
            }
            if at >= 0 && windowEnd >= 0 && at - before <= windowEnd + 1 {
                windowEnd = at
                continue
            }
            if windowEnd >= 0, !needsDigit
                || digits.any(from: max(from, windowStart - before), before: min(n, windowEnd + 1 + Int(t.digitReach[r]))) {
                let window = runWindow(r, p, n, from: max(from, windowStart - before), last: windowEnd, slack: 16)
                if let bad = window.incident { return bad }
                from = window.next
            }
            if at < 0 { return nil }
            windowStart = at
            windowEnd = at
        }
    }

    @inline(__always)
    private mutating func runRegion(_ r: Int, _ p: UnsafePointer<UInt8>, _ n: Int, _ region: Region, _ shift: Int) -> ScanIncident? {
        counters.regionRuns &+= 1
        counters.runsByRule[r] &+= 1
        // Two bytes past the region let lookaheads and \b see real text; a trigger's `after` lets the match go on.
        let start = Int(region.start) - shift, end = Int(region.end) - shift
        return tables.compiledRules[r]._withUnsafeGuaranteedRef { rule in
            runner.run(rule, p, n, from: start, length: min(n, end + 2 + rule.claim.after), regionEnd: end, claims: true,
                       accept: { span in accept(rule, r, p, n, span) })
        }
    }

    /// Validates and scores one match; appends it to the candidates when it passes. `keyword` is the keyword the
    /// match was anchored at (-1: none), for explanations.
    private mutating func accept(_ rule: CompiledRule, _ r: Int, _ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>,
                                 keyword: Int = -1) -> Bool {
        switch scorer.score(rule, p, n, span) {
        case .rejected:
            return false
        case .belowThreshold:
            return true
        case let .accepted(confidence, supported):
            candidates.append(Candidate(start: span.lowerBound, end: span.upperBound, rule: r, confidence: confidence))
            if log != nil { record(rule, r, p, n, span, confidence: confidence, supported: supported, keyword: keyword) }
            return true
        }
    }

    /// Records why `accept` took a match, from what it decided: the validator passed (or there was none), the
    /// value is not on the allow list, the context words that raised the confidence (or, with none, the negative
    /// ones that lowered it) from the same C window walk, and for a field rule the key its keyword spells.
    private mutating func record(_ rule: CompiledRule, _ r: Int, _ p: UnsafePointer<UInt8>, _ n: Int,
                                 _ span: Range<Int>, confidence: Double, supported: Bool, keyword: Int) {
        let found = supported ? ContextWords.all(rule.context, in: p, n, around: span, window: rule.contextWindow)
            : (words: [], distance: nil)
        let negative = supported ? (words: [], distance: nil)
            : ContextWords.all(rule.negativeContext, in: p, n, around: span.lowerBound..<span.lowerBound,
                               window: rule.contextWindow, after: false)
        var why = FindingExplanation(
            rule: rule.rule.id, entity: rule.rule.entity, validator: rule.validator?.rawValue,
            validatorResult: rule.validator == nil ? "none" : "passed", baseConfidence: rule.confidence,
            contextWords: found.words.map { rule.rule.contextWords[$0] },
            contextBoost: found.words.isEmpty ? 0 : min(1, rule.confidence + rule.contextBoost) - rule.confidence,
            negativeContextWords: negative.words.map { rule.rule.negativeContext[$0] },
            contextPenalty: negative.words.isEmpty ? 0 : rule.contextPenalty,
            confidence: confidence, denyList: rule.rule.isDenyList)
        why.contextDistance = found.distance ?? negative.distance
        why.allowListChecked = !rule.allow.isEmpty
        if keyword >= 0, rule.rule.isField { why.fieldKey = ruleSet.fieldKeys[keyword * ruleSet.rules.count + r] }
        reasons.append(Reason(start: span.lowerBound, end: span.upperBound, rule: r, why: why))
    }

    /// Keeps disjoint candidates (`OverlapResolver`) and appends them to `out` as findings, offsets moved by `base`.
    private mutating func resolveOverlaps(_ text: UnsafePointer<UInt8>, base: Int, into out: inout [Finding]) {
        if candidates.isEmpty { return }
        // One candidate (most lines that have any) needs no resolution, nor the priorities array's retain.
        if candidates.count > 1 { resolver.resolve(&candidates, priorities: ruleSet.priorities, text: text) }
        for c in candidates {
            let rule = ruleSet.rules[c.rule].rule
            out.append(Finding(start: c.start + base, end: c.end + base, entity: rule.entity, ruleID: rule.id,
                               confidence: c.confidence))
        }
        if let log {
            // The first reason recorded for a kept span and rule (matches anchored at two keywords of one key
            // give the same span: the first is the longer key).
            for c in candidates {
                // A part of a candidate left by a longer one (OverlapResolver) takes the candidate's reason.
                let reason = reasons.first(where: { $0.start == c.start && $0.end == c.end && $0.rule == c.rule })
                    ?? reasons.first(where: { $0.start <= c.start && c.end <= $0.end && $0.rule == c.rule })
                if var why = reason?.why {
                    why.confidence = c.confidence
                    log.byStart[c.start + base] = why
                }
            }
        }
    }
}

/// ANSI/VT100 escape sequences, which colourised logs put around values.
enum TerminalEscapes {
    /// Replaces each escape sequence in `bytes` with spaces of the same length: CSI (`ESC [` parameters,
    /// intermediates, final byte), OSC (`ESC ]` ... BEL or `ESC \`) and two-byte `ESC` sequences.
    static func mask(_ bytes: inout [UInt8]) {
        let n = bytes.count
        var i = 0
        while i < n {
            guard bytes[i] == 0x1B else {
                i += 1
                continue
            }
            var j = i + 1
            if j < n && bytes[j] == UInt8(ascii: "[") {
                j += 1
                while j < n && (0x20...0x3F).contains(bytes[j]) { j += 1 }
                if j < n && (0x40...0x7E).contains(bytes[j]) { j += 1 }
            } else if j < n && bytes[j] == UInt8(ascii: "]") {
                j += 1
                while j < n && bytes[j] != 0x07 && !(bytes[j] == 0x1B && j + 1 < n && bytes[j + 1] == UInt8(ascii: "\\")) {
                    j += 1
                }
                if j < n { j += bytes[j] == 0x07 ? 1 : 2 }
            } else if j < n && (0x40...0x5F).contains(bytes[j]) {
                j += 1
            }
            for k in i..<min(j, n) { bytes[k] = 0x20 }
            i = j
        }
    }
}

/// The feature items of one line: slices of the feature pass's output, positions offset by `shift`.
struct FeatureView {
    var hits: UnsafeBufferPointer<phs_hit>
    var numeric: UnsafeBufferPointer<phs_region>
    var alnum: UnsafeBufferPointer<phs_region>
    var dashed: UnsafeBufferPointer<phs_region>
    var hexcolon: UnsafeBufferPointer<phs_region>
    /// Person-name spans a batch pass found for this line; nil when the detector has not run on it.
    var names: UnsafeBufferPointer<phs_name_span>?
    /// Beside each numeric run, the digit rules it can trigger (`LineEngine.digitRules`, worked out when the batch
    /// dropped its idle runs); nil: work them out.
    var numericRules: UnsafePointer<UInt64>?
    /// Subtract from item positions to get line offsets.
    var shift: Int

    init(hits: UnsafeBufferPointer<phs_hit>, numeric: UnsafeBufferPointer<phs_region>,
         alnum: UnsafeBufferPointer<phs_region>, dashed: UnsafeBufferPointer<phs_region>,
         hexcolon: UnsafeBufferPointer<phs_region>, names: UnsafeBufferPointer<phs_name_span>? = nil,
         numericRules: UnsafePointer<UInt64>? = nil, shift: Int) {
        self.names = names
        self.numericRules = numericRules
        self.hits = hits
        self.numeric = numeric
        self.alnum = alnum
        self.dashed = dashed
        self.hexcolon = hexcolon
        self.shift = shift
    }

    /// All of a feature pass's output.
    init(_ f: phs_features, shift: Int) {
        self.init(hits: UnsafeBufferPointer(start: f.hits, count: Int(f.hit_count)),
                  numeric: UnsafeBufferPointer(start: f.numeric.items, count: Int(f.numeric.count)),
                  alnum: UnsafeBufferPointer(start: f.alnum.items, count: Int(f.alnum.count)),
                  dashed: UnsafeBufferPointer(start: f.dashed.items, count: Int(f.dashed.count)),
                  hexcolon: UnsafeBufferPointer(start: f.hexcolon.items, count: Int(f.hexcolon.count)),
                  shift: shift)
    }
}

/// Where a batch walk has got to in each list of feature items.
struct BatchCursor {
    var hits = 0, numeric = 0, alnum = 0, dashed = 0, hexcolon = 0, names = 0
}

/// How much matching work the scanner did: lines seen, PCRE2 runs over whole lines and over regions.
public struct ScanCounters: Sendable {
    public var lines = 0
    public var wholeLineRuns = 0
    public var regionRuns = 0
    public var anchoredRuns = 0
    /// PCRE2 runs per rule index.
    public var runsByRule: [Int] = []
}

/// Why a candidate was taken (`--explain`), by its span and rule index.
struct Reason {
    var start: Int
    var end: Int
    var rule: Int
    var why: FindingExplanation
}

/// A finding before overlap resolution, by rule index.
struct Candidate {
    var start: Int
    var end: Int
    var rule: Int
    var confidence: Double
}

/// Per-engine memory of rule dispatch (`LineEngine.dispatchScratch`): raw memory, so marking a rule as run on the
/// current line or looking a shape up is one store or load, with no array uniqueness or exclusivity checks.
final class DispatchScratch {
    /// Generation stamp per rule (see `LineEngine.generation`).
    let stamps: UnsafeMutablePointer<UInt32>
    let count: Int
    /// Which digit rules a numeric run's group shape lets through, by digit-mask index and shape: log lines repeat
    /// the same timestamp and id shapes, and testing every rule's group sequences again on each was a quarter of
    /// rule dispatch. Direct-mapped; an index of -1 marks an empty entry.
    static let shapeEntries = 256
    let shapeKeys: UnsafeMutablePointer<UInt64>
    let shapeIndex: UnsafeMutablePointer<Int32>
    let shapeMasks: UnsafeMutablePointer<UInt64>
    /// The digit rules of each numeric run of the current batch block (`dropIdleNumericRuns`), for the first
    /// `runRuleCount` runs; -1: not worked out.
    private(set) var runRules: UnsafeMutablePointer<UInt64>
    private var runRuleCapacity = 0
    var runRuleCount = -1

    init(count: Int) {
        self.count = max(1, count)
        stamps = .allocate(capacity: self.count)
        stamps.initialize(repeating: 0, count: self.count)
        shapeKeys = .allocate(capacity: Self.shapeEntries)
        shapeKeys.initialize(repeating: 0, count: Self.shapeEntries)
        shapeIndex = .allocate(capacity: Self.shapeEntries)
        shapeIndex.initialize(repeating: -1, count: Self.shapeEntries)
        shapeMasks = .allocate(capacity: Self.shapeEntries)
        shapeMasks.initialize(repeating: 0, count: Self.shapeEntries)
        runRules = .allocate(capacity: 1)
    }

    /// Makes room for the rules of `count` runs (the contents are not kept).
    func reserveRunRules(_ count: Int) {
        if count <= runRuleCapacity { return }
        runRules.deallocate()
        runRuleCapacity = max(count, runRuleCapacity * 2)
        runRules = .allocate(capacity: runRuleCapacity)
    }

    /// A copy for another engine: the stamps carried over, the shape cache started empty (it only saves work).
    func copy() -> DispatchScratch {
        let c = DispatchScratch(count: count)
        c.stamps.update(from: stamps, count: count)
        if runRuleCount >= 0 {
            c.reserveRunRules(runRuleCount)
            c.runRules.update(from: runRules, count: runRuleCount)
            c.runRuleCount = runRuleCount
        }
        return c
    }

    deinit {
        stamps.deallocate()
        shapeKeys.deallocate()
        shapeIndex.deallocate()
        shapeMasks.deallocate()
        runRules.deallocate()
    }

    /// The rules of `mask` (digit-mask `index`) whose group sequences `shape` holds, computed by `filter` on a miss.
    @inline(__always)
    func shapeFiltered(_ index: Int, _ mask: UInt64, _ shape: UInt64, _ filter: (UInt64) -> UInt64) -> UInt64 {
        let slot = Int(truncatingIfNeeded: ((shape &+ UInt64(index)) &* 0x9E37_79B9_7F4A_7C15) >> 56)
        if shapeIndex[slot] == Int32(index) && shapeKeys[slot] == shape { return shapeMasks[slot] }
        let m = filter(mask)
        shapeIndex[slot] = Int32(index)
        shapeKeys[slot] = shape
        shapeMasks[slot] = m
        return m
    }
}
