// Test sentences for the default rules, shared (by symlink) by PHIScanTests and PHITransformTests.
//
// Every value is synthetic: 555-01xx phones, example.* domains, RFC 5737/3849 documentation addresses, card-network
// test PANs, SSNs/NPIs/DEAs/VINs/ABAs generated to pass (or, for negatives, fail) their checksums, invented names.
// None of these sentences appears among the rule pack's own examples.

/// A text whose marked spans (`⟦`/`⟧`) must be exactly the findings, with these entities in order.
struct ScanCase: Sendable, CustomStringConvertible {
    var marked: String
    var entities: [String]
    init(_ marked: String, _ entities: String...) {
        self.marked = marked
        self.entities = entities
    }
    var description: String { marked }
}

/// A text in which no finding may appear (`forbidden == nil`), or none of these entities.
struct NegativeCase: Sendable, CustomStringConvertible {
    var text: String
    var forbidden: Set<String>?
    var why: String
    init(_ text: String, _ why: String, forbidding forbidden: Set<String>? = nil) {
        self.text = text
        self.forbidden = forbidden
        self.why = why
    }
    var description: String { "\(why): \(text)" }
}

enum ScanCorpus {
    static let positives: [ScanCase] = [
        // SSN
        ScanCase("Applicant SSN ⟦365-94-0475⟧ verified by clerk", "SSN"),
        ScanCase("social security number: ⟦029367738⟧", "SSN"),
        ScanCase("soc sec ⟦266 25 9915⟧ on the intake form", "SSN"),
        ScanCase(#"{"member_ssn":"⟦374-11-3613⟧","status":"ok"}"#, "SSN"),
        ScanCase("tin=⟦353-58-5727⟧;", "SSN"),

        // PHONE
        ScanCase("Call back at ⟦(312) 555-0134⟧ after lunch", "PHONE"),
        ScanCase("cell: ⟦206.555.0177⟧", "PHONE"),
        ScanCase("home phone ⟦+1 617-555-0101⟧, no voicemail", "PHONE"),
        ScanCase("Phone ⟦4155550188⟧ (daughter)", "PHONE"),

        // FAX
        ScanCase("Fax: ⟦312-555-0166⟧", "FAX"),
        ScanCase("send records by facsimile ⟦(206) 555-0123⟧ today", "FAX"),
        ScanCase("FAX NO. ⟦6175550145⟧ attn billing", "FAX"),

        // DATE with birth, admission and discharge context
        ScanCase("DOB: ⟦07/04/1958⟧", "DATE"),
        ScanCase("Date of birth ⟦1949-11-30⟧ per intake", "DATE"),
        ScanCase("pt was born ⟦12 Aug 1937⟧ in a small town", "DATE"),
        ScanCase("Admitted on ⟦3/18/2023⟧ via the ED", "DATE"),
        ScanCase("admission date ⟦2023-03-18⟧ confirmed", "DATE"),
        ScanCase("Discharged: ⟦Apr 2, 2023⟧ to home", "DATE"),
        ScanCase("discharge date: ⟦03.04.2023⟧", "DATE"),

        // MRN
        ScanCase("MRN ⟦40022871⟧ transferred", "MRN"),
        ScanCase("medical record number: ⟦MR-7781204⟧", "MRN"),
        ScanCase(#"{"patient_id": "⟦55310072⟧"}"#, "MRN"),
        ScanCase("Chart No. ⟦0091-4471⟧ pulled", "MRN"),

        // HEALTH_PLAN
        ScanCase("Subscriber ID: ⟦ZQW819204477⟧", "HEALTH_PLAN"),
        ScanCase("insurance number ⟦HP-2048813⟧ active", "HEALTH_PLAN"),
        ScanCase("Group number ⟦G-55102⟧ on the card", "HEALTH_PLAN"),

        // ACCOUNT
        ScanCase("Acct# ⟦7720018834⟧ overdue", "ACCOUNT"),
        ScanCase("account number: ⟦BIL-4401928⟧", "ACCOUNT"),
        ScanCase("billing account ⟦55012-8812⟧ closed", "ACCOUNT"),
        ScanCase("routing number ⟦262079604⟧ on the check", "ACCOUNT"),

        // LICENSE
        ScanCase("Driver's licence ⟦W4410-22931-07⟧ scanned", "LICENSE"),
        ScanCase("Lic #: ⟦RN889012⟧", "LICENSE"),
        ScanCase("medical license no ⟦MD-44192⟧ verified", "LICENSE"),

        // NPI
        ScanCase("NPI: ⟦2323194870⟧", "NPI"),
        ScanCase("national provider identifier ⟦2749118628⟧ on claim", "NPI"),
        ScanCase("Billing NPI #⟦2597971144⟧", "NPI"),

        // DEA
        ScanCase("DEA ⟦BK7104970⟧ on file", "DEA"),
        ScanCase("prescriber reg ⟦MR4650758⟧ on the script", "DEA"),
        ScanCase("registration ⟦AT4236673⟧ on the pad", "DEA"),

        // MBI
        ScanCase("MBI: ⟦5DF1N34UG80⟧", "MBI"),
        ScanCase("Medicare card ⟦4VP2-W90-VM14⟧ copied", "MBI"),
        ScanCase("beneficiary ⟦9P92P43WW85⟧ eligible", "MBI"),
        // IBAN (mod 97)
        ScanCase("IBAN: ⟦DE89 3704 0044 0532 0130 00⟧ today", "IBAN"),
        ScanCase("iban=⟦FR1420041010050500013M02606⟧;", "IBAN"),
        ScanCase("refund to iban ⟦nl91abna0417164300⟧ requested", "IBAN"),
        // IBAN (mod 97)
        ScanCase("IBAN: ⟦DE89 3704 0044 0532 0130 00⟧ today", "IBAN"),
        ScanCase("iban=⟦FR1420041010050500013M02606⟧;", "IBAN"),
        ScanCase("refund to iban ⟦nl91abna0417164300⟧ requested", "IBAN"),

        // CREDIT_CARD (card-network test numbers)
        ScanCase("visa ⟦4012 8888 8888 1881⟧ expires soon", "CREDIT_CARD"),
        ScanCase("paid with ⟦5105-1051-0510-5100⟧ yesterday", "CREDIT_CARD"),
        ScanCase("amex ⟦371449635398431⟧", "CREDIT_CARD"),
        ScanCase("card: ⟦6011000990139424⟧", "CREDIT_CARD"),

        // VIN
        ScanCase("VIN: ⟦FL52UJ4U3Z1RKFMKR⟧", "VIN"),
        ScanCase("vehicle ⟦RA8MTVAK40XJ9D622⟧ towed", "VIN"),
        ScanCase("car ⟦G0BEP1KTX07HH8677⟧ parked in lot B", "VIN"),
        ScanCase("the tow slip lists license plate ⟦8XYZ417⟧ for the van", "VEHICLE_ID"),
        ScanCase("Plate no: ⟦WX19 KLM⟧ (visitor parking)", "VEHICLE_ID"),
        ScanCase("registration number ⟦B-RT 4412⟧, silver sedan", "VEHICLE_ID"),
        ScanCase("after hours the callback is ⟦555-0162⟧", "PHONE"),
        ScanCase("Tel. ⟦555.0119⟧ (front desk)", "PHONE"),

        // EMAIL
        ScanCase("reply to ⟦m.quennel@example.com⟧", "EMAIL"),
        ScanCase("From: <⟦ola_nygaard+clinic@mail.example.net⟧>", "EMAIL"),
        ScanCase("contact ⟦T.Brandt@example.org⟧; thanks", "EMAIL"),
        // The e-mail rule runs in a window ending at each '@' (its trigger's `before`): mentions and stray '@'
        // before, between and after an address, and an address 64 bytes long before its '@'.
        ScanCase("@oncall @team: " + String(repeating: "the notes and the plan ", count: 40) + "mail ⟦a.b@example.org⟧ or @x @", "EMAIL"),
        ScanCase("@@ ⟦" + String(repeating: "k", count: 64) + "@example.com⟧ @", "EMAIL"),
        // A local part with letters outside ASCII is never half masked; a dash glued before an address is no part
        // of it. Lines with bytes outside ASCII that normalise to themselves (accents, dashes, emoji) are scanned
        // on the batch path, others (a no-break space) on the per-line path: both find the same.
        ScanCase("mail ⟦jürgen.müller@example.de⟧ — danke ✅", "EMAIL"),
        ScanCase("—⟦jroe@example.com⟧ (work)", "EMAIL"),
        ScanCase("“⟦Maria Lopez⟧” called from ⟦(312) 555-0134⟧ café", "NAME", "PHONE"),
        ScanCase("tel\u{00A0}⟦(312) 555-0134⟧ — SSN\u{00A0}⟦365-94-0475⟧", "PHONE", "SSN"),

        // URL
        ScanCase("portal ⟦https://records.example.com/pt/7712?tab=labs⟧ opened", "URL"),
        ScanCase("see ⟦http://example.net:8080/charts/44⟧ now", "URL"),
        ScanCase("visit ⟦www.example.org/intake⟧ today", "URL"),
        ScanCase("scan at ⟦ftp://files.example.com/scans/x.pdf⟧ done", "URL"),

        // CITY: under a city-named key
        ScanCase("ship_to city=⟦Marblehead⟧ state=MA", "CITY"),
        ScanCase("{\"patient_city\": \"⟦Fort Collins⟧\", \"state\": \"CO\"}", "CITY"),
        ScanCase("town: ⟦Bar Harbor⟧", "CITY"),
        // IP_ADDRESS v4 and v6 (documentation ranges)
        ScanCase("client ⟦192.0.2.17⟧ denied", "IP_ADDRESS"),
        ScanCase("src=⟦198.51.100.23⟧ dst=⟦203.0.113.250⟧", "IP_ADDRESS", "IP_ADDRESS"),
        ScanCase("from ⟦192.0.2.1⟧:22 accepted", "IP_ADDRESS"),
        ScanCase("remote ⟦2001:db8:85a3::8a2e:370:7334⟧ connected", "IP_ADDRESS"),
        ScanCase("addr ⟦2001:db8:0:0:1:0:0:1⟧", "IP_ADDRESS"),
        ScanCase("peer [⟦2001:db8::1⟧]:443", "IP_ADDRESS"),

        // MAC_ADDRESS
        ScanCase("MAC ⟦3C:22:FB:7A:10:9E⟧ seen", "MAC_ADDRESS"),
        ScanCase("hwaddr ⟦00-1B-44-11-3A-B7⟧", "MAC_ADDRESS"),
        ScanCase("ether ⟦a4c3.61f0.22d9⟧ up", "MAC_ADDRESS"),

        // DEVICE_ID
        ScanCase("pacemaker id ⟦PM-77310-XA⟧ registered", "DEVICE_ID"),
        ScanCase("Serial No. ⟦QX1120039⟧", "DEVICE_ID"),
        ScanCase("S/N: ⟦8812-AB-3301⟧ returned", "DEVICE_ID"),
        ScanCase("device id ⟦DX-4410-0938⟧", "DEVICE_ID"),

        // ZIP
        ScanCase("ZIP: ⟦60614⟧", "ZIP"),
        ScanCase("postal code ⟦30301-4410⟧ on file", "ZIP"),
        ScanCase(#"{"zipcode":"⟦98101⟧"}"#, "ZIP"),

        // ADDRESS
        ScanCase("lives at ⟦4417 Larkspur Lane⟧ since spring", "ADDRESS"),
        ScanCase("mail to ⟦88 W. Juniper Court, Suite 210⟧ please", "ADDRESS"),
        ScanCase("the ⟦1200 3rd Street⟧ clinic", "ADDRESS"),
        ScanCase("delivered to ⟦9 Marrowby Gateway⟧, then back", "ADDRESS"),

        // CITY (the state after it is not PHI and stays)
        ScanCase("she lives in ⟦Harwick⟧, NE with family", "CITY"),
        ScanCase("he moved to ⟦Denver⟧ last year", "CITY"),
        ScanCase(#"{"city":"⟦Oster Bay⟧","state":"WA"}"#, "CITY"),

        // AGE (over 89)
        ScanCase("a ⟦97⟧-year-old man", "AGE"),
        ScanCase("Age: ⟦91⟧", "AGE"),
        ScanCase("patient is ⟦103⟧ y/o", "AGE"),
        ScanCase("she is ⟦94⟧ years of age", "AGE"),

        // NAME: Patient:/Name:/titles/signature
        ScanCase("Patient: ⟦Orla Vestergaard⟧ arrived", "NAME"),
        ScanCase("Name: ⟦Kasimir Oduya⟧", "NAME"),
        ScanCase("Dr. ⟦Hallvard Reinholt⟧ reviewed the film", "NAME"),
        ScanCase("Mr. ⟦Bastian Folkvard⟧ declined", "NAME"),
        ScanCase("Mrs ⟦Ilse Marchetti⟧ phoned", "NAME"),
        ScanCase("Ms. ⟦Yara Lindqvist⟧ is the guardian", "NAME"),
        ScanCase("Electronically signed: ⟦Renske Duval⟧", "NAME"),
        ScanCase("Regards, ⟦Teodor Albescu⟧", "NAME"),

        // Several on one line
        ScanCase("Patient: ⟦Orla Vestergaard⟧ DOB ⟦11/02/1944⟧ MRN ⟦40022871⟧ ⟦m.quennel@example.com⟧",
                 "NAME", "DATE", "MRN", "EMAIL"),
    ]

    static let negatives: [NegativeCase] = [
        // SSN look-alikes that fail the SSA rules
        NegativeCase("SSN 000-41-2210", "SSN area 000"),
        NegativeCase("SSN 666-41-2210", "SSN area 666"),
        NegativeCase("SSN 912-41-2210", "SSN area 9xx"),
        NegativeCase("ssn: 987-65-4321", "SSN area 9xx (advert number)"),
        NegativeCase("SSN 365-00-0475", "SSN group 00"),
        NegativeCase("SSN 365-94-0000", "SSN serial 0000"),
        NegativeCase("SSN: 365940000", "SSN serial 0000 (no separators)"),
        NegativeCase("ssn 078-05-1120", "published sample SSN"),
        // Luhn failures
        NegativeCase("visa 4012 8888 8888 1882", "Luhn failure", forbidding: ["CREDIT_CARD"]),
        NegativeCase("card: 6011000990139425", "Luhn failure"),
        NegativeCase("paid with 5105-1051-0510-5101", "Luhn failure"),
        // Bad check digits
        NegativeCase("NPI: 2323194871", "NPI check digit"),
        NegativeCase("national provider identifier 2749118629", "NPI check digit"),
        NegativeCase("DEA BK7104973 on file", "DEA check digit"),
        NegativeCase("DEA no. F92917034", "DEA check digit"),
        NegativeCase("VIN: FL52UJ4U0Z1RKFMKR", "VIN check digit"),
        NegativeCase("vehicle RA8MTVAK00XJ9D622 towed", "VIN check digit"),
        NegativeCase("routing number 262079605", "ABA checksum"),
        // Impossible dates after a context label
        NegativeCase("DOB: 02/30/2020", "February 30th"),
        NegativeCase("date of birth 2019-02-29", "not a leap year"),
        NegativeCase("Admitted 13/32/2023", "month and day out of range"),
        NegativeCase("discharged on 04/31/2022", "April 31st"),
        NegativeCase("DOB 1850-01-01", "year outside 1900...2100"),
        // NANP numbers whose area code or exchange starts with 0 or 1
        NegativeCase("call (012) 555-0142", "area code starts with 0"),
        NegativeCase("phone 112-555-0142", "area code starts with 1"),
        NegativeCase("tel 212-055-0199", "exchange starts with 0"),
        NegativeCase("cell 4151550188", "exchange starts with 1"),
        // Log timestamps are event times, not PHI
        NegativeCase("2026-11-26T03:13:29Z INFO request done", "ISO 8601 timestamp"),
        NegativeCase("2026-11-26T03:13:29.481+01:00 level=info msg=\"cache warmed\"", "ISO 8601 with offset"),
        NegativeCase("2026-11-26 03:13:29,123 - worker - INFO - job started", "Python logging timestamp"),
        NegativeCase("Nov 26 03:13:29 host sshd[4121]: session opened", "syslog timestamp"),
        NegativeCase("Jan  5 04:00:01 host CRON[77]: job ran", "syslog timestamp, padded day"),
        NegativeCase("- - [26/Nov/2026:03:13:29 +0000] \"GET /index.html HTTP/1.1\" 200 512", "Apache access log"),
        NegativeCase("11/26/2026 03:13:29 PM service restarted", "US-style log timestamp"),
        NegativeCase("[2026-11-26 03:13:29] production.INFO: queue drained", "bracketed timestamp"),
        // UUIDs, versions, clinical codes in neutral context
        NegativeCase("request 3f2504e0-4f89-11d3-9a0c-0305e82c3301 done", "UUID"),
        NegativeCase("trace_id=550e8400-e29b-41d4-a716-446655440000 span=7", "UUID"),
        NegativeCase("upgraded to v2.14.3 last night", "version string"),
        NegativeCase("node v18.19.0, openssl 3.0.13", "version strings"),
        NegativeCase("release 10.4.21-rc1 tagged", "version string"),
        NegativeCase("dx E11.9 and I10 reviewed", "ICD-10 codes"),
        NegativeCase("ICD-10 code E11.65 added", "ICD-10 code"),
        NegativeCase("billed CPT 99213 and 99214", "CPT codes"),
        NegativeCase("took 12 ms total, 3 ms in the DB", "durations"),
        NegativeCase("retry 3 of 5 in 250 ms", "plain numbers"),
    ]

    /// Default-rule overlaps whose longer span must win.
    static let overlaps: [ScanCase] = [
        // The URL's path holds an e-mail address: one URL finding, not an e-mail inside it.
        ScanCase("see ⟦https://portal.example.com/contact/jane.roe@example.com⟧ for details", "URL"),
        // A fax number is also a phone number: same span, the fax rule's higher confidence wins.
        ScanCase("fax ⟦(617) 555-0188⟧", "FAX"),
    ]
}

// MARK: - Byte-level inputs (invalid UTF-8, NUL, CRLF, ANSI...) for the stream contract

/// One piece of a byte-level test input.
enum Piece: Sendable {
    /// Bytes that must pass through unchanged.
    case text(String)
    /// Raw bytes (invalid UTF-8, NUL, escape sequences) that must pass through unchanged.
    case raw([UInt8])
    /// A value that must be found as `entity` and replaced.
    case phi(String, String)
}

/// An input built from pieces: its bytes, the spans that must be found and their entities.
struct ByteCase: Sendable, CustomStringConvertible {
    var name: String
    var bytes: [UInt8] = []
    var spans: [Range<Int>] = []
    var entities: [String] = []

    init(_ name: String, _ pieces: [Piece]) {
        self.name = name
        for piece in pieces {
            switch piece {
            case .text(let s): bytes += Array(s.utf8)
            case .raw(let b): bytes += b
            case .phi(let value, let entity):
                let start = bytes.count
                bytes += Array(value.utf8)
                spans.append(start..<bytes.count)
                entities.append(entity)
            }
        }
    }

    var description: String { name }
}

enum StreamCorpus {
    static let esc: UInt8 = 0x1B
    static func sgr(_ code: String) -> Piece { .raw([esc] + Array("[\(code)m".utf8)) }

    static let cases: [ByteCase] = [
        ByteCase("empty input", []),
        ByteCase("a lone newline", [.text("\n")]),
        ByteCase("blank lines only", [.text("\n\n\r\n\n")]),
        ByteCase("invalid UTF-8: 0xFF before PHI, truncated sequence after", [
            .raw([0xFF]), .text("SSN "), .phi("365-94-0475", "SSN"), .raw([0xE2, 0x82]), .text("\n"),
        ]),
        ByteCase("invalid UTF-8: lone continuation byte and overlong encoding around an e-mail", [
            .raw([0x80]), .text(" "), .phi("jane.roe@example.com", "EMAIL"), .text(" "), .raw([0xC0, 0xAF]), .text("\n"),
        ]),
        ByteCase("invalid UTF-8: truncated 4-byte sequence at end of input", [
            .text("client "), .phi("192.0.2.17", "IP_ADDRESS"), .text(" "), .raw([0xF0, 0x9F, 0x98]),
        ]),
        ByteCase("valid non-ASCII next to invalid bytes", [
            .text("café "), .raw([0xFE]), .text(" MRN "), .phi("40022871", "MRN"), .text(" ✓\n"),
        ]),
        ByteCase("NUL bytes around PHI", [
            .raw([0x00]), .text("A"), .raw([0x00]), .text("B DOB: "), .phi("07/04/1958", "DATE"), .raw([0x00]), .text("\n"),
            .raw([0x00, 0x00, 0x0A]),
        ]),
        ByteCase("CRLF line endings", [
            .text("Phone: "), .phi("(312) 555-0134", "PHONE"), .text("\r\n"),
            .text("Patient: "), .phi("Orla Vestergaard", "NAME"), .text("\r\n"), .text("\r\n"),
        ]),
        ByteCase("lone CR inside a line", [.text("a\rSSN "), .phi("365-94-0475", "SSN"), .text("\rb\n")]),
        ByteCase("no final newline", [.text("line one\nreply to "), .phi("m.quennel@example.com", "EMAIL")]),
        ByteCase("PHI is the whole input", [.phi("m.quennel@example.com", "EMAIL")]),
        ByteCase("ANSI colour codes around PHI, separated by spaces", [
            sgr("31"), .text("SSN "), .phi("365-94-0475", "SSN"), sgr("0"), .text("\n"),
            sgr("1;33"), .text(" "), .phi("m.quennel@example.com", "EMAIL"), .text(" "), sgr("0"), .text("\n"),
            .text("DOB: "), sgr("1"), .phi("07/04/1958", "DATE"), sgr("0"), .text("\n"),
            .text("client "), .phi("192.0.2.17", "IP_ADDRESS"), sgr("0"), .text(" denied\n"),
        ]),
        ByteCase("tabs, form feeds and other control bytes", [
            .text("\tMRN:\t"), .phi("40022871", "MRN"), .raw([0x0C, 0x07, 0x7F]), .text("\n"),
        ]),
        ByteCase("many lines, PHI on some", [
            .text("first line\n"), .text("SSN "), .phi("365-94-0475", "SSN"), .text("\n"), .text("\n"),
            .text("no phi here\n"), .text("cell: "), .phi("206.555.0177", "PHONE"), .text(" and "),
            .phi("T.Brandt@example.org", "EMAIL"), .text("\n"), .text("last"),
        ]),
    ]

    /// PHI glued to SGR escape sequences (`ESC [ ... m` directly before the value). See the bug tests.
    static let gluedANSI: [ByteCase] = [
        ByteCase("SSN right after an SGR sequence", [sgr("31"), .phi("365-94-0475", "SSN"), sgr("0"), .text("\n")]),
        ByteCase("label right after an SGR sequence", [sgr("33"), .text("Patient: "), .phi("Orla Vestergaard", "NAME"), sgr("0"), .text("\n")]),
        ByteCase("e-mail right after an SGR sequence", [sgr("1"), .phi("m.quennel@example.com", "EMAIL"), sgr("0"), .text("\n")]),
    ]
}

// MARK: - A line of several megabytes with PHI at and across the cut points

enum LongLine {
    /// Neutral filler: lower-case words that no rule, keyword or context word reacts to.
    static let filler = Array("the quick brown fox jumps over a lazy dog and naps ".utf8)

    /// `count` (>= 2) filler bytes starting and ending with a space, so values around it stay separate words.
    static func fill(_ count: Int) -> [UInt8] {
        var out: [UInt8] = [0x20]
        out.reserveCapacity(count)
        while out.count < count { out += filler.prefix(count - out.count) }
        out[count - 1] = 0x20
        return out
    }

    enum Placement: CaseIterable { case endsAtCut, startsAtCut, straddlesCut, startsAfterCut }

    /// One line of `length` bytes (plus a newline) for a stream whose cut pieces are `lineCap` long and overlap by
    /// `overlap`. Around each cut point it places one context-free value (e-mail, unlabelled SSN, IPv4) that, in
    /// turn, ends exactly at the cut, starts exactly at it, straddles it, or starts just after it. Returns the case
    /// and the absolute cut points (where each piece's committed part ends).
    static func make(length: Int, lineCap: Int, overlap: Int) -> (ByteCase, cuts: [Int]) {
        let values: [(String, String)] = [
            ("m.quennel@example.com", "EMAIL"), ("365-94-0475", "SSN"), ("192.0.2.17", "IP_ADDRESS"),
            ("ola_nygaard@mail.example.net", "EMAIL"), ("029-36-7738", "SSN"),
        ]
        var pieces: [Piece] = []
        var position = 0
        var pieceStart = 0
        var cuts: [Int] = []
        var round = 0
        while true {
            let cut = pieceStart + lineCap - overlap
            guard cut + 200 < length else { break }
            let (value, entity) = values[round % values.count]
            let n = value.utf8.count
            let placement = Placement.allCases[round % Placement.allCases.count]
            let start: Int
            switch placement {
            case .endsAtCut: start = cut - n
            case .startsAtCut: start = cut
            case .straddlesCut: start = cut - n / 2
            case .startsAfterCut: start = cut + 1
            }
            pieces.append(.raw(fill(start - position)))
            pieces.append(.phi(value, entity))
            position = start + n
            cuts.append(cut)
            // A finding that crosses the cut moves the next piece's start to its end.
            pieceStart = placement == .straddlesCut ? position : cut
            round += 1
        }
        pieces.append(.raw(fill(max(2, length - position))))
        pieces.append(.text("\n"))
        return (ByteCase("\(length)-byte line, cap \(lineCap)", pieces), cuts)
    }
}
