import Foundation

/// The signed head record (`HEAD` in the log directory): the last record's sequence number and hash, the segment
/// and byte offset where the log ends, and the retention period. Written after every append, it lets `audit verify`
/// notice records cut off the end, which no chain can show by itself.
///
/// `HEAD` holds two fixed 512-byte slots, written in place in turn (slot `seq % 2`): no file is created or renamed
/// per append, and a slot torn by a crash leaves the other, one record older, intact.
struct AuditHead: Equatable {
    var seq: Int
    var hash: String
    var segment: Int
    var end: Int
    var timestamp: String
    var keyVersion: Int
    var retentionYears: Int

    static let fileName = "HEAD"
    static let slotSize = 512

    /// The slot bytes: the encoded head padded with spaces to `slotSize - 1`, then a newline.
    func slot(key: [UInt8]?) -> [UInt8] {
        var out = encode(key: key)
        out.removeLast()
        precondition(out.count < Self.slotSize, "head record larger than its slot")
        out.append(contentsOf: [UInt8](repeating: 0x20, count: Self.slotSize - 1 - out.count))
        out.append(0x0A)
        return out
    }

    /// Byte offset of the slot this head goes to.
    var slotOffset: Int { (seq % 2) * Self.slotSize }

    /// Every slot of a head file that parses, newest (highest seq) first.
    static func slots(_ bytes: [UInt8]) -> [(head: AuditHead, sig: String?, offset: Int)] {
        var out: [(head: AuditHead, sig: String?, offset: Int)] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + slotSize, bytes.count)
            if let d = decode(Array(bytes[offset..<end])) { out.append((d.head, d.sig, offset)) }
            offset += slotSize
        }
        return out.sorted { $0.head.seq > $1.head.seq }
    }

    func body() -> [UInt8] {
        var out: [UInt8] = Array("{\"seq\":\(seq)".utf8)
        AuditJSON.field("ts", timestamp, to: &out)
        AuditJSON.field("hash", hash, to: &out)
        out.append(contentsOf: Array(",\"segment\":\(segment),\"end\":\(end),\"key_version\":\(keyVersion),\"retention_years\":\(retentionYears)".utf8))
        return out
    }

    func encode(key: [UInt8]?) -> [UInt8] {
        var out = body()
        if let key { AuditJSON.field("sig", Hex.encode(HMACSHA256.mac(key: key, message: out)), to: &out) }
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }

    /// Parses a head file; `sig` is nil when the head is unsigned. Nil when unreadable.
    static func decode(_ bytes: [UInt8]) -> (head: AuditHead, sig: String?)? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let seq = obj["seq"] as? Int, let hash = obj["hash"] as? String, let segment = obj["segment"] as? Int,
              let end = obj["end"] as? Int, let ts = obj["ts"] as? String, let kv = obj["key_version"] as? Int,
              let ry = obj["retention_years"] as? Int else { return nil }
        return (AuditHead(seq: seq, hash: hash, segment: segment, end: end, timestamp: ts, keyVersion: kv,
                          retentionYears: ry), obj["sig"] as? String)
    }

    func signatureValid(_ sig: String?, key: [UInt8]?) -> Bool {
        guard let key else { return sig == nil }
        guard let sig, let tag = Hex.decode(sig) else { return false }
        return HMACSHA256.verify(tag: tag, key: key, message: body())
    }
}
