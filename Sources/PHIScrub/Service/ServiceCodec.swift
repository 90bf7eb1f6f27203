import Foundation
import PHIScan

/// The JSON Lines wire format of the service (docs/serve.md): one request object per line in, one answer object per
/// line out. Shared by every front end that speaks JSON.
///
/// Request: `{"id": 7, "op": "redact", "text": "...", "options": {"min_confidence": 0.5}}`.
/// Answer: `{"id": 7, "ok": true, "text": "...", "findings": [{"entity": "SSN", "start": 4, "end": 15,
/// "rule": "ssn-labelled", "confidence": 0.95}]}` or `{"id": 7, "ok": false, "error": {"code": "unknown_op",
/// "message": "..."}}`.
public enum ServiceCodec {
    /// Decodes one line (without its newline), or the error to answer it with and the id when it could be read.
    /// One pass over the bytes (`ServiceRequestParser`); `decodeWithFoundation` is the reference it agrees with.
    public static func decode(_ line: [UInt8]) -> Result<ServiceRequest, DecodeFailure> {
        guard let fields = ServiceRequestParser.parse(line) else { return .failure(notJSON(line.count)) }
        return request(fields)
    }

    /// The same decoding through Foundation's `JSONDecoder` (what the service used before the one-pass parser):
    /// kept as the reference the parser's tests compare against.
    static func decodeWithFoundation(_ line: [UInt8]) -> Result<ServiceRequest, DecodeFailure> {
        let wire: WireRequest
        do {
            wire = try JSONDecoder().decode(WireRequest.self, from: Data(line))
        } catch {
            return .failure(notJSON(line.count))
        }
        var fields = ServiceRequestParser.Fields()
        fields.id = wire.id
        fields.op = wire.op
        fields.text = wire.text.map { Array($0.utf8) }
        fields.texts = wire.texts.map { $0.map { Array($0.utf8) } }
        fields.options = wire.options
        fields.problem = wire.problem
        return request(fields)
    }

    /// Never echo a decoder's message: it can quote the text.
    private static func notJSON(_ bytes: Int) -> DecodeFailure {
        DecodeFailure(id: .none, error: ServiceError(.invalidJSON, "the line (\(bytes) bytes) is not a JSON object"))
    }

    /// The request the fields of a line make, or the error to answer it with.
    private static func request(_ wire: ServiceRequestParser.Fields) -> Result<ServiceRequest, DecodeFailure> {
        let id = wire.id
        if let problem = wire.problem { return .failure(DecodeFailure(id: id, error: problem)) }
        guard let opName = wire.op else {
            return .failure(DecodeFailure(id: id, error: ServiceError(.invalidRequest, "the request has no \"op\" string")))
        }
        guard let op = ServiceOperation(rawValue: opName) else {
            // The op name is caller text: list the known ones instead of echoing it.
            return .failure(DecodeFailure(id: id, error: ServiceError(.unknownOp,
                "unknown op; expected one of \(ServiceOperation.allCases.map(\.rawValue).joined(separator: ", "))")))
        }
        if wire.text == nil && wire.texts == nil && op != .endSession {
            return .failure(DecodeFailure(id: id, error: ServiceError(.invalidRequest, "the request has no \"text\" string")))
        }
        if wire.text != nil && wire.texts != nil {
            return .failure(DecodeFailure(id: id, error: ServiceError(.invalidRequest, "give \"text\" or \"texts\", not both")))
        }
        var request = ServiceRequest(id: id, op: op, options: wire.options ?? ServiceOptions(), text: wire.text ?? [])
        request.texts = wire.texts
        return .success(request)
    }

    /// Decodes the wire's `options` object alone (every option and check as in a request line, by the same one-pass
    /// parser), for front ends that carry the text outside JSON (the C ABI, `PHIScrubC`). The error never quotes
    /// the JSON.
    public static func decodeOptions(_ json: [UInt8]) -> Result<ServiceOptions, ServiceError> {
        let notObject = ServiceError(.invalidOption, "the options (\(json.count) bytes) are not one JSON object")
        guard json.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == 0x7B else { return .failure(notObject) }
        guard let wire = ServiceRequestParser.parse(Array(#"{"options":"#.utf8) + json + [0x7D]) else {
            return .failure(notObject)
        }
        if let problem = wire.problem { return .failure(problem) }
        // Anything but `options` decoded: the bytes were more than one object (`{},"op":...`).
        if wire.op != nil || wire.text != nil || wire.texts != nil || wire.id != .none { return .failure(notObject) }
        return .success(wire.options ?? ServiceOptions())
    }

    /// A line that could not become a request: the id (when found) and the error to answer with.
    public struct DecodeFailure: Error, Sendable {
        public var id: ServiceID
        public var error: ServiceError
    }

    /// Decodes, runs and encodes one line: the whole protocol for one request. The answer ends with a newline.
    public static func handle(line: [UInt8], service: PHIService) -> [UInt8] {
        answer(line: line, service: service).bytes
    }

    /// The answer line and whether it is an error answer.
    static func answer(line: [UInt8], service: PHIService) -> (bytes: [UInt8], failed: Bool) {
        switch decode(line) {
        case .success(let request):
            let r = service.handle(request)
            return (encode(r), r.error != nil)
        case .failure(let f):
            return (encode(ServiceResponse(id: f.id, error: f.error)), true)
        }
    }

    /// One answer as a JSON line (with its trailing newline).
    public static func encode(_ r: ServiceResponse) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((r.text?.count ?? 0) + 64 + (r.findings?.count ?? 0) * 80)
        out.append(contentsOf: #"{"id":"#.utf8)
        switch r.id {
        case .string(let s): appendString(s.utf8, to: &out)
        case .int(let i): appendInt(i, to: &out)
        case .none: out.append(contentsOf: "null".utf8)
        }
        if let e = r.error {
            out.append(contentsOf: #","ok":false,"error":{"code":"#.utf8)
            appendString(e.code.rawValue.utf8, to: &out)
            out.append(contentsOf: #","message":"#.utf8)
            appendString(e.message.utf8, to: &out)
            out.append(contentsOf: "}}\n".utf8)
            return out
        }
        out.append(contentsOf: #","ok":true"#.utf8)
        if let allowed = r.allowed { out.append(contentsOf: (allowed ? #","allowed":true"# : #","allowed":false"#).utf8) }
        if let reason = r.reason {
            out.append(contentsOf: #","reason":"#.utf8)
            appendString(reason.utf8, to: &out)
        }
        if let text = r.text {
            out.append(contentsOf: #","text":"#.utf8)
            appendText(text, to: &out)
        }
        if let texts = r.texts {
            out.append(contentsOf: #","texts":["#.utf8)
            for (i, text) in texts.enumerated() {
                if i > 0 { out.append(0x2C) }
                appendText(text, to: &out)
            }
            out.append(0x5D)
        }
        // `counts` instead of findings when the request asked for counts only (options.findings false).
        if let findings = r.findings, r.counts == nil {
            out.append(contentsOf: #","findings":["#.utf8)
            for (i, f) in findings.enumerated() {
                if i > 0 { out.append(0x2C) }
                out.append(contentsOf: #"{"#.utf8)
                if let records = r.findingRecords, i < records.count {
                    out.append(contentsOf: #""record":"#.utf8)
                    appendInt(records[i], to: &out)
                    out.append(0x2C)
                }
                out.append(contentsOf: #""entity":"#.utf8)
                appendString(f.entity.utf8, to: &out)
                out.append(contentsOf: #","start":"#.utf8)
                appendInt(f.start, to: &out)
                out.append(contentsOf: #","end":"#.utf8)
                appendInt(f.end, to: &out)
                out.append(contentsOf: #","rule":"#.utf8)
                appendString(f.ruleID.utf8, to: &out)
                out.append(contentsOf: #","confidence":"#.utf8)
                appendConfidence(f.confidence, to: &out)
                if let prints = r.fingerprints, i < prints.count {
                    out.append(contentsOf: #","fingerprint":"#.utf8)
                    appendString(prints[i].utf8, to: &out)
                }
                out.append(0x7D)
            }
            out.append(0x5D)
        }
        if let invalid = r.invalid, !invalid.isEmpty {
            out.append(contentsOf: #","invalid":["#.utf8)
            out.append(contentsOf: invalid.map(String.init).joined(separator: ",").utf8)
            out.append(0x5D)
        }
        if let counts = r.counts {
            out.append(contentsOf: #","counts":{"#.utf8)
            for (i, (k, v)) in counts.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out.append(0x2C) }
                appendString(k.utf8, to: &out)
                out.append(contentsOf: ":\(v)".utf8)
            }
            out.append(0x7D)
        }
        if let alerts = r.alerts {
            out.append(contentsOf: #","alerts":["#.utf8)
            for (i, a) in alerts.enumerated() {
                if i > 0 { out.append(0x2C) }
                appendString(a.utf8, to: &out)
            }
            out.append(0x5D)
        }
        if r.withheld > 0 { out.append(contentsOf: #","withheld":\#(r.withheld)"#.utf8) }
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// An output text as a JSON string. It came from a JSON string, so it is valid UTF-8 unless an operator split a
    /// character; repaired then.
    static func appendText(_ text: [UInt8], to out: inout [UInt8]) {
        if String(validating: text, as: UTF8.self) != nil {
            appendString(text, to: &out)
        } else {
            appendString(String(decoding: text, as: UTF8.self).utf8, to: &out)
        }
    }

    /// Confidence with at most 4 decimals (scores are computed to that precision anyway).
    public static func confidence(_ c: Double) -> String {
        var out: [UInt8] = []
        appendConfidence(c, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `confidence(c)` appended as bytes, without a String (a few hundred instructions less per finding).
    public static func appendConfidence(_ c: Double, to out: inout [UInt8]) {
        let scaled = (c * 10_000).rounded()
        guard scaled.isFinite, abs(scaled) < 1e15 else { out.append(0x30); return }
        var n = Int(scaled)
        if n < 0 {
            out.append(0x2D)
            n = -n
        }
        appendInt(n / 10_000, to: &out)
        var frac = n % 10_000
        guard frac != 0 else { return }
        out.append(0x2E)
        var digits = 4
        while frac % 10 == 0 {
            frac /= 10
            digits -= 1
        }
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            out.append(0x30 + UInt8(frac / divisor % 10))
            divisor /= 10
        }
    }

    /// A decimal integer appended as bytes.
    public static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2D) }
        var m = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = 0x30 + UInt8(m % 10)
                m /= 10
                count += 1
            } while m > 0
            out.append(contentsOf: d[(20 - count)...])
        }
    }

    /// A JSON string literal (the one writer, `JSONWriter`).
    static func appendString<S: Sequence>(_ bytes: S, to out: inout [UInt8]) where S.Element == UInt8 {
        JSONWriter.appendString(bytes, to: &out)
    }
}

/// The request as it is on the wire. Decoding never fails on a field's type: the first problem is kept so the answer
/// can still carry the id.
struct WireRequest: Decodable {
    var id: ServiceID = .none
    var op: String?
    var text: String?
    var texts: [String]?
    var options: ServiceOptions?
    var problem: ServiceError?

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let fields: Set<String> = ["id", "op", "text", "texts", "options"]
    static let optionFields = ["operator", "operators", "min_confidence", "context", "subject", "mask_keep",
                               "role", "agent", "user", "tool", "provider", "region", "json", "key", "findings",
                               "fingerprints", "view_role"]

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func note(_ e: ServiceError) { if problem == nil { problem = e } }
        let idKey = Key(stringValue: "id")
        if c.contains(idKey), !((try? c.decodeNil(forKey: idKey)) ?? false) {
            if let i = try? c.decode(Int.self, forKey: idKey) {
                id = .int(i)
            } else if let s = try? c.decode(String.self, forKey: idKey) {
                id = .string(s)
            } else {
                note(ServiceError(.invalidRequest, "\"id\" must be a string or an integer"))
            }
        }
        if c.contains(Key(stringValue: "op")) {
            op = try? c.decode(String.self, forKey: Key(stringValue: "op"))
            if op == nil { note(ServiceError(.invalidRequest, "\"op\" must be a string")) }
        }
        if c.contains(Key(stringValue: "text")) {
            text = try? c.decode(String.self, forKey: Key(stringValue: "text"))
            if text == nil { note(ServiceError(.invalidRequest, "\"text\" must be a string")) }
        }
        if c.contains(Key(stringValue: "texts")) {
            texts = try? c.decode([String].self, forKey: Key(stringValue: "texts"))
            if texts == nil { note(ServiceError(.invalidRequest, "\"texts\" must be an array of strings")) }
        }
        if c.allKeys.contains(where: { !Self.fields.contains($0.stringValue) }) {
            // The field's name is caller text: name the known ones instead.
            note(ServiceError(.invalidRequest, "unknown field in the request; fields: id, op, text, texts, options"))
        }
        let optionsKey = Key(stringValue: "options")
        guard c.contains(optionsKey), !((try? c.decodeNil(forKey: optionsKey)) ?? false) else { return }
        guard let o = try? c.nestedContainer(keyedBy: Key.self, forKey: optionsKey) else {
            note(ServiceError(.invalidRequest, "\"options\" must be an object"))
            return
        }
        var options = ServiceOptions()
        for k in o.allKeys {
            let name = k.stringValue
            func string() -> String? {
                guard let s = try? o.decode(String.self, forKey: k) else {
                    note(ServiceError(.invalidOption, "options.\(name) must be a string"))
                    return nil
                }
                return s
            }
            switch name {
            case "operator": options.defaultOperator = string()
            case "operators":
                if let m = try? o.decode([String: String].self, forKey: k) { options.operators = m } else {
                    note(ServiceError(.invalidOption, "options.operators must map entity names to operator names"))
                }
            case "min_confidence":
                if let d = try? o.decode(Double.self, forKey: k) { options.minConfidence = d } else {
                    note(ServiceError(.invalidOption, "options.min_confidence must be a number in 0...1"))
                }
            case "mask_keep":
                if let n = try? o.decode(Int.self, forKey: k) { options.maskKeep = n } else {
                    note(ServiceError(.invalidOption, "options.mask_keep must be an integer 0...64"))
                }
            case "context": options.context = string()
            case "subject": options.subject = string()
            case "role": options.role = string()
            case "agent": options.agent = string()
            case "user": options.user = string()
            case "tool": options.tool = string()
            case "provider": options.provider = string()
            case "region": options.region = string()
            case "key": options.key = string()
            case "view_role": options.viewRole = string()
            case "json", "findings", "fingerprints":
                guard let b = try? o.decode(Bool.self, forKey: k) else {
                    note(ServiceError(.invalidOption, "options.\(name) must be true or false"))
                    continue
                }
                if name == "json" { options.json = b } else if name == "findings" { options.findings = b } else { options.fingerprints = b }
            default:
                note(ServiceError(.invalidOption, "unknown option; options: \(Self.optionFields.joined(separator: ", "))"))
            }
        }
        self.options = options
    }
}
