/// The scoring step of the matcher seam (ARCHITECTURE.md, "Scanning"): what a rule's match is worth once PCRE2 has
/// found it and its claim holds. It checks the validator (checksums, dates, ranges), the allow list, and the
/// context words around the match, and compares the result with the threshold. It reads the line and the rule
/// only: the caller (`LineEngine`) decides what to do with the verdict, so the same scorer serves the batch path,
/// the per-line path and explanations.
struct FindingScorer {
    /// Matches scored below this are not reported (`LineScanner.minConfidence`).
    var minConfidence: Double

    /// What scoring decided about one match.
    enum Verdict {
        /// Not PHI by this rule: the validator or the allow list refused it, or negative context took its
        /// confidence to zero. The rule's run goes on one byte after the match's start.
        case rejected
        /// A valid match whose confidence is below the threshold: not reported, but the rule's run goes on after
        /// it (it is not re-matched inside itself).
        case belowThreshold
        /// Reported, with this confidence; `supported` when a context word raised it.
        case accepted(confidence: Double, supported: Bool)
    }

    @inline(__always)
    func score(_ rule: CompiledRule, _ p: UnsafePointer<UInt8>, _ n: Int, _ span: Range<Int>) -> Verdict {
        if let v = rule.validator,
           !v.validate(UnsafeBufferPointer(start: p + span.lowerBound, count: span.count)) {
            return .rejected
        }
        if !rule.allow.isEmpty, rule.allow.contains(ASCIILower.bytes(p, span)) { return .rejected }
        var confidence = rule.confidence
        var supported = false
        if !rule.context.isEmpty,
           ContextWords.present(rule.context, in: p, n, around: span, window: rule.contextWindow) {
            confidence = min(1.0, confidence + rule.contextBoost)
            supported = true
        }
        // Negative context counts only when no positive context word speaks for the match.
        if !supported, !rule.negativeContext.isEmpty,
           ContextWords.present(rule.negativeContext, in: p, n, around: span.lowerBound..<span.lowerBound,
                                window: rule.contextWindow, after: false) {
            confidence -= rule.contextPenalty
            if confidence <= 0 { return .rejected }
        }
        if confidence < minConfidence { return .belowThreshold }
        return .accepted(confidence: confidence, supported: supported)
    }
}

/// ASCII lower-casing of a span, for allow-list lookups.
enum ASCIILower {
    static func bytes(_ p: UnsafePointer<UInt8>, _ span: Range<Int>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: span.count)
        for k in 0..<span.count {
            let b = p[span.lowerBound + k]
            out[k] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
        }
        return out
    }
}
