import Foundation
import Testing
@testable import PHIScan

/// A field's label alone on its line and its value on the next ("Phone:" then "60-56-85-91", as forms, contact cards
/// and pasted records write them; "field labels alone on their line" in Sources/CScanKernels/names.c): the value takes
/// the field rule's entity when it has the rule's value shape and passes its validator, however the text is cut
/// (whole, byte by byte, at random and inside every span: StandardVerifier), since the label line is carried to the
/// next line as a fact, like a sign-off.
@Suite("Field labels alone on their line")
struct FieldLabelLineTests {
    /// (text with the value marked, the field rule that must find it).
    static let found: [(String, String)] = [
        ("Personal Info:\nPhone:\n⟦60-56-85-91⟧\n\nE-mail:\nx@example.com", "field-phone"),
        ("Phone:\r\n⟦+44 7700 900123⟧\r\n", "field-phone"),
        ("  Home Phone:\n  ⟦(617) 555-0142 ext. 12⟧", "field-phone"),
        ("HOME_PHONE:\n⟦6175550142⟧", "field-phone"),
        ("SSN:\n⟦365-94-0475⟧\n", "field-ssn"),
        ("Date of Birth:\n⟦03/14/1961⟧", "field-date"),
        ("Address:\n⟦Brucker Bundesstrasse 31 Zezig Streets⟧\n", "field-address"),
        ("fax:\n⟦617-555-0177⟧", "field-fax"),
        ("Phone:  \n⟦6175550142⟧\n", "field-phone"),
        ("Address:\t\r\n⟦12 Quarry Lock Rd, Salem⟧\r\n", "field-address"),
    ]

    /// A label line with no value of its shape after it, a value two lines on, a label with more on its line, keys
    /// that are no field (`Status`), a validator that refuses (an SSN in area 912), a key after a word that changes
    /// its meaning, and a label in the middle of a line.
    static let clean: [String] = [
        "Phone:\npending",
        "Phone:\n\n6175550142 items",
        "Phone: see below\n6175550142 items",
        "Status:\n6175550142",
        "SSN:\n912-44-1902",
        "IP Address:\n10.0.0.7 is up",
        "the phone:\n6175550142 items in stock",
        "Phone\n6175550142 items",
    ]

    @Test(arguments: found)
    func theValueAfterALabelLineIsFoundWhateverTheChunking(_ marked: String, _ rule: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.ruleID == rule }
    }

    @Test(arguments: clean)
    func noValueWithoutALabelAloneOnTheLineBefore(_ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.ruleID.hasPrefix("field-") }
    }

    /// Names on a label's value line are still found, whether or not the line is the field's value.
    @Test(arguments: ["Phone:\n⟦John Smith⟧ called back", "Phone:\n555-0100, ask for ⟦Maria Gonzalez⟧"])
    func namesOnTheValueLineAreFound(_ marked: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.entity == "NAME" }
    }

    /// A YAML mapping under an address key: its lines are keys with values of their own, not the label's value, and
    /// no key is redacted with its value.
    @Test func aNestedMappingIsNoLabelValue() throws {
        let text = "address:\n  street: 12 Main St\n  city: Salem\n"
        let outcome = try StandardVerifier.standard.run(Array(text.utf8))
        let street = try #require(text.range(of: "street: "))
        let keyStart = text.utf8.distance(from: text.startIndex, to: street.lowerBound)
        #expect(!outcome.findings.isEmpty)
        #expect(outcome.findings.allSatisfy { !$0.range.contains(keyStart) }, "\(outcome.findings.map(\.brief))")
    }

    /// The explanation says the label line made the finding.
    @Test func theExplanationNamesTheLabelLine() throws {
        let scanner = LineScanner(ruleSet: TestRules.defaults)
        let log = ExplanationLog()
        scanner.explanations = log
        let stream = StreamScanner(scanner: scanner)
        var sink = FindingCollector()
        try stream.feed(Array("Phone:\n6175550142\n".utf8), into: &sink)
        try stream.finish(into: &sink)
        #expect(sink.findings.map(\.ruleID) == ["field-phone"])
        let why = try #require(log.byStart.values.first { $0.rule == "field-phone" })
        #expect(why.detector == "field label alone on the line before")
    }
}
