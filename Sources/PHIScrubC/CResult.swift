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
    /// The findings as a JSON array (made when first asked for: a caller that reads the text and the findings one by
    /// one never pays for it).
    private var findingsArray: CBytes?
    /// Results of `phiscrub_call_texts`: the output texts are read with `phiscrub_result_texts`, so the whole-answer
    /// JSON leaves them out (it carries findings, counts, invalid and withheld only).
    let textsApart: Bool
    private let lock = Lock()
    private var answerJSON: CBytes?
    /// The output texts of a request with several texts, packed for `phiscrub_result_texts` (made when first asked
    /// for).
    private var packed: PackedTexts?
    /// Per finding: its entity and rule as C strings, freed in deinit.
    private var cStrings: [(entity: UnsafeMutablePointer<CChar>, rule: UnsafeMutablePointer<CChar>)]?

    init(_ response: ServiceResponse, textsApart: Bool = false) {
        self.response = response
        self.textsApart = textsApart
        text = response.text.map(CBytes.init)
    }

    deinit {
        for s in cStrings ?? [] {
            free(s.entity)
            free(s.rule)
        }
    }

    var findings: [Finding] { response.findings ?? [] }

    /// The findings as a JSON array (`findingsJSON(_:)`), made once.
    func findingsJSON() -> CBytes {
        lock.withLock {
            if let findingsArray { return findingsArray }
            let bytes = CBytes(Self.findingsJSON(response))
            findingsArray = bytes
            return bytes
        }
    }

    /// The answer as `serve --stdio` writes it, without the newline (made once, when first asked for).
    func answer() -> CBytes {
        lock.withLock {
            if let answerJSON { return answerJSON }
            var shown = response
            if textsApart { shown.texts = nil }
            var line = ServiceCodec.encode(shown)
            if line.last == 0x0A { line.removeLast() }
            let bytes = CBytes(line)
            answerJSON = bytes
            return bytes
        }
    }

    /// The output texts packed end to end with their offsets, or nil when the answer has no `texts` (made once).
    func texts() -> PackedTexts? {
        lock.withLock {
            if let packed { return packed }
            guard let texts = response.texts else { return nil }
            let p = PackedTexts(texts)
            packed = p
            return p
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
            // Bytes appended one field at a time: string interpolation built and freed several Strings per finding,
            // an eighth of a 2 KB prompt's time through the C ABI.
            if let records = r.findingRecords, i < records.count {
                out.append(contentsOf: #""record":"#.utf8)
                ServiceCodec.appendInt(records[i], to: &out)
                out.append(0x2C)
            }
            out.append(contentsOf: #""entity":"#.utf8)
            JSONWriter.appendString(f.entity.utf8, to: &out)
            out.append(contentsOf: #","start":"#.utf8)
            ServiceCodec.appendInt(f.start, to: &out)
            out.append(contentsOf: #","end":"#.utf8)
            ServiceCodec.appendInt(f.end, to: &out)
            out.append(contentsOf: #","rule":"#.utf8)
            JSONWriter.appendString(f.ruleID.utf8, to: &out)
            out.append(contentsOf: #","confidence":"#.utf8)
            ServiceCodec.appendConfidence(f.confidence, to: &out)
            out.append(0x7D)
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

/// Several texts as one buffer of their bytes end to end (followed by a NUL, not counted) and `count + 1` offsets
/// (text i is `bytes[offsets[i]..<offsets[i+1]]`): the layout of an Apache Arrow large string column, what
/// `phiscrub_result_texts` lends to C. Freed with the result.
final class PackedTexts: @unchecked Sendable {
    let bytes: CBytes
    let offsets: UnsafeMutablePointer<Int64>
    let count: Int

    init(_ texts: [[UInt8]]) {
        count = texts.count
        offsets = UnsafeMutablePointer<Int64>.allocate(capacity: texts.count + 1)
        var all: [UInt8] = []
        all.reserveCapacity(texts.reduce(0) { $0 + $1.count })
        offsets[0] = 0
        for (i, t) in texts.enumerated() {
            all.append(contentsOf: t)
            offsets[i + 1] = Int64(all.count)
        }
        bytes = CBytes(all)
    }

    deinit { offsets.deallocate() }
}
