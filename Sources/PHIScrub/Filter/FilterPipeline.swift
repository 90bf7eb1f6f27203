import Foundation
import PHICompliance
import PHIScan
import PHITransform

/// Cuts input into lines that are not plain text (JSON lines, a JSON document) and lines for the stream scanner;
/// PHIBatch's `FormatRouter` is the one the commands use (`--format json|jsonl|auto`).
public protocol InputRouter: AnyObject {
    func feed<S: ScanSink>(_ chunk: UnsafeBufferPointer<UInt8>, into sink: inout S) throws
    /// The end of input.
    func finish<S: ScanSink>(into sink: inout S) throws
    /// What to report once the input shown as `input` is done (lines declared JSON that were not), or nil.
    func problem(input: String) -> String?
}

/// How the filter runs; the defaults are those of the `phiscrub` filter with one job.
public struct FilterOptions: Sendable {
    /// Worker threads. More than one (and no `lineBuffered`, `collectStats` or router) runs the
    /// parallel path, whose output is byte-identical to one job's.
    public var jobs = 1
    /// Bytes per parallel block (cut at the last newline).
    public var blockSize = ParallelFilter.defaultBlockSize
    /// Lines longer than this are scanned in pieces that overlap by the longest possible match.
    public var lineCap = StreamScanner.defaultLineCap
    /// Flush the outputs after every read's lines (one thread).
    public var lineBuffered = false
    /// rsyslog `omprog` with `confirmMessages="on"`: `OK` on standard output once at start, then, after each read's
    /// lines are written and flushed, one `OK` per line; a stop signal ends the run between lines without taking what
    /// the pipe holds (rsyslog sends the next message only after its confirmation and sends an unconfirmed one
    /// again), so every message is written exactly once across restarts. Needs `lineBuffered` and an output other
    /// than standard output.
    public var confirmLines = false
    /// When a pipe or terminal input has been quiet this long, flush the outputs (0: never).
    public var idleMillis: Int32 = 0
    /// Explain every finding in the findings report (each worker's scanner records why as it decides).
    public var explain = false
    /// Hand the scanner's counters to `Hooks.stats` at the end of each input (one thread).
    public var collectStats = false

    public init() {}
}

/// The filter: bytes in, the same bytes out with every finding replaced, findings to a report, one audit record
/// per line batch. The `phiscrub` filter command is argument parsing around one of these; library hosts use it
/// the same way.
///
/// One `FilterPipeline` runs any number of inputs one after another into the same outputs (`run(_:name:)` per
/// input). Sequential and parallel runs write the same bytes.
public final class FilterPipeline {
    /// What the process around the filter tells it and is told: stop signals, output reopening, counters.
    public struct Hooks {
        /// Polled between reads: a signal number once a stop signal arrived (the whole lines read so far are
        /// written, the unfinished last line is dropped, and `FilterInterrupted` is thrown), else 0.
        public var interrupted: @Sendable () -> Int32 = { 0 }
        /// Polled between reads: whether the outputs should be reopened (SIGHUP after logrotate).
        public var reopenRequested: () -> Bool = { false }
        /// Reopens the outputs (called once everything before it is written).
        public var reopen: (() throws -> Void)?
        /// The scanner's counters after each input (`FilterOptions.collectStats`).
        public var stats: (LineScanner, RuleSet) -> Void = { _, _ in }
        public init() {}
    }

    public let scrubber: Scrubber
    /// What replaces each finding: one replacer per thread.
    public let operators: any ReplacementFactory
    public let options: FilterOptions
    /// The redacted text.
    public let output: FileOutput
    /// The findings report, if any (its format decides JSON Lines, SARIF, ...).
    public let findings: FindingsReporter?
    /// Roles and audit records, if a configuration is in force.
    public let audit: FilterAudit?
    /// Makes the router of one input (`nil`: plain text, the fast path): its stream scanner, the replacer JSON
    /// values are replaced with, and the input's displayed name.
    public var makeRouter: ((StreamScanner, any FindingReplacer, String) -> any InputRouter)?
    public var hooks = Hooks()
    /// The replacer of the sequential path (its keys were resolved when the pipeline was made).
    let replacer: any FindingReplacer
    private var buffer: [UInt8] = []

    /// Makes the sequential path's replacer now, so keys are resolved before anything is written (a missing or
    /// refused key throws `TransformError`: fail closed).
    public init(scrubber: Scrubber, operators: any ReplacementFactory, options: FilterOptions,
                output: FileOutput, findings: FindingsReporter? = nil, audit: FilterAudit? = nil) throws {
        self.scrubber = scrubber
        self.operators = operators
        self.options = options
        self.output = output
        self.findings = findings
        self.audit = audit
        self.replacer = try operators.makeReplacer()
    }

    /// What one input produced.
    public struct Result {
        public var stats: RedactionStats
        /// Something to report about the input once it is done (e.g. lines declared JSON that were not).
        public var problem: String?
    }

    /// The outputs flushed on idle and per read, findings first: when a line shows, its findings are written.
    var flushOutputs: [FileOutput] { (findings?.output.map { [$0] } ?? []) + [output] }

    var runsParallel: Bool {
        options.jobs > 1 && !options.lineBuffered && !options.confirmLines && !options.collectStats
            && makeRouter == nil
            && findings?.stable != true  // stable hashes count occurrences per input, not per block
    }

    /// Filters all of `input` (shown as `name` in findings, audit records and errors: pass the redacted name).
    /// Throws `FilterError` (`.refused`: gzip or UTF-16 input, nothing of it was written), `FilterInterrupted`,
    /// `OutputError`, `TransformError` (an operator failed: the segment holding the finding was not written).
    public func run<Input: FilterInput>(_ input: Input, name: String) throws -> Result {
        if runsParallel {
            return Result(stats: try runParallel(input, name: name))
        }
        let stream = scrubber.makeStreamScanner(lineCap: options.lineCap)
        defer { if options.collectStats { hooks.stats(stream.scanner, scrubber.ruleSet) } }
        let router = makeRouter?(stream, replacer, name)
        let replacement = ReplacementPolicy.using(replacer)
        let stats: RedactionStats
        if let findings {
            findings.file = name
            var sink = RedactingSink(output: output, observer: findings, policy: replacement)
            let explainer = options.explain ? Explainer(scanner: stream.scanner) : nil
            findings.explanations = explainer?.buffer
            try pump(input, name: name, stream: stream, router: router, sink: &sink, explain: explainer)
            stats = sink.stats
        } else {
            var sink = RedactingSink(output: output, observer: NoFindingObserver(), policy: replacement)
            try pump(input, name: name, stream: stream, router: router, sink: &sink, explain: nil)
            stats = sink.stats
        }
        return Result(stats: stats, problem: router?.problem(input: name))
    }

    /// Ends the findings report (a document format prints it now) and flushes both outputs.
    public func finish() throws {
        try findings?.finish()
        try output.flush()
        try findings?.output?.flush()
    }

    /// Feeds all of `input` through `router` or `stream` into `sink`, audited per batch when a log is open.
    private func pump<S: StatsReportingSink>(_ input: some FilterInput, name: String, stream: StreamScanner,
                                             router: (any InputRouter)?, sink: inout S, explain: Explainer?) throws {
        if let audit {
            try audit.pump(&sink, input: name) {
                try feed(input, name: name, stream: stream, router: router, sink: &$0, explain: explain)
            }
        } else {
            try feed(input, name: name, stream: stream, router: router, sink: &sink, explain: explain)
        }
    }

    /// `feed`, explaining every finding first when `explain` is set (the sink is wrapped for the run and unwrapped
    /// after it, so its statistics stay the caller's).
    private func feed<S: ScanSink>(_ input: some FilterInput, name: String, stream: StreamScanner,
                                   router: (any InputRouter)?, sink: inout S, explain: Explainer?) throws {
        guard let explain else {
            try feedAll(input, name: name, stream: stream, router: router, sink: &sink)
            return
        }
        var wrapped = ExplainingSink(inner: sink, explainer: explain)
        defer { sink = wrapped.inner }
        try feedAll(input, name: name, stream: stream, router: router, sink: &wrapped)
    }

    private func feedAll<S: ScanSink>(_ input: some FilterInput, name: String, stream: StreamScanner,
                                      router: (any InputRouter)?, sink: inout S) throws {
        if let router {
            try readChunks(input, name: name) { try router.feed($0, into: &sink) }
            try router.finish(into: &sink)
        } else {
            // A stop signal ends the read: what was fed is written and the unfinished last line is dropped
            // (`readChunks` throws before `finish`).
            try readChunks(input, name: name) { try stream.feed($0, into: &sink) }
            try stream.finish(into: &sink)
        }
    }

    /// Reads all of `input` in chunks (the first sniffed), stopping at a stop signal.
    private func readChunks(_ input: some FilterInput, name: String,
                            _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try FilterPipeline.readChunks(input, name: name, buffer: &buffer, idle: ReadPacing(pipeline: self), body)
    }

    /// The read loop of one input: `read(2)`-sized chunks of `chunkSize` into `body`, the first checked with
    /// `InputCheck.sniff`; between reads, stop signals, SIGHUP reopening and flush-on-idle.
    public static func readChunks(_ input: some FilterInput, name: String, buffer: inout [UInt8], idle: ReadPacing?,
                           _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if buffer.count < chunkSize { buffer = [UInt8](repeating: 0, count: chunkSize) }
        var first = true
        let idleActive = (idle?.millis ?? 0) > 0 && input.canIdle
        let confirm = idle?.confirm ?? false
        // rsyslog's confirmMessages: ready to consume.
        if confirm { try ReadPacing.writeConfirmations(1) }
        while true {
            if let signal = idle?.interrupted(), signal != 0 {
                // Confirmed lines stop between lines: what the pipe holds is unconfirmed and is sent again.
                if confirm { throw FilterInterrupted(signal: signal) }
                // What a pipe's writer already handed over (rsyslog counts it sent) is cleaned before stopping; the
                // unfinished last line is still dropped (the caller's finish never runs).
                let rest = input.drainOnStop()
                if !rest.isEmpty {
                    try rest.withUnsafeBufferPointer { r in
                        if first { try InputCheck.sniff(r, name: name) }
                        try body(r)
                    }
                }
                throw FilterInterrupted(signal: signal)
            }
            try idle?.reopenIfAsked()
            try idle?.wait(input, active: idleActive)
            // A stop signal that arrived during the idle wait ended its poll, not a read: the read below would block
            // until more input came (forever, from a quiet writer). Back to the top, which handles it.
            if idleActive, let signal = idle?.interrupted(), signal != 0 { continue }
            let n = buffer.withUnsafeMutableBytes { input.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<chunkSize])) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FilterError(.read, "\(name): read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            if first {
                first = false
                try buffer.withUnsafeBufferPointer { try InputCheck.sniff(UnsafeBufferPointer(rebasing: $0[0..<n]), name: name) }
            }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            let newlines = confirm ? buffer.withUnsafeBufferPointer { countNewlines(UnsafeBufferPointer(rebasing: $0[0..<n])) } : 0
            try idle?.afterRead(newlines: newlines)
        }
    }

    /// Reads all of `input` in chunks into `body`: no sniffing, no signals (`reveal`, which reads its own tokens).
    public static func readLoop(_ input: some FilterInput, name: String, buffer: inout [UInt8],
                                _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if buffer.count < chunkSize { buffer = [UInt8](repeating: 0, count: chunkSize) }
        while true {
            let n = buffer.withUnsafeMutableBytes { input.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<chunkSize])) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FilterError(.read, "\(name): read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    /// Bytes per read on the sequential path.
    public static let chunkSize = 256 * 1024

    /// One input through `ParallelFilter`: line-aligned blocks scanned on `jobs` threads, written in order.
    private func runParallel<Input: FilterInput>(_ input: Input, name: String) throws -> RedactionStats {
        // With auditing on, each block (a batch of whole lines) gets one scan record, in output order.
        let batches = audit.map { FilterAudit.BatchCounter(audit: $0, input: name) }
        let lineCap = options.lineCap
        let (scrubber, operators) = (self.scrubber, self.operators)
        let shared = UncheckedBox((output: output, findings: findings))
        let fingerprinter = findings?.fingerprinter
        let format = findings?.format
        let explain = options.explain && findings != nil
        let filter = ParallelFilter(jobs: options.jobs, blockSize: options.blockSize)
        let outputs = flushOutputs
        let reopen = hooks.reopen
        return try filter.run(
            input: input, name: name, countLines: findings != nil, interrupted: hooks.interrupted,
            inspectFirst: { try InputCheck.sniff($0, name: name) },
            idleMillis: options.idleMillis, onIdle: { for o in outputs { try o.flush() } },
            reopenRequested: { reopen != nil && self.hooks.reopenRequested() }, reopen: { try reopen?() },
            makeProcessor: {
                let lineScanner = LineScanner(ruleSet: scrubber.ruleSet, minConfidence: scrubber.minConfidence)
                let replacement = ReplacementPolicy.using(try operators.makeReplacer())
                // With --explain this worker's scanner records why, and its block reports print it.
                let explainer = explain ? Explainer(scanner: lineScanner) : nil
                return { block, lead, offset, line in
                    let stream = StreamScanner(scanner: lineScanner, lineCap: lineCap)
                    stream.lead(lead)
                    guard let fingerprinter, let format else {
                        var sink = RedactingSink(output: MemoryOutput(capacity: block.count + 4096), observer: NoFindingObserver(),
                                                 policy: replacement)
                        try stream.feed(block, into: &sink)
                        try stream.finish(into: &sink)
                        return .init(output: sink.output.bytes, report: [], stats: sink.stats)
                    }
                    // The block's findings, printed here on the worker with absolute positions.
                    let report = FindingsReporter(format: format, output: nil, fingerprinter: fingerprinter)
                    (report.file, report.baseOffset, report.baseLine) = (name, offset, line)
                    guard let explainer else {
                        var sink = RedactingSink(output: MemoryOutput(capacity: block.count + 4096), observer: report, policy: replacement)
                        try stream.feed(block, into: &sink)
                        try stream.finish(into: &sink)
                        return .init(output: sink.output.bytes, report: report.bytes, records: report.records, stats: sink.stats)
                    }
                    report.explanations = explainer.buffer
                    var sink = ExplainingSink(inner: RedactingSink(output: MemoryOutput(capacity: block.count + 4096),
                                                                   observer: report, policy: replacement),
                                              explainer: explainer)
                    try stream.feed(block, into: &sink)
                    try stream.finish(into: &sink)
                    return .init(output: sink.inner.output.bytes, report: report.bytes, records: report.records,
                                 stats: sink.inner.stats)
                }
            },
            longLine: { feedAll, offset, line in
                let stats = try longLine(feedAll, offset, line)
                try batches?.record(stats)
                return stats
            },
            write: { result in
                try shared.value.output.write(result.output)
                if !result.report.isEmpty || !result.records.isEmpty {
                    try shared.value.findings?.take(bytes: result.report, records: result.records)
                }
                try batches?.record(result.stats)
            })

        /// A line longer than the block cap, streamed through one scanner.
        func longLine(_ feedAll: ((UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void, _ offset: Int, _ line: Int) throws -> RedactionStats {
            // Runs on this thread after the pipeline has drained: the writer is idle.
            let stream = StreamScanner(scanner: LineScanner(ruleSet: scrubber.ruleSet, minConfidence: scrubber.minConfidence),
                                       lineCap: lineCap)
            let replacement = ReplacementPolicy.using(try operators.makeReplacer())
            let explainer = explain ? Explainer(scanner: stream.scanner) : nil
            func run<Observer: FindingObserver>(_ observer: Observer) throws -> RedactionStats {
                guard let explainer else {
                    var sink = RedactingSink(output: shared.value.output, observer: observer, policy: replacement)
                    try feedAll { try stream.feed($0, into: &sink) }
                    try stream.finish(into: &sink)
                    return sink.stats
                }
                var sink = ExplainingSink(inner: RedactingSink(output: shared.value.output, observer: observer,
                                                               policy: replacement), explainer: explainer)
                try feedAll { try stream.feed($0, into: &sink) }
                try stream.finish(into: &sink)
                return sink.inner.stats
            }
            // Findings go straight to the report (a long line may hold very many), with absolute positions.
            guard let writer = shared.value.findings else { return try run(NoFindingObserver()) }
            (writer.file, writer.baseOffset, writer.baseLine) = (name, offset, line)
            let explanations = writer.explanations
            writer.explanations = explainer?.buffer
            defer { (writer.baseOffset, writer.baseLine, writer.explanations) = (0, 1, explanations) }
            return try run(writer)
        }
    }
}

/// What a read loop does between reads: stop at a stop signal, reopen the outputs when asked (SIGHUP after
/// logrotate), flush the outputs after each read (`--line-buffered`) or when a live input went quiet.
public struct ReadPacing {
    public var millis: Int32
    public var outputs: [FileOutput]
    /// Flush after each read's lines are written, not only when the input is quiet.
    public var everyRead: Bool
    /// Confirm each line on standard output after it is flushed (`FilterOptions.confirmLines`).
    public var confirm = false
    public var interrupted: () -> Int32
    public var reopenRequested: () -> Bool
    public var reopen: (() throws -> Void)?

    public init(millis: Int32, outputs: [FileOutput], everyRead: Bool = false, interrupted: @escaping () -> Int32 = { 0 },
                reopenRequested: @escaping () -> Bool = { false }, reopen: (() throws -> Void)? = nil) {
        self.millis = millis
        self.outputs = outputs
        self.everyRead = everyRead
        self.interrupted = interrupted
        self.reopenRequested = reopenRequested
        self.reopen = reopen
    }

    init(pipeline p: FilterPipeline) {
        self.init(millis: p.options.idleMillis, outputs: p.flushOutputs,
                  everyRead: p.options.lineBuffered || p.options.confirmLines,
                  interrupted: p.hooks.interrupted, reopenRequested: p.hooks.reopenRequested, reopen: p.hooks.reopen)
        self.confirm = p.options.confirmLines
    }

    /// Reopens the outputs when asked (called between reads: every line written so far is whole).
    func reopenIfAsked() throws {
        if let reopen, reopenRequested() { try reopen() }
    }

    /// After a read's lines went through: flush them (`everyRead`), then confirm the `newlines` lines it ended.
    func afterRead(newlines: Int) throws {
        if everyRead { for o in outputs { try o.flush() } }
        if confirm && newlines > 0 { try Self.writeConfirmations(newlines) }
    }

    /// Writes `count` lines `OK` to standard output, unbuffered (rsyslog waits for each).
    static func writeConfirmations(_ count: Int) throws(FilterError) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(3 * count)
        for _ in 0..<count { bytes += [0x4F, 0x4B, 0x0A] }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FilterError(.confirm, "standard output: cannot write the confirmation: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Flushes (after `millis` of quiet on `input`) whatever is buffered; for pipes and terminals only.
    func wait(_ input: some FilterInput, active: Bool) throws {
        guard active, millis > 0, outputs.contains(where: \.hasPending), !input.waitReadable(millis: millis) else { return }
        for o in outputs { try o.flush() }
    }
}

extension FilterPipeline {
    /// Findings only (`phiscrub scan`): all of `input` scanned into `observer`, nothing written. `router` routes
    /// JSON (its replacements are thrown away); `explain` (made with `Explainer(scanner: stream.scanner)`, so the
    /// scanner records why as it decides) fills the explanation buffer the observer reads.
    public static func scan<Observer: FindingObserver>(_ input: some FilterInput, name: String, stream: StreamScanner,
                                                       observer: Observer, router: (any InputRouter)?, explain: Explainer?,
                                                       pacing: ReadPacing?) throws -> (stats: RedactionStats, observer: Observer) {
        var buffer: [UInt8] = []
        var sink = RedactingSink(output: NullOutput(), observer: observer)
        func feedAll<S: ScanSink>(_ sink: inout S) throws {
            if let router {
                try readChunks(input, name: name, buffer: &buffer, idle: pacing) { try router.feed($0, into: &sink) }
                try router.finish(into: &sink)
            } else {
                try readChunks(input, name: name, buffer: &buffer, idle: pacing) { try stream.feed($0, into: &sink) }
                try stream.finish(into: &sink)
            }
        }
        if let explain {
            var wrapped = ExplainingSink(inner: sink, explainer: explain)
            defer { sink = wrapped.inner }
            try feedAll(&wrapped)
        } else {
            try feedAll(&sink)
        }
        return (sink.stats, sink.observer)
    }
}

/// Discards output (scan-only runs).
public struct NullOutput: ByteOutput {
    public init() {}
    public mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {}
    public mutating func flush() throws(OutputError) {}
}

/// Hands a non-Sendable reference to threads that the caller serialises itself.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
