import PHIScan
import PHIScrub

/// JSON-aware cleaning of one JSON text in memory (a document, a JSON Lines record, a tool call's arguments):
/// only string values change, so the result parses to the same shape. Holds per-thread scanner state: make one
/// per thread; share the `Scrubber`.
public final class JSONCleaner {
    let rewriter: JSONRewriter

    public init(scrubber: Scrubber, replacer: any FindingReplacer = TypedTokenReplacer(),
                lineCap: Int = StreamScanner.defaultLineCap) {
        rewriter = JSONRewriter(values: ValueScanner(scrubber: scrubber, lineCap: lineCap), transform: replacer)
    }

    /// The cleaned text and what was replaced. Throws `JSONSyntaxError` when `json` is not one JSON value, or
    /// the transform's error.
    public func clean(_ json: [UInt8]) throws -> (output: [UInt8], counts: CleanCounts) {
        rewriter.counts = CleanCounts()
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        try json.withUnsafeBufferPointer { try rewriter.rewrite($0, into: &out) }
        return (out, rewriter.counts)
    }

    /// String convenience.
    public func clean(_ json: String) throws -> String {
        String(decoding: try clean(Array(json.utf8)).output, as: UTF8.self)
    }
}
