import Foundation
import PHIScan

/// One finding as a report shows it: where it is (absolute offset, 1-based line and byte column), what it is, and
/// a keyed fingerprint of the value; never the value.
public struct FindingRecord: Sendable {
    /// The input, as shown (its PHI redacted).
    public var file: String
    public var finding: Finding
    public var offset: Int
    public var line: Int
    public var column: Int
    public var fingerprint: String
    /// With a keyring fingerprint key: the finding's identity across runs (see `FindingsReporter.stable`).
    public var findingHash: String?
    /// With `--explain`: why it was reported.
    public var explanation: FindingExplanation?

    public init(file: String, finding: Finding, offset: Int, line: Int, column: Int, fingerprint: String,
                findingHash: String? = nil, explanation: FindingExplanation? = nil) {
        self.file = file
        self.finding = finding
        self.offset = offset
        self.line = line
        self.column = column
        self.fingerprint = fingerprint
        self.findingHash = findingHash
        self.explanation = explanation
    }
}

/// A findings report format. Line formats print each record as it comes (on any thread: a parallel run prints a
/// block's records on its worker); document formats keep the records and print them at the end. To add a format:
/// a type here and a case where the command picks it.
public protocol FindingsFormat: Sendable {
    /// Line formats: appends one record. Document formats do nothing here (they print in `end`).
    func append(_ record: FindingRecord, to out: inout [UInt8])
    /// Whether `end` needs every record of the run.
    var keepsRecords: Bool { get }
    /// The bytes after the last record: the whole document for document formats, nothing for line formats.
    func end(_ records: [FindingRecord]) throws -> [UInt8]
}

extension FindingsFormat {
    public var keepsRecords: Bool { false }
    public func end(_ records: [FindingRecord]) throws -> [UInt8] { [] }
}

/// JSON Lines, one object per finding: file, line, column, offset, length, entity, rule, confidence, fingerprint
/// and, with `--explain`, `"explain": {...}` (`FindingExplanation.json`).
public struct JSONLinesFormat: FindingsFormat {
    public init() {}

    public func append(_ r: FindingRecord, to out: inout [UInt8]) {
        let f = r.finding
        out.append(contentsOf: #"{"file":"#.utf8)
        JSONWriter.appendString(r.file.utf8, to: &out)
        out.append(contentsOf: ",\"line\":\(r.line),\"column\":\(r.column),\"offset\":\(r.offset),\"length\":\(f.length),\"entity\":".utf8)
        JSONWriter.appendString(f.entity.utf8, to: &out)
        out.append(contentsOf: #","rule":"#.utf8)
        JSONWriter.appendString(f.ruleID.utf8, to: &out)
        out.append(contentsOf: ",\"confidence\":\(JSONWriter.number(f.confidence)),\"fingerprint\":\"\(r.fingerprint)\"".utf8)
        if let e = r.explanation {
            out.append(contentsOf: #","explain":"#.utf8)
            out.append(contentsOf: e.json.utf8)
        }
        out.append(contentsOf: "}\n".utf8)
    }
}

/// SARIF 2.1.0: one run, one reportingDescriptor per rule, one result per finding (no values), written at the end.
public struct SARIFFormat: FindingsFormat {
    public let rules: RuleSet
    /// The `tool.driver.version` field.
    public let toolVersion: String

    public init(rules: RuleSet, toolVersion: String) {
        self.rules = rules
        self.toolVersion = toolVersion
    }

    public func append(_ record: FindingRecord, to out: inout [UInt8]) {}
    public var keepsRecords: Bool { true }

    public func end(_ records: [FindingRecord]) throws -> [UInt8] {
        Array(try report(records)) + [0x0A]
    }

    struct Log: Encodable {
        var version = "2.1.0"
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case version, schema = "$schema", runs }
    }
    struct Run: Encodable { var tool: Tool; var results: [Result] }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name = "phiscrub"
        var version: String
        var informationUri = "https://example.org/phiscrub"
        var rules: [Descriptor]
    }
    struct Descriptor: Encodable {
        var id: String
        var name: String
        var shortDescription: Text
        var properties: [String: String]
    }
    struct Text: Encodable { var text: String }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level = "warning"
        var message: Text
        var locations: [Location]
        var partialFingerprints: [String: String]
        var properties: [String: Double]
    }
    struct Location: Encodable { var physicalLocation: Physical }
    struct Physical: Encodable { var artifactLocation: Artifact; var region: Region }
    struct Artifact: Encodable { var uri: String }
    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int
        var byteOffset: Int
        var byteLength: Int
    }

    /// The document (Foundation's encoder, sorted keys: SARIF consumers read it as a whole, not in a hot loop).
    func report(_ records: [FindingRecord]) throws -> Data {
        let ids = rules.rules.map(\.rule.id)
        let index = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let descriptors = rules.rules.map {
            Descriptor(id: $0.rule.id, name: $0.rule.entity, shortDescription: Text(text: "\($0.rule.entity) (\($0.rule.category.rawValue))"),
                       properties: ["category": $0.rule.category.rawValue])
        }
        let results = records.map { e in
            Result(ruleId: e.finding.ruleID, ruleIndex: index[e.finding.ruleID] ?? 0,
                   message: Text(text: "\(e.finding.entity) found"),
                   locations: [Location(physicalLocation: Physical(
                       artifactLocation: Artifact(uri: e.file == "-" ? "stdin" : e.file),
                       region: Region(startLine: e.line, startColumn: e.column, byteOffset: e.offset,
                                      byteLength: e.finding.length)))],
                   partialFingerprints: e.findingHash.map { ["valueHash/v1": e.fingerprint, "findingHash/v1": $0] }
                       ?? ["valueHash/v1": e.fingerprint],
                   properties: ["confidence": e.finding.confidence])
        }
        let log = Log(runs: [Run(tool: Tool(driver: Driver(version: toolVersion, rules: descriptors)), results: results)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(log)
    }
}
