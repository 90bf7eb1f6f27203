import PHICompliance
import PHIScan
import PHITransform

/// Turns the findings a sink observes into a report in one `FindingsFormat`: each finding's record (absolute
/// position, keyed fingerprint, explanation) printed to `output` as it comes, or kept for a document format.
/// Never the value: it is only fingerprinted.
public final class FindingsReporter: FindingObserver {
    public let format: any FindingsFormat
    /// Where the report goes; nil keeps the printed bytes in `bytes` (a block of a parallel run).
    public let output: FileOutput?
    public let fingerprinter: Fingerprinter
    /// The fingerprint key is the keyring's (not random per run): each record also gets `findingHash`, an HMAC of
    /// its file, rule, value and which occurrence of that value in that file under that rule it is, so the same
    /// finding in the same place gets the same hash in every run, and moving it to another line does not change it.
    public let stable: Bool
    /// The input being scanned, as shown (its PHI redacted).
    public var file = "-"
    /// Absolute offset and 1-based line number of what the observed scanner calls offset 0 and line 1 (a block,
    /// or a long line, of a parallel run).
    public var baseOffset = 0
    public var baseLine = 1
    /// With `--explain`: each finding's explanation, added to its record.
    public var explanations: ExplanationBuffer?
    /// Printed bytes not written to an output (no `output`).
    public var bytes: [UInt8] = []
    /// The records a document format keeps until `finish`.
    public var records: [FindingRecord] = []
    public private(set) var count = 0
    private var occurrences: [[UInt8]: Int] = [:]
    private var scratch: [UInt8] = []

    public init(format: any FindingsFormat, output: FileOutput?, fingerprinter: Fingerprinter, stable: Bool = false) {
        self.format = format
        self.output = output
        self.fingerprinter = fingerprinter
        self.stable = stable
    }

    public func observe(_ f: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws {
        count += 1
        var findingHash: String?
        if stable {
            var identity = Array(file.utf8) + [0] + Array(f.ruleID.utf8) + [0]
            identity += value
            let key = identity.withUnsafeBytes { fingerprinter.mac($0) }
            let n = occurrences[key, default: 0]
            occurrences[key] = n + 1
            identity = key + Array(":\(n)".utf8)
            findingHash = identity.withUnsafeBytes { fingerprinter.fingerprint($0) }
        }
        try add(FindingRecord(file: file, finding: f, offset: f.start + baseOffset, line: lineNumber + baseLine - 1,
                              column: column, fingerprint: fingerprinter.fingerprint(UnsafeRawBufferPointer(value)),
                              findingHash: findingHash, explanation: explanations?.byStart[f.start]))
    }

    /// Prints (or keeps) one record.
    public func add(_ record: FindingRecord) throws {
        if format.keepsRecords {
            records.append(record)
            return
        }
        guard let output else {
            format.append(record, to: &bytes)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        format.append(record, to: &scratch)
        try output.write(scratch)
    }

    /// Takes over what another reporter of the same format printed (`bytes`) or kept (`records`): a block of a
    /// parallel run, or one file of a parallel scan, in order.
    public func take(bytes printed: [UInt8], records kept: [FindingRecord]) throws {
        records += kept
        if !printed.isEmpty {
            if let output { try output.write(printed) } else { bytes += printed }
        }
    }

    /// The end of the report: a document format prints its document now.
    public func finish() throws {
        guard format.keepsRecords else { return }
        let end = try format.end(records)
        if let output { try output.write(end) } else { bytes += end }
    }
}
