import COpenSSL
import Foundation
import PHICompliance

/// `POST /anonymize`, as Presidio's anonymizer service does it: the caller's `analyzer_results` (code point offsets)
/// are applied to `text` with the operator of `anonymizers[entity_type]`, else `anonymizers.DEFAULT`, else
/// `replace` with `<ENTITY_TYPE>`.
///
/// Like Presidio: results of one entity type that overlap are merged, a result inside another (or at the same
/// offsets with a lower score) is dropped, adjacent results of one type separated only by spaces are merged, and
/// the answer's `items` run from the end of the text to its start with offsets into the output text. Unlike
/// Presidio, two results of different types that still overlap partly keep the overlap for the higher score (not
/// both rewritten over each other).
struct PresidioAnonymizer {
    struct Failure: Error {
        var status: Int
        var message: String
    }

    struct Span {
        var start: Int
        var end: Int
        var entity: String
        var score: Double
    }

    enum Operator {
        case replace(String?)
        case redact
        case mask(char: Unicode.Scalar, count: Int, fromEnd: Bool)
        case hash(sha512: Bool, salt: [UInt8]?)
        case encrypt(key: [UInt8])
        case keep

        var name: String {
            switch self {
            case .replace: "replace"
            case .redact: "redact"
            case .mask: "mask"
            case .hash: "hash"
            case .encrypt: "encrypt"
            case .keep: "keep"
            }
        }
    }

    static let operatorNames = ["replace", "redact", "mask", "hash", "encrypt", "keep"]

    func anonymize(body: [UInt8]) throws(Failure) -> [UInt8] {
        guard let req = JSONValue.parse(body), let obj = req.object, !obj.isEmpty else {
            throw Failure(status: 400, message: "Invalid request json")
        }
        let text: String
        switch obj["text"] {
        case nil, .null?: text = ""
        case .string(let s)?: text = s
        default: throw Failure(status: 422, message: "Invalid input, text must be of type str")
        }
        let operators = try Self.operators(obj["anonymizers"])
        guard let list = obj["analyzer_results"]?.array else {
            throw Failure(status: 422, message: "Invalid input, analyzer results can not be empty")
        }
        let scalars = Array(text.unicodeScalars)
        var spans: [Span] = []
        for r in list {
            guard let start = r["start"]?.int, let end = r["end"]?.int else {
                throw Failure(status: 422, message: "Invalid input, result start and end must be integers")
            }
            guard let entity = r["entity_type"]?.string else {
                throw Failure(status: 422, message: "Invalid input, result entity_type must be a string")
            }
            guard start >= 0, end >= start, end <= scalars.count else {
                throw Failure(status: 422, message: "Invalid analyzer result, start: \(start) and end: \(end), while text length is only \(scalars.count).")
            }
            spans.append(Span(start: start, end: end, entity: entity, score: r["score"]?.number ?? 0))
        }
        let resolved = Self.merged(Self.resolve(spans), scalars: scalars)
        return try Self.apply(resolved, to: scalars, operators: operators)
    }

    /// `anonymizers`: `{"DEFAULT": {...}, "PERSON": {"type": "replace", "new_value": "..."}}`.
    static func operators(_ v: JSONValue?) throws(Failure) -> [String: Operator] {
        var out: [String: Operator] = [:]
        guard let v, !v.isNull else { return out }
        guard let obj = v.object else { throw Failure(status: 422, message: "Invalid input, anonymizers must be an object") }
        for (entity, config) in obj {
            guard let type = config["type"]?.string else {
                throw Failure(status: 422, message: "Invalid input, an anonymizer needs a type")
            }
            switch type {
            case "replace":
                let nv = config["new_value"]
                if let nv, !nv.isNull, nv.string == nil { throw Failure(status: 422, message: "Invalid parameter value for new_value. Expecting 'string'") }
                out[entity] = .replace(nv?.string)
            case "redact": out[entity] = .redact
            case "keep": out[entity] = .keep
            case "mask":
                guard let c = config["masking_char"]?.string else { throw Failure(status: 422, message: "Invalid parameter value for masking_char. Expecting 'string'") }
                guard c.unicodeScalars.count == 1, let ch = c.unicodeScalars.first else {
                    throw Failure(status: 422, message: "Invalid input, masking_char must be a character")
                }
                guard let n = config["chars_to_mask"]?.int else { throw Failure(status: 422, message: "Invalid parameter value for chars_to_mask. Expecting 'number'") }
                let fromEnd: Bool
                switch config["from_end"] {
                case nil, .null?: fromEnd = false
                case .bool(let b)?: fromEnd = b
                default: throw Failure(status: 422, message: "Invalid parameter value for from_end. Expecting 'boolean'")
                }
                out[entity] = .mask(char: ch, count: n, fromEnd: fromEnd)
            case "hash":
                let h = config["hash_type"]?.string ?? "sha256"
                guard h == "sha256" || h == "sha512" else {
                    throw Failure(status: 422, message: "Parameter hash_type value \(h == "md5" ? "md5" : "given") is not in range of values ['sha256', 'sha512']")
                }
                var salt: [UInt8]?
                if let s = config["salt"], !s.isNull {
                    guard let str = s.string, str.utf8.count >= 16 else {
                        throw Failure(status: 422, message: "Salt must be at least 16 bytes (128 bits).")
                    }
                    salt = Array(str.utf8)
                }
                out[entity] = .hash(sha512: h == "sha512", salt: salt)
            case "encrypt":
                guard let key = config["key"]?.string else { throw Failure(status: 422, message: "Invalid parameter value for key. Expecting 'string'") }
                let bytes = Array(key.utf8)
                guard [16, 24, 32].contains(bytes.count) else {
                    throw Failure(status: 422, message: "Invalid input, key must be of length 128, 192 or 256 bits")
                }
                out[entity] = .encrypt(key: bytes)
            case "custom":
                throw Failure(status: 400, message: "Custom type anonymizer is not supported")
            default:
                throw Failure(status: 422, message: "Invalid operator class; expected one of \(operatorNames.joined(separator: ", "))")
            }
        }
        return out
    }

    /// Presidio's conflict handling: same-type overlaps merge; contained (or equal with a lower score) results drop;
    /// remaining partial overlaps are cut in favour of the higher score.
    static func resolve(_ input: [Span]) -> [Span] {
        var s = input.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        var alive = [Bool](repeating: true, count: s.count)
        // Merge results of one type that intersect into the other one (which later iterations then see widened).
        for i in s.indices {
            if let j = s.indices.first(where: { j in
                j != i && alive[j] && s[j].entity == s[i].entity && max(s[j].start, s[i].start) < min(s[j].end, s[i].end)
            }) {
                s[j].start = min(s[j].start, s[i].start)
                s[j].end = max(s[j].end, s[i].end)
                s[j].score = max(s[j].score, s[i].score)
                alive[i] = false
            }
        }
        // Drop a result contained in another, or at the same offsets with a lower or equal score.
        for i in s.indices where alive[i] {
            let conflicted = s.indices.contains { j in
                guard j != i, alive[j] else { return false }
                if s[j].start == s[i].start && s[j].end == s[i].end { return s[i].score <= s[j].score }
                return s[j].start <= s[i].start && s[j].end >= s[i].end
            }
            if conflicted { alive[i] = false }
        }
        var kept = s.indices.filter { alive[$0] }.map { s[$0] }
        kept.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        // What still overlaps (different types, partly): the higher score keeps the overlap.
        var i = 0
        while i + 1 < kept.count {
            if kept[i].end <= kept[i + 1].start { i += 1; continue }
            if kept[i].score >= kept[i + 1].score { kept[i + 1].start = kept[i].end } else { kept[i].end = kept[i + 1].start }
            kept.removeAll { $0.start >= $0.end }
            kept.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            i = 0
        }
        return kept
    }

    /// Adjacent results of one type with only spaces between them become one.
    static func merged(_ spans: [Span], scalars: [Unicode.Scalar]) -> [Span] {
        var out: [Span] = []
        for s in spans {
            if var prev = out.last, prev.entity == s.entity, prev.end < s.start,
               scalars[prev.end..<s.start].allSatisfy({ $0 == " " }) {
                prev.end = s.end
                prev.score = max(prev.score, s.score)
                out[out.count - 1] = prev
            } else {
                out.append(s)
            }
        }
        return out
    }

    static func apply(_ spans: [Span], to scalars: [Unicode.Scalar], operators: [String: Operator]) throws(Failure) -> [UInt8] {
        var output = String.UnicodeScalarView()
        var items: [(start: Int, end: Int, entity: String, text: String, op: String)] = []
        var pos = 0
        var outLength = 0
        for s in spans {
            output.append(contentsOf: scalars[pos..<s.start])
            outLength += s.start - pos
            let op = operators[s.entity] ?? operators["DEFAULT"] ?? .replace(nil)
            var original = String.UnicodeScalarView()
            original.append(contentsOf: scalars[s.start..<s.end])
            let changed = try operate(op, String(original), entity: s.entity)
            let n = changed.unicodeScalars.count
            items.append((outLength, outLength + n, s.entity, changed, op.name))
            output.append(contentsOf: changed.unicodeScalars)
            outLength += n
            pos = s.end
        }
        output.append(contentsOf: scalars[pos...])
        var w = JSONBuilder(capacity: scalars.count + 64 * items.count)
        w.raw(#"{"text": "#)
        w.string(String(output))
        w.raw(#", "items": ["#)
        for (i, item) in items.reversed().enumerated() {
            if i > 0 { w.raw(", ") }
            w.raw(#"{"start": "#); w.int(item.start)
            w.raw(#", "end": "#); w.int(item.end)
            w.raw(#", "entity_type": "#); w.string(item.entity)
            w.raw(#", "text": "#); w.string(item.text)
            w.raw(#", "operator": "#); w.string(item.op)
            w.raw("}")
        }
        w.raw("]}")
        return w.bytes
    }

    static func operate(_ op: Operator, _ text: String, entity: String) throws(Failure) -> String {
        switch op {
        case .replace(let v):
            guard let v, !v.isEmpty else { return "<\(entity)>" }
            return v
        case .redact: return ""
        case .keep: return text
        case .mask(let ch, let count, let fromEnd):
            let s = Array(text.unicodeScalars)
            let n = count > 0 ? min(s.count, count) : 0
            var out = String.UnicodeScalarView()
            if fromEnd {
                out.append(contentsOf: s[0..<(s.count - n)])
                out.append(contentsOf: repeatElement(ch, count: n))
            } else {
                out.append(contentsOf: repeatElement(ch, count: n))
                out.append(contentsOf: s[n...])
            }
            return String(out)
        case .hash(let sha512, let salt):
            let s: [UInt8]
            if let salt { s = salt } else {
                do { s = try SecureRandom.bytes(32) } catch { throw Failure(status: 500, message: "Internal server error") }
            }
            return Hex.encode(digest(Array(text.utf8) + s, sha512: sha512))
        case .encrypt(let key):
            guard let b64 = encryptCBC(Array(text.utf8), key: key) else { throw Failure(status: 500, message: "Internal server error") }
            return b64
        }
    }

    static func digest(_ bytes: [UInt8], sha512: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        _ = bytes.withUnsafeBytes { b in
            EVP_Digest(b.baseAddress, b.count, &out, &length, sha512 ? EVP_sha512() : EVP_sha256(), nil)
        }
        return Array(out.prefix(Int(length)))
    }

    /// Presidio's `encrypt`: AES-CBC (key length picks AES-128/192/256), PKCS#7 padding, a random 16-byte IV before
    /// the ciphertext, base64; Presidio's `/deanonymize` `decrypt` reads it back.
    static func encryptCBC(_ plain: [UInt8], key: [UInt8]) -> String? {
        guard let iv = try? SecureRandom.bytes(16) else { return nil }
        let cipher: OpaquePointer? = switch key.count {
        case 16: EVP_aes_128_cbc()
        case 24: EVP_aes_192_cbc()
        default: EVP_aes_256_cbc()
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_EncryptInit_ex(ctx, cipher, nil, key, iv) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: plain.count + 32)
        var n: Int32 = 0
        var total: Int32 = 0
        guard plain.withUnsafeBufferPointer({ p in
            out.withUnsafeMutableBufferPointer { o in EVP_EncryptUpdate(ctx, o.baseAddress, &n, p.baseAddress, Int32(p.count)) }
        }) == 1 else { return nil }
        total = n
        guard out.withUnsafeMutableBufferPointer({ o in EVP_EncryptFinal_ex(ctx, o.baseAddress! + Int(total), &n) }) == 1 else { return nil }
        total += n
        return Data(iv + out.prefix(Int(total))).base64EncodedString()
    }
}
