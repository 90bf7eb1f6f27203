import PHIScan

/// What replaces a finding in the output: the plain typed token (`[SSN]`, no state, the fast path) or a
/// `FindingReplacer` (the operators a `Transformer` applies per entity, or a host's own).
public enum ReplacementPolicy {
    /// `[ENTITY]`, e.g. `[SSN]`.
    case typedToken
    /// A replacer (the policy operators of `TransformAction`, or a host's own).
    case operators(any FindingReplacer)

    /// A policy for `transformer`, or the fast path when it only redacts.
    public static func using(_ transformer: Transformer) -> ReplacementPolicy {
        transformer.policy.isPlainRedaction ? .typedToken : .operators(transformer)
    }

    /// A policy for `replacer`, or the fast path when it only writes typed tokens.
    public static func using(_ replacer: any FindingReplacer) -> ReplacementPolicy {
        if replacer is TypedTokenReplacer { return .typedToken }
        if let transformer = replacer as? Transformer { return using(transformer) }
        return .operators(replacer)
    }

    /// The replacement bytes for one finding.
    @inline(__always)
    func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>,
                     cache: inout [String: [UInt8]]) throws -> [UInt8] {
        switch self {
        case .typedToken:
            if let hit = cache[finding.entity] { return hit }
            let token = TypedToken.bytes(finding.entity)
            cache[finding.entity] = token
            return token
        case .operators(let replacer):
            return try replacer.replacement(for: finding, value: value)
        }
    }
}

/// Text written in place of a line that could not be fully scanned (fail closed).
public let withheldMarker: [UInt8] = Array("[WITHHELD]".utf8)

/// Counts of what a run did, for summaries and exit codes. Never holds values.
public struct RedactionStats: Sendable, Equatable {
    public var bytesIn = 0
    public var bytesOut = 0
    public var lines = 0
    public var findings = 0
    public var findingsByEntity: [String: Int] = [:]
    /// Segments withheld because a rule hit the PCRE2 match limit.
    public var withheld = 0
    public init() {}
}

/// Findings per entity and each entity's typed token, in first-seen order. A run meets a handful of entities, and
/// every finding of a rule carries the same entity string, so a linear search with `==` (an identity check first)
/// is cheaper per finding than hashing the string into a dictionary.
struct EntityTally {
    struct Entry {
        var entity: String
        var count: Int
        var token: [UInt8]
    }
    var entries: [Entry] = []

    /// Index of `entity`, added on first sight.
    mutating func index(_ entity: String) -> Int {
        for i in entries.indices where entries[i].entity == entity { return i }
        entries.append(Entry(entity: entity, count: 0, token: TypedToken.bytes(entity)))
        return entries.count - 1
    }
}

/// Receives each finding with its position, for a findings report alongside the redacted output.
public protocol FindingObserver {
    /// `lineNumber` is 1-based; `column` is the 1-based byte column; `value` is the matched bytes, to be
    /// fingerprinted and never stored or printed.
    mutating func observe(_ finding: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) throws
}

/// A no-op observer.
public struct NoFindingObserver: FindingObserver {
    public init() {}
    public mutating func observe(_ finding: Finding, lineNumber: Int, column: Int, value: UnsafeBufferPointer<UInt8>) {}
}

/// A scan sink that writes the input with each finding replaced, byte-exact everywhere else.
public struct RedactingSink<Output: ByteOutput, Observer: FindingObserver>: ScanSink {
    public var output: Output
    public var observer: Observer
    public var policy: ReplacementPolicy
    /// Flush after every line (`tail -f` use).
    public var lineBuffered: Bool
    /// Counts so far (findings per entity folded in from `tally`).
    public var stats: RedactionStats {
        var s = counts
        for e in tally.entries { s.findingsByEntity[e.entity, default: 0] += e.count }
        return s
    }
    var counts = RedactionStats()
    /// Segments withheld so far (what `stats.withheld` says, without building the per-entity counts).
    public var withheldSegments: Int { counts.withheld }
    var tally = EntityTally()
    var tokenCache: [String: [UInt8]] = [:]
    /// 1-based number of the line the next segment starts on, and that line's absolute start offset.
    var lineNumber = 1
    var lineStart = 0

    public init(output: Output, observer: Observer, policy: ReplacementPolicy = .typedToken, lineBuffered: Bool = false) {
        self.output = output
        self.observer = observer
        self.policy = policy
        self.lineBuffered = lineBuffered
    }

    // The filter's sinks (one job, and each worker's in-memory block): StreamScanner calls this through its generic
    // sink, unspecialized, and the generic body looked the sink type's metadata up on every segment with findings.
    @_specialize(where Output == FileOutput, Observer == NoFindingObserver)
    @_specialize(where Output == MemoryOutput, Observer == NoFindingObserver)
    public mutating func segment(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, findings: [Finding],
                                 incident: ScanIncident?) throws {
        counts.bytesIn += bytes.count
        let endsLine = bytes.last == 0x0A
        if incident != nil {
            // Fail closed: nothing of this segment is written in clear; its line terminator is kept.
            counts.withheld += 1
            counts.bytesOut += try Splice.withheld(bytes) { try output.write($0) }
        } else if findings.isEmpty {
            try output.write(bytes)
            counts.bytesOut += bytes.count
        } else {
            counts.bytesOut += try Splice.segment(bytes, offset: offset, findings: findings, replace: { f, value in
                let entity = tally.index(f.entity)
                let token: [UInt8]
                if case .typedToken = policy {
                    token = tally.entries[entity].token
                } else {
                    token = try policy.replacement(for: f, value: value, cache: &tokenCache)
                }
                counts.findings += 1
                tally.entries[entity].count += 1
                try observer.observe(f, lineNumber: lineNumber, column: f.start - lineStart + 1, value: value)
                return token
            }, write: { try output.write($0) })
        }
        if endsLine {
            let lines = findings.isEmpty && incident == nil ? countNewlines(bytes) : 1
            lineNumber += lines
            lineStart = offset + bytes.count
            counts.lines += lines
            if lineBuffered { try output.flush() }
        }
    }

    @_specialize(where Output == FileOutput, Observer == NoFindingObserver)
    @_specialize(where Output == MemoryOutput, Observer == NoFindingObserver)
    public mutating func cleanLines(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, newlines: Int) throws {
        counts.bytesIn += bytes.count
        try output.write(bytes)
        counts.bytesOut += bytes.count
        lineNumber += newlines
        lineStart = offset + bytes.count
        counts.lines += newlines
        if lineBuffered { try output.flush() }
    }

    public mutating func rewrittenLine(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, inputCount: Int,
                                       findings: [RewrittenFinding], withheld: Int) throws {
        counts.bytesIn += inputCount
        counts.withheld += withheld
        for r in findings {
            let f = r.finding
            let entity = tally.index(f.entity)
            tally.entries[entity].count += 1
            counts.findings += 1
            try r.value.withUnsafeBufferPointer {
                try observer.observe(f, lineNumber: lineNumber, column: f.start - lineStart + 1, value: $0)
            }
        }
        try output.write(bytes)
        counts.bytesOut += bytes.count
        if bytes.last == 0x0A {
            // A CSV record may span lines (newlines inside quotes; replacements never hold one, so the output has
            // the input's newlines). Its findings are reported at the record's first line.
            let lines = countNewlines(bytes)
            lineNumber += lines
            lineStart = offset + inputCount
            counts.lines += lines
            if lineBuffered { try output.flush() }
        }
    }

    /// Flushes the output.
    public mutating func finish() throws {
        try output.flush()
    }
}
