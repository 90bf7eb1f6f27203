import Foundation
import PHILock

/// Counters for `GET /metrics` in Prometheus' text format: requests by route and status, latency histograms by
/// route, request bytes, findings per entity. Never values, never request text.
final class ServeMetrics: @unchecked Sendable {
    private let lock = Lock()
    private var requests: [String: Int] = [:]          // "route\u{0}status"
    private var bucketsByRoute: [String: [Int]] = [:]
    private var sumByRoute: [String: Double] = [:]
    private var countByRoute: [String: Int] = [:]
    private var bytesIn = 0
    private var findings: [String: Int] = [:]
    private var inFlight = 0
    private let started = Date()
    /// Latency bucket upper bounds in seconds.
    static let bounds: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5]

    /// Counts a request in; false (and not counted) when `limit` are already being answered.
    func begin(limit: Int) -> Bool {
        lock.withLock {
            guard inFlight < limit else { return false }
            inFlight += 1
            return true
        }
    }

    /// A request refused before it was counted in (503 when busy).
    func refused(route: String, status: Int) {
        lock.withLock { requests["\(route)\u{0}\(status)", default: 0] += 1 }
    }

    func end(route: String, status: Int, seconds: Double, bytes: Int, entities: [String]) {
        lock.withLock {
            inFlight -= 1
            requests["\(route)\u{0}\(status)", default: 0] += 1
            var b = bucketsByRoute[route] ?? [Int](repeating: 0, count: Self.bounds.count)
            if let i = Self.bounds.firstIndex(where: { seconds <= $0 }) { b[i] += 1 }
            bucketsByRoute[route] = b
            sumByRoute[route, default: 0] += seconds
            countByRoute[route, default: 0] += 1
            bytesIn += bytes
            for e in entities { findings[e, default: 0] += 1 }
        }
    }

    func render() -> String {
        lock.withLock { renderLocked() }
    }

    /// `render` with the lock held.
    private func renderLocked() -> String {
        var s = ""
        s += "# HELP phiscrub_http_requests_total HTTP requests answered, by route and status.\n"
        s += "# TYPE phiscrub_http_requests_total counter\n"
        for (k, v) in requests.sorted(by: { $0.key < $1.key }) {
            let parts = k.split(separator: "\u{0}", omittingEmptySubsequences: false)
            s += "phiscrub_http_requests_total{route=\"\(parts[0])\",status=\"\(parts[1])\"} \(v)\n"
        }
        s += "# HELP phiscrub_http_request_duration_seconds Time from the request's head to its answer, by route.\n"
        s += "# TYPE phiscrub_http_request_duration_seconds histogram\n"
        for route in bucketsByRoute.keys.sorted() {
            var cumulative = 0
            for (i, bound) in Self.bounds.enumerated() {
                cumulative += bucketsByRoute[route]![i]
                s += "phiscrub_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            s += "phiscrub_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(countByRoute[route]!)\n"
            s += "phiscrub_http_request_duration_seconds_sum{route=\"\(route)\"} \(sumByRoute[route]!)\n"
            s += "phiscrub_http_request_duration_seconds_count{route=\"\(route)\"} \(countByRoute[route]!)\n"
        }
        s += "# HELP phiscrub_http_request_bytes_total Request body bytes read.\n"
        s += "# TYPE phiscrub_http_request_bytes_total counter\n"
        s += "phiscrub_http_request_bytes_total \(bytesIn)\n"
        s += "# HELP phiscrub_findings_total Findings reported, by phiscrub entity.\n"
        s += "# TYPE phiscrub_findings_total counter\n"
        for (k, v) in findings.sorted(by: { $0.key < $1.key }) { s += "phiscrub_findings_total{entity=\"\(k)\"} \(v)\n" }
        s += "# HELP phiscrub_http_in_flight Requests being answered.\n"
        s += "# TYPE phiscrub_http_in_flight gauge\n"
        s += "phiscrub_http_in_flight \(inFlight)\n"
        s += "# HELP phiscrub_uptime_seconds Seconds since the service started.\n"
        s += "# TYPE phiscrub_uptime_seconds gauge\n"
        s += "phiscrub_uptime_seconds \(Int(Date().timeIntervalSince(started)))\n"
        return s
    }
}
