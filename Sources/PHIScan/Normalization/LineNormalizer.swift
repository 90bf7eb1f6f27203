import CICUShim

/// Why a line could not be normalised. Carries no bytes of the line.
///
/// Callers must fail closed on this error (withhold or fully mask the line): matching the original bytes
/// instead would let fullwidth digits and other look-alikes carry PHI past the ASCII rules.
public struct LineNormalizationError: Error, Equatable, CustomStringConvertible {
    public enum Code: Equatable, Sendable {
        /// ICU could not load its normalisation data or failed on a code point.
        case icuFailure
        /// The line is longer than `UInt32.max` bytes, so its offsets do not fit the offset map.
        case lineTooLong
    }

    public let code: Code

    public init(_ code: Code) {
        self.code = code
    }

    public var description: String {
        switch code {
        case .icuFailure: "ICU normalisation failed"
        case .lineTooLong: "line too long to normalise (over 4 GiB)"
        }
    }
}

/// Maps lines holding non-ASCII bytes to an ASCII-comparable form for matching, remembering where each
/// output byte came from.
///
/// Each well-formed non-ASCII code point becomes NFKC(code point) (compatibility mappings; letter case is
/// kept), then any decimal digit (Nd) becomes `0`...`9`, the dashes U+2010...U+2015, U+2212, U+FE58, U+FE63
/// and U+FF0D become `-`, any space separator (Zs) becomes a space and, unless disabled, default-ignorable
/// code points (zero width space, soft hyphen, word joiner, BOM, variation selectors...) are dropped. Escapes
/// that stand for a character (JSON `\uXXXX`, URL `%XX`, HTML `&eacute;` and `&#233;`) are read as it, and a
/// Greek, Cyrillic, Armenian or Cherokee look-alike letter inside a Latin word as its Latin letter.
/// ASCII bytes, NUL and every byte of ill-formed UTF-8 are copied one to one. Code points are normalised
/// one at a time, so combining sequences are not composed. See `phiscrub_icu.h` for the full contract.
///
/// Use one instance per worker; it is not thread-safe. Buffers grow to the largest line seen and are
/// reused, so after warm-up `normalize` does not allocate.
public final class LineNormalizer {
    /// Whether default-ignorable code points are dropped from the output.
    public let removesDefaultIgnorables: Bool
    /// Whether dashes and space separators are kept as written (for the person-name detector, which reads an em
    /// dash as punctuation) instead of becoming `-` and a space.
    public let keepsPunctuation: Bool

    /// Tests only: false makes the shim ask ICU's normaliser about every non-ASCII code point instead of
    /// taking its shortcuts. Same output, slower.
    var usesFastPaths = true

    private var capacity: Int
    private var output: UnsafeMutablePointer<UInt8>
    private var sourceStarts: UnsafeMutablePointer<UInt32>
    private var sourceEnds: UnsafeMutablePointer<UInt32>

    /// - Parameter removesDefaultIgnorables: drop Default_Ignorable_Code_Point characters so that, for
    ///   example, `402<U+200B>19<U+200B>8877` reads as `402198877`. On by default.
    public init(removesDefaultIgnorables: Bool = true, keepsPunctuation: Bool = false) {
        self.removesDefaultIgnorables = removesDefaultIgnorables
        self.keepsPunctuation = keepsPunctuation
        capacity = 256
        output = .allocate(capacity: capacity)
        sourceStarts = .allocate(capacity: capacity)
        sourceEnds = .allocate(capacity: capacity)
    }

    deinit {
        output.deallocate()
        sourceStarts.deallocate()
        sourceEnds.deallocate()
    }

    /// Returns nil when the line is pure ASCII with no escape that stands for a character (JSON `\uXXXX`, URL
    /// `%XX`, an HTML reference): no normalisation is needed and the caller matches the original bytes. Otherwise normalises into this normaliser's buffers and returns a view of them.
    ///
    /// The returned view borrows this normaliser's buffers: it is valid until the next call to
    /// `normalize` on this instance or until the instance is released, whichever comes first. Copy what
    /// must outlive that. The view does not refer to `line`.
    public func normalize(_ line: UnsafeBufferPointer<UInt8>) throws(LineNormalizationError) -> NormalizedLine? {
        let count = line.count
        if phs_icu_is_ascii(line.baseAddress, count) != 0 && phs_icu_has_escape(line.baseAddress, count) == 0 {
            return nil
        }
        guard count <= Int(UInt32.max) else {
            throw LineNormalizationError(.lineTooLong)
        }
        // Mostly-ASCII lines rarely grow; try with room for the input plus a little and let the shim tell
        // us the exact size in the rare case of a large expansion (at most 11x: U+FDFA).
        reserve(count + 64)
        var produced = 0
        var changes: UInt32 = 0
        var status = run(line, &produced, &changes)
        if status == PHISCRUB_NORM_BUFFER_TOO_SMALL {
            reserve(produced)
            status = run(line, &produced, &changes)
        }
        switch status {
        case PHISCRUB_NORM_OK:
            return NormalizedLine(
                bytes: UnsafeBufferPointer(start: output, count: produced),
                originalCount: count,
                sourceStarts: sourceStarts,
                sourceEnds: sourceEnds,
                changedLetters: changes & PHISCRUB_NORM_CHANGED_LETTERS != 0,
                changedPunctuation: changes & PHISCRUB_NORM_CHANGED_PUNCTUATION != 0
            )
        case PHISCRUB_NORM_INPUT_TOO_LARGE:
            throw LineNormalizationError(.lineTooLong)
        default:
            throw LineNormalizationError(.icuFailure)
        }
    }

    private func run(_ line: UnsafeBufferPointer<UInt8>, _ produced: inout Int, _ changes: inout UInt32) -> Int32 {
        var flags = removesDefaultIgnorables ? PHISCRUB_NORM_DROP_IGNORABLES : PHISCRUB_NORM_KEEP_IGNORABLES
        if !usesFastPaths { flags |= PHISCRUB_NORM_NO_FAST_PATHS }
        if keepsPunctuation { flags |= PHISCRUB_NORM_KEEP_PUNCTUATION }
        flags |= PHISCRUB_NORM_DECODE_ESCAPES
        var length = 0
        let status = phs_icu_normalize_line(
            line.baseAddress, line.count, output, sourceStarts, sourceEnds, capacity, flags, &length, &changes
        )
        produced = length
        return status
    }

    /// Grows the buffers to hold at least `needed` bytes. Contents are not kept: every call rewrites them.
    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        let newCapacity = max(needed, capacity + capacity / 2)
        output.deallocate()
        sourceStarts.deallocate()
        sourceEnds.deallocate()
        output = .allocate(capacity: newCapacity)
        sourceStarts = .allocate(capacity: newCapacity)
        sourceEnds = .allocate(capacity: newCapacity)
        capacity = newCapacity
    }
}

/// A normalised line and the map from its bytes back to the original line.
///
/// A view into a `LineNormalizer`'s buffers: valid until that normaliser's next `normalize` call or its
/// release. Do not store it or pass it to another thread.
public struct NormalizedLine {
    /// The normalised bytes to match against.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Length in bytes of the original line.
    public let originalCount: Int
    /// Whether a code point other than a dash, a space separator or a dropped ignorable came out as something
    /// else: a look-alike letter of another script, a fullwidth or mathematical letter, a digit of another script,
    /// an escape read as its character (JSON `\uXXXX`, URL `%XX`, an HTML reference).
    public let changedLetters: Bool
    /// Whether a dash or space separator outside ASCII (or escaped) was met: only then does the form with
    /// punctuation kept (`LineNormalizer(keepsPunctuation:)`) differ from this one.
    public let changedPunctuation: Bool
    private let sourceStarts: UnsafePointer<UInt32>
    private let sourceEnds: UnsafePointer<UInt32>

    init(
        bytes: UnsafeBufferPointer<UInt8>,
        originalCount: Int,
        sourceStarts: UnsafeMutablePointer<UInt32>,
        sourceEnds: UnsafeMutablePointer<UInt32>,
        changedLetters: Bool = false,
        changedPunctuation: Bool = false
    ) {
        self.bytes = bytes
        self.originalCount = originalCount
        self.changedLetters = changedLetters
        self.changedPunctuation = changedPunctuation
        self.sourceStarts = UnsafePointer(sourceStarts)
        self.sourceEnds = UnsafePointer(sourceEnds)
    }

    /// Number of normalised bytes.
    public var count: Int { bytes.count }

    /// The original byte range of the code point (or single invalid byte) that produced output byte
    /// `index`. Every byte of an expansion (`ﬁ` -> `fi`) maps to the whole source code point.
    public func originalRange(ofByteAt index: Int) -> Range<Int> {
        precondition(index >= 0 && index < bytes.count, "output index out of range")
        return Int(sourceStarts[index])..<Int(sourceEnds[index])
    }

    /// The original byte range that the output span `range` was produced from: from the start of the code
    /// point behind its first byte to the end of the code point behind its last byte. A span that covers
    /// part of an expansion widens to the whole source code point; characters dropped inside the span
    /// (default ignorables) fall inside the result. An empty span maps to an empty range at the start of
    /// the code point behind `range.lowerBound`, or at `originalCount` when it sits at the end.
    public func originalRange(of range: Range<Int>) -> Range<Int> {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "output range out of bounds")
        if range.isEmpty {
            let at = range.lowerBound < bytes.count ? Int(sourceStarts[range.lowerBound]) : originalCount
            return at..<at
        }
        return Int(sourceStarts[range.lowerBound])..<Int(sourceEnds[range.upperBound - 1])
    }
}
