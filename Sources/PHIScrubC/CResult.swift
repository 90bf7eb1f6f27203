import Foundation
import PHIScan
import PHIScrub
import PHILock

/// What a `phiscrub_result *` points at: one answer, with its parts laid out as C reads them. The text and the
/// findings JSON are made when the answer arrives (every caller reads them); the whole-answer JSON and the C strings
/// of `phiscrub_result_finding` only when first asked for, under a lock, so accessors may run on several threads.
final class CResult: @unchecked Sendable {
    let response: ServiceResponse
    /// The output text, or nil.
    let text: CBytes?
    /// The findings as a JSON array.
    let findingsJSON: CBytes
    private let lock = Lock()
    private var answerJSON: CBytes?
    /// Per finding: its entity and rule as C strings, freed in deinit.
    private var cStrings: [(entity: UnsafeMutablePointer<CChar>, rule: UnsafeMutablePointer<CChar>)]?

    init(_ response: ServiceResponse) {
        self.response = response
        text = response.text.map(CBytes.init)
        findingsJSON = CBytes(Self.findingsJSON(response))
    }

    deinit {
        for s in cStrings ?? [] {
            free(s.entity)
            free(s.rule)
        }
    }

    var findings: [Finding] { response.findings ?? [] }

    /// The answer as `serve --stdio` writes it, without the newline (made once, when first asked for).
    func answer() -> CBytes {
        lock.withLock {
            if let answerJSON { return answerJSON }
            var line = ServiceCodec.encode(response)
            if line.last == 0x0A { line.removeLast() }
            let bytes = CBytes(line)
            answerJSON = bytes
            return bytes
        }
    }

    /// The C strings of finding `i` (valid until the result is freed).
    func strings(at i: Int) -> (entity: UnsafeMutablePointer<CChar>, rule: UnsafeMutablePointer<CChar>) {
        lock.withLock {
            if cStrings == nil {
                cStrings = findings.map { (strdup($0.entity)!, strdup($0.ruleID)!) }
            }
            return cStrings![i]
        }
    }

    /// `[{"entity":..,"start":..,"end":..,"rule":..,"confidence":..}]`, with `record` for requests of several texts:
    /// the objects of the wire's `findings` (`ServiceCodec`), never a value. Fingerprints, when asked for, are in the
    /// whole answer.
    static func findingsJSON(_ r: ServiceResponse) -> [UInt8] {
        let findings = r.findings ?? []
        var out: [UInt8] = []
        out.reserveCapacity(2 + findings.count * 80)
        out.append(0x5B)
        for (i, f) in findings.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(0x7B)
            if let records = r.findingRecords, i < records.count { out.append(contentsOf: #""record":\#(records[i]),"#.utf8) }
            out.append(contentsOf: #""entity":"#.utf8)
            JSONWriter.appendString(f.entity.utf8, to: &out)
            out.append(contentsOf: #","start":\#(f.start),"end":\#(f.end),"rule":"#.utf8)
            JSONWriter.appendString(f.ruleID.utf8, to: &out)
            out.append(contentsOf: #","confidence":\#(ServiceCodec.confidence(f.confidence))}"#.utf8)
        }
        out.append(0x5D)
        return out
    }
}

/// Bytes in memory of their own, followed by a NUL (not counted), at an address that never moves: what
/// `phiscrub_result_get` lends to C. Freed with the result.
final class CBytes: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count + 1)
        bytes.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { pointer.initialize(from: base, count: b.count) }
        }
        pointer[bytes.count] = 0
    }

    deinit { pointer.deallocate() }

    /// The bytes as C characters (NUL-terminated).
    var cString: UnsafePointer<CChar> { UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self) }
}
