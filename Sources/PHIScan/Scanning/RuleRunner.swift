/// The matching step of the matcher seam (ARCHITECTURE.md, "Scanning"): runs one rule's compiled pattern over the
/// part of a line the prefilter named (the whole line, a region the feature pass found, or anchored where a keyword
/// starts) and checks that a match found in a region is one the region's trigger claims (`TriggerClaim`). Each
/// match it finds is handed to `accept` (the scorer's verdict, applied by the caller), whose answer says where the
/// next match may start. It holds the PCRE2 match data, so it belongs to one engine (one thread).
struct RuleRunner {
    let scratch: MatchScratch

    /// Finds every acceptable match of `rule` starting in `from..<regionEnd` of `p[0..<length]`. With `claims`, a
    /// match must also be one the trigger that sent the rule here claims. With `window` (a rule compiled for it:
    /// `before` triggers), PCRE2's search itself stops at `regionEnd` instead of finding the next match past it.
    /// Returns an incident when PCRE2's match limit stopped the rule (the line must then be withheld).
    @inline(__always)
    func run(_ rule: CompiledRule, _ p: UnsafePointer<UInt8>, _ n: Int, from: Int, length: Int, regionEnd: Int,
             claims: Bool, window: Bool = false, accept: (Range<Int>) -> Bool) -> ScanIncident? {
        if from >= regionEnd || !rule.pattern.couldMatch(p, length: length, from: from) { return nil }
        var start = from
        let lastStart: Int? = window ? regionEnd - 1 : nil
        while start < regionEnd {
            switch scratch.match(rule.pattern, subject: p, length: length, startOffset: start, group: rule.group,
                                 lastStart: lastStart) {
            case .noMatch:
                return nil
            case .limitExceeded:
                return ScanIncident(ruleID: rule.rule.id)
            case let .match(span, whole):
                if whole.lowerBound >= regionEnd { return nil }
                if rule.hl7 != nil {
                    // Each field's value is a finding; the search goes on after the segment's name.
                    Self.hl7Values(rule, p, n, whole) { _ = accept($0) }
                    start = whole.upperBound
                    continue
                }
                let accepted = !span.isEmpty && (!claims || Self.claimHolds(rule, p, n, whole)) && accept(span)
                // After a rejected match, try again one byte later: a valid match may overlap the rejected one.
                start = accepted && whole.upperBound > whole.lowerBound ? whole.upperBound : whole.lowerBound + 1
            }
        }
        return nil
    }

    /// Tries `rule` once, anchored at `start` (where one of its keywords starts), over at most its longest match
    /// plus two bytes for lookahead.
    @inline(__always)
    func runAnchored(_ rule: CompiledRule, _ pattern: CompiledPattern, _ p: UnsafePointer<UInt8>, _ n: Int,
                     at start: Int, accept: (Range<Int>) -> Void) -> ScanIncident? {
        let length = min(n, start + rule.rule.maxLength + 2)
        if !pattern.couldMatch(p, length: length, from: start) { return nil }
        switch scratch.match(pattern, subject: p, length: length, startOffset: start, group: rule.group) {
        case .noMatch:
            return nil
        case .limitExceeded:
            return ScanIncident(ruleID: rule.rule.id)
        case let .match(span, whole):
            if rule.hl7 != nil { Self.hl7Values(rule, p, n, whole, accept) } else if !span.isEmpty { accept(span) }
            return nil
        }
    }

    /// For an `hl7:` rule, whose match is a segment's name (`PID|`): the value of each of its fields, read up to the
    /// rule's `max_length` past the name's start (`HL7Field`).
    static func hl7Values(_ rule: CompiledRule, _ p: UnsafePointer<UInt8>, _ n: Int, _ whole: Range<Int>,
                          _ each: (Range<Int>) -> Void) {
        guard let hl7 = rule.hl7 else { return }
        HL7Field.spans(p, limit: min(n, whole.lowerBound + rule.rule.maxLength), start: whole.upperBound,
                       fields: hl7.fields, shape: hl7.shape, each)
    }

    /// Whether a match found in a region is one its trigger claims: a numeric run with the digits, dots and
    /// separators (and group shape) the trigger asks for, an alphanumeric or dashed run of the right make-up, or
    /// an IPv6-like run. A match that merely overlaps the region is left to the rule's other triggers.
    static func claimHolds(_ rule: CompiledRule, _ p: UnsafePointer<UInt8>, _ n: Int, _ whole: Range<Int>) -> Bool {
        let c = rule.claim
        // A match that may run past its numeric run (`after`) claims the run: the match up to its first byte after
        // a digit that is neither a digit nor a separator (the "x" of an extension).
        var span = whole
        if c.numeric && c.after > 0 {
            var k = whole.lowerBound, digit = false
            while k < whole.upperBound {
                let b = p[k]
                if ByteClass.isDigit(b) { digit = true } else if digit && !ByteClass.isSeparator(b) { break }
                k += 1
            }
            while k > whole.lowerBound && ByteClass.isSeparator(p[k - 1]) { k -= 1 }
            span = whole.lowerBound..<k
        }
        if c.numeric,
           TriggerClaim.numeric(p, n, span, minDigits: c.minDigits, minDots: c.minDots, separators: c.separators),
           !c.hasGroups || (c.groupCodes.map { TriggerClaim.groups(p, n, span, codes: $0) }
                            ?? TriggerClaim.groups(p, n, span, rule.trigger.groups)) { return true }
        if c.alnumLengths != 0 {
            // With `after`, the claim is the match's first token (an IBAN's `DE89` before its groups).
            var token = span
            if c.after > 0 {
                var k = whole.lowerBound
                while k < whole.upperBound && ByteClass.isAlnum(p[k]) { k += 1 }
                token = whole.lowerBound..<k
            }
            if token.count < 64, c.alnumLengths & (1 << UInt64(token.count)) != 0,
               TriggerClaim.alnumRun(p, n, token, letters: c.letters, digits: c.digits),
               TriggerClaim.upper(p, token) >= c.upper { return true }
        }
        if c.dashedMin > 0, TriggerClaim.dashed(p, span, min: c.dashedMin, letters: c.letters, digits: c.digits),
           TriggerClaim.upper(p, span) >= c.upper,
           c.dashedMax == Int.max || TriggerClaim.dashedRunCount(p, n, span) <= c.dashedMax {
            return true
        }
        if c.hexColon, TriggerClaim.hexColon(p, span) { return true }
        return false
    }
}
