import Foundation
import Testing
@testable import PHIScan

/// A town after a residence cue (rule `city-after-residence-cue` in rules/names.yaml, the name detector's
/// `place_cue` mode): found as CITY however the text is cut; countries, states, English words and products stay. A
/// town of an English place name's shape (Kinsleyville) may be reported by the places pack's
/// `city-gazetteer-after-cue` instead, with the same span.
@Suite("Residence cues")
struct ResidenceCueTests {
    static let found: [String] = [
        "he grew up in ⟦Remniku⟧.",
        "We moved here from ⟦Tjæreborg⟧",
        "patient lives in ⟦Eastbrook⟧ with her daughter",
        "I'm originally from ⟦Marindia⟧, and I'm 26",
        "originally from ⟦Villafranca del Cid⟧, and",
        "she was born in ⟦Saint-Jérôme⟧ in 1961",
        "Mr. Pálffy grew up in ⟦SUND⟧.",
        "2026-11-26T15:20:46Z INFO [intake] note: pt lives in ⟦Kinsleyville⟧ alone",
    ]

    /// Places larger than a city, English words, months, street lines, and a tech chat's "moved to" (no residence
    /// cue at all: move and travel verbs are the gazetteer rule's, with its list of real cities).
    static let clean: [String] = [
        "she lives in Texas now; we moved here from Norway; grew up in New Zealand",
        "moved to Production last week; lives in Assisted Living; born in January",
        "lives in Maple Street; family in Room 4",
        "we moved to Postgres last year; moved to Zendesk; flew to Vercel",
        "connected to Redis in Kafka Streams",
        "she lives in a small town in the north",
    ]

    @Test(arguments: found)
    func aTownAfterAResidenceCueIsFoundWhateverTheChunking(_ marked: String) {
        StandardVerifier.standard.expectMarked(marked) {
            ($0.ruleID == "city-after-residence-cue" || $0.ruleID == "city-gazetteer-after-cue") && $0.entity == "CITY"
        }
    }

    @Test(arguments: clean)
    func noTownWhereNoneIs(_ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.ruleID == "city-after-residence-cue" }
    }

    /// A town is no name: its other mentions on the line are not taken for a person's (as a name's are).
    @Test func aTownsOtherMentionIsNoName() {
        StandardVerifier.standard.expectNone("she grew up in Remniku, and Remniku is small") { $0.entity == "NAME" }
    }

    /// The pack's list of places larger than a city must be readable: a missing file is a load error that names it,
    /// not a detector that quietly takes every country for a city.
    @Test func aMissingListOfPlacesIsALoadError() throws {
        #expect(throws: PersonNameDictionaryError.self) {
            _ = try PersonNameDetector.readNotCities("/nonexistent/not-cities.txt")
        }
        let words = try PersonNameDetector.readNotCities(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("rules/names/not-cities.txt").path)
        #expect(words.contains("Texas") && words.contains("Zealand") && words.contains("Herzegovina"))
        #expect(!words.contains("and") && !words.contains("of"))
    }
}
