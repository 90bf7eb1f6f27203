// Chunk-invariance helper (DESIGN.md, contract 2): runs one input through `StreamScanner` under every chunking
// and demands identical findings, incidents and redacted output from all of them.
//
// This file is compiled into PHIScanTests and, through a symlink, into PHITransformTests. It knows only PHIScan;
// the redacting sink comes from a `RedactionHarness` each test target supplies (`StandardVerifier`):
// PHIScanTests uses an independent reference splicer (it cannot import PHITransform), PHITransformTests uses the
// real `RedactingSink(output: MemoryOutput(), observer: NoFindingObserver())`.

import PHIScan
import Testing

// MARK: - Deterministic randomness

/// SplitMix64: small, deterministic, independent of the standard library's generator.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - Redaction harness

/// Makes the sink that produces redacted output, and extracts the output once the stream is finished.
protocol RedactionHarness: Sendable {
    associatedtype Sink: ScanSink
    func makeSink() -> Sink
    func output(of sink: inout Sink) throws -> [UInt8]
}

// MARK: - Contract-checking sink

/// Forwards every segment to an inner sink and checks the `ScanSink` contract on the way: segments cover the input
/// exactly once and in order, are never empty, and their findings lie inside them, sorted and disjoint.
struct ContractCheckingSink<Inner: ScanSink>: ScanSink {
    var inner: Inner
    var nextOffset = 0
    var segments = 0
    var findings: [Finding] = []
    var incidents: [ScanIncident] = []
    var violations: [String] = []

    init(inner: Inner) { self.inner = inner }

    mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                          incident: ScanIncident?) throws {
        segments += 1
        if offset != nextOffset { violations.append("segment \(segments) starts at \(offset), expected \(nextOffset)") }
        if bytes.isEmpty { violations.append("segment \(segments) at \(offset) is empty") }
        var last = offset
        for f in findings {
            if f.start < offset || f.end > offset + bytes.count || f.start >= f.end {
                violations.append("finding \(f.start)..<\(f.end) outside segment \(offset)..<\(offset + bytes.count)")
            }
            if f.start < last { violations.append("findings of segment at \(offset) unsorted or overlapping") }
            last = f.end
        }
        nextOffset = offset + bytes.count
        self.findings.append(contentsOf: findings)
        if let incident { incidents.append(incident) }
        try inner.segment(bytes, offset: offset, findings: findings, incident: incident)
    }
}

// MARK: - Chunkings

/// One way of splitting an input into chunks, given as the offsets where a new chunk starts.
struct Chunking: CustomStringConvertible, Sendable {
    var description: String
    /// Strictly increasing offsets in 1..<count.
    var cuts: [Int]

    static func whole() -> Chunking { Chunking(description: "whole", cuts: []) }

    static func fixed(_ size: Int, count: Int) -> Chunking {
        Chunking(description: size == 1 ? "byte by byte" : "fixed \(size)", cuts: Array(stride(from: size, to: count, by: size)))
    }

    static func random(_ index: Int, count: Int, rng: inout SplitMix64) -> Chunking {
        guard count > 1 else { return Chunking(description: "random #\(index)", cuts: []) }
        // Mix many tiny chunks with a few large ones: pick a cut density per splitting.
        let density = [0.02, 0.1, 0.3, 0.7][index % 4]
        var cuts: [Int] = []
        for i in 1..<count where Double.random(in: 0..<1, using: &rng) < density { cuts.append(i) }
        if cuts.isEmpty { cuts = [Int.random(in: 1..<count, using: &rng)] }
        return Chunking(description: "random #\(index) (\(cuts.count + 1) chunks)", cuts: cuts)
    }

    static func split(at offset: Int) -> Chunking { Chunking(description: "split at \(offset)", cuts: [offset]) }
}

// MARK: - Outcome

/// Everything a run produces that must not depend on chunking.
struct ScanOutcome: Equatable, Sendable {
    var findings: [Finding]
    var incidents: [ScanIncident]
    var redacted: [UInt8]
    var segments: Int
    var violations: [String]

    static func == (a: ScanOutcome, b: ScanOutcome) -> Bool {
        a.findings == b.findings && a.incidents == b.incidents && a.redacted == b.redacted
    }

    func differences(from reference: ScanOutcome) -> String {
        var parts: [String] = []
        if findings != reference.findings {
            parts.append("findings \(findings.map(\.brief)) != \(reference.findings.map(\.brief))")
        }
        if incidents != reference.incidents { parts.append("incidents \(incidents) != \(reference.incidents)") }
        if redacted != reference.redacted {
            let i = zip(redacted, reference.redacted).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
                ?? min(redacted.count, reference.redacted.count)
            parts.append("redacted output differs from byte \(i) (\(redacted.count) vs \(reference.redacted.count) bytes)")
        }
        return parts.joined(separator: "; ")
    }
}

extension Finding {
    /// `start..<end ENTITY rule conf`, for messages.
    var brief: String { "\(start)..<\(end) \(entity) \(ruleID) \(confidence)" }
    var range: Range<Int> { start..<end }
}

// MARK: - Verifier

/// Where the first piece of a cut line ends, relative to the text under test (see `ChunkingVerifier.verifyCuts`).
enum CutTargets: Sendable {
    /// Text start, text end, and every byte strictly inside each expected span (the finding starts in the first
    /// piece).
    case insideSpans
    /// Every offset from 0 to the text's length (includes span starts and the gap between a label and its value).
    case everyOffset
    /// Exactly these offsets.
    case offsets([Int])
}

struct ChunkingVerifier<Harness: RedactionHarness>: Sendable {
    let ruleSet: RuleSet
    let harness: Harness
    var minConfidence: Double = 0
    var randomSplittings = 20
    var seed: UInt64 = 0x0070_6869_7363_7275  // "phiscru"
    var fixedSizes = [2, 3, 7, 64, 4096]
    /// The line cap requested for the cut probes; `StreamScanner` raises it to at least 4x the longest match.
    var smallLineCap = 256

    init(ruleSet: RuleSet, harness: Harness, minConfidence: Double = 0) {
        self.ruleSet = ruleSet
        self.harness = harness
        self.minConfidence = minConfidence
    }

    func makeStream(lineCap: Int = StreamScanner.defaultLineCap) -> StreamScanner {
        StreamScanner(scanner: LineScanner(ruleSet: ruleSet, minConfidence: minConfidence), lineCap: lineCap)
    }

    /// Feeds `input` in the chunks `cuts` describes and returns what came out.
    func run(_ input: [UInt8], cuts: [Int] = [], lineCap: Int = StreamScanner.defaultLineCap) throws -> ScanOutcome {
        let stream = makeStream(lineCap: lineCap)
        var sink = ContractCheckingSink(inner: harness.makeSink())
        try input.withUnsafeBufferPointer { buf in
            var start = 0
            for cut in cuts + [input.count] where cut > start {
                try stream.feed(UnsafeBufferPointer(rebasing: buf[start..<cut]), into: &sink)
                start = cut
            }
            if input.isEmpty { try stream.feed(UnsafeBufferPointer(rebasing: buf[0..<0]), into: &sink) }
        }
        try stream.finish(into: &sink)
        var violations = sink.violations
        if sink.nextOffset != input.count {
            violations.append("segments cover \(sink.nextOffset) of \(input.count) bytes")
        }
        let redacted = try harness.output(of: &sink.inner)
        return ScanOutcome(findings: sink.findings, incidents: sink.incidents, redacted: redacted,
                           segments: sink.segments, violations: violations)
    }

    /// Inputs longer than this get the large-input chunkings (no byte-by-byte or tiny chunks: `StreamScanner`
    /// re-searches the pending line for a newline on every feed, so tiny chunks of a long line are quadratic).
    static var largeInput: Int { 64 * 1024 }

    /// Every chunking the verifier tries for an input of `count` bytes, except `whole` (the reference).
    func chunkings(count: Int, spans: [Range<Int>]) -> [Chunking] {
        var out: [Chunking] = []
        var rng = SplitMix64(seed: seed ^ UInt64(count))
        if count <= Self.largeInput {
            out.append(.fixed(1, count: count))
            for size in fixedSizes where size < count { out.append(.fixed(size, count: count)) }
            for i in 0..<randomSplittings { out.append(.random(i, count: count, rng: &rng)) }
            var seen = Set<Int>()
            for span in spans {
                for offset in span.lowerBound...span.upperBound where offset > 0 && offset < count && seen.insert(offset).inserted {
                    out.append(.split(at: offset))
                }
            }
        } else {
            for size in [4096, 65_536, (1 << 20) + 1] where size < count { out.append(.fixed(size, count: count)) }
            for i in 0..<3 {
                var cuts: [Int] = []
                var at = 0
                while true {
                    at += Int.random(in: 1...300_000, using: &rng)
                    if at >= count { break }
                    cuts.append(at)
                }
                out.append(Chunking(description: "random large #\(i) (\(cuts.count + 1) chunks)", cuts: cuts))
            }
            // Inside each span: at its start, its middle and its last byte, all in one splitting.
            var cuts = Set<Int>()
            for span in spans where !span.isEmpty {
                cuts.formUnion([span.lowerBound, span.lowerBound + span.count / 2, span.upperBound - 1])
            }
            let sorted = cuts.filter { $0 > 0 && $0 < count }.sorted()
            if !sorted.isEmpty { out.append(Chunking(description: "split inside every span", cuts: sorted)) }
        }
        return out
    }

    /// Runs `input` whole and under every chunking; records an issue for each chunking whose outcome differs from
    /// the whole run, and for any `ScanSink` contract violation. Returns the whole-input outcome.
    @discardableResult
    func verify(_ input: [UInt8], spans: [Range<Int>] = [], label: String = "", cutProbes: CutTargets? = .insideSpans,
                sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ScanOutcome? {
        let reference: ScanOutcome
        do { reference = try run(input) } catch {
            Issue.record("\(label): whole run threw \(error)", sourceLocation: sourceLocation)
            return nil
        }
        checkViolations(reference, "\(label) whole", sourceLocation)
        for chunking in chunkings(count: input.count, spans: spans) {
            do {
                let outcome = try run(input, cuts: chunking.cuts)
                checkViolations(outcome, "\(label) \(chunking)", sourceLocation)
                if outcome != reference {
                    Issue.record("\(label) [\(chunking)]: \(outcome.differences(from: reference))", sourceLocation: sourceLocation)
                }
            } catch {
                Issue.record("\(label) [\(chunking)]: threw \(error)", sourceLocation: sourceLocation)
            }
        }
        // With the smallest line cap: identical for lines under the cap; long lines are cut.
        do {
            let cuts = input.count <= Self.largeInput ? Chunking.fixed(3, count: input.count).cuts : []
            let small = try run(input, cuts: cuts, lineCap: smallLineCap)
            if small != reference {
                Issue.record("\(label) [line cap \(smallLineCap), fixed 3]: \(small.differences(from: reference))",
                             sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("\(label) [line cap]: threw \(error)", sourceLocation: sourceLocation)
        }
        if let cutProbes, input.count <= Self.largeInput, !input.contains(0x0A) {
            verifyCuts(input, spans: spans, targets: cutProbes, label: label, sourceLocation: sourceLocation)
        }
        return reference
    }

    /// Verifies a marked text (`⟦`/`⟧`); returns the whole-input outcome and the marked spans.
    @discardableResult
    func verify(marked: String, cutProbes: CutTargets? = .insideSpans,
                sourceLocation: Testing.SourceLocation = #_sourceLocation) -> (outcome: ScanOutcome, spans: [Range<Int>])? {
        let (bytes, spans) = RuleExamples.stripMarkers(marked)
        guard let outcome = verify(bytes, spans: spans, label: marked, cutProbes: cutProbes, sourceLocation: sourceLocation)
        else { return nil }
        return (outcome, spans)
    }

    /// Verifies a marked text whatever the chunking and expects the findings that `pick` selects to be exactly the
    /// marked spans (a detector's cases: names, card lines, towns).
    func expectMarked(_ marked: String, _ pick: (Finding) -> Bool,
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let result = verify(marked: marked, sourceLocation: sourceLocation) else {
            Issue.record("\(marked): no outcome", sourceLocation: sourceLocation)
            return
        }
        #expect(result.outcome.findings.filter(pick).map(\.range) == result.spans,
                "\(marked): \(result.outcome.findings.map(\.brief))", sourceLocation: sourceLocation)
    }

    /// Verifies a text whatever the chunking and expects no finding that `pick` selects.
    func expectNone(_ text: String, _ pick: (Finding) -> Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let result = verify(marked: text, cutProbes: nil, sourceLocation: sourceLocation) else {
            Issue.record("\(text): no outcome", sourceLocation: sourceLocation)
            return
        }
        #expect(result.outcome.findings.filter(pick).isEmpty, "\(text): \(result.outcome.findings.map(\.brief))",
                sourceLocation: sourceLocation)
    }

    /// The cut geometry of the small line cap: the effective cap and where the first piece's committed part ends.
    var cutGeometry: (lineCap: Int, overlap: Int, committed: Int) {
        let s = makeStream(lineCap: smallLineCap)
        return (s.lineCap, s.overlap, s.lineCap - s.overlap)
    }

    /// Embeds the one-line `text` in a line longer than the (raised) small line cap, padded with spaces so that the
    /// first cut piece's committed part ends at each target offset of the text, and checks that the cut line gives
    /// the same outcome as the same line scanned whole, and that the padding itself changes nothing.
    func verifyCuts(_ text: [UInt8], spans: [Range<Int>], targets: CutTargets, label: String,
                    sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let geometry = cutGeometry
        var offsets: [Int]
        switch targets {
        case .insideSpans:
            offsets = [0, text.count]
            for span in spans { offsets += Array(span.dropFirst()) }
        case .everyOffset:
            offsets = Array(0...text.count)
        case .offsets(let list):
            offsets = list
        }
        offsets = Array(Set(offsets)).sorted()
        let unpadded = try? run(text)
        for t in offsets where t <= geometry.committed {
            let pad = geometry.committed - t
            let tail = max(16, geometry.lineCap + 16 - (pad + text.count))
            let line = [UInt8](repeating: 0x20, count: pad) + text + [UInt8](repeating: 0x20, count: tail) + [0x0A]
            do {
                let whole = try run(line)
                if let unpadded {
                    let shifted = unpadded.findings.map { $0.shifted(by: pad) }
                    if whole.findings != shifted {
                        Issue.record("\(label) [padded by \(pad) spaces]: \(whole.findings.map(\.brief)) != \(shifted.map(\.brief))",
                                     sourceLocation: sourceLocation)
                        continue
                    }
                }
                for chunking in [Chunking.whole(), .fixed(4096, count: line.count)] {
                    let cut = try run(line, cuts: chunking.cuts, lineCap: smallLineCap)
                    checkViolations(cut, "\(label) cut at text offset \(t)", sourceLocation)
                    // A line with findings must really have been scanned in pieces (a scanner may pass a line with
                    // nothing to scan through as one segment).
                    if cut.segments < 2 && !whole.findings.isEmpty {
                        Issue.record("\(label): a \(line.count)-byte line was not cut at line cap \(geometry.lineCap)",
                                     sourceLocation: sourceLocation)
                    }
                    if cut != whole {
                        Issue.record("\(label) [line cut at text offset \(t), \(chunking)]: \(cut.differences(from: whole))",
                                     sourceLocation: sourceLocation)
                        break
                    }
                }
            } catch {
                Issue.record("\(label) [cut at \(t)]: threw \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    private func checkViolations(_ outcome: ScanOutcome, _ what: String, _ sourceLocation: Testing.SourceLocation) {
        for v in outcome.violations.prefix(3) {
            Issue.record("\(what): ScanSink contract: \(v)", sourceLocation: sourceLocation)
        }
    }
}

// MARK: - Shared rule set

enum TestRules {
    /// The default packs, loaded once for the whole test process.
    static let defaults: RuleSet = {
        do { return try RuleSet.loadDefault() } catch { fatalError("default rules do not load: \(error)") }
    }()
}

// MARK: - Splicing oracle

enum Splice {
    /// `input` with each finding's bytes replaced by `[ENTITY]`: the expected redacted output, built independently
    /// of any sink.
    static func redact(_ input: [UInt8], _ findings: [Finding]) -> [UInt8] {
        var out: [UInt8] = []
        var cursor = 0
        for f in findings.sorted(by: { $0.start < $1.start }) {
            out += input[cursor..<f.start]
            out += Array("[\(f.entity)]".utf8)
            cursor = f.end
        }
        out += input[cursor...]
        return out
    }
}
