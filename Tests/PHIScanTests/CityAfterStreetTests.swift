import Testing
@testable import PHIScan

/// A city after a street line and "in" (`city-after-street` in rules/places.yaml), and house numbers written with a
/// leading zero (`0441 Delgado Knolls`, as generated test data writes them): found whatever the chunking.
@Suite("City after a street line")
struct CityAfterStreetTests {
    static let cities: [String] = [
        "The clinic moved to 366 Miller Mission in ⟦Nicolechester⟧.",
        "The clinic moved to 493 Matthew Row Apt. 834 in ⟦Lake Eric⟧.",
        "we met at 1200 Lockhart Gateway in ⟦South Alexanderside⟧ last week",
        "office: 42 Elm Street in ⟦St. Paul⟧; back soon",
        "{\"text\":\"moved to 0842 Graham Lodge in ⟦East Megan⟧\"}",
    ]

    /// Counts and things that are no street, and what follows a street that is no city.
    static let clean: [String] = [
        "Rendered 12 Custom Views in Chrome.",
        "Deployed 3 Api Gateway in Production.",
        "Found 2 Crossing Points in Region.",
        "12 Elm St in March.",
        "500 Main Street in Room 4",
        "12 Elm St in the city",
        "1234 Elm Street in Springfield 4",
        "2026-11-03T01:42:54Z INFO [ui] rendered 318 Cloud Run in Chrome; cache 493",
    ]

    static let streets: [String] = [
        "Send the invoice to ⟦0441 Delgado Knolls Suite 139⟧, Joshualand, IN 06188",
        "ship to ⟦098 Mccoy Rue⟧, South Toni, NJ 29089.",
        "ship it to ⟦00693 Downs Lodge Suite 677⟧, Michaelport, NE 49011",
    ]

    @Test(arguments: cities)
    func theCityAfterAStreetAndInIsFound(_ marked: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.ruleID == "city-after-street" }
    }

    @Test(arguments: clean)
    func noCityAfterCountsMonthsOrRooms(_ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.ruleID == "city-after-street" }
    }

    @Test(arguments: streets)
    func aHouseNumberWithALeadingZeroStartsAStreet(_ marked: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.ruleID == "street-address" }
    }
}
