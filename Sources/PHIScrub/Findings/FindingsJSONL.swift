import PHICompliance
import PHIScan
import PHITransform

/// Writes findings as JSON Lines: position, entity, rule, confidence and a keyed fingerprint, never the value.
public final class FindingsJSONLWriter: FindingObserver {
    public let output: FileOutput
    public let fingerprinter: Fingerprinter
    /// The input being scanned, as given on the command line.
    public var file = "-"
    /// Absolute offset and 1-based line number of what the observed scanner calls offset 0 and line 1 (a long line
    /// of a parallel run streamed through its own scanner).
    public var baseOffset = 0
    public var baseLine = 1
    /// With `--explain`: each finding's explanation, added as `"explain": {...}`.
    public var explanations: ExplanationBuffer?
    public private(set) var count = 0

    public init(output: FileOutput, fingerprinter: Fingerprinter) {
        self.output = output
        self.fingerprinter = fingerprinter
    }

    public func observe(_ f: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws {
        count += 1
        try output.write(Self.record(file: file, finding: f, offset: f.start + baseOffset, line: lineNumber + baseLine - 1, column: column,
                                     fingerprint: fingerprinter.fingerprint(UnsafeRawBufferPointer(value)),
                                     explain: explanations?.byStart[f.start]?.json))
    }

    /// One JSON Lines record (`explain`: the `--explain` object, if any).
    public static func record(file: String, finding f: Finding, offset: Int, line: Int, column: Int, fingerprint: String,
                       explain: String? = nil) -> [UInt8] {
        var text = "{\"file\":\(JSONWriter.quote(file)),\"line\":\(line),\"column\":\(column),"
        text += "\"offset\":\(offset),\"length\":\(f.length),\"entity\":\(JSONWriter.quote(f.entity)),"
        text += "\"rule\":\(JSONWriter.quote(f.ruleID)),\"confidence\":\(JSONWriter.number(f.confidence)),\"fingerprint\":\"\(fingerprint)\""
        if let explain { text += ",\"explain\":" + explain }
        text += "}\n"
        return Array(text.utf8)
    }
}

/// Findings JSON Lines for one block of a parallel run, in memory, with offsets and line numbers made absolute.
/// Without a fingerprinter (no `--findings`) it records nothing.
public struct FindingsJSONLBuffer: FindingObserver {
    public let file: String
    public let fingerprinter: Fingerprinter?
    /// Absolute offset and 1-based line number of the block's first byte.
    public let baseOffset: Int
    public let baseLine: Int
    public var bytes: [UInt8] = []

    public init(file: String, fingerprinter: Fingerprinter?, baseOffset: Int, baseLine: Int) {
        self.file = file
        self.fingerprinter = fingerprinter
        self.baseOffset = baseOffset
        self.baseLine = baseLine
    }

    public mutating func observe(_ f: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws {
        guard let fingerprinter else { return }
        bytes += FindingsJSONLWriter.record(file: file, finding: f, offset: f.start + baseOffset, line: lineNumber + baseLine - 1,
                                            column: column, fingerprint: fingerprinter.fingerprint(UnsafeRawBufferPointer(value)))
    }
}

/// Collects findings for a SARIF report.
public final class FindingsCollector: FindingObserver {
    public struct Entry {
        public var file: String
        public var finding: Finding
        public var line: Int
        public var column: Int
        public var fingerprint: String
        /// With a keyring fingerprint key: the finding's identity across runs (see `FindingsCollector.stable`).
        public var findingHash: String?
    }
    public let fingerprinter: Fingerprinter
    /// The fingerprint key is the keyring's (not random per run): each finding also gets `findingHash`, an HMAC of
    /// its file, rule, value and which occurrence of that value in that file under that rule it is, so the same
    /// finding in the same place gets the same hash in every run, and moving it to another line does not change it.
    public let stable: Bool
    public var file = "-"
    public var entries: [Entry] = []
    private var occurrences: [[UInt8]: Int] = [:]

    public init(fingerprinter: Fingerprinter, stable: Bool = false) {
        self.fingerprinter = fingerprinter
        self.stable = stable
    }

    public func observe(_ f: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws {
        var findingHash: String?
        if stable {
            var identity = Array(file.utf8) + [0] + Array(f.ruleID.utf8) + [0]
            identity += value
            let key = fingerprinter.mac(UnsafeRawBufferPointer(UnsafeBufferPointer(start: identity, count: identity.count)))
            let n = occurrences[key, default: 0]
            occurrences[key] = n + 1
            identity = key + Array(":\(n)".utf8)
            findingHash = identity.withUnsafeBytes { fingerprinter.fingerprint($0) }
        }
        entries.append(Entry(file: file, finding: f, line: lineNumber, column: column,
                             fingerprint: fingerprinter.fingerprint(UnsafeRawBufferPointer(value)), findingHash: findingHash))
    }
}

