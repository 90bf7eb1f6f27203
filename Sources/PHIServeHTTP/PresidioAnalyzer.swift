import Foundation
import PHIScan
import PHIScrub

/// `POST /analyze`, answered as Presidio's analyzer answers it, with phiscrub's findings.
///
/// Request: `{"text": "...", "language": "en", "entities": [...], "score_threshold": 0.5,
/// "return_decision_process": true, "ad_hoc_recognizers": [...], ...}`; `text` may be an array of strings (one
/// answer list per string). Answer: a list of `{"analysis_explanation", "end", "entity_type", "score", "start"}`
/// (keys sorted, as Presidio writes them) with offsets in Unicode code points.
struct PresidioAnalyzer {
    let service: PHIService

    struct Failure: Error {
        var status: Int
        var message: String
    }

    /// Fields Presidio's AnalyzerRequest reads; others are refused so a typo does not silently change nothing.
    static let fields: Set<String> = [
        "text", "language", "entities", "correlation_id", "score_threshold", "return_decision_process",
        "ad_hoc_recognizers", "context", "allow_list", "allow_list_match", "regex_flags", "trace",
    ]

    /// One scanned text's results before encoding.
    struct Result {
        var entityType: String
        var start: Int
        var end: Int
        var score: Double
        var rule: String
        var entity: String
    }

    func analyze(body: [UInt8], role: String?) throws(Failure) -> (json: [UInt8], findings: [Finding]) {
        guard let req = JSONValue.parse(body), let obj = req.object else { throw Failure(status: 400, message: "Invalid request json") }
        if obj.keys.contains(where: { !Self.fields.contains($0) }) {
            throw Failure(status: 400, message: "Failed to parse /analyze request: unknown field; fields: \(Self.fields.sorted().joined(separator: ", "))")
        }
        var texts: [String] = []
        var batch = false
        switch obj["text"] {
        case .string(let s)?: texts = [s]
        case .array(let a)?:
            batch = true
            for v in a {
                guard let s = v.string else { throw Failure(status: 400, message: "text must be a string or an array of strings") }
                texts.append(s)
            }
        default: throw Failure(status: 400, message: "No text provided")
        }
        if texts.isEmpty || (!batch && texts[0].isEmpty) { throw Failure(status: 400, message: "No text provided") }
        guard let language = obj["language"]?.string, !language.isEmpty else { throw Failure(status: 400, message: "No language provided") }
        _ = language
        var threshold = 0.0
        if let t = obj["score_threshold"], !t.isNull {
            guard let d = t.number, (0...1).contains(d) else { throw Failure(status: 400, message: "score_threshold must be a number in 0...1") }
            threshold = d
        }
        var wanted: Set<String>?
        if let e = obj["entities"], !e.isNull {
            guard let list = e.array else { throw Failure(status: 400, message: "entities must be a list of entity names") }
            var s = Set<String>()
            for v in list {
                guard let name = v.string else { throw Failure(status: 400, message: "entities must be a list of entity names") }
                s.formUnion(PresidioEntities.phiscrubEntities(name))
            }
            wanted = s
        }
        let explain = obj["return_decision_process"]?.bool ?? false
        let adHoc = try AdHocRecognizer.parse(obj["ad_hoc_recognizers"])
        let allow = try allowList(obj)

        var out = JSONBuilder(capacity: 256)
        var all: [Finding] = []
        if batch { out.raw("[") }
        for (n, text) in texts.enumerated() {
            let bytes = Array(text.utf8)
            var options = ServiceOptions()
            options.role = role
            options.agent = "phiscrub-http"
            let answer = service.handle(ServiceRequest(id: .none, op: .scan, options: options, text: bytes))
            if let e = answer.error {
                throw Failure(status: e.code == .auditFailed ? 503 : 500, message: e.message)
            }
            let findings = answer.findings ?? []
            all.append(contentsOf: findings)
            var offsets: [Int] = []
            offsets.reserveCapacity(findings.count * 2)
            for f in findings { offsets.append(f.start); offsets.append(f.end) }
            let points = CodePointOffsets.codePoints(of: offsets, in: bytes)
            var results: [Result] = []
            for (i, f) in findings.enumerated() {
                results.append(Result(entityType: PresidioEntities.presidioName(f.entity), start: points[2 * i],
                                      end: points[2 * i + 1], score: f.confidence, rule: f.ruleID, entity: f.entity))
            }
            if !adHoc.isEmpty {
                results.append(contentsOf: adHoc.flatMap { $0.results(in: text) })
            }
            results = results.filter { r in
                r.score >= threshold && (wanted.map { $0.contains(r.entity) || $0.contains(r.entityType) } ?? true)
            }
            if let allow {
                let scalars = Array(text.unicodeScalars)
                results = results.filter { r in
                    var s = String.UnicodeScalarView()
                    s.append(contentsOf: scalars[max(0, r.start)..<min(scalars.count, r.end)])
                    return !allow(String(s))
                }
            }
            results.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            if n > 0 { out.raw(",") }
            Self.write(results, explain: explain, to: &out)
        }
        if batch { out.raw("]") }
        return (out.bytes, all)
    }

    /// `allow_list` (words that are never reported) with `allow_list_match` `exact` (default) or `regex`.
    private func allowList(_ obj: [String: JSONValue]) throws(Failure) -> ((String) -> Bool)? {
        guard let a = obj["allow_list"], !a.isNull else { return nil }
        guard let list = a.array?.compactMap(\.string), list.count == a.array?.count else {
            throw Failure(status: 400, message: "allow_list must be a list of strings")
        }
        let mode = obj["allow_list_match"]?.string ?? "exact"
        switch mode {
        case "exact":
            let set = Set(list)
            return { set.contains($0) }
        case "regex":
            var regexes: [NSRegularExpression] = []
            for p in list {
                guard let r = try? NSRegularExpression(pattern: p) else { throw Failure(status: 400, message: "allow_list holds a pattern that does not compile") }
                regexes.append(r)
            }
            return { s in
                let ns = s as NSString
                return regexes.contains { r in
                    r.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)).map { $0.range.length == ns.length } ?? false
                }
            }
        default:
            throw Failure(status: 400, message: "allow_list_match must be exact or regex")
        }
    }

    static func write(_ results: [Result], explain: Bool, to out: inout JSONBuilder) {
        out.raw("[")
        for (i, r) in results.enumerated() {
            if i > 0 { out.raw(", ") }
            out.raw(#"{"analysis_explanation": "#)
            if explain {
                out.raw(#"{"original_score": "#); out.score(r.score)
                out.raw(#", "pattern": null, "pattern_name": "#); out.string(r.rule)
                out.raw(#", "recognizer": "#); out.string(r.entity == "AD_HOC" ? "AdHocRecognizer" : "PhiscrubRecognizer")
                out.raw(#", "score": "#); out.score(r.score)
                out.raw(#", "score_context_improvement": 0, "supportive_context_word": "", "textual_explanation": "#)
                out.string("Identified as \(r.entityType) by phiscrub rule \(r.rule) (phiscrub entity \(r.entity))")
                out.raw(#", "validation_result": null}"#)
            } else {
                out.raw("null")
            }
            out.raw(#", "end": "#); out.int(r.end)
            out.raw(#", "entity_type": "#); out.string(r.entityType)
            if explain {
                out.raw(#", "recognition_metadata": {"recognizer_identifier": "#); out.string(r.rule)
                out.raw(#", "recognizer_name": "#); out.string(r.entity == "AD_HOC" ? "AdHocRecognizer" : "PhiscrubRecognizer")
                out.raw("}")
            }
            out.raw(#", "score": "#); out.score(r.score)
            out.raw(#", "start": "#); out.int(r.start)
            out.raw("}")
        }
        out.raw("]")
    }
}

/// A request's `ad_hoc_recognizers` entry: regular expressions (`patterns`) and words (`deny_list`) reported as
/// `supported_entity`, scored up by 0.35 (at most to 1.0) when one of its `context` words is in the text, as
/// Presidio's context enhancer does by default.
struct AdHocRecognizer {
    var name: String
    var entity: String
    var patterns: [(name: String, regex: NSRegularExpression, score: Double)]
    var denyList: [String]
    var context: [String]

    static func parse(_ v: JSONValue?) throws(PresidioAnalyzer.Failure) -> [AdHocRecognizer] {
        guard let v, !v.isNull else { return [] }
        guard let list = v.array else { throw .init(status: 400, message: "ad_hoc_recognizers must be a list") }
        var out: [AdHocRecognizer] = []
        for r in list {
            guard let entity = r["supported_entity"]?.string else {
                throw .init(status: 400, message: "an ad-hoc recognizer needs supported_entity")
            }
            var rec = AdHocRecognizer(name: r["name"]?.string ?? "AdHocRecognizer", entity: entity, patterns: [],
                                      denyList: r["deny_list"]?.array?.compactMap(\.string) ?? [],
                                      context: r["context"]?.array?.compactMap(\.string) ?? [])
            for p in r["patterns"]?.array ?? [] {
                guard let source = p["regex"]?.string, let regex = try? NSRegularExpression(pattern: source) else {
                    throw .init(status: 400, message: "an ad-hoc recognizer's pattern has no regex or it does not compile")
                }
                rec.patterns.append((p["name"]?.string ?? rec.name, regex, p["score"]?.number ?? 0.5))
            }
            if rec.patterns.isEmpty && rec.denyList.isEmpty {
                throw .init(status: 400, message: "an ad-hoc recognizer needs patterns or a deny_list")
            }
            out.append(rec)
        }
        return out
    }

    func results(in text: String) -> [PresidioAnalyzer.Result] {
        let ns = text as NSString
        let lower = text.lowercased()
        let boost = context.contains { !$0.isEmpty && lower.contains($0.lowercased()) } ? 0.35 : 0
        var out: [PresidioAnalyzer.Result] = []
        // NSRegularExpression ranges are UTF-16; Presidio's offsets are code points.
        let utf16 = Array(text.utf16)
        func points(_ r: NSRange) -> (Int, Int) {
            var p = 0, u = 0
            var start = 0
            while u < r.location + r.length && u < utf16.count {
                if u == r.location { start = p }
                u += UTF16.isLeadSurrogate(utf16[u]) ? 2 : 1
                p += 1
            }
            if r.length == 0 { start = p }
            return (start, p)
        }
        for pattern in patterns {
            for m in pattern.regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) where m.range.length > 0 {
                let (s, e) = points(m.range)
                out.append(.init(entityType: entity, start: s, end: e, score: min(1, pattern.score + boost),
                                 rule: pattern.name, entity: "AD_HOC"))
            }
        }
        for word in denyList where !word.isEmpty {
            let escaped = NSRegularExpression.escapedPattern(for: word)
            guard let r = try? NSRegularExpression(pattern: "(?<!\\w)\(escaped)(?!\\w)") else { continue }
            for m in r.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let (s, e) = points(m.range)
                out.append(.init(entityType: entity, start: s, end: e, score: 1.0, rule: name, entity: "AD_HOC"))
            }
        }
        return out
    }
}
