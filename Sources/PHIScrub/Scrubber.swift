import PHICompliance
import PHIScan
import PHITransform

/// The entry point for agent hosts and tools: scan or redact text with a shared, compiled rule set.
///
/// A `Scrubber` is immutable and `Sendable`: build it once and call it from any task. Each call uses its own
/// per-call scanner state, so concurrent calls never share match data.
public final class Scrubber: Sendable {
    public let ruleSet: RuleSet
    /// Findings below this confidence are ignored.
    public let minConfidence: Double

    public init(ruleSet: RuleSet, minConfidence: Double = 0) {
        self.ruleSet = ruleSet
        self.minConfidence = minConfidence
    }

    /// A scrubber over the default rule packs.
    public static func withDefaultRules() throws(RuleLoadError) -> Scrubber {
        Scrubber(ruleSet: try RuleSet.loadDefault())
    }

    /// A fresh per-call stream scanner.
    public func makeStreamScanner(lineCap: Int = StreamScanner.defaultLineCap) -> StreamScanner {
        StreamScanner(scanner: LineScanner(ruleSet: ruleSet, minConfidence: minConfidence), lineCap: lineCap)
    }

    /// Findings in `bytes`, with byte offsets into it. Never contains the matched values.
    public func scan(_ bytes: [UInt8]) -> [Finding] {
        scanReport(bytes).findings
    }

    /// Findings and incidents (spans that could not be fully scanned) in `bytes`.
    public func scanReport(_ bytes: [UInt8]) -> (findings: [Finding], incidents: [ScanIncident]) {
        let stream = makeStreamScanner()
        var sink = FindingCollector()
        // FindingCollector never throws.
        try? stream.feed(bytes, into: &sink)
        try? stream.finish(into: &sink)
        return (sink.findings, sink.incidents)
    }

    /// Findings in a string, with UTF-8 byte offsets.
    public func scan(_ text: String) -> [Finding] { scan(Array(text.utf8)) }

    /// `bytes` with every finding replaced by its typed token (`[SSN]`); all other bytes unchanged. Lines that could
    /// not be fully scanned are replaced by `[WITHHELD]`.
    public func redact(_ bytes: [UInt8]) -> [UInt8] {
        redactReport(bytes).output
    }

    /// Redacted bytes with counts of what was found.
    public func redactReport(_ bytes: [UInt8]) -> (output: [UInt8], stats: RedactionStats) {
        let stream = makeStreamScanner()
        var sink = RedactingSink(output: MemoryOutput(capacity: bytes.count + 64), observer: NoFindingObserver())
        // MemoryOutput and NoFindingObserver never throw.
        try? stream.feed(bytes, into: &sink)
        try? stream.finish(into: &sink)
        return (sink.output.bytes, sink.stats)
    }

    /// A redacted copy of `text`. Invalid UTF-8 cannot occur in a `String`, so the result is valid too.
    public func redact(_ text: String) -> String {
        String(decoding: redact(Array(text.utf8)), as: UTF8.self)
    }

    /// `bytes` with each finding replaced by the operator `transformer`'s policy picks for its entity (a
    /// `TransformAction`). Throws, and returns nothing, if an operator fails (fail closed).
    public func transform(_ bytes: [UInt8], with transformer: Transformer) throws(TransformError)
        -> (output: [UInt8], stats: RedactionStats) {
        try transform(bytes, replacer: transformer)
    }

    /// `bytes` with each finding replaced by `replacer` (any replacement seam: the policy operators `Operators`
    /// makes, or a host's own). Throws, and returns nothing, if a replacement fails (fail closed).
    public func transform(_ bytes: [UInt8], replacer: any FindingReplacer) throws(TransformError)
        -> (output: [UInt8], stats: RedactionStats) {
        let stream = makeStreamScanner()
        var sink = RedactingSink(output: MemoryOutput(capacity: bytes.count + 64), observer: NoFindingObserver(),
                                 policy: .using(replacer))
        do {
            try stream.feed(bytes, into: &sink)
            try stream.finish(into: &sink)
        } catch let error as TransformError {
            throw error
        } catch {
            // MemoryOutput and NoFindingObserver never throw; anything else is a transform failure.
            throw TransformError(code: .encryption, message: "transform failed")
        }
        return (sink.output.bytes, sink.stats)
    }

    /// The operators of `policy` for this scrubber's findings: the replacement seam's usual factory, reading the
    /// entity traits of the scrubber's rules.
    public func operators(policy: TransformPolicy, keys: (any KeyProvider)?) -> Operators {
        Operators(policy: policy, keys: keys, traits: ruleSet.traits)
    }

    /// A `Transformer` for `policy` over this scrubber's findings (keys resolved now: throws `.keys` when missing).
    public func transformer(policy: TransformPolicy, keys: (any KeyProvider)?) throws(TransformError) -> Transformer {
        try Transformer(policy: policy, keys: keys, traits: ruleSet.traits)
    }

    /// A transformed copy of `text` (see `transform(_:with:)`).
    public func transform(_ text: String, with transformer: Transformer) throws(TransformError) -> String {
        String(decoding: try transform(Array(text.utf8), with: transformer).output, as: UTF8.self)
    }
}
