import CScanKernels
import Foundation
import Testing
@testable import PHIScan

/// The whole scanner, not only the feature pass, against the reference prefilter: the same findings on the project's
/// corpora and on random lines whether the fast bitmap pass (AVX-512BW, AVX2 or baseline) or `features_reference.c` decides
/// which rules run where. As ripgrep runs its tests against both regex engines, a prefilter optimisation that
/// changes any finding fails here, however the rules use its items.
@Suite("Scanner: fast prefilter equals reference prefilter")
struct ReferencePrefilterTests {
    /// Findings and incident count of `bytes` streamed through `scanner` in 64 KiB chunks.
    static func scan(_ bytes: [UInt8], _ scanner: LineScanner) throws -> (findings: [Finding], incidents: Int) {
        struct Collect: ScanSink {
            var findings: [Finding] = []
            var incidents = 0
            mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                                  incident: ScanIncident?) throws {
                self.findings += findings
                if incident != nil { incidents += 1 }
            }
        }
        let stream = StreamScanner(scanner: scanner)
        var sink = Collect()
        var at = 0
        while at < bytes.count {
            let end = min(bytes.count, at + 65_536)
            try stream.feed(Array(bytes[at..<end]), into: &sink)
            at = end
        }
        try stream.finish(into: &sink)
        return (sink.findings, sink.incidents)
    }

    static let corpora: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("corpora")
        return ["sample-app.log", "eval/logs.txt", "eval/llm.txt", "eval/clinical.txt", "eval/names.txt",
                "eval/places.txt"].map { root.appendingPathComponent($0).path }
    }()

    @Test(arguments: [64, 32, 0] as [Int32])
    func corporaAndRandomLinesGiveTheSameFindings(vectorWidth: Int32) throws {
        phs_features_set_vector_width(vectorWidth)
        defer { phs_features_set_vector_width(64) }
        let set = TestRules.defaults
        var inputs: [(String, [UInt8])] = try Self.corpora.map { ($0, Array(try Data(contentsOf: URL(fileURLWithPath: $0)))) }
        inputs.append(("random lines", Array(FeaturePassTests.randomLines(3_000, seed: 0xD1FF, ruleSet: set)
            .joined(separator: [0x0A]))))
        var total = 0
        for (name, bytes) in inputs {
            let fast = try Self.scan(bytes, LineScanner(ruleSet: set))
            let reference = try Self.scan(bytes, LineScanner(referencePrefilter: set))
            #expect(fast.findings == reference.findings, "\(name): \(fast.findings.count) vs \(reference.findings.count) findings")
            #expect(fast.incidents == reference.incidents, "\(name)")
            total += fast.findings.count
        }
        // The corpora hold PHI: a scanner that found nothing on both sides would agree trivially.
        #expect(total > 1_000)
    }
}
