/// The byte layout of one audit record (one JSON line):
///
/// `{"seq":N,"ts":"…","event":"…","agent":"…","user":"…",["role":"…",]"resource":"…","action":"…","phi":B,`
/// `"outcome":"…","details":{…},"key_version":V,["prev":"<sha256>"]` — the body — then
/// `,"hash":"<sha256 of body>"[,"sig":"<hmac-sha256 of body>"]}` and a newline.
///
/// JSON strings escape `"`, so `,"hash":"` occurs once, at the end of the body; the verifier finds the body
/// without re-serialising anything.
enum AuditRecordFormat {
    static let hashMarker = Array(#","hash":""#.utf8)
    static let sigMarker = Array(#"","sig":""#.utf8)
    static let zeroHash = String(repeating: "0", count: 64)

    /// Encodes a record. `prev` nil leaves the chain field out (chain hashing off); `key` nil leaves the signature out.
    static func encode(_ e: AuditEvent, seq: Int, timestamp: String, keyVersion: Int, prev: String?,
                       key: [UInt8]?) -> (line: [UInt8], hash: String) {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(contentsOf: Array("{\"seq\":\(seq)".utf8))
        AuditJSON.field("ts", timestamp, to: &out)
        AuditJSON.field("event", e.type.rawValue, to: &out)
        AuditJSON.field("agent", e.agent, to: &out)
        AuditJSON.field("user", e.user, to: &out)
        if let role = e.role { AuditJSON.field("role", role, to: &out) }
        AuditJSON.field("resource", e.resource, to: &out)
        AuditJSON.field("action", e.action, to: &out)
        out.append(contentsOf: Array(",\"phi\":\(e.phi)".utf8))
        AuditJSON.field("outcome", e.outcome, to: &out)
        out.append(contentsOf: Array(",\"details\":".utf8))
        AuditJSON.writeObject(e.details, to: &out)
        out.append(contentsOf: Array(",\"key_version\":\(keyVersion)".utf8))
        if let prev { AuditJSON.field("prev", prev, to: &out) }
        let hash = Hex.encode(SHA256.hash(out))
        let sig = key.map { Hex.encode(HMACSHA256.mac(key: $0, message: out)) }
        out.append(contentsOf: hashMarker)
        out.append(contentsOf: Array(hash.utf8))
        if let sig {
            out.append(contentsOf: sigMarker)
            out.append(contentsOf: Array(sig.utf8))
        }
        out.append(contentsOf: Array("\"}\n".utf8))
        return (out, hash)
    }

    /// A record split into its body and trailer, with the fields the chain needs. Nil when the line does not have
    /// the record layout (a torn or mangled line). `line` excludes the newline.
    struct Parsed {
        var body: ArraySlice<UInt8>
        var hash: String
        var sig: String?
        var seq: Int
        var timestamp: String
        var event: String
        var keyVersion: Int
        var prev: String?
    }

    static func parse(_ line: ArraySlice<UInt8>) -> Parsed? {
        guard let markerAt = lastIndex(of: hashMarker, in: line) else { return nil }
        let body = line[line.startIndex..<markerAt]
        var rest = line[(markerAt + hashMarker.count)...]
        guard rest.count >= 64 else { return nil }
        let hash = String(decoding: rest.prefix(64), as: UTF8.self)
        rest = rest.dropFirst(64)
        var sig: String?
        if rest.starts(with: sigMarker) {
            rest = rest.dropFirst(sigMarker.count)
            guard rest.count >= 64 else { return nil }
            sig = String(decoding: rest.prefix(64), as: UTF8.self)
            rest = rest.dropFirst(64)
        }
        guard Array(rest) == Array("\"}".utf8), isHex(hash), sig.map(isHex) ?? true else { return nil }
        let text = String(decoding: body, as: UTF8.self)
        guard text.hasPrefix("{\"seq\":"),
              let seq = intField(text, "\"seq\":"),
              let ts = stringField(text, "\"ts\":\""),
              let event = stringField(text, "\"event\":\""),
              let kv = lastIntField(text, ",\"key_version\":") else { return nil }
        var prev: String?
        if let r = text.range(of: ",\"prev\":\"", options: .backwards), text.hasSuffix("\"") {
            let candidate = String(text[r.upperBound...].dropLast())
            if candidate.count == 64, isHex(candidate) { prev = candidate }
        }
        return Parsed(body: body, hash: hash, sig: sig, seq: seq, timestamp: ts, event: event, keyVersion: kv, prev: prev)
    }

    static func isHex(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func lastIndex(of needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.endIndex - needle.count
        while i >= hay.startIndex {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    static func intField(_ text: String, _ key: String) -> Int? {
        guard let r = text.range(of: key) else { return nil }
        return Int(text[r.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }

    static func lastIntField(_ text: String, _ key: String) -> Int? {
        guard let r = text.range(of: key, options: .backwards) else { return nil }
        return Int(text[r.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }

    static func stringField(_ text: String, _ key: String) -> String? {
        guard let r = text.range(of: key) else { return nil }
        return String(text[r.upperBound...].prefix { $0 != "\"" })
    }
}
