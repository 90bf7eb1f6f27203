import Testing
@testable import PHIScan

/// Account numbers and national identifiers in the printed forms people copy from a statement or a form: an IBAN
/// in groups of four (`iban-grouped`, whose trigger is the `DE89` run it opens with and `after: 40` bytes of
/// groups), several cards on one line, an ABA routing number as 4-4-1, an SSN with dots, a dashed ITIN, and a
/// month-first date with dashes (rules/default.yaml). Each is masked whole whatever the chunking, on the fast and the
/// reference prefilters (StandardVerifier); the shapes that fail their check, or that an SSN word names as an
/// invalid SSN, are left.
@Suite("Printed identifiers")
struct PrintedIdentifierTests {
    static let found: [(String, String)] = [
        ("IBAN", "pay to ⟦DE89 3704 0044 0532 0130 00⟧ by Friday"),
        ("IBAN", "⟦GB82 WEST 1234 5698 7654 32⟧"),
        ("IBAN", "from ⟦AL47-2121-1009-0000-0002-3569-8741⟧."),
        ("IBAN", "konto ⟦PL61 1090 1014 0000 0712 1981 2874⟧ BIC WBKPPLPP"),
        ("IBAN", "{\"payee\":\"⟦NL91 ABNA 0417 1643 00⟧\"}"),
        ("CREDIT_CARD", "⟦4012888888881881⟧ ⟦4012-8888-8888-1881⟧ ⟦4012 8888 8888 1881⟧"),
        ("ACCOUNT", "routing ⟦3222-7162-7⟧ account"),
        ("SSN", "ref ⟦078.05.1123⟧ ok"),
        ("SSN", "ITIN ⟦911-70-1234⟧"),
        ("SSN", "W-7 filed, number ⟦912 64 1234⟧"),
        ("DATE", "⟦5-20-2021⟧ is today."),
    ]

    static let clean: [(String, String)] = [
        ("IBAN", "DE89 3704 0044 0532 0130 01"),
        ("IBAN", "AB12 CD34 EF56 GH78"),
        ("IBAN", "ISO 9001 2015 audit passed"),
        ("CREDIT_CARD", "parcel 9400 3674 7820 3171 7420 11"),
        ("ACCOUNT", "build 3222-7162-8 done"),
        ("SSN", "v1.078.05.1123"),
        ("SSN", "rejected ssn 911-70-1234: invalid range"),
        ("SSN", "911-49-1234"),
        ("DATE", "12-31-2024 23:59:01 WARN disk"),
    ]

    @Test(arguments: found)
    func printedFormsAreMaskedWholeWhateverTheChunking(_ entity: String, _ marked: String) {
        StandardVerifier.standard.expectMarked(marked) { $0.entity == entity }
    }

    @Test(arguments: clean)
    func shapesThatFailTheirCheckAreLeft(_ entity: String, _ text: String) {
        StandardVerifier.standard.expectNone(text) { $0.entity == entity }
    }
}
