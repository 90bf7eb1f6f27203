import Foundation
import Testing

import PHIEval

@Suite("Scoring")
struct ScoringTests {
    static func corpus(_ gold: [LabelledSpan], negatives: [HardNegative] = [], size: Int = 200) -> EvalCorpus {
        EvalCorpus(name: "t", documents: [[UInt8](repeating: 0x20, count: size)], gold: gold, negatives: negatives)
    }

    @Test func exactAndOverlapCountsPerEntity() {
        let gold = [LabelledSpan(start: 0, end: 11, entity: "SSN"), LabelledSpan(start: 20, end: 34, entity: "PHONE"),
                    LabelledSpan(start: 40, end: 50, entity: "PHONE")]
        let predicted = [
            LabelledSpan(start: 0, end: 11, entity: "SSN"),       // exact
            LabelledSpan(start: 22, end: 34, entity: "PHONE"),    // overlap only
            LabelledSpan(start: 60, end: 70, entity: "PHONE"),    // false positive
        ]
        let r = Scorer.score(Self.corpus(gold), predicted: predicted)
        #expect(r.exact["SSN"] == EntityScore(entity: "SSN", gold: 1, goldFound: 1, predicted: 1, predictedCorrect: 1))
        #expect(r.exact["PHONE"] == EntityScore(entity: "PHONE", gold: 2, goldFound: 0, predicted: 2, predictedCorrect: 0))
        #expect(r.overlap["PHONE"] == EntityScore(entity: "PHONE", gold: 2, goldFound: 1, predicted: 2, predictedCorrect: 1))
        #expect(r.overlap.overall.precision == 2.0 / 3.0)
        #expect(r.overlap.overall.recall == 2.0 / 3.0)
        #expect(abs(r.exact.overall.f1 - 1.0 / 3.0) < 1e-9)
    }

    @Test func confusionTakesTheLargestOverlapAndListsMissesAndStrayFindings() {
        let gold = [LabelledSpan(start: 0, end: 10, entity: "SSN"), LabelledSpan(start: 20, end: 30, entity: "MRN")]
        let predicted = [
            LabelledSpan(start: 0, end: 3, entity: "SSN"),
            LabelledSpan(start: 2, end: 10, entity: "PHONE"),     // larger overlap with the SSN
            LabelledSpan(start: 100, end: 110, entity: "DATE"),   // overlaps nothing
        ]
        let r = Scorer.score(Self.corpus(gold), predicted: predicted)
        #expect(r.confusion["SSN"] == ["PHONE": 1])
        #expect(r.confusion["MRN"] == [Scorer.missed: 1])
        #expect(r.confusion[Scorer.none] == ["DATE": 1])
    }

    @Test func predictionsInAnotherDocumentDoNotMatch() {
        let corpus = EvalCorpus(name: "t", documents: [[UInt8](repeating: 0x20, count: 20), [UInt8](repeating: 0x20, count: 20)],
                                gold: [LabelledSpan(doc: 1, start: 0, end: 5, entity: "EMAIL")])
        let r = Scorer.score(corpus, predicted: [LabelledSpan(doc: 0, start: 0, end: 5, entity: "EMAIL")])
        #expect(r.overlap["EMAIL"]?.goldFound == 0)
        #expect(r.overlap["EMAIL"]?.predictedCorrect == 0)
    }

    @Test func hardNegativesCountTheFindingsThatTouchThem() {
        let negatives = [HardNegative(start: 0, end: 36, kind: "uuid"), HardNegative(start: 40, end: 45, kind: "cpt"),
                         HardNegative(start: 50, end: 55, kind: "cpt")]
        let r = Scorer.score(Self.corpus([], negatives: negatives),
                             predicted: [LabelledSpan(start: 44, end: 47, entity: "ZIP")])
        #expect(r.negatives == [NegativeScore(kind: "cpt", total: 2, reported: 1), NegativeScore(kind: "uuid", total: 1, reported: 0)])
    }

    @Test func coarseScoringFoldsFaxIntoPhoneAndAcceptsPhoneOnInternationalNumbers() {
        let gold = [LabelledSpan(start: 0, end: 12, entity: "PHONE"), LabelledSpan(start: 20, end: 33, entity: "PHONE_INTL")]
        let predicted = [LabelledSpan(start: 0, end: 12, entity: "FAX"), LabelledSpan(start: 20, end: 33, entity: "PHONE")]
        let fine = Scorer.score(Self.corpus(gold), predicted: predicted)
        #expect(fine.exact["PHONE"]?.goldFound == 0)
        let coarse = Scorer.score(Self.corpus(gold), predicted: predicted, coarse: true)
        #expect(coarse.exact["PHONE"] == EntityScore(entity: "PHONE", gold: 1, goldFound: 1, predicted: 2, predictedCorrect: 2))
        #expect(coarse.overlap["PHONE_INTL"]?.goldFound == 1)
    }

    /// A general PII set's ADDRESS span holds the city and postcode that phiscrub reports apart: in coarse scoring a
    /// CITY or ZIP finding on one is correct; in phiscrub's own corpora (fine scoring) it is not.
    @Test func coarseScoringAcceptsCityAndZipFindingsOnAnAddress() {
        let gold = [LabelledSpan(start: 0, end: 40, entity: "ADDRESS")]
        let predicted = [LabelledSpan(start: 22, end: 30, entity: "CITY"), LabelledSpan(start: 35, end: 40, entity: "ZIP"),
                         LabelledSpan(start: 60, end: 66, entity: "CITY")]
        let coarse = Scorer.score(Self.corpus(gold), predicted: predicted, coarse: true)
        #expect(coarse.overlap["ADDRESS"]?.goldFound == 1)
        #expect(coarse.overlap["CITY"] == EntityScore(entity: "CITY", predicted: 2, predictedCorrect: 1))
        #expect(coarse.overlap["ZIP"] == EntityScore(entity: "ZIP", predicted: 1, predictedCorrect: 1))
        let fine = Scorer.score(Self.corpus(gold), predicted: predicted)
        #expect(fine.overlap["ADDRESS"]?.goldFound == 0)
        #expect(fine.overlap["CITY"]?.predictedCorrect == 0)
    }

    /// A CITY finding on a place the corpus labels without scoring (Presidio's GPE) is left out and counted apart;
    /// another entity there, or a CITY finding that also touches scored gold, is scored as before.
    @Test func cityFindingsOnUnscoredPlacesAreLeftOut() {
        var corpus = Self.corpus([LabelledSpan(start: 50, end: 60, entity: "ADDRESS")])
        corpus.unscoredPlaces = [LabelledSpan(start: 0, end: 10, entity: "GPE"), LabelledSpan(start: 55, end: 70, entity: "GPE")]
        let predicted = [LabelledSpan(start: 0, end: 10, entity: "CITY"), LabelledSpan(start: 2, end: 8, entity: "NAME"),
                         LabelledSpan(start: 58, end: 66, entity: "CITY")]
        let r = Scorer.score(corpus, predicted: predicted, coarse: true)
        #expect(r.unscoredPlaces == 1)
        #expect(r.overlap["CITY"] == EntityScore(entity: "CITY", predicted: 1, predictedCorrect: 1))
        #expect(r.overlap["NAME"] == EntityScore(entity: "NAME", predicted: 1, predictedCorrect: 0))
        #expect(ReportText.render(r).contains("1 CITY finding(s) on places the corpus labels without scoring"))
    }

    @Test func reportRoundTripsThroughJSONWithRates() throws {
        let r = Scorer.score(Self.corpus([LabelledSpan(start: 0, end: 4, entity: "ZIP")]),
                             predicted: [LabelledSpan(start: 0, end: 4, entity: "ZIP"), LabelledSpan(start: 9, end: 12, entity: "ZIP")])
        let data = try JSONEncoder().encode(r)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let overall = try #require((object["exact"] as? [String: Any])?["overall"] as? [String: Any])
        #expect(overall["precision"] as? Double == 0.5)
        #expect(overall["recall"] as? Double == 1)
        let text = ReportText.render(r)
        #expect(text.contains("ZIP"))
        #expect(text.contains("0.500"))
    }
}

@Suite("Corpus readers")
struct CorpusReaderTests {
    @Test func goldLinesAndNegativesWithDocumentBounds() throws {
        let text = """
            {"start": 0, "end": 11, "entity": "SSN"}
            {"doc": 1, "start": 2, "end": 4, "negative": "cpt"}

            {"offset": 5, "length": 3, "entity": "US_SSN"}
            {"start": 3, "end": 5, "entity": "GPE"}
            """
        let (spans, negatives) = try GoldReader.read(Array(text.utf8), file: "g.jsonl", documentSizes: [20, 10])
        #expect(spans == [LabelledSpan(start: 0, end: 11, entity: "SSN"), LabelledSpan(start: 5, end: 8, entity: "SSN")])
        #expect(negatives == [HardNegative(doc: 1, start: 2, end: 4, kind: "cpt")])
    }

    @Test func badGoldLinesNameTheFileAndLine() {
        let cases: [(String, String)] = [
            ("{\"start\": 0, \"end\": 30, \"entity\": \"SSN\"}", "g.jsonl:1: span 0..<30"),
            ("\n{\"start\": 3}", "g.jsonl:2: needs integer"),
            ("not json", "g.jsonl:1: not a JSON object"),
            ("{\"doc\": 4, \"start\": 0, \"end\": 1, \"entity\": \"SSN\"}", "g.jsonl:1: document 4 does not exist"),
            ("{\"start\": 0, \"end\": 1}", "g.jsonl:1: needs 'entity'"),
        ]
        for (text, message) in cases {
            #expect {
                _ = try GoldReader.read(Array(text.utf8), file: "g.jsonl", documentSizes: [20])
            } throws: { error in
                "\(error)".hasPrefix(message)
            }
        }
    }

    @Test func presidioCodePointOffsetsBecomeUTF8ByteOffsets() throws {
        // "Krisztián" has one two-byte letter; "ג€“" are multi-byte too. Offsets in the file are code points.
        let records: [[String: Any]] = [[
            "full_text": "Krisztián paid with 4111111111111111, call 212-555-0199 or +44 20 7946 0958",
            "spans": [
                ["entity_type": "PERSON", "entity_value": "Krisztián", "start_position": 0, "end_position": 9],
                ["entity_type": "CREDIT_CARD", "entity_value": "4111111111111111", "start_position": 20, "end_position": 36],
                ["entity_type": "PHONE_NUMBER", "entity_value": "212-555-0199", "start_position": 43, "end_position": 55],
                ["entity_type": "PHONE_NUMBER", "entity_value": "+44 20 7946 0958", "start_position": 59, "end_position": 75],
                ["entity_type": "GPE", "entity_value": "Krisztián", "start_position": 0, "end_position": 9],
            ],
        ]]
        let data = try JSONSerialization.data(withJSONObject: records)
        let corpus = try PresidioReader.read(Array(data), name: "p.json")
        let doc = corpus.documents[0]
        func text(_ s: LabelledSpan) -> String { String(decoding: doc[s.start..<s.end], as: UTF8.self) }
        #expect(corpus.gold.map(\.entity) == ["NAME", "CREDIT_CARD", "PHONE", "PHONE_INTL"])
        #expect(corpus.gold.map(text) == ["Krisztián", "4111111111111111", "212-555-0199", "+44 20 7946 0958"])
        #expect(corpus.gold[1].start == 21)  // one byte later than the code point index
        // The GPE span is no gold but an unscored place, in bytes too.
        #expect(corpus.unscoredPlaces.map(text) == ["Krisztián"])
    }

    @Test func presidioPositionsThatDoNotSelectTheValueAreRefused() throws {
        let records: [[String: Any]] = [[
            "full_text": "Krisztián 4111111111111111",
            "spans": [["entity_type": "CREDIT_CARD", "entity_value": "4111111111111111", "start_position": 9, "end_position": 25]],
        ]]
        let data = try JSONSerialization.data(withJSONObject: records)
        #expect {
            _ = try PresidioReader.read(Array(data), name: "p.json")
        } throws: { error in
            let message = "\(error)"
            return message.contains("record 0 span 0") && !message.contains("4111")
        }
    }
}
