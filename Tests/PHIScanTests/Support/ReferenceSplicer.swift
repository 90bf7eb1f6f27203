// PHIScanTests' redaction harness for the chunking verifier. PHIScanTests depends on PHIScan only, so it cannot use
// PHITransform's `RedactingSink`; this is an independent oracle with the same contract (typed tokens, `[WITHHELD]`
// for a segment that was not fully scanned, its line terminator kept). PHITransformTests runs the same verifier with
// the real `RedactingSink`.

import PHIScan

struct SplicingSink: ScanSink {
    var output: [UInt8] = []

    mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                          incident: ScanIncident?) throws {
        if incident != nil {
            output += Array("[WITHHELD]".utf8)
            if bytes.last == 0x0A {
                output += bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D ? [0x0D, 0x0A] : [0x0A]
            }
            return
        }
        var cursor = 0
        for f in findings {
            let s = f.start - offset
            output += bytes[cursor..<s]
            output += Array("[\(f.entity)]".utf8)
            cursor = f.end - offset
        }
        output += bytes[cursor...]
    }
}

struct ReferenceSplicer: RedactionHarness {
    func makeSink() -> SplicingSink { SplicingSink() }
    func output(of sink: inout SplicingSink) throws -> [UInt8] { sink.output }
}

typealias StandardVerifier = ChunkingVerifier<ReferenceSplicer>

extension ChunkingVerifier where Harness == ReferenceSplicer {
    /// The verifier over the default rules.
    static var standard: StandardVerifier { StandardVerifier(ruleSet: TestRules.defaults, harness: ReferenceSplicer()) }

    init(ruleSet: RuleSet, minConfidence: Double = 0) {
        self.init(ruleSet: ruleSet, harness: ReferenceSplicer(), minConfidence: minConfidence)
    }
}
