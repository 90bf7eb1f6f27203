import CPCRE2
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A PCRE2 pattern compiled once, shared read-only across threads, and JIT-compiled when a scan first uses it.
///
/// Start-up used to JIT-compile every pattern of every pack (and its anchored twin), and the JIT was the largest
/// part of it, although a run on a short input uses few of them. Now the first match call of a scan JIT-compiles a
/// copy and publishes it with release ordering; calls on other threads meanwhile use PCRE2's interpreter, which
/// finds the same matches (PCRE2 documents the two as equivalent). The examples every rule is checked against at
/// load run on the interpreter (`MatchScratch(interpretOnly:)`) and never JIT-compile: interpreting a few dozen
/// short texts costs less than compiling, while in a scan the interpreter costs several times the JIT per call.
/// Either one reports a hit match or depth limit as `limitExceeded`, which the scanner handles fail-closed.
///
/// `OpaquePointer` is not `Sendable`; the compiled code is immutable and PCRE2 documents compiled code as safe to
/// use from several threads at once, so the wrapper is `@unchecked Sendable`. Match data is per worker
/// (`MatchScratch`).
public final class CompiledPattern: @unchecked Sendable {
    /// The compiled pattern (interpreted); never changes.
    let code: OpaquePointer
    /// Bits of the JIT-compiled copy of `code`, or 0 until the pattern is hot.
    private let jitBits = Atomic<UInt>(0)
    /// Set by the one caller that JIT-compiles.
    private let jitClaimed = Atomic<Bool>(false)
    /// Number of capturing groups in the pattern.
    public let captureCount: Int
    /// A byte every match must contain (PCRE2's "last code unit", a literal after something of variable length:
    /// the comma of "March 14, 1961"), or -1. A letter stands for both its cases (PCRE2 does not say whether the
    /// pattern was caseless there). See `couldMatch`.
    let requiredByte: Int32
    /// The shortest subject a match needs from its start (PCRE2_INFO_MINLENGTH).
    let minLength: Int
    /// Every match consumes an ASCII digit (`PatternAnalysis.requiresDigit`; `\d` is ASCII in this byte mode):
    /// the dispatch does not run the pattern where the line has none (`DigitCursor`). Read here, where each pack's
    /// patterns compile on the loading thread, rather than on the main thread when the rule set is built.
    let requiresDigit: Bool
    /// Compiled with `PCRE2_USE_OFFSET_LIMIT`, so that a search can be told the last offset a match may start at
    /// (`MatchScratch.match(..., lastStart:)`): a windowed rule's search stops at its window instead of running on
    /// to the next match past it, which the window would throw away.
    let usesOffsetLimit: Bool

    /// Compile options: byte mode (input may be invalid UTF-8; non-ASCII lines are normalised first),
    /// no `(*UTF)` switch from inside a pattern, no `\C`.
    static let compileOptions: UInt32 = UInt32(PCRE2_NEVER_UTF) | UInt32(PCRE2_NEVER_UCP)
        | UInt32(PCRE2_NEVER_BACKSLASH_C)

    /// Compiles `pattern`; `anchored` compiles it to match only at the start offset. `jitNow` JIT-compiles it at
    /// once (for patterns that run on every line). Throws `PatternError` with PCRE2's message and offset.
    public init(_ pattern: String, anchored: Bool = false, offsetLimit: Bool = false, jitNow: Bool = false) throws(PatternError) {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let compiled: OpaquePointer? = pattern.utf8CString.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: buf.count) { p in
                pcre2_compile_8(p, buf.count - 1, Self.compileOptions | (anchored ? UInt32(PCRE2_ANCHORED) : 0)
                                    | (offsetLimit ? UInt32(PCRE2_USE_OFFSET_LIMIT) : 0),
                                &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw PatternError(message: Self.message(for: errorCode), offset: errorOffset)
        }
        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        self.code = compiled
        self.captureCount = Int(captures)
        self.usesOffsetLimit = offsetLimit
        var lastType: UInt32 = 0, lastUnit: UInt32 = 0, minimum: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_LASTCODETYPE), &lastType)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_LASTCODEUNIT), &lastUnit)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_MINLENGTH), &minimum)
        self.requiredByte = lastType == 1 && lastUnit < 256 ? Int32(lastUnit) : -1
        self.minLength = Int(minimum)
        self.requiresDigit = (try? PatternAnalysis.analyze(pattern))?.requiresDigit ?? false
        if jitNow { compileJIT() }
    }

    deinit {
        pcre2_code_free_8(code)
        if let jit = OpaquePointer(bitPattern: jitBits.load(ordering: .acquiring)) { pcre2_code_free_8(jit) }
    }

    /// Whether the JIT-compiled copy is in use (tests and `--stats`).
    /// False when no match can start at or after `start` in `subject[0..<length]`: the rest is shorter than any
    /// match, or holds no `requiredByte`. PCRE2 makes the same tests inside every match call; made here first, they
    /// spare the call (a few hundred instructions) for the many keyword hits that start no match ("Nov/" of an
    /// access log's timestamp, tried by the written-date rule). Exact: PCRE2 reports no match in both cases.
    @inline(__always)
    func couldMatch(_ subject: UnsafePointer<UInt8>, length: Int, from start: Int) -> Bool {
        if length - start < minLength { return false }
        let r = requiredByte
        if r < 0 { return true }
        let rest = length - start
        if memchr(subject + start, r, rest) != nil { return true }
        let other = UInt8(truncatingIfNeeded: r) ^ 0x20
        if (other | 0x20) &- 0x61 < 26 { return memchr(subject + start, Int32(other), rest) != nil }
        return false
    }

    public var isJITCompiled: Bool { jitBits.load(ordering: .acquiring) != 0 }

    /// The code to match with: the JIT copy once published; nil (use the interpreter) while another thread
    /// compiles it, or when the JIT is unavailable. The first caller compiles it.
    @inline(__always)
    func jitCode() -> OpaquePointer? {
        if let jit = OpaquePointer(bitPattern: jitBits.load(ordering: .acquiring)) { return jit }
        return claimJIT()
    }

    @inline(never)
    private func claimJIT() -> OpaquePointer? {
        guard jitClaimed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return nil }
        compileJIT()
        return OpaquePointer(bitPattern: jitBits.load(ordering: .acquiring))
    }

    /// JIT-compiles a copy of `code` and publishes it. Only one caller gets here per pattern (`claimJIT`, or
    /// `init`). When the JIT is unavailable the pattern stays interpreted: same matches.
    private func compileJIT() {
        guard let copy = pcre2_code_copy_8(code) else { return }
        if pcre2_jit_compile_8(copy, UInt32(PCRE2_JIT_COMPLETE)) != 0 {
            pcre2_code_free_8(copy)
            return
        }
        jitBits.store(UInt(bitPattern: copy), ordering: .releasing)
    }

    /// PCRE2's text for an error code.
    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "PCRE2 error \(code)"
    }
}

/// Why a pattern did not compile.
public struct PatternError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Byte offset in the pattern where PCRE2 stopped, when it says.
    public var offset: Int?
    public var description: String { offset.map { "\(message) at pattern offset \($0)" } ?? message }
}

/// The outcome of one match attempt.
public enum MatchOutcome: Equatable {
    /// Match of group `group` at the given byte range; `whole` is group 0's range.
    case match(span: Range<Int>, whole: Range<Int>)
    /// No match at or after the start offset.
    case noMatch
    /// The match limit or another resource limit was hit: the subject was not fully searched.
    case limitExceeded
}

/// Per-worker PCRE2 match state: one match data block sized for the largest pattern and a match context with
/// a match limit. Not thread-safe; create one per thread or task.
public final class MatchScratch {
    let matchData: OpaquePointer
    let context: OpaquePointer
    /// The same limits and an offset limit, for patterns compiled with `PCRE2_USE_OFFSET_LIMIT` (PCRE2 refuses an
    /// offset limit for any other pattern, so `context` never has one).
    let limitedContext: OpaquePointer

    /// Default limit on backtracking steps per match attempt; a pattern that needs more fails closed.
    public static let defaultMatchLimit: UInt32 = 200_000

    /// Matches with PCRE2's interpreter only, never JIT-compiling a pattern (the load-time example check).
    let interpretOnly: Bool

    public convenience init(maxCaptures: Int = 16, matchLimit: UInt32 = MatchScratch.defaultMatchLimit) {
        self.init(maxCaptures: maxCaptures, matchLimit: matchLimit, interpretOnly: false)
    }

    init(maxCaptures: Int, matchLimit: UInt32 = MatchScratch.defaultMatchLimit, interpretOnly: Bool) {
        self.interpretOnly = interpretOnly
        matchData = pcre2_match_data_create_8(UInt32(maxCaptures + 1), nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, matchLimit)
        limitedContext = pcre2_match_context_copy_8(context)!
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        pcre2_match_context_free_8(limitedContext)
    }

    /// Runs `pattern` over `subject[0..<length]` from `startOffset` and reports group `group`'s span.
    /// A match where that group did not participate is reported as a match with an empty span at its start.
    /// With `lastStart` and a pattern compiled for it (`usesOffsetLimit`), no match starting after `lastStart` is
    /// looked for (without, the caller drops such a match itself).
    @inline(__always)
    public func match(
        _ pattern: CompiledPattern, subject: UnsafePointer<UInt8>, length: Int, startOffset: Int, group: Int,
        lastStart: Int? = nil
    ) -> MatchOutcome {
        let rc: Int32
        var ctx = context
        if let lastStart, pattern.usesOffsetLimit {
            pcre2_set_offset_limit_8(limitedContext, lastStart)
            ctx = limitedContext
        }
        if !interpretOnly, let jit = pattern.jitCode() {
            rc = pcre2_jit_match_8(jit, subject, length, startOffset, 0, matchData, ctx)
        } else {
            rc = pcre2_match_8(pattern.code, subject, length, startOffset, 0, matchData, ctx)
        }
        if rc >= 0 {
            let ov = pcre2_get_ovector_pointer_8(matchData)!
            let whole = ov[0]..<ov[1]
            if group == 0 { return .match(span: whole, whole: whole) }
            let s = ov[2 * group], e = ov[2 * group + 1]
            if s < 0 || e < 0 || rc <= group { return .match(span: ov[0]..<ov[0], whole: whole) }
            return .match(span: s..<e, whole: whole)
        }
        if rc == PCRE2_ERROR_NOMATCH { return .noMatch }
        return .limitExceeded
    }
}

/// Compiled patterns shared while rule packs load: `RuleSet.load` checks each rule against its examples in a rule
/// set of its own and then compiles the whole set, so without sharing every pattern was compiled and JIT-compiled
/// twice (three times with its anchored twin), which made start-up grow with the size of the packs' patterns.
/// Only inside `scope` are patterns remembered; the cache is emptied when the outermost scope ends.
enum PatternCache {
    private struct State {
        var depth = 0
        var entries: [String: CompiledPattern] = [:]
    }
    private static let state = Mutex(State())

    static func scope<T>(_ body: () -> T) -> T {
        state.withLock { $0.depth += 1 }
        defer {
            state.withLock { s in
                s.depth -= 1
                if s.depth == 0 { s.entries = [:] }
            }
        }
        return body()
    }

    /// `CompiledPattern(pattern, anchored:, offsetLimit:)`, or the one already compiled inside the current scope.
    static func compile(_ pattern: String, anchored: Bool = false, offsetLimit: Bool = false) throws(PatternError) -> CompiledPattern {
        let key = (anchored ? "A" : offsetLimit ? "L" : "U") + pattern
        if let hit = state.withLock({ $0.depth > 0 ? $0.entries[key] : nil }) { return hit }
        let compiled = try CompiledPattern(pattern, anchored: anchored, offsetLimit: offsetLimit)
        state.withLock { s in if s.depth > 0 { s.entries[key] = compiled } }
        return compiled
    }
}
