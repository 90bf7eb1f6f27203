import PHICompliance
import PHIScan
import PHITransform

/// Writes findings as JSON Lines: position, entity, rule, confidence and a keyed fingerprint, never the value.
final class FindingsJSONLWriter: FindingObserver {
    let output: FileOutput
    let fingerprinter: Fingerprinter
    /// The input being scanned, as given on the command line.
    var file = "-"
    /// Absolute offset and 1-based line number of what the observed scanner calls offset 0 and line 1 (a long line
    /// of a parallel run streamed through its own scanner).
    var baseOffset = 0
    var baseLine = 1
    /// With `--explain`: each finding's explanation, added as `"explain": {...}`.
    var explanations: ExplanationBuffer?
    private(set) var count = 0

    init(output: FileOutput, fingerprinter: Fingerprinter) {
        self.output = output
        self.fingerprinter = fingerprinter
    }

    func observe(_ f: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws {
        count += 1
        try output.write(Self.record(file: file, finding: f, offset: f.start + baseOffset, line: lineNumber + baseLine - 1, column: column,
                                     fingerprint: fingerprinter.fingerprint(UnsafeRawBufferPointer(value)),
                                     explain: explanations?.byStart[f.start]?.json))
    }

    /// One JSON Lines record (`explain`: the `--explain` object, if any).
    static func record(file: String, finding f: Finding, offset: Int, line: Int, column: Int, fingerprint: String,
                       explain: String? = nil) -> [UInt8] {
        var text = "{\"file\":\(JSON.quote(file)),\"line\":\(line),\"column\":\(column),"
        text += "\"offset\":\(offset),\"length\":\(f.length),\"entity\":\(JSON.quote(f.entity)),"
        text += "\"rule\":\(JSON.quote(f.ruleID)),\"confidence\":\(JSON.number(f.confidence)),\"fingerprint\":\"\(fingerprint)\""
        if let explain { text += ",\"explain\":" + explain }
        text += "}\n"
        return Array(text.utf8)
    }
}

/// Findings JSON Lines for one block of a parallel run, in memory, with offsets and line numbers made absolute.
/// Without a fingerprinter (no `--findings`) it records nothing.
struct FindingsJSONLBuffer: FindingObserver {
    let file: String
    let fingerprinter: Fingerprinter?
    /// Absolute offset and 1-based line number of the block's first byte.
    let baseOffset: Int
    let baseLine: Int
    var bytes: [UInt8] = []

    mutating func observe(_ f: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws {
        guard let fingerprinter else { return }
        bytes += FindingsJSONLWriter.record(file: file, finding: f, offset: f.start + baseOffset, line: lineNumber + baseLine - 1,
                                            column: column, fingerprint: fingerprinter.fingerprint(UnsafeRawBufferPointer(value)))
    }
}

/// Collects findings for a SARIF report.
final class FindingsCollector: FindingObserver {
    struct Entry {
        var file: String
        var finding: Finding
        var line: Int
        var column: Int
        var fingerprint: String
        /// With a keyring fingerprint key: the finding's identity across runs (see `FindingsCollector.stable`).
        var findingHash: String?
    }
    let fingerprinter: Fingerprinter
    /// The fingerprint key is the keyring's (not random per run): each finding also gets `findingHash`, an HMAC of
    /// its file, rule, value and which occurrence of that value in that file under that rule it is, so the same
    /// finding in the same place gets the same hash in every run, and moving it to another line does not change it.
    let stable: Bool
    var file = "-"
    var entries: [Entry] = []
    private var occurrences: [[UInt8]: Int] = [:]

    init(fingerprinter: Fingerprinter, stable: Bool = false) {
        self.fingerprinter = fingerprinter
        self.stable = stable
    }

    func observe(_ f: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws {
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

/// Minimal JSON text helpers for hand-written hot-path records.
enum JSON {
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func number(_ d: Double) -> String {
        let scaled = (d * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
