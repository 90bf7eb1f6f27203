import Foundation
import Testing
@testable import PHIScan

/// The city line of an address card (rule `city-card-line` in rules/names.yaml, "address cards" in
/// Sources/CScanKernels/names.c), the line after a unit line, and its street line with no street type
/// (`street-card-line`), the line after the card's head: found however the text is cut (whole, byte by byte, at
/// random and inside every span: StandardVerifier), since the lines before are carried as facts like a sign-off.
@Suite("Address cards")
struct AddressCardTests {
    static let found: [String] = [
        "William Hughes\n\n20789 Allika 46\n Suite 501\n ⟦Riisa⟧\n\n Estonia 62488",
        "Address: Sara Schwarz\n    28245 Puruntie 82 Apt. 595\n   ⟦LAPPEENRANTA⟧\n    SK\n    53650",
        ">Ella H. Snider\n>228 Ringvej 144\n>Apt. 902\n>⟦Qaqortoq⟧\n>Greenlander 96817",
        "85199 Avda. Rio Nalon 58\n Apt. 461\n ⟦Soto del Barco⟧\n Spain 61709",
        "565 Πλατεία Συντάγματος 204\n Suite 279\n ⟦ΑΣΚΕΙΑ (ΑΣΣΕΙΑ)⟧\n Cyprus (Greek) 13429",
        "45818 P.O. Box 242\r\n Suite 787\r\n ⟦Kangerlussuaq⟧,\r\n Greenlander 54005",
        "0104 Hafnarstraeti 5\nUnit 4B\n⟦HYVINKÄÄ⟧",
    ]

    /// Lines after a unit line that are no city (English words, a month, a log level, more than a place's words),
    /// and cities with no unit line right before them.
    static let clean: [String] = [
        "Suite 3\nRunning",
        "3 tests passed in Room 4\nDone",
        "Apt 5\nMonday",
        "Unit 7\nERROR",
        "suite 501\nRiisa",
        "Suite 501 Riisa",
        "Suite 501\nRiisa 12",
        "Room 4\nRiisa said hello",
        "Test Suite 501\nRiisa",
        "Suite 501\n\nRiisa",
        "2026-11-26T15:20:46.475Z INFO [auth] moved to Room 12\nKubernetes rollout done",
    ]

    /// Street lines with no street type right after the card's head (a name alone on its line).
    static let streets: [String] = [
        "William Hughes\n\n⟦20789 Allika 46⟧\n Suite 501\n Riisa",
        "Leonard Arntsen\n\n⟦353 Buerlia 227⟧\n Apt. 391",
        "Gregory Kudryashov\n\n⟦233 Erzsébet tér 19.⟧\n Suite 282",
        ">Ella H. Snider\n>⟦228 Ringvej 144⟧\n>Apt. 902",
        "Philippe Guernon\r\n\r\n⟦0104 Hafnarstraeti 5⟧\r\n",
    ]

    /// The same shapes with no card's head right before them: a test count, a blank line too many, a word between.
    static let notStreets: [String] = [
        "2 Tablets Daily 3",
        "Running tests\n\n3 Tests Passed 2",
        "William Hughes\n\n\n20789 Allika 46",
        "William Hughes\nthen\n20789 Allika 46",
        "William Hughes\n20789 Allika 46 was the year",
        "Kind Regards\n404 Not Found 2",
        "2026-11-26T15:20:46Z INFO Build Finished\n3 Warnings Left 2",
    ]

    /// Postcode lines after the card's city line, or after the state line that follows it (the state stays).
    static let postcodes: [String] = [
        "Address: Sara Schwarz\n    28245 Puruntie 82 Apt. 595\n   LAPPEENRANTA\n    SK\n    ⟦53650⟧",
        "2437 Main St Suite 442\n   Mill Village\n    NS\n    ⟦B0J 2H0⟧\n",
        " Suite 501\n Wrocław\n ⟦53-320⟧",
    ]

    /// Number-only lines that are no card's postcode: no city line before them, a city line with no unit line
    /// before it, two code lines, a line with more than the postcode.
    static let notPostcodes: [String] = [
        "Suite 3\nRunning\n12345", "Riisa\n12345", "Apt. 4\nRiisa\nSK\nXY\n12345", "Suite 501\nRiisa\n12345 items",
        "A\nB\nC\nD\n12345",
    ]

    @Test(arguments: postcodes)
    func thePostcodeAfterACardsCityIsFoundWhateverTheChunking(_ marked: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.ruleID == "zip-card-line" && $0.entity == "ZIP" }
    }

    @Test(arguments: notPostcodes)
    func noPostcodeWithoutACardsCity(_ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.ruleID == "zip-card-line" }
    }

    @Test(arguments: streets)
    func theStreetAfterACardsHeadIsFoundWhateverTheChunking(_ marked: String) {
        // A street that has its type (Ringvej) is street-number-last-line's.
        StandardVerifier.standard.expectMarked(marked) { $0.ruleID == "street-card-line" || $0.ruleID == "street-number-last-line" }
    }

    @Test(arguments: notStreets)
    func noStreetWithoutACardsHead(_ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.ruleID == "street-card-line" }
    }

    @Test(arguments: found)
    func theCityAfterAUnitLineIsFoundWhateverTheChunking(_ marked: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.ruleID == "city-card-line" && $0.entity == "CITY" }
    }

    /// With a roster the detector searches every line (no front end): the line before each line tells it the card
    /// city the same way, in one scan and line by line.
    @Test func everyLineSearchedFindsTheSameCities() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("card-roster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let roster = dir.appendingPathComponent("roster.txt")
        try "Vesk Tarrow\n".write(to: roster, atomically: true, encoding: .utf8)
        let withRoster = LineScanner(ruleSet: try RuleSet.load(rosters: [roster.path]))
        let plain = LineScanner(ruleSet: TestRules.defaults)
        for marked in Self.found {
            let (bytes, spans) = RuleExamples.stripMarkers(marked)
            for scanner in [withRoster, plain] {
                let cities = scanner.scan(bytes).filter { $0.ruleID == "city-card-line" }
                #expect(cities.map { $0.start..<$0.end } == spans, "\(marked)")
            }
        }
        for marked in Self.streets.prefix(3) {
            let (bytes, spans) = RuleExamples.stripMarkers(marked)
            for scanner in [withRoster, plain] {
                let streets = scanner.scan(bytes).filter { $0.ruleID == "street-card-line" }
                #expect(streets.map { $0.start..<$0.end } == spans, "\(marked)")
            }
        }
    }

    @Test(arguments: clean)
    func noCityWithoutACard(_ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.ruleID == "city-card-line" }
    }
}
