import PHICompliance

/// Why an encrypted token could not be revealed. Never holds plaintext or ciphertext.
public struct RevealError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: Sendable {
        /// The token names a key version the key provider does not hold.
        case unknownKeyVersion
        /// Wrong context, entity or key, or a token altered in any bit.
        case authenticationFailed
    }
    public var code: Code
    public var message: String
    public var description: String { message }
}

/// Reverses the `encrypt` operator in a byte stream: each `[ENC:…]` token that authenticates in the reader's
/// context becomes its original bytes again; everything else passes through byte for byte.
///
/// A token that fails (another context, a changed bit, an unknown key version) is left as it is, still
/// encrypted, and reported; nothing about its content is revealed. Memory is bounded: at most one token's
/// length of input is held back between feeds.
public struct Revealer {
    public let context: DataContext
    let keys: any KeyProvider
    /// Tokens revealed and tokens refused, for the summary, audit record and exit status.
    public private(set) var revealed = 0
    public private(set) var failures: [RevealError] = []
    /// Revealed counts per entity.
    public private(set) var revealedByEntity: [String: Int] = [:]
    /// How a decrypted value is shown (the caller's role view: clear, masked, token or redacted): the bytes to
    /// write, or nil for `[ENTITY]`. Nil presenter: every value in clear. A value shown other than in clear counts
    /// as withheld, not revealed.
    public var presenter: ((_ entity: String, _ value: [UInt8]) -> [UInt8]?)?
    /// Tokens decrypted but shown other than in clear (per the presenter), in total and per entity.
    public private(set) var withheld = 0
    public private(set) var withheldByEntity: [String: Int] = [:]
    private var carry: [UInt8] = []
    private static let marker = Array("[ENC:".utf8)

    public init(keys: any KeyProvider, context: DataContext) {
        self.keys = keys
        self.context = context
    }

    /// Reveals every token in `bytes` at once (the library form of `phiscrub reveal`).
    public static func reveal(_ bytes: [UInt8], keys: any KeyProvider, context: DataContext)
        -> (output: [UInt8], revealed: Int, failures: [RevealError]) {
        var revealer = Revealer(keys: keys, context: context)
        var output = MemoryOutput(capacity: bytes.count)
        // MemoryOutput never throws.
        try? bytes.withUnsafeBufferPointer { (b) throws(OutputError) in try revealer.feed(b, into: &output) }
        try? revealer.finish(into: &output)
        return (output.bytes, revealer.revealed, revealer.failures)
    }

    /// Processes the next piece of input.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout some ByteOutput) throws(OutputError) {
        carry.append(contentsOf: bytes)
        let consumed = try process(final: false, into: &output)
        carry.removeFirst(consumed)
    }

    /// Processes whatever is held back at the end of input.
    public mutating func finish(into output: inout some ByteOutput) throws(OutputError) {
        _ = try process(final: true, into: &output)
        carry.removeAll()
        try output.flush()
    }

    /// Writes revealed text for `carry` up to the point where a token might still be incomplete; returns how
    /// many bytes of `carry` were handled.
    private mutating func process(final: Bool, into output: inout some ByteOutput) throws(OutputError) -> Int {
        let buffer = carry
        var written = 0
        var i = 0
        let n = buffer.count
        while i < n {
            guard let start = Self.find(Self.marker, in: buffer, from: i) else {
                // No marker start; keep back a possible partial marker at the very end.
                let keep = final ? 0 : Self.partialMarkerSuffix(buffer)
                try output.write(Array(buffer[written..<(n - keep)]))
                return n - keep
            }
            // Find the closing bracket within the longest token.
            let limit = min(n, start + EncryptedToken.maximumTokenLength)
            var end = start + Self.marker.count
            // Only the token alphabet (entity, ':', 'k', base64url) may come before the ']': stopping at any other
            // byte keeps a hostile run of "[ENC:" markers linear.
            while end < limit, Self.isTokenByte(buffer[end]) { end += 1 }
            if end >= limit || buffer[end] != UInt8(ascii: "]") {
                if !final && limit == n && end >= n {
                    // The token may continue in the next feed.
                    try output.write(Array(buffer[written..<start]))
                    return start
                }
                i = start + 1
                continue
            }
            let tokenBytes = buffer[start...end]
            guard let parsed = EncryptedToken.parse(tokenBytes) else {
                i = start + 1
                continue
            }
            try output.write(Array(buffer[written..<start]))
            let plain: [UInt8]?
            do {
                plain = try EncryptedToken.open(parsed, context: context, keys: keys)
            } catch {
                failures.append(error)
                plain = nil
            }
            if let plain, let presenter {
                let shown = presenter(parsed.entity, plain) ?? TypedToken.bytes(parsed.entity)
                try output.write(shown)
                if shown == plain {
                    revealed += 1
                    revealedByEntity[parsed.entity, default: 0] += 1
                } else {
                    withheld += 1
                    withheldByEntity[parsed.entity, default: 0] += 1
                }
            } else if let plain {
                try output.write(plain)
                revealed += 1
                revealedByEntity[parsed.entity, default: 0] += 1
            } else {
                try output.write(Array(tokenBytes))
            }
            written = end + 1
            i = end + 1
        }
        try output.write(Array(buffer[written..<n]))
        return n
    }

    @inline(__always)
    private static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D || b == 0x3A
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Length of the longest suffix of `buffer` that is a proper prefix of the marker.
    private static func partialMarkerSuffix(_ buffer: [UInt8]) -> Int {
        for k in stride(from: min(marker.count - 1, buffer.count), to: 0, by: -1)
        where buffer[(buffer.count - k)...].elementsEqual(marker[0..<k]) {
            return k
        }
        return 0
    }
}
