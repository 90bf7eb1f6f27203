@testable import PHIScan
import Testing

// Expected spans are written inline: ⟦ and ⟧ mark a span in the input and the matching span in the
// expected normalised text; the test checks that the output span maps back to exactly the input span.

/// Strips ⟦ ⟧ markers from `text` and returns its UTF-8 bytes and the byte ranges they enclosed.
private func marked(_ text: String) -> (bytes: [UInt8], spans: [Range<Int>]) {
    var bytes: [UInt8] = []
    var spans: [Range<Int>] = []
    var open: Int?
    for scalar in text.unicodeScalars {
        switch scalar {
        case "⟦": open = bytes.count
        case "⟧":
            if let start = open { spans.append(start..<bytes.count) }
            open = nil
        default: bytes.append(contentsOf: Array(String(scalar).utf8))
        }
    }
    return (bytes, spans)
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Normalises `input` and hands the live view to `body`; nil when the line is pure ASCII.
private func withNormalized<T>(
    _ input: [UInt8],
    using normalizer: LineNormalizer = LineNormalizer(),
    _ body: (NormalizedLine) throws -> T
) throws -> T? {
    try input.withUnsafeBufferPointer { buffer in
        guard let line = try normalizer.normalize(buffer) else { return nil }
        checkInvariants(line, input: input)
        return try body(line)
    }
}

/// Properties every normalised line has, whatever its content. Collects failures and expects once, so
/// multi-megabyte lines stay fast.
private func checkInvariants(_ line: NormalizedLine, input: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(line.originalCount == input.count, sourceLocation: sourceLocation)
    var bad: [Int] = []
    var previous = 0..<0
    for i in 0..<line.count {
        let source = line.originalRange(ofByteAt: i)
        let ordered = source.lowerBound >= previous.lowerBound && source.upperBound >= previous.upperBound
        let inBounds = source.upperBound <= input.count && !source.isEmpty
        // ASCII and invalid bytes are copied one to one; a one-byte source is never anything else, but for a query
        // string's '+' read as a space.
        let copied = source.count != 1 || line.bytes[i] == input[source.lowerBound]
            || (input[source.lowerBound] == UInt8(ascii: "+") && line.bytes[i] == UInt8(ascii: " "))
        if !(ordered && inBounds && copied) { bad.append(i) }
        previous = source
    }
    #expect(bad.isEmpty, "output bytes with a bad source range: \(bad.prefix(10))", sourceLocation: sourceLocation)
}

/// Checks the normalised text and that each marked output span maps back to its marked input span.
private func expectSpans(
    _ input: String, _ expected: String,
    using normalizer: LineNormalizer = LineNormalizer(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let (inBytes, inSpans) = marked(input)
    let (outBytes, outSpans) = marked(expected)
    #expect(inSpans.count == outSpans.count, sourceLocation: sourceLocation)
    let done: Bool? = try withNormalized(inBytes, using: normalizer) { line in
        #expect(Array(line.bytes) == outBytes, sourceLocation: sourceLocation)
        for (outSpan, inSpan) in zip(outSpans, inSpans) where outSpan.upperBound <= line.count {
            #expect(line.originalRange(of: outSpan) == inSpan, sourceLocation: sourceLocation)
        }
        return true
    }
    #expect(done == true, "line was treated as pure ASCII", sourceLocation: sourceLocation)
}

@Suite struct LineNormalizerTests {
    @Test func fullwidthSSNNormalisesAndMapsBack() throws {
        try expectSpans("ＳＳＮ ⟦４０２－１９－８８７７⟧", "SSN ⟦402-19-8877⟧")
        try expectSpans("⟦ＳＳＮ⟧\u{3000}⟦４０２⟧－１９－⟦８８７７⟧", "⟦SSN⟧ ⟦402⟧-19-⟦8877⟧")

        let input = bytes("ＳＳＮ ４０２－１９－８８７７")
        let original = try withNormalized(input) { line in
            Array(input[line.originalRange(of: 4..<15)])
        }
        #expect(original == bytes("４０２－１９－８８７７"))
    }

    @Test func fullwidthLettersKeepTheirCase() throws {
        try expectSpans("Patient: ⟦ＪＯＨＮ Ｓｍｉｔｈ⟧", "Patient: ⟦JOHN Smith⟧")
        try expectSpans("⟦𝐉𝐨𝐡𝐧⟧ 𝘿𝙤𝙚", "⟦John⟧ Doe")
    }

    @Test func fullwidthAndSmallCommercialAt() throws {
        try expectSpans("⟦ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ⟧", "⟦john@example.com⟧")
        try expectSpans("jane⟦\u{FE6B}⟧example.org", "jane⟦@⟧example.org")
    }

    @Test(arguments: [
        0x0660, // Arabic-Indic
        0x06F0, // Extended Arabic-Indic
        0x0966, // Devanagari
        0x09E6, // Bengali
        0x0E50, // Thai
        0x1040, // Myanmar
        0xFF10, // Fullwidth (NFKC maps these itself)
        0x1D7CE, // Mathematical bold (NFKC maps these itself)
        0x1E950, // Adlam
    ] as [UInt32])
    func decimalDigitsOfEveryScriptBecomeASCII(zero: UInt32) throws {
        var digits = ""
        for value in 0..<UInt32(10) {
            digits.unicodeScalars.append(Unicode.Scalar(zero + value)!)
        }
        try expectSpans("MRN ⟦\(digits)⟧;", "MRN ⟦0123456789⟧;")
    }

    @Test func arabicIndicSSN() throws {
        try expectSpans("SSN ⟦٤٠٢⟧-⟦١٩⟧-⟦٨٨٧٧⟧", "SSN ⟦402⟧-⟦19⟧-⟦8877⟧")
        try expectSpans("هاتف ⟦۵۵۵-۰۱۲۳⟧", "هاتف ⟦555-0123⟧")
    }

    @Test func otherNumberFormsFollowNFKC() throws {
        // Not Nd, but NFKC gives them ASCII digits; a span inside the expansion widens to the source.
        try expectSpans("x⟦²⟧ ⟦①⟧ ⟦⑫⟧", "x⟦2⟧ ⟦1⟧ ⟦12⟧")
    }

    @Test(arguments: [0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D, 0xFE31, 0xFE32] as [UInt32])
    func lookAlikeDashesBecomeHyphenMinus(dash: UInt32) throws {
        let scalar = Unicode.Scalar(dash)!
        try expectSpans("402⟦\(scalar)⟧19⟦\(scalar)⟧8877", "402⟦-⟧19⟦-⟧8877")
    }

    @Test(arguments: [0x00A0, 0x1680, 0x2002, 0x2007, 0x2009, 0x200A, 0x202F, 0x205F, 0x3000] as [UInt32])
    func spaceSeparatorsBecomeSpace(space: UInt32) throws {
        let scalar = Unicode.Scalar(space)!
        try expectSpans("SSN⟦\(scalar)⟧402-19-8877", "SSN⟦ ⟧402-19-8877")
    }

    @Test func lookAlikeLettersOfOtherScriptsInsideLatinWordsReadAsLatin() throws {
        // Cyrillic о (U+043E) in "John", Cyrillic З (U+0417) among digits, Greek Ο (U+039F) in capitals.
        try expectSpans("Patient: ⟦J\u{043E}hn⟧ Smith", "Patient: ⟦John⟧ Smith")
        try expectSpans("SSN: ⟦5\u{0417}6-22-8141⟧", "SSN: ⟦536-22-8141⟧")
        try expectSpans("⟦J\u{039F}HN⟧ DOE", "⟦JOHN⟧ DOE")
        // The look-alike letter alone maps back to its own two bytes.
        let input = bytes("J\u{043E}hn")
        let original = try withNormalized(input) { line in Array(input[line.originalRange(of: 1..<2)]) }
        #expect(original == bytes("\u{043E}"))
    }

    @Test func jsonEscapesReadAsTheirCharacters() throws {
        // A serializer that escapes everything outside ASCII (Python's json.dumps) writes José as Jos\u00e9.
        try expectSpans(#"{"n":"⟦Jos\u00e9⟧ ⟦M\u00fa\u00f1oz⟧"}"#, #"{"n":"⟦José⟧ ⟦Múñoz⟧"}"#)
        try expectSpans(#"SSN ⟦\u0035\u0033\u0036⟧-22-8141"#, "SSN ⟦536⟧-22-8141")
        // A surrogate pair is one character; its four bytes map to the twelve of the escape.
        try expectSpans(#"⟦\ud83d\ude00⟧ ok"#, "⟦\u{1F600}⟧ ok")
        // An escaped backslash before "u" is text; control characters and lone surrogates stay escaped.
        for text in [#"C:\\users\\u00e9"#, #"a\u000ab"#, #"x\ud83d y"#, #"x\u12 y"#] {
            let input = bytes(text + " é")
            let output = try withNormalized(input) { Array($0.bytes) }
            #expect(output == input, "\(text)")
        }
        // A pure ASCII line with an escape is normalised; one without is not.
        #expect(try withNormalized(bytes(#"Jos\u00e9"#)) { Array($0.bytes) } == bytes("José"))
        let plain = bytes(#"a\"b\\c"#)
        let untouched = try plain.withUnsafeBufferPointer { try LineNormalizer().normalize($0) == nil }
        #expect(untouched)
    }

    @Test func urlEscapesReadAsTheirCharacters() throws {
        // One UTF-8 character's %XX sequence is one character; ASCII ones read as they stand for.
        try expectSpans("name=⟦Jos%C3%A9⟧%20⟦Hern%C3%A1ndez⟧", "name=⟦José⟧ ⟦Hernández⟧")
        try expectSpans("dob=⟦10%2F13%2F1951⟧&x=1", "dob=⟦10/13/1951⟧&x=1")
        // In a line with URL escapes a '+' between letters or digits is a space; elsewhere it stays.
        try expectSpans("q=⟦Ann+Lee⟧%2C+x", "q=⟦Ann Lee⟧, x")
        #expect(try LineNormalizerTests.normalized("a+b é") == "a+b é")
        // A lead byte without its continuation stays; the escape after it is read on its own.
        try expectSpans("a%C3⟦%28⟧b", "a%C3⟦(⟧b")
        // Control characters, broken UTF-8 sequences and what is no escape are kept as written.
        for text in ["a%0Ab", "a%C3b", "100% sure", "%zz", "50%"] {
            #expect(try LineNormalizerTests.normalized(text + " é") == text + " é", "\(text)")
        }
    }

    @Test func htmlReferencesReadAsTheirCharacters() throws {
        try expectSpans("<p>⟦Jos&eacute;⟧ ⟦Hern&aacute;ndez⟧</p>", "<p>⟦José⟧ ⟦Hernández⟧</p>")
        try expectSpans("⟦&#74;⟧ohn⟦&nbsp;⟧Smith ⟦&#x4A;⟧", "⟦J⟧ohn⟦ ⟧Smith ⟦J⟧")
        // With dashes and spaces kept (the name detector's form) an escaped one is written as the character.
        try expectSpans("John⟦&nbsp;⟧Smith é", "John⟦\u{00A0}⟧Smith é", using: LineNormalizer(keepsPunctuation: true))
        // No semicolon, an unknown name, a control character: kept.
        for text in ["AT&T", "&eacute", "&nosuch;", "&#10;", "&#xD800;", "a & b;"] {
            #expect(try LineNormalizerTests.normalized(text + " é") == text + " é", "\(text)")
        }
    }

    /// The normalised form of `text` as a string (the text itself when it needs none).
    static func normalized(_ text: String) throws -> String {
        try withNormalized(bytes(text)) { String(decoding: $0.bytes, as: UTF8.self) } ?? text
    }

    @Test func wordsWhollyInOtherScriptsStayAsWritten() throws {
        // "Роза" and "Она" are Cyrillic words whose letters look Latin: no ASCII letter in the word, no change.
        for text in ["Она сказала: Роза", "Αθήνα Jones", "Роза, 12", "ОК-Роза"] {
            let input = bytes(text)
            let output = try withNormalized(input) { Array($0.bytes) }
            #expect(output == input, "\(text)")
        }
    }

    @Test func nbspInsideAName() throws {
        try expectSpans("Dr.\u{00A0}⟦Jane\u{00A0}Roe⟧ 555\u{202F}0100", "Dr. ⟦Jane Roe⟧ 555 0100")
    }

    @Test func invalidUTF8BytesAreKeptOneToOne() throws {
        let input: [UInt8] =
            [0x41, 0xFF, 0x42] // a byte that never occurs in UTF-8
            + [0xE2, 0x82, 0x43] // truncated 3-byte sequence followed by ASCII
            + [0xED, 0xA0, 0x80] // encoded surrogate
            + [0xC0, 0xAF, 0xC1, 0xBF] // overlong forms
            + [0xF4, 0x90, 0x80, 0x80, 0xF5] // above U+10FFFF, invalid lead
            + [0x80, 0xBF] // lone trail bytes
            + [0xC3, 0xA9] // valid é (already NFKC): kept as one 2-byte code point
            + [0xF0, 0x9F, 0x98] // truncated 4-byte sequence at the end of the line
        let validRange = 20..<22
        #expect(Array(input[validRange]) == bytes("é"))
        let checked = try withNormalized(input) { line in
            #expect(Array(line.bytes) == input)
            for i in 0..<line.count {
                let expected = validRange.contains(i) ? validRange : i..<(i + 1)
                #expect(line.originalRange(ofByteAt: i) == expected)
            }
            #expect(line.originalRange(of: 3..<6) == 3..<6)
            return true
        }
        #expect(checked == true)

        #expect(try withNormalized([0xFF]) { Array($0.bytes) } == [0xFF])
        // Invalid bytes next to characters that change.
        let mixed: [UInt8] = [0xFF] + bytes("４") + [0xE2, 0x82] + bytes("２")
        #expect(try withNormalized(mixed) { Array($0.bytes) } == [0xFF, 0x34, 0xE2, 0x82, 0x32])
    }

    @Test func nulBytesArePreserved() throws {
        let input: [UInt8] = [0x00] + bytes("ＡＢ") + [0x00, 0x41, 0x00]
        let output = try withNormalized(input) { line -> [UInt8] in
            #expect(line.originalRange(ofByteAt: 0) == 0..<1)
            #expect(line.originalRange(ofByteAt: 3) == 7..<8)
            #expect(line.originalRange(of: 1..<3) == 1..<7)
            return Array(line.bytes)
        }
        #expect(output == [0x00, 0x41, 0x42, 0x00, 0x41, 0x00])
    }

    @Test func pureASCIIReturnsNil() throws {
        let normalizer = LineNormalizer()
        let lines: [[UInt8]] = [
            [],
            bytes("SSN 402-19-8877"),
            [0x00, 0x00, 0x09, 0x0D, 0x0A],
            Array(0..<128),
            Array(repeating: 0x7F, count: 1000),
        ]
        for line in lines {
            #expect(try withNormalized(line, using: normalizer) { _ in true } == nil)
        }
        #expect(try withNormalized(Array(repeating: 0x61, count: 40) + [0x80], using: normalizer) { _ in true } == true)
    }

    @Test func mixedLine() throws {
        try expectSpans(
            "Patient: ⟦José Müller⟧, DOB ⟦０１/０２/１９８０⟧, SSN ⟦٤٠٢-١٩-٨٨٧٧⟧, mail ⟦ｊ＠ｅｘ．ｃｏｍ⟧ 😀 tel ⟦555‑0100⟧",
            "Patient: ⟦José Müller⟧, DOB ⟦01/02/1980⟧, SSN ⟦402-19-8877⟧, mail ⟦j@ex.com⟧ 😀 tel ⟦555-0100⟧"
        )
    }

    @Test func combiningSequencesAreNotComposed() throws {
        // One code point at a time: "e" + U+0301 stays as it is; precomposed é is already NFKC.
        try expectSpans("⟦Jose\u{0301}⟧ ⟦Jos\u{00E9}⟧", "⟦Jose\u{0301}⟧ ⟦Jos\u{00E9}⟧")
        try expectSpans("⟦A⟧⟦\u{030A}⟧", "⟦A⟧⟦\u{030A}⟧")
    }

    @Test func ligatureExpansionMapsEveryByteToTheSource() throws {
        let input = bytes("Dr. ﬁnch")
        let ligature = 4..<7
        let result = try withNormalized(input) { line -> [UInt8] in
            #expect(line.originalRange(ofByteAt: 4) == ligature)
            #expect(line.originalRange(ofByteAt: 5) == ligature)
            #expect(line.originalRange(of: 5..<6) == ligature) // only the "i": widens to the ligature
            #expect(line.originalRange(of: 4..<9) == 4..<10) // "finch"
            #expect(line.originalRange(of: 5..<5) == 4..<4)
            #expect(line.originalRange(of: 9..<9) == 10..<10)
            return Array(line.bytes)
        }
        #expect(result == bytes("Dr. finch"))
        try expectSpans("⟦㎒⟧ ⟦㍻⟧", "⟦MHz⟧ ⟦平成⟧")
    }

    @Test func largestExpansionU_FDFA() throws {
        let expansion = "\u{0635}\u{0644}\u{0649} \u{0627}\u{0644}\u{0644}\u{0647} \u{0639}\u{0644}\u{064A}\u{0647} \u{0648}\u{0633}\u{0644}\u{0645}"
        #expect(bytes(expansion).count == 33)
        try expectSpans("x⟦\u{FDFA}⟧y", "x⟦\(expansion)⟧y")
        let all = try withNormalized(bytes("x\u{FDFA}y")) { line in
            (1...33).allSatisfy { line.originalRange(ofByteAt: $0) == 1..<4 }
        }
        #expect(all == true)
    }

    @Test func growsWhenTheOutputOutrunsTheBuffer() throws {
        let normalizer = LineNormalizer()
        #expect(try withNormalized(bytes("Ａ"), using: normalizer) { Array($0.bytes) } == bytes("A"))
        // 3000 input bytes become 33000 output bytes: more than the first attempt's room.
        let input = Array(Array(repeating: "\u{FDFA}", count: 1000).joined().utf8)
        let ok = try withNormalized(input, using: normalizer) { line in
            line.count == 33_000
                && (0..<1000).allSatisfy { k in line.originalRange(of: (33 * k)..<(33 * k + 33)) == (3 * k)..<(3 * k + 3) }
        }
        #expect(ok == true)
        #expect(try withNormalized(bytes("ａ１"), using: normalizer) { Array($0.bytes) } == bytes("a1"))
    }

    @Test func defaultIgnorablesAreDroppedButStayInsideMappedSpans() throws {
        try expectSpans(
            "SSN ⟦402\u{200B}19\u{00AD}88\u{2060}77⟧\u{FEFF} ⟦J\u{200D}ohn⟧",
            "SSN ⟦402198877⟧ ⟦John⟧"
        )
        // An empty output span at the very end maps to the end of the original line.
        let end = try withNormalized(bytes("ab\u{200B}")) { line in line.originalRange(of: 2..<2) }
        #expect(end == 5..<5)
        // A line made only of ignorables normalises to nothing.
        #expect(try withNormalized(bytes("\u{200B}\u{FEFF}")) { $0.count } == 0)
    }

    @Test func defaultIgnorablesCanBeKept() throws {
        let keep = LineNormalizer(removesDefaultIgnorables: false)
        #expect(!keep.removesDefaultIgnorables)
        try expectSpans("⟦402\u{200B}19⟧\u{00AD}", "⟦402\u{200B}19⟧\u{00AD}", using: keep)
    }

    @Test func longLineWithAFewNonASCIICharacters() throws {
        let size = 1 << 20
        var input = [UInt8](repeating: UInt8(ascii: "a"), count: size)
        for i in stride(from: 100, to: size, by: 1000) { input[i] = UInt8(ascii: "7") }
        let inserts: [(at: Int, scalar: String, replacement: [UInt8])] = [
            (10, "４", bytes("4")),
            (500_000, "\u{00A0}", bytes(" ")),
            (size - 3, "ﬁ", bytes("fi")),
        ]
        var expected = input
        for insert in inserts.reversed() {
            input.replaceSubrange(insert.at..<(insert.at + 1), with: bytes(insert.scalar))
            expected.replaceSubrange(insert.at..<(insert.at + 1), with: insert.replacement)
        }
        let normalizer = LineNormalizer()
        let first = try withNormalized(input, using: normalizer) { line -> UnsafePointer<UInt8>? in
            #expect(line.count == expected.count)
            #expect(line.bytes.elementsEqual(expected))
            #expect(line.originalRange(of: 0..<10) == 0..<10)
            #expect(line.originalRange(ofByteAt: 10) == 10..<13) // "４", 3 bytes
            #expect(line.originalRange(ofByteAt: 11) == 13..<14)
            // The NBSP (2 bytes) sits after the first insert shifted things by 2.
            #expect(line.originalRange(of: 499_999..<500_002) == 500_001..<500_005)
            let fi = expected.count - 4
            #expect(line.originalRange(of: fi..<(fi + 2)) == (input.count - 5)..<(input.count - 2))
            #expect(line.originalRange(of: 0..<line.count) == 0..<input.count)
            return line.bytes.baseAddress
        }
        // After warm-up the buffers are reused: same storage, no allocation.
        let second = try withNormalized(input, using: normalizer) { $0.bytes.baseAddress }
        #expect(first != nil && first == second)
    }

    /// Every non-surrogate scalar from U+0080 up, UTF-8, one after another, and where each one begins.
    private static let allScalars: (bytes: [UInt8], isStart: [Bool]) = {
        var input: [UInt8] = []
        input.reserveCapacity(4_500_000)
        var isStart: [Bool] = []
        isStart.reserveCapacity(4_500_000)
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue } // surrogates
            var first = true
            for byte in scalar.utf8 {
                input.append(byte)
                isStart.append(first)
                first = false
            }
        }
        return (input, isStart)
    }()

    @Test func everyScalarStaysWithinTheExpansionBoundAndMapsToItself() throws {
        let (input, isStart) = Self.allScalars
        let result = try withNormalized(input) { line -> (maxFactor: Int, misplaced: Int, leftovers: [UInt32]) in
            var maxFactor = 0
            var misplaced = 0
            var i = 0
            while i < line.count {
                let source = line.originalRange(ofByteAt: i)
                var j = i + 1
                while j < line.count, line.originalRange(ofByteAt: j).lowerBound == source.lowerBound { j += 1 }
                if !isStart[source.lowerBound] || source.upperBound < input.count && !isStart[source.upperBound] {
                    misplaced += 1
                }
                maxFactor = max(maxFactor, (j - i + source.count - 1) / source.count)
                i = j
            }
            // No decimal digit or space separator survives (scalars up to Unicode 14 so ICU and the Swift
            // runtime agree).
            var leftovers: [UInt32] = []
            for scalar in String(decoding: line.bytes, as: UTF8.self).unicodeScalars where scalar.value >= 0x80 {
                let category = scalar.properties.generalCategory
                guard category == .decimalNumber || category == .spaceSeparator else { continue }
                if let age = scalar.properties.age, age.major < 15 { leftovers.append(scalar.value) }
            }
            return (maxFactor, misplaced, leftovers)
        }
        #expect(result?.maxFactor == 11) // U+FDFA; the documented PHISCRUB_NORM_MAX_EXPANSION
        #expect(result?.misplaced == 0)
        #expect(result?.leftovers == [])
    }

    @Test func shortcutsAgreeWithICUForEveryScalar() throws {
        let input = Self.allScalars.bytes
        let slow = LineNormalizer()
        slow.usesFastPaths = false
        let agree = try withNormalized(input, using: slow) { expected in
            try withNormalized(input) { actual in
                actual.bytes.elementsEqual(expected.bytes)
                    && (0..<actual.count).allSatisfy { actual.originalRange(ofByteAt: $0) == expected.originalRange(ofByteAt: $0) }
            }
        }
        #expect(agree == true)
    }

    @Test func errorDescriptionCarriesNoData() {
        #expect(LineNormalizationError(.icuFailure).description == "ICU normalisation failed")
        #expect(LineNormalizationError(.lineTooLong).code == .lineTooLong)
    }
}
