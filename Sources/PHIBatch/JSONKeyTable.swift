#if canImport(Glibc)
import Glibc
#endif

/// What a JSON key, or the value of a `type` or `role` key, means to the rewriter (its normalised form:
/// `KeyContext.normalize`), worked out once.
struct JSONKeyInfo {
    /// A key whose presence makes its object a tool description or call (`JSONStructure.toolKeys`).
    static let toolKey: UInt8 = 1
    /// A key whose object or array describes tools (`JSONKeys.toolParents`).
    static let toolParent: UInt8 = 2
    /// A key whose string is a message's own text (`JSONKeys.messageText`).
    static let messageText: UInt8 = 4
    /// `name`.
    static let name: UInt8 = 8
    /// `type` or `role`.
    static let typeOrRole: UInt8 = 16
    /// A value of `type` or `role` that makes its object a tool (`JSONStructure.toolTypes`).
    static let toolType: UInt8 = 32

    /// No key read yet.
    static let none = JSONKeyInfo(flags: 0, context: nil)

    var flags: UInt8
    /// The label its values are scanned after (`KeyContext.forKey(normalized:)`, else a pack's field key), or nil.
    var context: KeyContext?

    func has(_ flag: UInt8) -> Bool { flags & flag != 0 }

    init(flags: UInt8, context: KeyContext?) {
        self.flags = flags
        self.context = context
    }

    /// Works the answers out from the normalised key.
    init(normalized key: [UInt8], context: KeyContext?) {
        var f: UInt8 = 0
        if JSONStructure.toolKeys.contains(key) { f |= JSONKeyInfo.toolKey }
        if JSONKeys.toolParents.contains(key) { f |= JSONKeyInfo.toolParent }
        if JSONKeys.messageText.contains(key) { f |= JSONKeyInfo.messageText }
        if key == JSONKeys.name { f |= JSONKeyInfo.name }
        if key == JSONKeys.type || key == JSONKeys.role { f |= JSONKeyInfo.typeOrRole }
        if JSONStructure.toolTypes.contains(key) { f |= JSONKeyInfo.toolType }
        flags = f
        self.context = context
    }
}

/// `JSONKeyInfo` by the raw bytes of a key as they stand in the text (no escapes): records repeat the same few keys
/// (`role`, `content`, `id`, `arguments`), and each used to cost a normalised copy, a SipHash per set it was looked
/// up in and a dictionary probe, twice (structure pass and rewrite pass). Here a repeated key costs one 64-bit hash
/// of its bytes, one probe and one compare. At most `capacity` distinct keys are kept (a table of generated keys
/// does not grow without bound); keys with escapes, longer keys and keys past the limit are worked out each time.
/// One per `ValueScanner`, so one per thread (and kept across the service's requests with its pooled scanner).
final class JSONKeyTable {
    static let capacity = 4096
    static let maxKeyBytes = 128

    private let resolve: ([UInt8]) -> KeyContext?
    /// Open addressing, linear probing: entry index + 1, 0 for an empty slot. Twice `capacity`, a power of two.
    @exclusivity(unchecked) private var slots = [Int32](repeating: 0, count: 2 * JSONKeyTable.capacity)
    @exclusivity(unchecked) private var hashes: [UInt64] = []
    @exclusivity(unchecked) private var spans: [(start: Int32, count: Int32)] = []
    @exclusivity(unchecked) private var arena: [UInt8] = []
    @exclusivity(unchecked) private var infos: [JSONKeyInfo] = []

    /// `resolve`: the context of a normalised key.
    init(resolve: @escaping ([UInt8]) -> KeyContext?) {
        self.resolve = resolve
    }

    /// Distinct keys remembered.
    var count: Int { infos.count }

    /// The answers for the key (or `type`/`role` value) whose raw content is `raw`.
    func info(_ raw: UnsafeBufferPointer<UInt8>, hasEscapes: Bool) -> JSONKeyInfo {
        if hasEscapes || raw.count > JSONKeyTable.maxKeyBytes {
            return work(JSONKeys.normalized(raw, hasEscapes: hasEscapes))
        }
        let h = JSONKeyTable.hash(raw)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let e = Int(slots[i]) - 1
            if e < 0 { break }
            if hashes[e] == h && equal(e, raw) { return infos[e] }
            i = (i + 1) & mask
        }
        let info = work(KeyContext.normalize(raw))
        if infos.count < JSONKeyTable.capacity {
            slots[i] = Int32(infos.count + 1)
            hashes.append(h)
            spans.append((Int32(arena.count), Int32(raw.count)))
            arena.append(contentsOf: raw)
            infos.append(info)
        }
        return info
    }

    private func work(_ normalized: [UInt8]) -> JSONKeyInfo {
        JSONKeyInfo(normalized: normalized, context: resolve(normalized))
    }

    private func equal(_ e: Int, _ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let (start, count) = spans[e]
        guard Int(count) == raw.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            raw.isEmpty || memcmp(a.baseAddress! + Int(start), raw.baseAddress!, raw.count) == 0
        }
    }

    /// A 64-bit hash of the bytes (not a strong one: a hit is confirmed by comparing the bytes). Short keys, the
    /// usual case, take two overlapping loads (`wyhash`'s trick), longer ones eight bytes at a time.
    static func hash(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = raw.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        guard let b = raw.baseAddress, n > 0 else { return h }
        let p = UnsafeRawPointer(b)
        if n >= 8 {
            var i = 0
            while n - i > 8 {
                h = mix(h, p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            return mix(h, p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        if n >= 4 {
            let a = UInt64(p.loadUnaligned(as: UInt32.self))
            let c = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            return mix(h, a | c << 32)
        }
        return mix(h, UInt64(b[0]) | UInt64(b[n >> 1]) << 8 | UInt64(b[n - 1]) << 16)
    }

    @inline(__always) private static func mix(_ h: UInt64, _ c: UInt64) -> UInt64 {
        var x = (h ^ c) &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 32
        return x &* 0xC4CE_B9FE_1A85_EC53
    }
}
