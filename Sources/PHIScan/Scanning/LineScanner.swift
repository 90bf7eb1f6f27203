import CICUShim
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
    /// Findings below this confidence are not reported.
    public var minConfidence: Double
    let scratch: MatchScratch
    var features = LineFeatures()
    var lineFired: [Bool]
    var candidates: [Finding] = []
    let normalizer = LineNormalizer()

    public init(ruleSet: RuleSet, minConfidence: Double = 0) {
        self.ruleSet = ruleSet
        self.minConfidence = minConfidence
        self.scratch = MatchScratch(maxCaptures: ruleSet.maxCaptures)
        self.lineFired = [Bool](repeating: false, count: ruleSet.rules.count)
    }

    /// Scans one line (without its newline) and appends its findings, offsets moved by `base`, to `out`.
    /// Returns an incident when a rule could not finish; the caller must then withhold the line.
    @discardableResult
    public func scan(_ line: UnsafeBufferPointer<UInt8>, base: Int, into out: inout [Finding]) -> ScanIncident? {
        guard line.count > 0, let p = line.baseAddress else { return nil }
        if phiscrub_is_ascii(p, line.count) != 0 {
            return scanASCII(line, base: base, into: &out)
        }
        let normalized: NormalizedLine
        do {
            guard let n = try normalizer.normalize(line) else { return scanASCII(line, base: base, into: &out) }
            normalized = n
        } catch {
            // Fail closed: a line that cannot be normalised is not scanned on its raw bytes and let out.
            return ScanIncident(ruleID: "normalization")
        }
        var local: [Finding] = []
        let incident = scanASCII(normalized.bytes, base: 0, into: &local)
        for f in local {
            let r = normalized.originalRange(of: f.start..<f.end)
            out.append(Finding(start: r.lowerBound + base, end: r.upperBound + base, entity: f.entity,
                               ruleID: f.ruleID, confidence: f.confidence))
        }
        return incident
    }

    /// Convenience for tests and the library: scans a whole buffer that holds one line.
    public func scan(_ line: [UInt8]) -> [Finding] {
        var out: [Finding] = []
        line.withUnsafeBufferPointer { _ = scan($0, base: 0, into: &out) }
        return out
    }

    private func scanASCII(_ line: UnsafeBufferPointer<UInt8>, base: Int, into out: inout [Finding]) -> ScanIncident? {
        let rs = ruleSet
        let p = line.baseAddress!
        let n = line.count
        candidates.removeAll(keepingCapacity: true)
        var incident: ScanIncident?

        // Whole-line triggers: keywords and bytes.
        for i in lineFired.indices { lineFired[i] = false }
        rs.keywords.forEachMatch(in: line) { k, start in
            if let exact = rs.keywordExact[k], !exact.elementsEqual(UnsafeBufferPointer(start: p + start, count: exact.count)) {
                return
            }
            for r in rs.keywordRules[k] { lineFired[r] = true }
        }
        for (byte, rules) in rs.byteTriggers where memchr(p, Int32(byte), n) != nil {
            for r in rules { lineFired[r] = true }
        }
        for r in rs.alwaysRules { lineFired[r] = true }
        if !rs.shapeRules.isEmpty { features.compute(line, needs: rs.needs) }

        for r in 0..<rs.rules.count {
            let rule = rs.rules[r]
            if lineFired[r] {
                if let bad = run(rule, p, n, from: 0, length: n, regionEnd: n, claims: false) { incident = bad }
                continue
            }
            let t = rule.rule.trigger
            if let d = t.digits {
                for region in features.numeric where region.count >= d {
                    if let bad = runRegion(rule, p, n, region) { incident = bad }
                }
            }
            if let d = t.dots {
                for region in features.numeric where region.dots >= d && !(t.digits.map { region.count >= $0 } ?? false) {
                    if let bad = runRegion(rule, p, n, region) { incident = bad }
                }
            }
            if !t.alnumRun.isEmpty {
                for region in features.alnum where t.alnumRun.contains(region.count) {
                    if let bad = runRegion(rule, p, n, region) { incident = bad }
                }
            }
            if let d = t.dashedAlnum {
                for region in features.dashed where region.count >= d {
                    if let bad = runRegion(rule, p, n, region) { incident = bad }
                }
            }
            if t.hexColon {
                for region in features.hexColon {
                    if let bad = runRegion(rule, p, n, region) { incident = bad }
                }
            }
        }
        resolveOverlaps(base: base, into: &out)
        return incident
    }

    @inline(__always)
    private func runRegion(_ rule: CompiledRule, _ p: UnsafePointer<UInt8>, _ n: Int, _ region: Region) -> ScanIncident? {
        // Two bytes past the region let lookaheads and \b see real text.
        run(rule, p, n, from: region.start, length: min(n, region.end + 2), regionEnd: region.end, claims: true)
    }

    /// Finds every acceptable match of `rule` starting in `from..<regionEnd` of `p[0..<length]`.
    private func run(_ rule: CompiledRule, _ p: UnsafePointer<UInt8>, _ n: Int, from: Int, length: Int,
                     regionEnd: Int, claims: Bool) -> ScanIncident? {
        var start = from
        while start < regionEnd {
            switch scratch.match(rule.pattern, subject: p, length: length, startOffset: start, group: rule.rule.group) {
            case .noMatch:
                return nil
            case .limitExceeded:
                return ScanIncident(ruleID: rule.rule.id)
            case let .match(span, whole):
                if whole.lowerBound >= regionEnd { return nil }
                let accepted = !span.isEmpty && (!claims || claimHolds(rule.rule.trigger, p, n, whole))
                    && accept(rule, p, n, span)
                // After a rejected match, try again one byte later: a valid match may overlap the rejected one.
                start = accepted && whole.upperBound > whole.lowerBound ? whole.upperBound : whole.lowerBound + 1
            }
        }
        return nil
    }

    private func claimHolds(_ t: Trigger, _ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>) -> Bool {
        if (t.digits != nil || t.dots != nil),
           TriggerClaim.numeric(p, n, span, minDigits: t.digits, minDots: t.dots) { return true }
        if !t.alnumRun.isEmpty, TriggerClaim.alnumRun(p, n, span, lengths: t.alnumRun) { return true }
        if let d = t.dashedAlnum, TriggerClaim.dashed(p, span, min: d) { return true }
        if t.hexColon, TriggerClaim.hexColon(p, span) { return true }
        return false
    }

    /// Validates and scores one match; appends it to the candidates when it passes.
    private func accept(_ rule: CompiledRule, _ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>) -> Bool {
        if let v = rule.rule.validator,
           !v.validate(UnsafeBufferPointer(start: p + span.lowerBound, count: span.count)) {
            return false
        }
        var confidence = rule.rule.confidence
        if !rule.context.isEmpty,
           ContextWords.present(rule.context, in: p, n, around: span, window: rule.rule.contextWindow) {
            confidence = min(1.0, confidence + rule.rule.contextBoost)
        }
        if confidence < minConfidence { return true }
        candidates.append(Finding(start: span.lowerBound, end: span.upperBound, entity: rule.rule.entity,
                                  ruleID: rule.rule.id, confidence: confidence))
        return true
    }

    /// Keeps the longest span among overlapping candidates, then the higher confidence, then rule priority.
    private func resolveOverlaps(base: Int, into out: inout [Finding]) {
        if candidates.isEmpty { return }
        if candidates.count == 1 {
            out.append(candidates[0].shifted(by: base))
            return
        }
        let priority = Dictionary(ruleSet.rules.map { ($0.rule.id, $0.rule.priority) }, uniquingKeysWith: { a, _ in a })
        candidates.sort { a, b in
            if a.length != b.length { return a.length > b.length }
            if a.confidence != b.confidence { return a.confidence > b.confidence }
            let pa = priority[a.ruleID] ?? 0, pb = priority[b.ruleID] ?? 0
            if pa != pb { return pa > pb }
            if a.start != b.start { return a.start < b.start }
            return a.ruleID < b.ruleID
        }
        var kept: [Finding] = []
        for c in candidates where !kept.contains(where: { $0.start < c.end && c.start < $0.end }) {
            kept.append(c)
        }
        kept.sort { $0.start < $1.start }
        for k in kept { out.append(k.shifted(by: base)) }
    }
}

/// Whole-word, case-insensitive search for context words near a span.
enum ContextWords {
    static func present(_ words: [[UInt8]], in p: UnsafePointer<UInt8>, _ n: Int, around span: Range<Int>,
                        window: Int) -> Bool {
        let lo = max(0, span.lowerBound - window)
        let hi = min(n, span.upperBound + window)
        for w in words where !w.isEmpty {
            var i = lo
            while i + w.count <= hi {
                if i + w.count <= span.lowerBound || i >= span.upperBound, matches(w, p + i),
                   KeywordAutomaton.isWholeWord(p, n, i, i + w.count, w) {
                    return true
                }
                i += 1
            }
        }
        return false
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
