// Benchmarks of the PHIScrub facade: bulk redaction of a log workload and the latency of
// scrubbing one chat prompt. All input is synthetic (see corpora/README.md).
//
//     cd Benchmarks && swift package benchmark
//     cd Benchmarks && swift package benchmark --filter "redact 4 MiB log workload"

import Benchmark
import Foundation
import PHICompliance
import PHIScrub
import PHITransform

// MARK: - Inputs

/// Size the log workload is built up to: the committed 64 KiB sample repeated, cut at the
/// last newline at or before this many bytes.
private let workloadTarget = 4 * 1024 * 1024

/// Bytes per second of one `redact`/`scan` call over the workload, measured around the call
/// itself. The built-in `throughput` metric counts calls per second; this one reads as bytes.
private var bytesPerSecond: BenchmarkMetric {
    .custom("Throughput (bytes / s)", polarity: .prefersLarger, useScalingFactor: false)
}

private struct BenchmarkInputError: Error, CustomStringConvertible {
    let description: String
}

/// `corpora/sample-app.log` at the repository root, found from this source file's location so
/// the benchmark runs from any working directory. `PHISCRUB_BENCH_CORPUS` overrides it.
private func corpusPath() -> String {
    if let override = ProcessInfo.processInfo.environment["PHISCRUB_BENCH_CORPUS"], !override.isEmpty {
        return override
    }
    // <root>/Benchmarks/Benchmarks/ScrubBenchmarks/ScrubBenchmarks.swift -> <root>
    let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // ScrubBenchmarks
        .deletingLastPathComponent() // Benchmarks (targets folder)
        .deletingLastPathComponent() // Benchmarks (package)
        .deletingLastPathComponent() // repository root
    return repositoryRoot.appendingPathComponent("corpora/sample-app.log").path
}

/// The sample log repeated to about `workloadTarget` bytes, ending on a line boundary.
private func makeLogWorkload() throws -> [UInt8] {
    let path = corpusPath()
    guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
        throw BenchmarkInputError(
            description: "cannot read the benchmark corpus at \(path); regenerate it with "
                + "`python3 corpora/generate_logs.py --size 64K --seed 1 --out corpora/sample-app.log`"
        )
    }
    let sample = [UInt8](data)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(workloadTarget + sample.count)
    while bytes.count < workloadTarget {
        bytes.append(contentsOf: sample)
        if sample.last != UInt8(ascii: "\n") {
            bytes.append(UInt8(ascii: "\n"))
        }
    }
    if let cut = bytes[..<workloadTarget].lastIndex(of: UInt8(ascii: "\n")) {
        bytes.removeSubrange((cut + 1)...)
    }
    return bytes
}

/// A fixed, synthetic chat prompt of exactly 2048 bytes with two PHI values: a date of birth
/// near the start and a phone number (fictional 555-01xx range) near the end.
private func makePrompt() -> String {
    let head = """
        system: You are a scheduling assistant for an outpatient clinic. Never repeat identifiers \
        back to the user; refer to records by their encounter number only.
        user: Hi, I need to move my follow-up visit. My DOB: 03/14/1961 in case you need to find me.

        """
    let tail = """

        user: If nothing is free before the 12th, just call me back at (617) 555-0134 and we can sort it out.
        """
    let filler = """
        assistant: I can help with that. The clinic has openings on Tuesday and Thursday afternoons; \
        visits for a medication review usually take 20 minutes, and lab work (CPT 80053) can be drawn \
        the same day if the order is still active. Please bring your current list of medications, \
        including doses such as 10 mg or 500 mg tablets, and any readings from home. \
        Encounter 7f3c2a10 is linked to this request; reference ICD-10 E11.9 remains on the problem list. \

        """
    let budget = 2048 - head.utf8.count - tail.utf8.count
    precondition(budget > 0, "prompt head and tail exceed 2048 bytes")
    var middle = ""
    while middle.utf8.count < budget {
        middle += filler
    }
    // Everything here is ASCII, so cutting by character count cuts by bytes too.
    let prompt = head + String(middle.prefix(budget)) + tail
    precondition(prompt.utf8.count == 2048, "prompt is \(prompt.utf8.count) bytes, expected 2048")
    return prompt
}

/// The first MiB of the log workload (cut at a line boundary): allocations per iteration read directly as
/// allocations per MiB.
private func makeMiBWorkload() throws -> [UInt8] {
    let bytes = try makeLogWorkload()
    let cut = bytes[..<(1 << 20)].lastIndex(of: UInt8(ascii: "\n")) ?? (1 << 20) - 1
    return Array(bytes[...cut])
}

/// The configuration of the two guard benchmarks.
private var guardConfiguration: Benchmark.Configuration {
    .init(metrics: [bytesPerSecond, .mallocCountTotal], timeUnits: .milliseconds, warmupIterations: 2,
          maxDuration: .seconds(3), maxIterations: 200, thresholds: hotPathTolerances)
}

/// Regression tolerances against the static thresholds in `Thresholds/` (see README), which hold p90 values (for
/// throughput, the slow tail): throughput may fall by at most 50 % (the slow tail of this shared VM swings by 40 %
/// between quiet runs, so only a gross slowdown can be caught without false alarms), allocations
/// may rise by at most 10 %.
private var hotPathTolerances: [BenchmarkMetric: BenchmarkThresholds] { [
    bytesPerSecond: .init(relative: [.p90: 50.0]),
    .mallocCountTotal: .init(relative: [.p90: 10.0]),
] }

private struct LogWorkload {
    let scrubber: Scrubber
    let bytes: [UInt8]
}

private struct TokenWorkload {
    let scrubber: Scrubber
    let bytes: [UInt8]
    /// A fixed all-zero benchmark key (never a real key): tokens are deterministic across runs.
    let keys: MasterKeys
}

private struct PromptWorkload {
    let scrubber: Scrubber
    let prompt: String
}

private func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
}

/// Runs `body` once, timing it, and records the bytes-per-second metric for `bytes` bytes.
private func timed<T>(_ benchmark: Benchmark, bytes: Int, _ body: () throws -> T) rethrows {
    let clock = ContinuousClock()
    let start = clock.now
    let result = try body()
    let elapsed = clock.now - start
    blackHole(result)
    recordBytesPerSecond(benchmark, bytes: bytes, elapsed: elapsed)
}

/// Records the bytes-per-second custom metric for one call that took `elapsed`.
private func recordBytesPerSecond(_ benchmark: Benchmark, bytes: Int, elapsed: Duration) {
    let s = seconds(elapsed)
    if s > 0 {
        benchmark.measurement(bytesPerSecond, Int((Double(bytes) / s).rounded()))
    }
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 100
    )

    // Bulk redaction: the whole ~4 MiB buffer per iteration, default rules.
    Benchmark(
        "redact 4 MiB log workload",
        configuration: .init(
            metrics: [.wallClock, .throughput, bytesPerSecond, .mallocCountTotal, .peakMemoryResident],
            timeUnits: .milliseconds,
            warmupIterations: 1,
            maxDuration: .seconds(2),
            maxIterations: 100
        )
    ) { benchmark, workload in
        timed(benchmark, bytes: workload.bytes.count) { workload.scrubber.redact(workload.bytes) }
    } setup: {
        try LogWorkload(scrubber: Scrubber.withDefaultRules(), bytes: makeLogWorkload())
    }

    // Detection only over the same buffer, to separate finding from rewriting.
    Benchmark(
        "scan 4 MiB log workload",
        configuration: .init(
            metrics: [.wallClock, .throughput, bytesPerSecond, .mallocCountTotal, .peakMemoryResident],
            timeUnits: .milliseconds,
            warmupIterations: 1,
            maxDuration: .seconds(2),
            maxIterations: 100
        )
    ) { benchmark, workload in
        timed(benchmark, bytes: workload.bytes.count) { workload.scrubber.scan(workload.bytes) }
    } setup: {
        try LogWorkload(scrubber: Scrubber.withDefaultRules(), bytes: makeLogWorkload())
    }

    // The regression guard's hot path: 1 MiB per call, so mallocs per iteration are allocations per MiB.
    Benchmark(
        "guard-redact-1MiB",
        configuration: guardConfiguration
    ) { benchmark, workload in
        timed(benchmark, bytes: workload.bytes.count) { workload.scrubber.redact(workload.bytes) }
    } setup: {
        try LogWorkload(scrubber: Scrubber.withDefaultRules(), bytes: makeMiBWorkload())
    }

    // The same with the token operator (keyed HMAC per finding), so the operators' cost is guarded too.
    Benchmark(
        "guard-token-1MiB",
        configuration: guardConfiguration
    ) { benchmark, workload in
        try timed(benchmark, bytes: workload.bytes.count) {
            let transformer = try Transformer(policy: TransformPolicy(defaultAction: .token), keys: workload.keys,
                                              traits: workload.scrubber.ruleSet.traits)
            return try workload.scrubber.transform(workload.bytes, with: transformer).output
        }
    } setup: {
        try TokenWorkload(scrubber: Scrubber.withDefaultRules(), bytes: makeMiBWorkload(),
                          keys: EnvironmentKeys.load(from: ["PHISCRUB_KEY": "AxowzMEY6UEq2WEKFCsG8o2JonKFKan25h8LGd64/h4="]))
    }

    // Per-call latency for an agent host: one 2 KB prompt through redact(String).
    Benchmark(
        "scrub 2 KB prompt",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal],
            timeUnits: .microseconds,
            warmupIterations: 10,
            maxDuration: .seconds(2),
            maxIterations: 20_000
        )
    ) { _, workload in
        blackHole(workload.scrubber.redact(workload.prompt))
    } setup: {
        try PromptWorkload(scrubber: Scrubber.withDefaultRules(), prompt: makePrompt())
    }
}
