import PHICompliance
import PHIScan
import PHITransform

/// The records path of `PHIService`: many texts in one request (`texts`), JSON-aware cleaning (`options.json`: each
/// text is a JSON text, as a JSON Lines record in `phiscrub batch`; `options.key`: each text is a string value under
/// that key), findings per text with keyed fingerprints, or counts per entity only. Data-pipeline front ends (the
/// PySpark integration in bindings/python) send thousands of records per request through it, so the cost of a
/// request is paid once per batch, and their output is the output `phiscrub batch` writes for the same records.
///
/// JSON cleaning lives in `PHIBatch` (which depends on this module), so it is linked in through
/// `ServiceJSONSupport` by the front end (`phiscrub serve` passes batch's).
public protocol ServiceJSONSupport: Sendable {
    /// A cleaner for one request: the request's operators, keys and confidence floor. Throws `keys` when an
    /// operator needs keys there are none of.
    func makeCleaner(scrubber: Scrubber, policy: TransformPolicy, keys: (any KeyProvider)?,
                     minConfidence: Double) throws(ServiceError) -> any ServiceJSONCleaner
}

/// Cleans the texts of one request, one at a time (not thread-safe).
public protocol ServiceJSONCleaner: AnyObject {
    /// `text` cleaned as one JSON text (findings point at its bytes: widened to whole escapes, and for JSON inside a
    /// string the whole string), or nil when it is not one JSON value. A text of only whitespace comes back as it is.
    func cleanJSON(_ text: [UInt8], fingerprint: ((UnsafeBufferPointer<UInt8>) -> String)?) throws(ServiceError) -> ServiceCleanedText?
    /// `value` cleaned as the string value of `key` in a JSON object (findings point at bytes of `value`; for JSON
    /// inside the value, the whole value).
    func cleanValue(_ value: [UInt8], key: String, fingerprint: ((UnsafeBufferPointer<UInt8>) -> String)?) throws(ServiceError) -> ServiceCleanedText
}

/// One cleaned text: the output, the findings (offsets into the input text), their fingerprints when asked for,
/// and how many strings or lines were withheld.
public struct ServiceCleanedText: Sendable {
    public var text: [UInt8]
    public var findings: [Finding]
    public var fingerprints: [String]
    public var withheld: Int

    public init(text: [UInt8], findings: [Finding] = [], fingerprints: [String] = [], withheld: Int = 0) {
        self.text = text
        self.findings = findings
        self.fingerprints = fingerprints
        self.withheld = withheld
    }
}

extension PHIService {
    /// Answers a request with `texts`, `options.json`, `options.key`, `options.findings` or `options.fingerprints`.
    func records(_ request: ServiceRequest) throws(ServiceError) -> ServiceResponse {
        let o = request.options
        switch request.op {
        case .scan, .redact, .transform: break
        default:
            throw ServiceError(.invalidOption, "texts, options.json, options.key, options.findings and options.fingerprints apply to ops scan, redact and transform")
        }
        if request.op != .transform { try refuseOperators(o, op: request.op) }
        if o.json == true && o.key != nil { throw ServiceError(.invalidOption, "give options.json or options.key, not both") }
        let confidence = try minConfidence(o)
        let policy = try self.policy(o, forceRedact: request.op != .transform)
        let listFindings = o.findings ?? true
        var fingerprint: ((UnsafeBufferPointer<UInt8>) -> String)?
        if o.fingerprints == true {
            guard let fingerprinter else {
                throw ServiceError(.keys, "options.fingerprints needs keys (--keyring, $PHISCRUB_KEYRING, $PHISCRUB_KEYS or $PHISCRUB_KEY): fingerprints use the keys' fingerprint subkey")
            }
            fingerprint = { fingerprinter.fingerprint(UnsafeRawBufferPointer($0)) }
        }
        var cleaner: (any ServiceJSONCleaner)?
        if o.json == true || o.key != nil {
            guard let json else { throw ServiceError(.invalidOption, "options.json and options.key need JSON support, which this front end does not link") }
            cleaner = try json.makeCleaner(scrubber: scrubber, policy: policy, keys: keys, minConfidence: confidence)
        }
        let texts = request.texts ?? [request.text]
        var outputs: [[UInt8]] = []
        outputs.reserveCapacity(texts.count)
        var findings: [Finding] = []
        var owners: [Int] = []
        var prints: [String] = []
        var counts: [String: Int] = [:]
        var invalid: [Int] = []
        var withheld = 0
        for (i, text) in texts.enumerated() {
            var cleaned: ServiceCleanedText
            if let cleaner, let key = o.key {
                cleaned = try cleaner.cleanValue(text, key: key, fingerprint: fingerprint)
            } else if let cleaner, let c = try cleaner.cleanJSON(text, fingerprint: fingerprint) {
                cleaned = c
            } else {
                if cleaner != nil { invalid.append(i) }
                // Text: the filter's path, as batch cleans a .log line or a record that is not JSON.
                let r = try transform(ServiceRequest(id: .none, op: request.op, options: o, text: text),
                                      minConfidence: confidence, policy: policy)
                cleaned = ServiceCleanedText(text: r.text ?? [], findings: r.findings ?? [], withheld: r.withheld)
                if let fingerprint {
                    text.withUnsafeBufferPointer { t in
                        for f in cleaned.findings {
                            cleaned.fingerprints.append(fingerprint(UnsafeBufferPointer(rebasing: t[f.start..<f.end])))
                        }
                    }
                }
            }
            withheld += cleaned.withheld
            if request.op != .scan { outputs.append(cleaned.text) }
            findings.append(contentsOf: cleaned.findings)
            if listFindings {
                owners.append(contentsOf: repeatElement(i, count: cleaned.findings.count))
                prints.append(contentsOf: cleaned.fingerprints)
            } else {
                for f in cleaned.findings { counts[f.entity, default: 0] += 1 }
            }
        }
        var r = ServiceResponse(id: request.id)
        if request.texts != nil {
            if request.op != .scan { r.texts = outputs }
            if listFindings { r.findingRecords = owners }
            if cleaner != nil && o.key == nil { r.invalid = invalid }
        } else if request.op != .scan {
            r.text = outputs.first
        }
        // With options.findings false the findings stay for the audit record but are not encoded: `counts` answers.
        r.findings = findings
        if listFindings {
            if fingerprint != nil { r.fingerprints = prints }
        } else {
            r.counts = counts
        }
        if request.texts == nil && !invalid.isEmpty { r.invalid = invalid }
        r.withheld = withheld
        return r
    }
}
