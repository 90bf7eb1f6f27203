import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform
import Testing

/// The filter as a library call: `FilterPipeline` from a `MemoryInput` into file outputs, with findings and audit.
/// All data is fictional (555-01xx numbers, invalid-area SSNs are not used where a validator must accept them,
/// example.com addresses).
@Suite("Filter pipeline")
struct FilterPipelineTests {
    static let rules = try! RuleSet.loadDefault()
    let scrubber = Scrubber(ruleSet: FilterPipelineTests.rules)

    /// A log of `lines` lines, some with PHI, one CRLF line, bytes outside ASCII and a line longer than any block.
    static func workload(lines: Int = 3000) -> [UInt8] {
        var text: [UInt8] = []
        for i in 0..<lines {
            switch i % 7 {
            case 0: text += Array("2026-01-02T03:04:05Z INFO patient SSN 365-94-\(1000 + i % 9000) checked in\n".utf8)
            case 1: text += Array("call back on (312) 555-01\(10 + i % 90), mail jane.roe\(i)@example.com\r\n".utf8)
            case 2: text += Array("GET /api/v1/items?id=\(i) 200 12ms\n".utf8)
            case 3: text += Array("note: Café José DOB: 03/14/1961 MRN: 400228\(10 + i % 90)\n".utf8)
            // A sign-off, and the name on the next line (blocks end between the two).
            case 4: text += Array("Sincerely,\nSabrel Yarnold\n".utf8)
            // An address card: its head, a blank line, a street with no street type, a unit, the city (blocks end
            // between any two).
            case 5 where i % 3 == 0: text += Array("Leonard Arntsen\n\n353 Buerlia 227\n Apt. 391\n SANDEFJORD\n".utf8)
            default: text += Array("worker \(i) heartbeat ok\n".utf8)
            }
            if i == lines / 2 {
                text += [UInt8](repeating: UInt8(ascii: "x"), count: 40_000) + Array(" SSN 365-94-0475 ".utf8)
                text += [UInt8](repeating: UInt8(ascii: "y"), count: 30_000) + [0x0A]
            }
        }
        return text + Array("last line without newline, phone 312-555-0142".utf8)
    }

    struct Run {
        var output: [UInt8]
        var findings: [UInt8]
        var stats: RedactionStats
    }

    /// Runs the pipeline over `input` with `jobs` workers and small blocks (so a few hundred KB make many blocks).
    func run(_ input: [UInt8], jobs: Int, policy: TransformPolicy = TransformPolicy(), keys: (any KeyProvider)? = nil,
             findings: Bool = true, audit: FilterAudit? = nil, chunk: Int = 7_777, explain: Bool = false) throws -> Run {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let out = try scratch.output("out")
        let report = try scratch.output("findings")
        var options = FilterOptions()
        options.jobs = jobs
        options.blockSize = 4096
        options.explain = explain
        let fingerprinter = try Fingerprinter(key: [UInt8](repeating: 7, count: 32))
        let pipeline = try FilterPipeline(
            scrubber: scrubber, operators: scrubber.operators(policy: policy, keys: keys), options: options, output: out,
            findings: findings ? FindingsReporter(format: JSONLinesFormat(), output: report, fingerprinter: fingerprinter) : nil,
            audit: audit)
        let result = try pipeline.run(MemoryInput(input, chunk: chunk), name: "t.log")
        try pipeline.finish()
        return Run(output: try scratch.read("out"), findings: try scratch.read("findings"), stats: result.stats)
    }

    @Test func sequentialAndParallelRunsWriteTheSameBytes() throws {
        let input = Self.workload()
        let one = try run(input, jobs: 1)
        for jobs in [2, 3] {
            let many = try run(input, jobs: jobs, chunk: 65_536)
            #expect(many.output == one.output, "output, \(jobs) jobs")
            #expect(many.findings == one.findings, "findings, \(jobs) jobs")
            #expect(many.stats.findings == one.stats.findings)
        }
        #expect(one.stats.findings > 1000)
        #expect(one.stats.bytesIn == input.count)
        let text = String(decoding: one.output, as: UTF8.self)
        #expect(text.contains("patient SSN [SSN] checked in\n"))
        #expect(text.contains("call back on [PHONE], mail [EMAIL]\r\n"))
        #expect(!text.contains("365-94-0475"))
        #expect(text.hasSuffix("last line without newline, phone [PHONE]"))
        #expect(!text.contains("Sabrel") && text.contains("Sincerely,\n[NAME]\n"))
        #expect(!text.contains("Buerlia") && !text.contains("SANDEFJORD") && text.contains("[NAME]\n\n[ADDRESS]\n [ADDRESS]\n [CITY]\n"))
    }

    /// --explain runs on every job: the scanners record why as they decide, so blocks, the long line and the lines
    /// outside ASCII are explained on their own threads, with the same report as one job.
    @Test func explainedRunsWriteTheSameBytesOnAnyNumberOfJobs() throws {
        let input = Self.workload()
        let one = try run(input, jobs: 1, explain: true)
        let plain = try run(input, jobs: 1)
        #expect(one.output == plain.output)
        for jobs in [2, 3] {
            let many = try run(input, jobs: jobs, chunk: 65_536, explain: true)
            #expect(many.output == one.output, "output, \(jobs) jobs")
            #expect(many.findings == one.findings, "findings, \(jobs) jobs")
        }
        let lines = String(decoding: one.findings, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == one.stats.findings && lines.count > 1000)
        let unexplained = lines.filter { !$0.contains(#""explain":{"rule":"#) }
        #expect(unexplained.isEmpty, "\(unexplained.count) findings without an explanation, e.g. \(unexplained.prefix(2))")
        // Each explanation names the rule of its own finding.
        for line in lines.prefix(200) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((object["explain"] as? [String: Any])?["rule"] as? String == object["rule"] as? String)
        }
    }

    @Test func theSameWithAnOperatorThatNeedsKeys() throws {
        let keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])
        var policy = TransformPolicy()
        policy.defaultAction = .token
        policy.entityActions = ["PHONE": .mask, "DATE": .generalize]
        let input = Self.workload(lines: 1500)
        let one = try run(input, jobs: 1, policy: policy, keys: keys, findings: false)
        let two = try run(input, jobs: 2, policy: policy, keys: keys, findings: false)
        #expect(one.output == two.output)
        #expect(String(decoding: one.output, as: UTF8.self).contains("[SSN:tok:"))
        #expect(one.findings.isEmpty)
    }

    @Test func findingsPointAtTheirBytesAndNeverHoldThem() throws {
        let input = Self.workload(lines: 700)
        let r = try run(input, jobs: 2)
        let records = try jsonLines(r.findings)
        #expect(records.count == r.stats.findings)
        var lineStarts = [0]
        for (i, b) in input.enumerated() where b == 0x0A { lineStarts.append(i + 1) }
        for rec in records {
            let offset = try #require(rec["offset"] as? Int), length = try #require(rec["length"] as? Int)
            let line = try #require(rec["line"] as? Int), column = try #require(rec["column"] as? Int)
            #expect(rec["file"] as? String == "t.log")
            #expect(lineStarts[line - 1] + column - 1 == offset)
            let value = String(decoding: input[offset..<(offset + length)], as: UTF8.self)
            if rec["entity"] as? String == "SSN" { #expect(value.hasPrefix("365-94-")) }
            #expect(!String(decoding: r.findings, as: UTF8.self).contains(value))
        }
        let last = try #require(records.last)
        #expect(last["entity"] as? String == "PHONE")
        #expect(last["line"] as? Int == lineStarts.count)
    }

    @Test func auditRecordsCountEveryByteAndFindingButNoValue() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])
        let key = try keys.subkey(.audit, version: nil)
        let input = Self.workload()
        var totals: [Int: (bytes: Int, findings: Int, records: Int)] = [:]
        for jobs in [1, 2] {
            // A log of its own per run (and its own witness file beside it).
            let base = scratch.path("run\(jobs)")
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            var config = try ConfigLoader.parse(ExampleConfig.text, file: "phiscrub.yaml", baseDirectory: base)
            config.audit.osAppendOnly = false
            let log = try AuditLog(settings: config.audit, signingKey: key.bytes, keyVersion: key.version)
            let r = try run(input, jobs: jobs, audit: FilterAudit(config: config, audit: log, role: nil, user: "tester"))
            let text = try String(contentsOfFile: config.audit.directory + "/" + AuditFiles.segmentName(1), encoding: .utf8)
            #expect(!text.contains("365-94-"))
            #expect(!text.contains("example.com"))
            let scans = try jsonLines(Array(text.utf8)).filter { $0["event"] as? String == "scan" }
            var bytes = 0, findings = 0
            for (i, rec) in scans.enumerated() {
                let details = try #require(rec["details"] as? [String: Any])
                #expect(details["batch"] as? Int == i + 1)
                #expect(rec["resource"] as? String == "t.log")
                bytes += details["bytes"] as? Int ?? 0
                findings += details["findings"] as? Int ?? 0
            }
            #expect(bytes == input.count)
            #expect(findings == r.stats.findings)
            totals[jobs] = (bytes, findings, scans.count)
        }
        #expect(totals[1]!.findings == totals[2]!.findings)
        // One record per 256 KiB batch on one thread, one per block with jobs.
        #expect(totals[2]!.records > totals[1]!.records)
    }

    @Test func compressedInputIsRefusedBeforeAnythingIsWritten() throws {
        let gz: [UInt8] = [0x1F, 0x8B, 0x08, 0x00] + Array("SSN 365-94-0475\n".utf8)
        for jobs in [1, 2] {
            #expect(throws: FilterError.self) { _ = try run(gz, jobs: jobs) }
            do { _ = try run(gz, jobs: jobs) } catch let error as FilterError {
                #expect(error.code == .refused)
                #expect(error.message.hasPrefix("t.log: gzip-compressed input"))
            }
        }
    }

    @Test func scanOnlyReportsTheFilterFindings() throws {
        let input = Self.workload(lines: 300)
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let report = try scratch.output("scan")
        let writer = FindingsReporter(format: JSONLinesFormat(), output: report,
                                      fingerprinter: try Fingerprinter(key: [UInt8](repeating: 7, count: 32)))
        writer.file = "t.log"
        let (stats, _) = try FilterPipeline.scan(MemoryInput(input), name: "t.log", stream: scrubber.makeStreamScanner(),
                                                 observer: writer, router: nil, explain: nil, pacing: nil)
        try report.flush()
        let filtered = try run(input, jobs: 1)
        #expect(try scratch.read("scan") == filtered.findings)
        #expect(stats.findings == filtered.stats.findings)
    }
}

/// A scratch directory for output files.
struct Scratch {
    let url: URL
    private final class Files: @unchecked Sendable { var fds: [Int32] = [] }
    private let files = Files()

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-lib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A buffered output into `name` (created 0600).
    func output(_ name: String) throws -> FileOutput {
        let fd = open(path(name), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        files.fds.append(fd)
        return FileOutput(fd: fd, name: name)
    }

    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: url.appendingPathComponent(name))) }

    func cleanup() {
        for fd in files.fds { close(fd) }
        try? FileManager.default.removeItem(at: url)
    }
}

func jsonLines(_ bytes: [UInt8]) throws -> [[String: Any]] {
    try bytes.split(separator: 0x0A).map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
    }
}
