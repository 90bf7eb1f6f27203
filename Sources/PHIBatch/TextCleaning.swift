import PHIScan
import PHITransform

/// Line mode (`.log`, `.txt`): a scan sink that writes each segment with its findings replaced through the batch
/// transform; a segment that could not be scanned completely is written as `[WITHHELD]` (line ending kept), as
/// the filter does. Collects into a byte buffer the caller drains to the output file.
struct TextSink: ScanSink {
    let transform: any FindingReplacer
    let file: String
    var out: [UInt8] = []
    var counts = CleanCounts()

    mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                          incident: ScanIncident?) throws {
        if bytes.last == 0x0A { counts.records += findings.isEmpty && incident == nil ? countNewlines(bytes) : 1 }
        if incident != nil {
            counts.withheld += 1
            _ = Splice.withheld(bytes) { out.append(contentsOf: $0) }
            return
        }
        _ = try Splice.segment(bytes, offset: offset, findings: findings, replace: { f, value in
            let token = try transform.replacement(for: f, value: value)
            counts.findingsByEntity[f.entity, default: 0] += 1
            return token
        }, write: { out.append(contentsOf: $0) })
    }

    mutating func cleanLines(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, newlines: Int) throws {
        counts.records += newlines
        out.append(contentsOf: bytes)
    }
}

/// Binary detection, as git and ripgrep do it: a NUL byte in the first 8 KiB.
enum BinaryCheck {
    static let window = 8 * 1024
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(window).contains(0)
    }
}
