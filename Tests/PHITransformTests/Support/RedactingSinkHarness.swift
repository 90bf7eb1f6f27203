// PHITransformTests' harness for the shared chunking verifier (ChunkingVerifier.swift and ScanCorpus.swift are
// symlinks to PHIScanTests/Support): the redacted output comes from the real
// `RedactingSink(output: MemoryOutput(), observer: NoFindingObserver())`.

import PHIScan
import PHITransform

struct RedactingSinkHarness: RedactionHarness {
    func makeSink() -> RedactingSink<MemoryOutput, NoFindingObserver> {
        RedactingSink(output: MemoryOutput(), observer: NoFindingObserver())
    }
    func output(of sink: inout RedactingSink<MemoryOutput, NoFindingObserver>) throws -> [UInt8] {
        try sink.finish()
        return sink.output.bytes
    }
}

typealias StandardVerifier = ChunkingVerifier<RedactingSinkHarness>

extension ChunkingVerifier where Harness == RedactingSinkHarness {
    /// The verifier over the default rules.
    static var standard: StandardVerifier { StandardVerifier(ruleSet: TestRules.defaults, harness: RedactingSinkHarness()) }

    init(ruleSet: RuleSet, minConfidence: Double = 0) {
        self.init(ruleSet: ruleSet, harness: RedactingSinkHarness(), minConfidence: minConfidence)
    }
}
