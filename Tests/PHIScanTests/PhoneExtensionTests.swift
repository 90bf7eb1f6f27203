import Testing
@testable import PHIScan

/// A North American number's extension is part of its span (`phone-nanp`, trigger `after: 16` in
/// rules/default.yaml): `345-899-3560x4587` is masked whole, never as `[PHONE]x4587`, whatever the chunking and on
/// the fast and reference prefilters (StandardVerifier). The number is checked without the extension.
@Suite("Phone extensions")
struct PhoneExtensionTests {
    static let found: [String] = [
        "desk ⟦345-899-3560x4587⟧ today",
        "call ⟦(940)343-1014x59983⟧ now",
        "call ⟦317-340-1753 ext. 562⟧, thanks",
        "⟦+1-903-240-4508x769⟧\nFax: none",
        "tel ⟦853.629.2612 x 6520⟧",
        "call me at ⟦001-380-573-0215x736⟧",
        "{\"phone\":\"⟦463-612-6138x036⟧\"}",
        "⟦617-555-0142 extension 12⟧ and ⟦617-555-0143⟧",
    ]

    /// Numbers whose tail is no extension (letters after it, no digit after the marker, seven digits) keep to the
    /// number or are no phone at all.
    static let numberOnly: [String] = [
        "call ⟦617-555-0142⟧ extra",
        "call ⟦617-555-0142⟧ x, y",
        "call ⟦617-555-0142⟧ ext 1234567",
    ]

    static let clean: [String] = [
        "617-555-0142xyz", "617-555-0142x", "id 212-411-0123x45", "002-380-573-0215x736",
    ]

    @Test(arguments: found + numberOnly)
    func theExtensionIsPartOfThePhoneWhateverTheChunking(_ marked: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.entity == "PHONE" }
    }

    @Test(arguments: clean)
    func noPhoneWhereTheNumberFails(_ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.entity == "PHONE" }
    }
}
