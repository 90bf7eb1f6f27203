import Foundation
@testable import PHIBatch
import Testing

// The JSON reader's fast paths against plain readings: keys answered from JSONKeyTable against the same questions
// asked of the normalised key each time, strings read eight bytes at a time and decoded run by run against
// Foundation's parser and a byte-at-a-time decoder.

@Suite struct JSONReadingTests {
    /// What the rewriter asks of a key, worked out from the normalised key each time (no table).
    static func plainAnswers(_ key: [UInt8], _ fieldKeys: FieldKeyIndex) -> (UInt8, KeyContext?) {
        let info = JSONKeyInfo(normalized: key, context: KeyContext.forKey(normalized: key) ?? fieldKeys.context(forKey: key))
        return (info.flags, info.context)
    }

    /// The answers themselves, for the keys the rewriter's decisions turn on.
    @Test func keysMeanWhatTheRewriterAsks() {
        let cases: [(String, UInt8)] = [
            ("arguments", JSONKeyInfo.toolKey), ("tool_use_id", JSONKeyInfo.toolKey),
            ("function", JSONKeyInfo.toolParent | JSONKeyInfo.toolType), ("tools", JSONKeyInfo.toolParent),
            ("content", JSONKeyInfo.messageText), ("Text", JSONKeyInfo.messageText),
            ("input", JSONKeyInfo.toolKey | JSONKeyInfo.messageText), ("name", JSONKeyInfo.name),
            ("role", JSONKeyInfo.typeOrRole), ("TYPE", JSONKeyInfo.typeOrRole), ("tool_use", JSONKeyInfo.toolType),
            ("assistant", 0), ("patient_ssn", 0),
        ]
        for (key, flags) in cases {
            let info = JSONKeyInfo(normalized: KeyContext.normalize(Array(key.utf8)), context: nil)
            #expect(info.flags == flags, "\(key)")
        }
    }

    /// Every key the tables name, in several spellings, with escapes, and thousands of generated keys (past the
    /// table's capacity, so later keys are worked out each time): the table answers as the plain reading does,
    /// the first time and when asked again.
    @Test func theKeyTableAnswersAsThePlainReading() {
        let fieldKeys = FieldKeyIndex(rules: sharedScrubber.ruleSet.rules.map(\.rule))
        let table = JSONKeyTable { KeyContext.forKey(normalized: $0) ?? fieldKeys.context(forKey: $0) }
        var keys: [String] = Array(KeyContext.exact.keys) + KeyContext.suffixes + KeyContext.fragments.map(\.0)
        keys += ["arguments", "input", "tool_use_id", "toolCallId", "function", "tools", "tool_choice", "content",
                 "Content", "CONTENT", "role", "type", "name", "Name", "patient_SSN", "homePhone", "npi_2", "phone2",
                 "city", "patientCity", "ip_address", "", "x", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghi",
                 "tool_use", "server_tool_use", "function_call", "assistant", "user"]
        var rng = SplitMix(seed: 7)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".utf8)
        for _ in 0..<6_000 {
            keys.append(String(decoding: (0..<(1 + rng.int(40))).map { _ in letters[rng.int(letters.count)] },
                               as: UTF8.self))
        }
        var problems: [String] = []
        for round in 0..<2 {
            for key in keys {
                for escaped in [false, true] where !(escaped && key.isEmpty) {
                    // With escapes: the first letter written as \u00XX (decoded before it is normalised).
                    let raw = escaped ? String(format: "\\u%04x", key.utf8.first!) + String(key.dropFirst()) : key
                    let info = Array(raw.utf8).withUnsafeBufferPointer { table.info($0, hasEscapes: escaped) }
                    let (flags, context) = Self.plainAnswers(KeyContext.normalize(Array(key.utf8)), fieldKeys)
                    if info.flags != flags || info.context != context {
                        problems.append("round \(round) \(raw): \(info.flags) vs \(flags)")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.count): \(problems.prefix(3))")
        #expect(table.count == JSONKeyTable.capacity)
    }

    /// Strings with quotes, backslashes, escapes and control bytes at every offset of the eight-byte steps: the
    /// walker accepts what Foundation accepts, refuses what it refuses, and the decoded value (run-by-run copy)
    /// equals Foundation's string and a byte-by-byte decoding's offsets.
    @Test func stringsAreReadAndDecodedAsFoundationReadsThem() throws {
        var rng = SplitMix(seed: 11)
        let pieces = ["a", "Zé", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u0041", "\\ud83d\\ude00", "😀",
                      "        ", "0123456789", "\\b", "\\f", "\\r"]
        let bad = ["\u{1}", "\\x", "\\u12", "\""]
        var accepted = 0
        for i in 0..<4_000 {
            var parts = (0..<rng.int(12)).map { _ in pieces[rng.int(pieces.count)] }
            // Between pieces, so that no surrogate pair is split (a lone surrogate is kept here, and refused there).
            if i % 10 == 9 { parts.insert(bad[rng.int(bad.count)], at: rng.int(parts.count + 1)) }
            let doc = "{\"k\": \"" + parts.joined() + "\"}"
            let foundation = try? JSONSerialization.jsonObject(with: Data(doc.utf8)) as? [String: String]
            let bytes = Array(doc.utf8)
            let ours: (Range<Int>, Bool)? = bytes.withUnsafeBufferPointer { buf in
                var v = StringCollector()
                var walker = JSONWalker(buf)
                guard (try? walker.walk(&v)) != nil else { return nil }
                return v.strings.first
            }
            #expect((foundation == nil) == (ours == nil), "\(doc.debugDescription)")
            guard let (range, escapes) = ours, let expected = foundation?["k"] else { continue }
            accepted += 1
            var decoded: [UInt8] = []
            var units: [Int32] = []
            bytes.withUnsafeBufferPointer { buf in
                let raw = UnsafeBufferPointer(rebasing: buf[range])
                if escapes {
                    JSONString.decode(raw, into: &decoded, units: &units)
                } else {
                    decoded = Array(raw)
                    units = (0..<raw.count).map(Int32.init)
                }
                #expect(units == Self.plainOffsets(raw), "\(doc.debugDescription)")
            }
            // Lone surrogates become U+FFFD in the decoded copy, as Foundation makes them.
            #expect(String(decoding: decoded, as: UTF8.self) == expected, "\(doc.debugDescription)")
        }
        #expect(accepted > 3_000)
    }

    /// The raw offset of each decoded byte, read one byte at a time.
    static func plainOffsets(_ raw: UnsafeBufferPointer<UInt8>) -> [Int32] {
        var units: [Int32] = []
        var i = 0
        while i < raw.count {
            guard raw[i] == UInt8(ascii: "\\") else {
                units.append(Int32(i))
                i += 1
                continue
            }
            let start = i
            var scalar: UInt32
            if raw[i + 1] == UInt8(ascii: "u") {
                scalar = UInt32(String(decoding: raw[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16)!
                i += 6
                if (0xD800...0xDBFF).contains(scalar), i + 5 < raw.count, raw[i] == UInt8(ascii: "\\"),
                   raw[i + 1] == UInt8(ascii: "u"),
                   let low = UInt32(String(decoding: raw[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16),
                   (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000
                    i += 6
                } else if (0xD800...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
            } else {
                scalar = 0x41
                i += 2
            }
            let width = scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
            units += Array(repeating: Int32(start), count: width)
        }
        return units
    }
}

/// Collects the string values a walk meets.
private struct StringCollector: JSONVisitor {
    var strings: [(Range<Int>, Bool)] = []
    mutating func beginObject(at offset: Int) {}
    mutating func endObject() {}
    mutating func beginArray() {}
    mutating func endArray() {}
    mutating func key(_ content: Range<Int>, hasEscapes: Bool) {}
    mutating func string(_ content: Range<Int>, hasEscapes: Bool) { strings.append((content, hasEscapes)) }
    mutating func scalar(_ range: Range<Int>) {}
}
