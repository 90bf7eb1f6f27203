import PHIScan
import PHITransform

/// Explanations of the findings of the segment being written, by finding start offset. Filled by `ExplainingSink`
/// just before the segment reaches the redacting sink, read by the findings printer as each finding is observed.
public final class ExplanationBuffer {
    public var byStart: [Int: FindingExplanation] = [:]
    public init() {}
}

/// Passes segments on to `inner` after taking each finding's explanation from what the scanner recorded as it
/// decided the finding (`--explain`). Nothing is worked out again here.
public struct ExplainingSink<Inner: ScanSink>: ScanSink {
    public var inner: Inner
    let log: ExplanationLog
    let buffer: ExplanationBuffer

    public init(inner: Inner, explainer: Explainer) {
        self.inner = inner
        self.log = explainer.log
        self.buffer = explainer.buffer
    }

    public mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                                 incident: ScanIncident?) throws {
        buffer.byStart.removeAll(keepingCapacity: true)
        for f in findings {
            buffer.byStart[f.start] = log.byStart[f.start]
        }
        try inner.segment(bytes, offset: offset, findings: findings, incident: incident)
    }

    /// Clean lines: no finding to explain.
    public mutating func cleanLines(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, newlines: Int) throws {
        buffer.byStart.removeAll(keepingCapacity: true)
        try inner.cleanLines(bytes, offset: offset, newlines: newlines)
    }

    /// A JSON line: its findings carry no explanation (the value was scanned out of its line).
    public mutating func rewrittenLine(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, inputCount: Int,
                                       findings: [RewrittenFinding], withheld: Int) throws {
        buffer.byStart.removeAll(keepingCapacity: true)
        try inner.rewrittenLine(bytes, offset: offset, inputCount: inputCount, findings: findings, withheld: withheld)
    }
}

extension FindingExplanation {
    /// The explanation as a JSON object (rule parts and numbers only).
    public var json: String {
        var s = "{\"rule\":\(JSONWriter.quote(rule)),\"validator\":\(validator.map(JSONWriter.quote) ?? "null"),"
        s += "\"validator_result\":\(JSONWriter.quote(validatorResult)),\"base_confidence\":\(JSONWriter.number(baseConfidence)),"
        s += "\"context_words\":[\(contextWords.map(JSONWriter.quote).joined(separator: ","))],"
        s += "\"context_boost\":\(JSONWriter.number(contextBoost)),"
        s += "\"negative_context_words\":[\(negativeContextWords.map(JSONWriter.quote).joined(separator: ","))],"
        s += "\"context_penalty\":\(JSONWriter.number(contextPenalty)),"
        if let contextDistance { s += "\"context_distance\":\(contextDistance)," }
        s += "\"deny_list\":\(denyList),"
        if allowListChecked { s += "\"allow_list_checked\":true," }
        if let detector { s += "\"detector\":\(JSONWriter.quote(detector))," }
        if let fieldKey { s += "\"field_key\":\(JSONWriter.quote(fieldKey))," }
        s += "\"confidence\":\(JSONWriter.number(confidence))}"
        return s
    }
}

/// What `--explain` needs on one thread: the log its scanner records explanations into, and the buffer the
/// findings printer reads. Each worker of a parallel run has its own.
public struct Explainer {
    public let log: ExplanationLog
    public let buffer = ExplanationBuffer()

    /// Makes `scanner` record explanations from now on.
    public init(scanner: LineScanner) {
        let log = scanner.explanations ?? ExplanationLog()
        scanner.explanations = log
        self.log = log
    }
}
