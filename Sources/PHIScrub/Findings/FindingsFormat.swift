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
/// a type in `Findings/` and a case of `FindingsFormatName`.
public protocol FindingsFormat: Sendable {
    /// Line formats: appends one record. Document formats do nothing here (they print in `end`).
    func append(_ record: FindingRecord, to out: inout [UInt8])
    /// Whether `end` needs every record of the run.
    var keepsRecords: Bool { get }
    /// The bytes after the last record: the whole document for document formats, nothing for line formats.
    func end(_ records: [FindingRecord]) throws -> [UInt8]
    /// Whether records carry and print explanations (`--explain`); default false.
    var explains: Bool { get }
    /// Whether records carry the finding's identity across runs (`FindingRecord.findingHash`, with a keyring
    /// fingerprint key); default false.
    var showsFindingHash: Bool { get }
}

extension FindingsFormat {
    public var keepsRecords: Bool { false }
    public func end(_ records: [FindingRecord]) throws -> [UInt8] { [] }
    public var explains: Bool { false }
    public var showsFindingHash: Bool { false }
}

/// The findings formats by the name `scan --format` takes, and the format each name makes. Adding a format is its
/// type and a case here.
public enum FindingsFormatName: String, Sendable, CaseIterable {
    /// `JSONLinesFormat`.
    case jsonl
    /// `SARIFFormat`.
    case sarif
    /// `GitHubAnnotationsFormat`: GitHub Actions workflow commands, one annotation per finding.
    case github

    /// The format, for findings of `rules` reported by `toolVersion`.
    public func make(rules: RuleSet, toolVersion: String) -> any FindingsFormat {
        switch self {
        case .jsonl: JSONLinesFormat()
        case .sarif: SARIFFormat(rules: rules, toolVersion: toolVersion)
        case .github: GitHubAnnotationsFormat()
        }
    }
}

/// JSON Lines, one object per finding: file, line, column, offset, length, entity, rule, confidence, fingerprint
/// and, with `--explain`, `"explain": {...}` (`FindingExplanation.json`).
public struct JSONLinesFormat: FindingsFormat {
    public init() {}
    public var explains: Bool { true }

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
    public var showsFindingHash: Bool { true }

    public func end(_ records: [FindingRecord]) throws -> [UInt8] {
        report(records) + [0x0A]
    }

    /// The document, written through `JSONWriter` with its keys in sorted order (the order SARIF consumers and the
    /// tests have always seen): one run, the rules as reporting descriptors, one result per record.
    func report(_ records: [FindingRecord]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024 + records.count * 400)
        func key(_ k: String) {
            JSONWriter.appendString(k.utf8, to: &out)
            out.append(0x3A)
        }
        func string(_ k: String, _ v: String) {
            key(k)
            JSONWriter.appendString(v.utf8, to: &out)
        }
        func raw(_ s: String) { out.append(contentsOf: s.utf8) }
        let ids = rules.rules.map(\.rule.id)
        let index = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        raw("{")
        string("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
        raw(",")
        key("runs")
        raw("[{")
        key("results")
        raw("[")
        for (i, e) in records.enumerated() {
            if i > 0 { raw(",") }
            raw("{")
            string("level", "warning")
            raw(",")
            key("locations")
            raw("[{")
            key("physicalLocation")
            raw("{")
            key("artifactLocation")
            raw("{")
            string("uri", e.file == "-" ? "stdin" : e.file)
            raw("},")
            key("region")
            raw("{\"byteLength\":\(e.finding.length),\"byteOffset\":\(e.offset),\"startColumn\":\(e.column),\"startLine\":\(e.line)}")
            raw("}}],")
            key("message")
            raw("{")
            string("text", "\(e.finding.entity) found")
            raw("},")
            key("partialFingerprints")
            raw("{")
            if let hash = e.findingHash {
                string("findingHash/v1", hash)
                raw(",")
            }
            string("valueHash/v1", e.fingerprint)
            raw("},")
            key("properties")
            raw("{")
            key("confidence")
            raw(Self.number(e.finding.confidence))
            raw("},")
            string("ruleId", e.finding.ruleID)
            raw(",\"ruleIndex\":\(index[e.finding.ruleID] ?? 0)}")
        }
        raw("],")
        key("tool")
        raw("{")
        key("driver")
        raw("{")
        string("informationUri", "https://example.org/phiscrub")
        raw(",")
        string("name", "phiscrub")
        raw(",")
        key("rules")
        raw("[")
        for (i, r) in rules.rules.enumerated() {
            if i > 0 { raw(",") }
            raw("{")
            string("id", r.rule.id)
            raw(",")
            string("name", r.rule.entity)
            raw(",")
            key("properties")
            raw("{")
            string("category", r.rule.category.rawValue)
            raw("},")
            key("shortDescription")
            raw("{")
            string("text", "\(r.rule.entity) (\(r.rule.category.rawValue))")
            raw("}}")
        }
        raw("],")
        string("version", toolVersion)
        raw("}}}],")
        string("version", "2.1.0")
        raw("}")
        return out
    }

    /// A confidence as JSON numbers have always shown it here: the shortest form that reads back as the same
    /// double, integral values without a fraction (`1`, not `1.0`).
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }
}
