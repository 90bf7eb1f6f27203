import PHIScan
import PHITransform
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

    /// Appends the cleaned `json` (one JSON value) to `out`, reporting each finding with the bytes of `json` it
    /// covers (widened to whole escapes; for JSON inside a string, that whole string) and its decoded value.
    /// Throws `JSONSyntaxError` with nothing appended when `json` is not one JSON value.
    public func clean(_ json: UnsafeBufferPointer<UInt8>, into out: inout [UInt8],
                      onFinding: ((Finding, Range<Int>, UnsafeBufferPointer<UInt8>) -> Void)? = nil) throws -> CleanCounts {
        rewriter.counts = CleanCounts()
        rewriter.onFinding = onFinding
        defer { rewriter.onFinding = nil }
        let before = out.count
        do {
            try rewriter.rewrite(json, into: &out)
        } catch {
            out.removeSubrange(before...)
            throw error
        }
        return rewriter.counts
    }

    public init(scrubber: Scrubber, replacer: any FindingReplacer, lineCap: Int, file: String) {
        rewriter = JSONRewriter(values: ValueScanner(scrubber: scrubber, lineCap: lineCap), transform: replacer)
        rewriter.file = file
    }

    /// String convenience.
    public func clean(_ json: String) throws -> String {
        String(decoding: try clean(Array(json.utf8)).output, as: UTF8.self)
    }
}
