import Foundation
import PHIScrub
@testable import PHIServeHTTP
import Testing

// The Presidio-compatible API's parts that need no server: names, offsets, the anonymizer's operators and conflicts,
// the analyzer over the service core.

let sharedScrubber: Scrubber = try! Scrubber.withDefaultRules()

func json(_ bytes: [UInt8]) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}

func anonymize(_ request: [String: Any]) throws -> [String: Any] {
    let body = Array(try JSONSerialization.data(withJSONObject: request))
    return try #require(try json(try PresidioAnonymizer().anonymize(body: body)) as? [String: Any])
}

@Suite struct PresidioNameTests {
    @Test func namesMapBothWays() {
        #expect(PresidioEntities.presidioName("SSN") == "US_SSN")
        #expect(PresidioEntities.presidioName("NAME") == "PERSON")
        #expect(PresidioEntities.presidioName("ZIP") == "LOCATION")
        #expect(PresidioEntities.presidioName("MRN") == "MRN")
        #expect(PresidioEntities.phiscrubEntities("LOCATION") == ["ADDRESS", "CITY", "ZIP", "LOCATION"])
        #expect(PresidioEntities.phiscrubEntities("PHONE_NUMBER") == ["PHONE", "FAX", "PHONE_NUMBER"])
        #expect(PresidioEntities.phiscrubEntities("MRN") == ["MRN"])
    }

    @Test func everyLoadedEntityHasAName() {
        for e in sharedScrubber.ruleSet.entities {
            #expect(!PresidioEntities.presidioName(e).isEmpty)
        }
    }

    @Test func byteOffsetsBecomeCodePoints() {
        let text = Array("Zoë 😀 x".utf8)   // Z o ë(2 bytes) space 😀(4 bytes) space x
        #expect(CodePointOffsets.codePoints(of: [0, 2, 4, 5, 9, 10, 11], in: text) == [0, 2, 3, 4, 5, 6, 7])
        #expect(CodePointOffsets.codePoints(of: [11, 0], in: text) == [7, 0])
    }
}

@Suite struct PresidioAnonymizerTests {
    @Test func documentedReplaceAndRedact() throws {
        let r = try anonymize([
            "text": "hello world, my name is Jane Doe. My number is: 034453334",
            "anonymizers": ["PERSON": ["type": "redact"], "PHONE_NUMBER": ["type": "replace", "new_value": "ANONYMIZED"]],
            "analyzer_results": [["start": 24, "end": 32, "score": 0.8, "entity_type": "PERSON"],
                                 ["start": 48, "end": 57, "score": 0.95, "entity_type": "PHONE_NUMBER"]],
        ])
        #expect(r["text"] as? String == "hello world, my name is . My number is: ANONYMIZED")
        let items = try #require(r["items"] as? [[String: Any]])
        #expect(items.count == 2)
        #expect(items[0]["entity_type"] as? String == "PHONE_NUMBER")
        #expect(items[0]["start"] as? Int == 40 && items[0]["end"] as? Int == 50)
        #expect(items[1]["operator"] as? String == "redact" && items[1]["start"] as? Int == 24 && items[1]["end"] as? Int == 24)
    }

    @Test func defaultIsReplaceWithTheEntityType() throws {
        let r = try anonymize(["text": "hello world, my name is Jane Doe.",
                               "analyzer_results": [["start": 24, "end": 32, "score": 0.8, "entity_type": "PERSON"]]])
        #expect(r["text"] as? String == "hello world, my name is <PERSON>.")
        let d = try anonymize(["text": "hello world, my name is Jane Doe.",
                               "anonymizers": ["DEFAULT": ["type": "replace", "new_value": "ANONYMIZED"]],
                               "analyzer_results": [["start": 24, "end": 32, "score": 0.8, "entity_type": "PERSON"]]])
        #expect(d["text"] as? String == "hello world, my name is ANONYMIZED.")
    }

    @Test func maskCountsCodePoints() throws {
        let r = try anonymize(["text": "Zoë called 312-555-0134",
                               "anonymizers": ["PHONE_NUMBER": ["type": "mask", "masking_char": "*", "chars_to_mask": 8, "from_end": false],
                                               "PERSON": ["type": "mask", "masking_char": "#", "chars_to_mask": 2, "from_end": true]],
                               "analyzer_results": [["start": 0, "end": 3, "score": 0.8, "entity_type": "PERSON"],
                                                    ["start": 11, "end": 23, "score": 0.9, "entity_type": "PHONE_NUMBER"]]])
        #expect(r["text"] as? String == "Z## called ********0134")
    }

    @Test func hashWithSaltIsStableAndWithoutIsNot() throws {
        func hashed(_ salt: String?) throws -> String {
            var op: [String: Any] = ["type": "hash", "hash_type": "sha256"]
            if let salt { op["salt"] = salt }
            let r = try anonymize(["text": "SSN 365-94-0475", "anonymizers": ["US_SSN": op],
                                   "analyzer_results": [["start": 4, "end": 15, "score": 0.9, "entity_type": "US_SSN"]]])
            return String((r["text"] as? String ?? "").dropFirst(4))
        }
        #expect(try hashed("0123456789abcdef") == hashed("0123456789abcdef"))
        #expect(try hashed(nil) != hashed(nil))
        #expect(try hashed(nil).count == 64)
    }

    @Test func encryptIsBase64OfIVAndBlocks() throws {
        let r = try anonymize(["text": "SSN 365-94-0475", "anonymizers": ["DEFAULT": ["type": "encrypt", "key": "WmZq4t7w!z%C&F)J"]],
                               "analyzer_results": [["start": 4, "end": 15, "score": 0.9, "entity_type": "US_SSN"]]])
        let token = String((r["text"] as? String ?? "").dropFirst(4))
        #expect(Data(base64Encoded: token)?.count == 32)   // 16-byte IV + one block
    }

    @Test func conflictsResolveAsPresidioDoes() throws {
        // Same type overlapping: merged. Contained: dropped. Same offsets: the higher score wins.
        let r = try anonymize(["text": "aaaa bbbb cccc dddd",
                               "analyzer_results": [["start": 0, "end": 6, "score": 0.5, "entity_type": "A"],
                                                    ["start": 3, "end": 9, "score": 0.6, "entity_type": "A"],
                                                    ["start": 10, "end": 19, "score": 0.5, "entity_type": "B"],
                                                    ["start": 15, "end": 19, "score": 0.9, "entity_type": "C"],
                                                    ["start": 10, "end": 19, "score": 0.7, "entity_type": "D"]]])
        #expect(r["text"] as? String == "<A> <D>")
        // Adjacent results of one type with spaces between become one.
        let m = try anonymize(["text": "Jane  Roe said",
                               "analyzer_results": [["start": 0, "end": 4, "score": 0.5, "entity_type": "PERSON"],
                                                    ["start": 6, "end": 9, "score": 0.5, "entity_type": "PERSON"]]])
        #expect(m["text"] as? String == "<PERSON> said")
    }

    @Test func badRequestsGetPresidioErrors() throws {
        func failure(_ body: String) -> PresidioAnonymizer.Failure? {
            do { _ = try PresidioAnonymizer().anonymize(body: Array(body.utf8)); return nil } catch { return error }
        }
        #expect(failure("not json")?.status == 400)
        #expect(failure(#"{"text":"x","analyzer_results":[{"start":0,"end":5,"entity_type":"A","score":1}]}"#)?.status == 422)
        #expect(failure(#"{"text":"x","analyzer_results":[],"anonymizers":{"DEFAULT":{"type":"custom"}}}"#)?.status == 400)
        #expect(failure(#"{"text":"x","analyzer_results":[],"anonymizers":{"DEFAULT":{"type":"frobnicate"}}}"#)?.status == 422)
        #expect(failure(#"{"text":"x","analyzer_results":[],"anonymizers":{"DEFAULT":{"type":"mask","masking_char":"**","chars_to_mask":1}}}"#)?.status == 422)
    }
}

@Suite struct PresidioAnalyzerTests {
    let analyzer = PresidioAnalyzer(service: PHIService(scrubber: sharedScrubber))

    func analyze(_ request: [String: Any]) throws -> Any {
        let body = Array(try JSONSerialization.data(withJSONObject: request))
        return try json(try analyzer.analyze(body: body, role: nil).json)
    }

    @Test func documentedMinimalRequest() throws {
        let r = try #require(try analyze(["text": "John Smith drivers license is AC432223", "language": "en"]) as? [[String: Any]])
        let types = r.map { $0["entity_type"] as? String }
        #expect(types.contains("PERSON"))
        let person = try #require(r.first { $0["entity_type"] as? String == "PERSON" })
        #expect(person["start"] as? Int == 0 && person["end"] as? Int == 10)
        #expect(r.allSatisfy { $0.keys.contains("analysis_explanation") && $0["score"] is Double })
    }

    @Test func batchTextAnswersAListPerText() throws {
        let r = try #require(try analyze(["text": ["SSN 365-94-0475", "nothing here"], "language": "en"]) as? [[[String: Any]]])
        #expect(r.count == 2)
        #expect(r[0].first?["entity_type"] as? String == "US_SSN")
        #expect(r[1].isEmpty)
    }

    @Test func offsetsAreCodePointsAndEntitiesFilter() throws {
        let text = "Zoë née Roe: SSN 365-94-0475, mail zoe@example.com"
        let r = try #require(try analyze(["text": text, "language": "en", "entities": ["US_SSN"]]) as? [[String: Any]])
        #expect(r.count == 1)
        let scalars = Array(text.unicodeScalars)
        let start = try #require(r[0]["start"] as? Int), end = try #require(r[0]["end"] as? Int)
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<end])
        #expect(String(s) == "365-94-0475")
        let high = try #require(try analyze(["text": text, "language": "en", "score_threshold": 0.99]) as? [[String: Any]])
        #expect(high.allSatisfy { ($0["score"] as? Double ?? 0) >= 0.99 })
    }

    @Test func adHocRecognizersAndAllowList() throws {
        let r = try #require(try analyze([
            "text": "John Smith drivers license is AC432223 and the zip code is 12345", "language": "en",
            "entities": ["ZIP"],
            "ad_hoc_recognizers": [["name": "Zip code Recognizer", "supported_language": "en",
                                    "patterns": [["name": "zip code (weak)", "regex": "(\\b\\d{5}(?:\\-\\d{4})?\\b)", "score": 0.01]],
                                    "context": ["zip", "code"], "supported_entity": "ZIP"]],
        ]) as? [[String: Any]])
        let zip = try #require(r.first { $0["entity_type"] as? String == "ZIP" })
        #expect(zip["start"] as? Int == 59 && zip["end"] as? Int == 64)
        #expect(abs((zip["score"] as? Double ?? 0) - 0.36) < 1e-9)
        let allowed = try #require(try analyze(["text": "mail jane@example.com", "language": "en",
                                                "allow_list": ["jane@example.com"]]) as? [[String: Any]])
        #expect(allowed.isEmpty)
    }

    @Test func badRequests() {
        func status(_ body: String) -> Int? {
            do { _ = try analyzer.analyze(body: Array(body.utf8), role: nil); return nil } catch { return error.status }
        }
        #expect(status("{") == 400)
        #expect(status(#"{"language":"en"}"#) == 400)
        #expect(status(#"{"text":"x"}"#) == 400)
        #expect(status(#"{"text":"x","language":"en","bogus":1}"#) == 400)
    }
}
