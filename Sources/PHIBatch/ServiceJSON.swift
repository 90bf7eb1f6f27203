import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform
import PHILock

/// Batch's JSON rewriting for the service (`options.json`, `options.key`; see `ServiceRecords.swift` in PHIScrub):
/// the same `JSONRewriter`, key contexts and replacers as `phiscrub batch`, so a record cleaned through
/// `phiscrub serve` is byte for byte the record batch writes. Value scanners (per-thread scanner state) are kept
/// between requests.
public struct BatchJSONSupport: ServiceJSONSupport {
    let pool = ValueScannerPool()

    public init() {}

    public func makeCleaner(scrubber: Scrubber, policy: TransformPolicy, keys: (any KeyProvider)?,
                            minConfidence: Double) throws(ServiceError) -> any ServiceJSONCleaner {
        let replacer: any FindingReplacer
        do {
            replacer = try scrubber.operators(policy: policy, keys: policy.needsKeys ? keys : nil).makeReplacer()
        } catch let error as TransformError {
            throw ServiceError(error.code == .keys ? .keys : .invalidOption, error.message)
        } catch {
            throw ServiceError(.keys, "the operators' keys cannot be used")
        }
        let values = pool.take(scrubber: scrubber)
        values.stream.scanner.minConfidence = minConfidence
        return BatchServiceJSONCleaner(values: values, replacer: replacer, pool: pool)
    }
}

/// Value scanners kept for reuse (at most 64, as many as requests ever ran at once).
final class ValueScannerPool: @unchecked Sendable {
    private let lock = Lock()
    private var free: [ValueScanner] = []

    func take(scrubber: Scrubber) -> ValueScanner {
        let v = lock.withLock { free.popLast() }
        return v ?? ValueScanner(scrubber: scrubber, lineCap: StreamScanner.defaultLineCap)
    }

    func put(_ v: ValueScanner) {
        lock.withLock { if free.count < 64 { free.append(v) } }
    }
}

final class BatchServiceJSONCleaner: ServiceJSONCleaner {
    let rewriter: JSONRewriter
    let pool: ValueScannerPool
    private var out: [UInt8] = []

    init(values: ValueScanner, replacer: any FindingReplacer, pool: ValueScannerPool) {
        rewriter = JSONRewriter(values: values, transform: replacer)
        self.pool = pool
    }

    deinit { pool.put(rewriter.values) }

    func cleanJSON(_ text: [UInt8], fingerprint: ((UnsafeBufferPointer<UInt8>) -> String)?) throws(ServiceError) -> ServiceCleanedText? {
        // A blank record stays as it is (batch writes it unchanged).
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return ServiceCleanedText(text: text) }
        var findings: [Finding] = []
        var prints: [String] = []
        rewriter.counts = CleanCounts()
        rewriter.onFinding = { f, range, value in
            var g = f
            g.start = range.lowerBound
            g.end = range.upperBound
            findings.append(g)
            if let fingerprint { prints.append(fingerprint(value)) }
        }
        defer { rewriter.onFinding = nil }
        out.removeAll(keepingCapacity: true)
        do {
            try text.withUnsafeBufferPointer { try rewriter.rewrite($0, into: &out) }
        } catch is JSONSyntaxError {
            return nil
        } catch let error as TransformError {
            // Fail closed: no text when an operator failed.
            throw ServiceError(.transformFailed, error.message)
        } catch {
            throw ServiceError(.transformFailed, "the transform failed")
        }
        return ServiceCleanedText(text: out, findings: findings, fingerprints: prints, withheld: rewriter.counts.withheld)
    }

    func cleanValue(_ value: [UInt8], key: String, fingerprint: ((UnsafeBufferPointer<UInt8>) -> String)?) throws(ServiceError) -> ServiceCleanedText {
        // The value as the only member of an object under `key`: exactly what batch does with {"key": "value"}.
        var wrapped: [UInt8] = [0x7B, 0x22]
        JSONString.encode(Array(key.utf8), into: &wrapped)
        wrapped.append(contentsOf: [0x22, 0x3A, 0x22])
        let prefix = wrapped.count
        JSONString.encode(value, into: &wrapped)
        let rawCount = wrapped.count - prefix
        wrapped.append(contentsOf: [0x22, 0x7D])
        guard var cleaned = try cleanJSON(wrapped, fingerprint: fingerprint) else {
            throw ServiceError(.internalError, "a value wrapped as JSON did not parse")
        }
        // The output is the same wrapper around the new escaped value.
        let newRaw = cleaned.text[prefix..<(cleaned.text.count - 2)]
        var decoded: [UInt8] = []
        var units: [Int32] = []
        if cleaned.findings.isEmpty && cleaned.withheld == 0 {
            decoded = value
        } else {
            Array(newRaw).withUnsafeBufferPointer { JSONString.decode($0, into: &decoded, units: &units) }
        }
        // Findings: offsets into the escaped value, mapped back to bytes of `value`.
        if !cleaned.findings.isEmpty {
            var map: [Int32] = []  // value byte -> escaped offset
            if rawCount != value.count {
                var scratch: [UInt8] = []
                Array(wrapped[prefix..<(prefix + rawCount)]).withUnsafeBufferPointer { JSONString.decode($0, into: &scratch, units: &map) }
            }
            func toValue(_ raw: Int) -> Int {
                if map.isEmpty { return min(max(raw, 0), value.count) }
                var lo = 0, hi = map.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if Int(map[mid]) < raw { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
            for i in cleaned.findings.indices {
                cleaned.findings[i].start = toValue(cleaned.findings[i].start - prefix)
                cleaned.findings[i].end = toValue(cleaned.findings[i].end - prefix)
            }
        }
        cleaned.text = decoded
        return cleaned
    }
}
