import PHIScan
import PHITransform

/// Explanations of the findings of the segment being written, by finding start offset. Filled by `ExplainingSink`
/// just before the segment reaches the redacting sink, read by the findings writer as each finding is observed.
final class ExplanationBuffer {
    var byStart: [Int: FindingExplanation] = [:]
}

/// Passes segments on to `inner` after explaining each finding from the segment's bytes (`--explain`).
struct ExplainingSink<Inner: ScanSink>: ScanSink {
    var inner: Inner
    let ruleSet: RuleSet
    let buffer: ExplanationBuffer

    mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                          incident: ScanIncident?) throws {
        buffer.byStart.removeAll(keepingCapacity: true)
        for f in findings {
            buffer.byStart[f.start] = ruleSet.explain(f, line: bytes, lineOffset: offset)
        }
        try inner.segment(bytes, offset: offset, findings: findings, incident: incident)
    }

    /// A JSON line: its findings carry no explanation (the value was scanned out of its line).
    mutating func rewrittenLine(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, inputCount: Int,
                                findings: [RewrittenFinding], withheld: Int) throws {
        buffer.byStart.removeAll(keepingCapacity: true)
        try inner.rewrittenLine(bytes, offset: offset, inputCount: inputCount, findings: findings, withheld: withheld)
    }
}

extension FindingExplanation {
    /// The explanation as a JSON object (rule parts and numbers only).
    var json: String {
        var s = "{\"rule\":\(JSON.quote(rule)),\"validator\":\(validator.map(JSON.quote) ?? "null"),"
        s += "\"validator_result\":\(JSON.quote(validatorResult)),\"base_confidence\":\(JSON.number(baseConfidence)),"
        s += "\"context_words\":[\(contextWords.map(JSON.quote).joined(separator: ","))],"
        s += "\"context_boost\":\(JSON.number(contextBoost)),"
        s += "\"negative_context_words\":[\(negativeContextWords.map(JSON.quote).joined(separator: ","))],"
        s += "\"context_penalty\":\(JSON.number(contextPenalty)),\"deny_list\":\(denyList),"
        if let detector { s += "\"detector\":\(JSON.quote(detector))," }
        if let fieldKey { s += "\"field_key\":\(JSON.quote(fieldKey))," }
        s += "\"confidence\":\(JSON.number(confidence))}"
        return s
    }
}

/// What `--explain` needs: the rules to explain with and the buffer the findings writer reads.
struct Explainer {
    let ruleSet: RuleSet
    let buffer = ExplanationBuffer()
}

extension InputReader {
    /// `pump`, explaining every finding first when `explain` is set (the sink is wrapped for the run and unwrapped
    /// after it, so its statistics stay the caller's).
    static func pump<S: ScanSink>(fd: Int32, name: String, stream: StreamScanner, sink: inout S,
                                  buffer: inout [UInt8], explain: Explainer?, router: FormatRouter? = nil,
                                  idle: IdleFlush? = nil) throws {
        func run<T: ScanSink>(_ sink: inout T) throws {
            if let router {
                try pump(fd: fd, name: name, router: router, sink: &sink, buffer: &buffer, idle: idle)
            } else {
                try pump(fd: fd, name: name, stream: stream, sink: &sink, buffer: &buffer, idle: idle)
            }
        }
        guard let explain else {
            try run(&sink)
            return
        }
        var wrapped = ExplainingSink(inner: sink, ruleSet: explain.ruleSet, buffer: explain.buffer)
        defer { sink = wrapped.inner }
        try run(&wrapped)
    }
}
