import Foundation
import PHIBatch
import PHIScrub
import Testing

// JSON-aware cleaning: only string values change, escapes are decoded before scanning and never cut, keys give
// context, JSON inside strings is rewritten as JSON, and the output always parses to the input's shape.

let sharedScrubber: Scrubber = try! Scrubber.withDefaultRules()

func clean(_ json: String) throws -> String {
    try JSONCleaner(scrubber: sharedScrubber).clean(json)
}

/// Parses JSON text (fragments allowed).
func parse(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

/// Same keys (in the same order of the text is not checked here), same array lengths, same types; strings may differ.
func sameShape(_ a: Any, _ b: Any) -> Bool {
    switch (a, b) {
    case let (x as [String: Any], y as [String: Any]):
        return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { sameShape(x[$0]!, y[$0]!) }
    case let (x as [Any], y as [Any]):
        return x.count == y.count && zip(x, y).allSatisfy { sameShape($0, $1) }
    case (is String, is String): return true
    case let (x as NSNumber, y as NSNumber): return x == y
    case (is NSNull, is NSNull): return true
    default: return false
    }
}

@Suite struct JSONCleanerTests {
    @Test func onlyStringsWithPHIChangeAndEveryOtherByteIsKept() throws {
        let input = """
            {
              "id" : "conv-1",  "n": [1, 2.5e3, -0, true, null],
              "messages": [ {"role": "user", "content": "SSN 402-19-8877 on file"},
                            {"role": "assistant", "content": "nothing here, order 12-555-0199"} ]
            }
            """
        let output = try clean(input)
        #expect(output == input.replacingOccurrences(of: "402-19-8877", with: "[SSN]"))
    }

    @Test func unicodeEscapesAreDecodedBeforeScanningAndOtherEscapesKept() throws {
        // An SSN written partly as \u escapes is found; the rest of the string keeps its own escapes.
        let input = #"{"note": "caf\u00e9 \"x\"\tSSN \u0034\u0030\u0032-19-8877 \ud83d\ude00 end"}"#
        let output = try clean(input)
        #expect(output == #"{"note": "caf\u00e9 \"x\"\tSSN [SSN] \ud83d\ude00 end"}"#)
        let decoded = try #require(try parse(output) as? [String: String])
        #expect(decoded["note"] == "café \"x\"\tSSN [SSN] 😀 end")
    }

    @Test func aFindingInsideEscapesReplacesWholeEscapeSequences() throws {
        // Every digit escaped: the replacement must cover whole \uXXXX sequences, never half of one.
        let ssn = "402-19-8877".unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
        let output = try clean(#"{"ssn": "\#(ssn)", "x": "ok"}"#)
        #expect(output == #"{"ssn": "[SSN]", "x": "ok"}"#)
    }

    @Test func loneSurrogatesAreKeptWhenNothingIsFound() throws {
        let input = #"["\ud800 lone", "\udc00", "x\ud83d"]"#
        #expect(try clean(input) == input)
    }

    /// A message's whole text that is an identifier is found (the `*-alone` rules: a chat answer to "What is your
    /// member ID?"); the same string under a key that names structured data is an id or a count and stays.
    @Test func anIdentifierThatIsAWholeMessageIsFoundUnderAMessageKeyOnly() throws {
        #expect(try clean(#"{"role": "user", "content": "078051121"}"#) == #"{"role": "user", "content": "[SSN]"}"#)
        #expect(try clean(#"{"text": "A12803456"}"#) == #"{"text": "[LICENSE]"}"#)
        #expect(try clean(#"["945456787654"]"#) == #"["[ACCOUNT]"]"#)
        for key in ["id", "order_id", "count", "code", "ref"] {
            let input = #"{"\#(key)": "078051121", "n": "A12803456"}"#
            #expect(try clean(input) == input, "key \(key)")
        }
    }

    @Test func keyNamesGiveContext() throws {
        let cases: [(String, String, String)] = [
            ("ssn", "402198877", "[SSN]"), ("patient_ssn", "402198877", "[SSN]"),
            ("dob", "1961-03-14", "[DATE]"), ("dateOfBirth", "03/14/1961", "[DATE]"),
            ("mrn", "00482913", "[MRN]"), ("phone", "6175550142", "[PHONE]"), ("home_phone", "6175550142", "[PHONE]"),
            ("email", "jane.roe@example.com", "[EMAIL]"), ("patient_name", "Jane Roe", "[NAME]"),
            ("first_name", "Maribel", "[NAME]"), ("name", "Alvar Quennel", "[NAME]"),
            ("npi_2", "1689012064", "[NPI]"), ("zip", "02139", "[ZIP]"), ("insurance_member_id", "XJH448812", "[HEALTH_PLAN]"),
        ]
        for (key, value, token) in cases {
            let output = try clean(#"{"\#(key)": "\#(value)"}"#)
            #expect(output == #"{"\#(key)": "\#(token)"}"#, "key \(key)")
        }
        // The same values under neutral keys are not PHI by themselves (a made-up name the dictionary does not
        // hold: "Jane Roe" is a dictionary name pair, found under any key).
        for (key, value) in [("note", "402198877"), ("count", "6175550142"), ("title", "Vesk Tarrow"), ("id", "00482913")] {
            let input = #"{"\#(key)": "\#(value)"}"#
            #expect(try clean(input) == input, "key \(key)")
        }
    }

    /// Keys that hold a name part or a person as often as other things (`last`, `from`, `owner`) take a dictionary
    /// name that is no common word, as the filter's name cues do for such a key in a JSON line.
    @Test func personKeysTakeDictionaryNames() throws {
        for (key, value) in [("last", "Smith"), ("from", "Artur Teterycz"), ("author", "Maria Kowalczyk")] {
            #expect(try clean(#"{"\#(key)": "\#(value)"}"#) == #"{"\#(key)": "[NAME]"}"#, "key \(key)")
        }
        for (key, value) in [("last", "Done"), ("owner", "Platform Team"), ("from", "Google Cloud"), ("last", "12345")] {
            let input = #"{"\#(key)": "\#(value)"}"#
            #expect(try clean(input) == input, "key \(key)")
        }
    }

    /// Keys the built-in table does not know but a pack's field rule does count as in the filter: the value is
    /// scanned after its key as a label (README "Field context"; rules/fields.yaml).
    @Test func thePacksFieldKeysGiveContextToo() throws {
        let cases: [(String, String, String)] = [
            ("city", "Salem", "[CITY]"), ("patientCity", "Salem", "[CITY]"), ("home_town", "Beverly", "[CITY]"),
            ("sms_number", "6175550198", "[PHONE]"), ("guarantor", "Lisa Robinson", "[NAME]"),
            ("acct_no", "363129082138", "[ACCOUNT]"), ("tax_id", "492699591", "[SSN]"),
        ]
        for (key, value, token) in cases {
            let output = try clean(#"{"\#(key)": "\#(value)"}"#)
            #expect(output == #"{"\#(key)": "\#(token)"}"#, "key \(key)")
        }
        // Keys that only end like one (ethnicity, velocity) or whose first word changes the meaning (ip_address).
        for (key, value) in [("ethnicity", "Hispanic"), ("velocity", "Fast"), ("ip_address", "Home Office")] {
            let input = #"{"\#(key)": "\#(value)"}"#
            #expect(try clean(input) == input, "key \(key)")
        }
    }

    @Test func arrayElementsTakeTheArraysKey() throws {
        #expect(try clean(#"{"phones": ["6175550142", "2125550199"]}"#) == #"{"phones": ["[PHONE]", "[PHONE]"]}"#)
    }

    @Test func toolNamesAreNotPersonNames() throws {
        let input = #"{"content": [{"type": "tool_use", "id": "t1", "name": "Search", "input": {"q": "x"}}], "#
            + #""function": {"name": "Lookup", "arguments": "{}"}}"#
        #expect(try clean(input) == input)
        let tools = #"{"tools": [{"name": "Search", "description": "Find records"}, [{"name": "Lookup"}]]}"#
        #expect(try clean(tools) == tools)
        #expect(try clean(#"{"role": "user", "name": "Jane Roe"}"#) == #"{"role": "user", "name": "[NAME]"}"#)
        // A bare `name` is a person's only when the value looks like a full name; specific keys need no such shape.
        for thing in ["Report.pdf", "Sonnet", "Clinic North 2", "gpt-4o mini", "Q3 Planning"] {
            let input = #"{"file": {"name": "\#(thing)"}}"#
            #expect(try clean(input) == input, "\(thing)")
        }
        #expect(try clean(#"{"name": "Ola K. Nygaard"}"#) == #"{"name": "[NAME]"}"#)
        #expect(try clean(#"{"first_name": "Maribel"}"#) == #"{"first_name": "[NAME]"}"#)
    }

    @Test func jsonInsideAStringIsRewrittenAsJSON() throws {
        let args = #"{\"ssn\": \"402198877\", \"limit\": 5, \"q\": \"call (617) 555-0142\"}"#
        let input = #"{"tool_calls": [{"function": {"name": "lookup", "arguments": "\#(args)"}}]}"#
        let output = try clean(input)
        let outer = try #require(try parse(output) as? [String: Any])
        #expect(sameShape(try parse(input), outer))
        let calls = try #require(outer["tool_calls"] as? [[String: Any]])
        let function = try #require(calls[0]["function"] as? [String: Any])
        let arguments = try #require(function["arguments"] as? String)
        let inner = try #require(try parse(arguments) as? [String: Any])
        #expect(inner["ssn"] as? String == "[SSN]")
        #expect(inner["q"] as? String == "call [PHONE]")
        #expect(inner["limit"] as? Int == 5)
    }

    @Test func numbersUnderPHIKeysThatArePHIBecomeStringTokens() throws {
        let input = #"{"ssn": 402198877, "phone": 6175550142, "zip": 38574, "limit": 402198877, "age": 30, "x": [1.5, -2]}"#
        let (output, counts) = try JSONCleaner(scrubber: sharedScrubber).clean(Array(input.utf8))
        #expect(String(decoding: output, as: UTF8.self)
            == #"{"ssn": "[SSN]", "phone": "[PHONE]", "zip": "[ZIP]", "limit": 402198877, "age": 30, "x": [1.5, -2]}"#)
        #expect(counts.numbersReplaced == 3)
        #expect(counts.findingsByEntity == ["SSN": 1, "PHONE": 1, "ZIP": 1])
    }

    @Test func countsAreReported() throws {
        let (_, counts) = try JSONCleaner(scrubber: sharedScrubber).clean(Array(
            #"{"a": "SSN 402-19-8877", "b": ["x", "DOB: 03/14/1961"], "c": "y"}"#.utf8))
        #expect(counts.findingsByEntity == ["SSN": 1, "DATE": 1])
        #expect(counts.strings == 4)
        #expect(counts.stringsChanged == 2)
    }

    @Test func invalidJSONIsAnErrorWithAPositionAndNoContent() throws {
        for bad in [#"{"ssn": "402-19-8877""#, #"{"ssn": 402-19-8877}"#, #"["402-19-8877" "x"]"#, "{\"a\": \"\u{1}\"}",
                    #"{"a": "\x"}"#, "", "[1,]", "{} {}"] {
            do {
                _ = try clean(bad)
                Issue.record("accepted invalid JSON \(bad)")
            } catch let error as JSONSyntaxError {
                #expect(!error.description.contains("402"))
                #expect(error.offset >= 0 && error.offset <= bad.utf8.count)
            }
        }
    }

    @Test func deepNestingDoesNotCrash() throws {
        let deep = String(repeating: "[", count: 200_000) + "\"SSN 402-19-8877\"" + String(repeating: "]", count: 200_000)
        let output = try clean(deep)
        #expect(output.contains("[SSN]") && !output.contains("402-19-8877"))
    }

    @Test func seededRandomDocumentsKeepTheirShape() throws {
        // Random documents with escapes, PHI and JSON-in-strings: the output always parses to the same shape and
        // never keeps a planted SSN.
        var rng = SplitMix(seed: 42)
        let cleaner = JSONCleaner(scrubber: sharedScrubber)
        var changed = 0
        for _ in 0..<300 {
            let doc = RandomJSON.value(&rng, depth: 0)
            let text = try String(decoding: JSONSerialization.data(withJSONObject: doc, options: [.fragmentsAllowed]),
                                  as: UTF8.self)
            let escaped = RandomJSON.escapeSomeDigits(text, &rng)
            let output = try cleaner.clean(escaped)
            let a = try parse(escaped), b = try parse(output)
            #expect(sameShape(a, b), "\(escaped)")
            #expect(!output.contains("402-19-8877") && !output.contains("\\u0034\\u0030\\u0032-19-8877"))
            if output != escaped { changed += 1 }
        }
        // The generator really plants PHI (a quarter of the documents hold some).
        #expect(changed > 50)
    }
}

/// A small seeded generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum RandomJSON {
    static let words = ["SSN 402-19-8877", "ok", "é\"quoted\"\\", "tab\there", "line\nbreak", "😀", "order 12-555-0199",
                        "Patient: Jane Roe", "\u{1}ctl", "DOB: 03/14/1961", "plain text", "call (617) 555-0142"]
    static let keys = ["content", "ssn", "name", "text", "arguments", "dob", "id", "type", "phone", "input"]

    static func value(_ rng: inout SplitMix, depth: Int) -> Any {
        switch depth > 3 ? 3 + rng.int(3) : rng.int(6) {
        case 0:
            var d: [String: Any] = [:]
            for _ in 0..<rng.int(4) { d[keys[rng.int(keys.count)]] = value(&rng, depth: depth + 1) }
            return d
        case 1: return (0..<rng.int(4)).map { _ in value(&rng, depth: depth + 1) }
        case 2:
            // JSON inside a string.
            let inner = value(&rng, depth: depth + 2)
            let data = try! JSONSerialization.data(withJSONObject: inner, options: [.fragmentsAllowed])
            return String(decoding: data, as: UTF8.self)
        case 3: return (0..<1 + rng.int(3)).map { _ in words[rng.int(words.count)] }.joined(separator: " ")
        case 4: return rng.int(1000)
        default: return rng.int(2) == 0 ? NSNull() : true
        }
    }

    /// Writes the first digits of some planted SSNs as \u escapes, as some writers do.
    static func escapeSomeDigits(_ text: String, _ rng: inout SplitMix) -> String {
        rng.int(2) == 0 ? text.replacingOccurrences(of: "402-19", with: "\\u0034\\u0030\\u0032-19") : text
    }
}
