import Foundation
import Testing

import PHIScan

// Table tests for each ValidatorKind. All identifiers are public test/sample values
// (card-network test PANs, CMS/IBAN registry examples, RFC documentation ranges,
// 555-01xx fictional phone numbers) or obviously synthetic digit patterns.

@Suite("ValidatorKind API")
struct ValidatorKindAPITests {
    @Test func rawValuesMatchRuleNames() {
        #expect(ValidatorKind.allCases.count == 15)
        #expect(ValidatorKind(rawValue: "credit_card") == .creditCard)
        #expect(ValidatorKind(rawValue: "age_over_89") == .ageOver89)
        #expect(ValidatorKind(rawValue: "ssn") == .ssn)
        #expect(ValidatorKind(rawValue: "creditCard") == nil)
    }

    @Test func codableRoundTrip() throws {
        let data = try JSONEncoder().encode(ValidatorKind.allCases)
        let decoded = try JSONDecoder().decode([ValidatorKind].self, from: data)
        #expect(decoded == ValidatorKind.allCases)
        #expect(String(decoding: try JSONEncoder().encode(ValidatorKind.creditCard), as: UTF8.self) == "\"credit_card\"")
    }

    @Test func stringAndBufferEntryPointsAgree() {
        let samples = ["4111111111111111", "1234567893", "011000015", "2001:db8::1", "01/15/2020", "", "x"]
        for kind in ValidatorKind.allCases {
            for s in samples {
                let viaBuffer = Array(s.utf8).withUnsafeBufferPointer { kind.validate($0) }
                #expect(kind.validate(s) == viaBuffer, "\(kind) \(s)")
            }
        }
    }
}

@Suite("SSN")
struct SSNTests {
    // Synthetic patterns only; none is taken from a person.
    // Dots, slashes, underscores, tabs and a query string's + separate too: the rules decide where an SSN may be
    // written so.
    @Test(arguments: ["123-45-6780", "123 45 6780", "123456780", "001-01-0001", "665-99-9999",
                      "667-01-0001", "899-99-9998", "555-12-3456", "123.45.6780", "123/45/6780", "123_45_6780",
                      "1 2 3 4 5 6 7 8 0", "196+42+2306"])
    func valid(_ s: String) { #expect(ValidatorKind.ssn.validate(s)) }

    @Test(arguments: [
        "000-12-3456", "666-12-3456", "900-12-3456", "999-99-9998", "987-65-4320",  // area
        "123-00-4567", "123-45-0000",  // group / serial
        "078-05-1120", "219-09-9999", "123-45-6789",  // published samples
        "111-11-1111", "222-22-2222", "333333333", "555-55-5555", "777-77-7777", "888-88-8888",
        "12-345-678", "1234567890", "123:45:6780", "123-45-678a", "123,45,6780", "", "---",
    ])
    func invalid(_ s: String) { #expect(!ValidatorKind.ssn.validate(s)) }
}

@Suite("Luhn")
struct LuhnTests {
    @Test(arguments: ["4111111111111111", "4111 1111 1111 1111", "79927398713", "12345674",
                      "0000000000000000", "4111-1111-1111-1111", "6200000000000005"])
    func valid(_ s: String) { #expect(ValidatorKind.luhn.validate(s)) }

    @Test(arguments: ["4111111111111112", "79927398710", "1234567", "00000000000000000000",
                      "4111.1111.1111.1111", "4111111111111111a", "", " - "])
    func invalid(_ s: String) { #expect(!ValidatorKind.luhn.validate(s)) }
}

@Suite("Credit card")
struct CreditCardTests {
    /// Public test PANs published by card networks and payment processors.
    @Test(arguments: [
        "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4012888888881881", "4222222222222",
        "5555555555554444", "5105105105105100", "2223003122003222",
        "378282246310005", "371449635398431",
        "6011111111111117", "6011000990139424",
        "3056930009020004", "36227206271667", "30569309025904", "38520000023237",
        "3530111333300000", "3566002020360505",
        "6200000000000005", "6759649826438453", "6304000000000000", "5018000000000009",
        "122000000000003",
    ])
    func knownTestNumbers(_ s: String) { #expect(ValidatorKind.creditCard.validate(s)) }

    @Test(arguments: [
        ("4", 13), ("4", 16), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16),
        ("34", 15), ("37", 15), ("6011", 16), ("6011", 19), ("644", 16), ("649", 19), ("65", 16),
        ("622126", 16), ("622925", 19), ("300", 14), ("305", 16), ("36", 14), ("38", 19), ("39", 16),
        ("3528", 16), ("3589", 19), ("62", 16), ("50", 13), ("56", 16), ("58", 19), ("6304", 16),
        ("6759", 16), ("6761", 16), ("6763", 19), ("1", 15),
    ])
    func generatedBrandLengths(_ prefix: String, _ length: Int) {
        var rng = ValidatorTestRNG(seed: UInt64(length) &* 31 &+ UInt64(prefix.hashValue & 0xffff))
        for _ in 0..<20 {
            let pan = ValidatorReference.luhnNumber(prefix: prefix, length: length, rng: &rng)
            #expect(ValidatorKind.creditCard.validate(pan), "\(pan)")
        }
    }

    /// Luhn-valid but wrong issuer prefix or wrong length for the brand.
    @Test(arguments: [
        ("4", 15), ("4", 17), ("51", 15), ("55", 19), ("2221", 17), ("2720", 15), ("34", 16), ("37", 14),
        ("6011", 15), ("36", 13), ("3528", 15), ("62", 15), ("1", 16), ("7", 16), ("8", 16), ("9", 16),
        ("2220", 16), ("2721", 16), ("56", 12), ("4", 12), ("4", 20), ("1", 14), ("1", 13),
    ])
    func generatedWrongBrandOrLength(_ prefix: String, _ length: Int) {
        var rng = ValidatorTestRNG(seed: UInt64(length) &* 131 &+ UInt64(prefix.count))
        for _ in 0..<20 {
            let pan = ValidatorReference.luhnNumber(prefix: prefix, length: length, rng: &rng)
            #expect(!ValidatorKind.creditCard.validate(pan), "\(pan)")
        }
    }

    @Test(arguments: ["4111111111111112", "378282246310006", "5555555555554440", "4111/1111/1111/1111",
                      "4111111111111111\u{00A0}", "", "4"])
    func invalid(_ s: String) { #expect(!ValidatorKind.creditCard.validate(s)) }
}

@Suite("NPI")
struct NPITests {
    @Test(arguments: ["1234567893", "1234-567-893", "1234 567 893"])
    func valid(_ s: String) { #expect(ValidatorKind.npi.validate(s)) }

    @Test(arguments: ["1234567890", "1234567894", "123456789", "12345678933", "3234567893", "0234567893",
                      "123456789X", "1234.567.893", ""])
    func invalid(_ s: String) { #expect(!ValidatorKind.npi.validate(s)) }

    @Test func generated() {
        var rng = ValidatorTestRNG(seed: 42)
        for _ in 0..<500 {
            let npi = ValidatorReference.npi(rng: &rng)
            #expect(ValidatorKind.npi.validate(npi), "\(npi)")
            // Any single-digit change in the check digit must fail.
            var bad = Array(npi)
            bad[9] = Character(String((Int(String(bad[9]))! + 1) % 10))
            #expect(!ValidatorKind.npi.validate(String(bad)), "\(String(bad))")
        }
    }
}

@Suite("DEA")
struct DEATests {
    @Test(arguments: ["AB1234563", "ab1234563", "BJ6125341", "A91234563", "xy0000000", "FZ1111119"])
    func valid(_ s: String) { #expect(ValidatorKind.dea.validate(s)) }

    @Test(arguments: ["AB1234564", "IB1234563", "NB1234563", "ZB1234563", "A11234563", "A-1234563",
                      "AB123456", "AB12345633", "AB-1234563", "1B1234563", "AB12345a3", ""])
    func invalid(_ s: String) { #expect(!ValidatorKind.dea.validate(s)) }

    @Test func generated() {
        var rng = ValidatorTestRNG(seed: 7)
        for _ in 0..<500 {
            let dea = ValidatorReference.dea(rng: &rng)
            #expect(ValidatorKind.dea.validate(dea), "\(dea)")
        }
    }
}

@Suite("ABA routing number")
struct ABATests {
    /// Published Federal Reserve / bank routing numbers (institutions, not people).
    @Test(arguments: ["011000015", "021000021", "011000028", "121000358", "322271627", "071000013",
                      "111000025", "0110-0001-5"])
    func valid(_ s: String) { #expect(ValidatorKind.aba.validate(s)) }

    @Test(arguments: ["011000016", "999999999", "01100001", "0110000150", "01100001a", "011.000.015", "",
                      "000000000", "0000-0000-0"])
    func invalid(_ s: String) { #expect(!ValidatorKind.aba.validate(s)) }

    @Test(arguments: [0, 5, 12, 21, 32, 61, 72, 80])
    func generatedAllowedPrefix(_ prefix: Int) {
        var rng = ValidatorTestRNG(seed: UInt64(prefix))
        for _ in 0..<50 {
            let aba = ValidatorReference.aba(prefix: prefix, rng: &rng)
            #expect(ValidatorKind.aba.validate(aba), "\(aba)")
        }
    }

    @Test(arguments: [13, 20, 33, 50, 60, 73, 79, 81, 99])
    func generatedDisallowedPrefix(_ prefix: Int) {
        var rng = ValidatorTestRNG(seed: UInt64(prefix))
        for _ in 0..<50 {
            let aba = ValidatorReference.aba(prefix: prefix, rng: &rng)
            #expect(!ValidatorKind.aba.validate(aba), "\(aba)")
        }
    }
}

@Suite("MBI")
struct MBITests {
    /// 1EG4-TE5-MK73 is the example MBI published by CMS.
    @Test(arguments: ["1EG4-TE5-MK73", "1EG4TE5MK73", "1eg4-te5-mk73", "9AA0A00AA00", "1E14TE5MK73"])
    func valid(_ s: String) { #expect(ValidatorKind.mbi.validate(s)) }

    @Test(arguments: ["0EG4TE5MK73", "1SG4TE5MK73", "1LG4TE5MK73", "1OG4TE5MK73", "1IG4TE5MK73",
                      "1BG4TE5MK73", "1ZG4TE5MK73", "1EGATE5MK73", "1EG4TE5MK7A", "1EG4TE5MK7",
                      "1EG4TE5MK731", "1EG4 TE5 MK73", "1EG4TE5M173", "1EG4TS5MK73", ""])
    func invalid(_ s: String) { #expect(!ValidatorKind.mbi.validate(s)) }

    @Test func generated() {
        var rng = ValidatorTestRNG(seed: 11)
        for _ in 0..<500 {
            let mbi = ValidatorReference.mbi(rng: &rng)
            #expect(ValidatorKind.mbi.validate(mbi), "\(mbi)")
        }
    }
}

@Suite("VIN")
struct VINTests {
    @Test(arguments: ["1M8GDM9AXKP042788", "1m8gdm9axkp042788", "11111111111111111", "1HGCM82633A004352"])
    func valid(_ s: String) { #expect(ValidatorKind.vin.validate(s)) }

    @Test(arguments: ["1M8GDM9A1KP042788", "1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", "1M8GDM9AXKP04278O",
                      "IM8GDM9AXKP042788", "1M8GDM9AXKP04Q788", "1M8GDM9AXKP-42788", "11111111211111111", ""])
    func invalid(_ s: String) { #expect(!ValidatorKind.vin.validate(s)) }

    @Test func generated() {
        var rng = ValidatorTestRNG(seed: 17)
        var sawX = false
        for _ in 0..<1000 {
            let vin = ValidatorReference.vin(rng: &rng)
            sawX = sawX || Array(vin)[8] == "X"
            #expect(ValidatorKind.vin.validate(vin), "\(vin)")
        }
        #expect(sawX, "generator should exercise the 'X' check digit")
    }
}

@Suite("IBAN")
struct IBANTests {
    /// Example IBANs from the SWIFT IBAN registry / national banks' documentation; spaces and dashes between the
    /// groups of four are read past (the printed forms `iban-grouped` finds).
    @Test(arguments: ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "gb82west12345698765432",
                      "DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "FR1420041010050500013M02606",
                      "NO9386011117947", "MT84MALT011000012345MTLCAST001S", "BE68539007547034",
                      "GB82-WEST-1234-5698-7654-32"])
    func valid(_ s: String) { #expect(ValidatorKind.iban.validate(s)) }

    @Test(arguments: ["GB82 WEST 1234 5698 7654 33", "GB28WEST12345698765432", "1B82WEST12345698765432",
                      "GBX2WEST12345698765432", "GB82-WEST-1234-5698-7654-33", "NO938601111794", "GB82_WEST_1234_5698_7654_32",
                      "GB82WEST12345698765432!", "DE89370400440532013000" + String(repeating: "0", count: 13), ""])
    func invalid(_ s: String) { #expect(!ValidatorKind.iban.validate(s)) }

    @Test(arguments: [11, 14, 18, 26, 30])
    func generated(_ bbanLength: Int) {
        var rng = ValidatorTestRNG(seed: UInt64(bbanLength))
        for _ in 0..<100 {
            let iban = ValidatorReference.iban(country: rng.pick(["DE", "FR", "GB", "NL", "MT"]), bbanLength: bbanLength, rng: &rng)
            #expect(ValidatorKind.iban.validate(iban), "\(iban)")
            // Swapping two differing adjacent BBAN digits is always caught by mod 97
            // (letters expand to two digits, so for them it is not guaranteed).
            var chars = Array(iban)
            if let i = (4..<(chars.count - 1)).first(where: {
                chars[$0] != chars[$0 + 1] && chars[$0].isNumber && chars[$0 + 1].isNumber
            }) {
                chars.swapAt(i, i + 1)
                #expect(!ValidatorKind.iban.validate(String(chars)), "\(String(chars))")
            }
        }
    }
}

@Suite("Date")
struct DateTests {
    @Test(arguments: [
        "01/15/2020", "1/5/2020", "12/31/99", "02/29/2020", "02/29/00", "31/12/2020", "13/01/2020",
        "01-15-2020", "2020-02-29", "2000/02/29", "2020-1-5", "1900-01-01", "2100-12-31",
        "15.01.2020", "29.02.2024", "1.2.1999",
        "January 5, 2020", "Jan 5, 2020", "Jan. 5 2020", "jan 5 2020", "DECEMBER 25, 1999", "Sept 3rd, 2021",
        "Sep 30 2021", "May 1st, 2000", "5 January 2020", "1st Mar 2000", "15-Jan-2020", "22nd Feb, 2022", "15+Sep+1999", "Sep+14+1999",
        "February 29, 2000", "19750303", "20000229",
    ])
    func valid(_ s: String) { #expect(ValidatorKind.date.validate(s)) }

    @Test(arguments: [
        "02/30/2020", "13/13/2020", "2019-02-29", "00/10/2020", "10/00/2020", "1899-12-31", "2101-01-01",
        "02/29/2100", "1900-02-29", "29.02.2023", "1.2.10", "15.01.20", "01.15.2020", "12/31/202", "12/31/20201", "01/15-2020", "2020.01.15",
        "2020-13-01", "2020-01-32", "01/15/2020x", " 01/15/2020", "123/1/2020",
        "March 2020", "Foo 5, 2020", "Jan 32, 2020", "Febr 3, 2020", "Ja 3, 2020", "February 30, 2020",
        "Jan 5th 20200", "Jan5 2020", "Jan 5xx 2020", "Jan     5 2020", "Septe 3, 2021", "5 Janu 2020",
        "", "/", "0", "11:30", "19751303", "20190229", "18991231", "1975030", "197503031",
    ])
    func invalid(_ s: String) { #expect(!ValidatorKind.date.validate(s)) }

    @Test func generatedCalendar() {
        var rng = ValidatorTestRNG(seed: 2024)
        for i in 0..<2000 {
            let year = Int.random(in: 1900...2100, using: &rng)
            let month = Int.random(in: 1...12, using: &rng)
            let days = ValidatorReference.daysIn(month, year)
            let day = Int.random(in: 1...days, using: &rng)
            let good = ValidatorReference.format(year: year, month: month, day: day, style: i)
            #expect(ValidatorKind.date.validate(good), "\(good)")
            if days < 31 {  // one past the month end must fail in every format
                let bad = ValidatorReference.format(year: year, month: month, day: days + 1, style: i)
                #expect(!ValidatorKind.date.validate(bad), "\(bad)")
            }
        }
    }
}

@Suite("NANP phone")
struct NANPTests {
    @Test(arguments: ["(212) 555-0123", "212-555-0199", "212-555-0100", "1-212-555-0100", "+1 212 555 0150",
                      "2125550123", "12125550123", "415.555.0100", "800-555-0199", "(604) 555-0142",
                      "345-899-3560x4587", "317-340-1753 ext. 562", "001-380-573-0215x736", "0012125550123"])
    func valid(_ s: String) { #expect(ValidatorKind.nanp.validate(s)) }

    @Test(arguments: ["911-555-0123", "411-555-0123", "212-411-0123", "212-911-0123", "112-555-0123",
                      "012-555-0123", "212-155-0123", "212-055-0123", "2222222222", "0000000000",
                      "1-222-222-2222", "22125550123", "212555012", "121255501234", "",
                      "002-380-573-0215", "0022125550123", "212-555-012x34567"])
    func invalid(_ s: String) { #expect(!ValidatorKind.nanp.validate(s)) }

    @Test func fictionalBlockIsAlwaysValid() {
        for line in 100...199 {
            #expect(ValidatorKind.nanp.validate("(202) 555-0\(line)"))
        }
    }
}

@Suite("IPv4")
struct IPv4Tests {
    @Test(arguments: ["192.0.2.1", "198.51.100.255", "203.0.113.7", "127.0.0.1", "255.255.255.255",
                      "10.0.0.0", "0.0.0.1", "1.2.3.4"])
    func valid(_ s: String) { #expect(ValidatorKind.ipv4.validate(s)) }

    @Test(arguments: ["0.0.0.0", "256.1.1.1", "1.2.3.256", "01.2.3.4", "1.2.3.00", "1.2.3", "1.2.3.4.5",
                      "1..2.3", "1.2.3.4.", ".1.2.3.4", "1.2.3.a", "1.2.3.1000", " 1.2.3.4", "1,2,3,4", ""])
    func invalid(_ s: String) { #expect(!ValidatorKind.ipv4.validate(s)) }
}

@Suite("IPv6")
struct IPv6Tests {
    @Test(arguments: ["2001:db8::1", "2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8:0:0:0:ff00:42:8329",
                      "::1", "fe80::", "::ffff:192.0.2.128", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:7::",
                      "::2:3:4:5:6:7:8", "2001:DB8::ABCD", "1:2:3:4:5:6:192.0.2.1", "1::", "1:2::3:4"])
    func valid(_ s: String) { #expect(ValidatorKind.ipv6.validate(s)) }

    @Test(arguments: ["::", "0:0:0:0:0:0:0:0", "::0.0.0.0", "2001:db8::1::1", "2001:db8:::1", "12345::1",
                      "1:2:3:4:5:6:7:8:9", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", ":1::", "1::2:",
                      "fe80::1%eth0", "1:2:3:4:5:6:7", "2001:db8::g", "::ffff:192.0.2.256", "::ffff:1.2.3",
                      "1:2:3:4:5:6:7:1.2.3.4", "1::2:3:4:5:6:7:8", "1.2.3.4", ":", "", "::ffff:01.2.3.4",
                      "1:2:3:4:5:6:7:8::", "1::2:3:4:5:6:1.2.3.4"])
    func invalid(_ s: String) { #expect(!ValidatorKind.ipv6.validate(s)) }
}

@Suite("MAC")
struct MACTests {
    @Test(arguments: ["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e", "02:00:00:00:00:01",
                      "fe:ff:ff:ff:ff:ff", "Ab:cD:eF:01:23:45"])
    func valid(_ s: String) { #expect(ValidatorKind.mac.validate(s)) }

    @Test(arguments: ["00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "FF-FF-FF-FF-FF-FF", "ffff.ffff.ffff",
                      "0000.0000.0000", "00:1A-2B:3C:4D:5E", "00:1A:2B:3C:4D", "00:1A:2B:3C:4D:5G",
                      "001A2B3C4D5E", "00.1A.2B.3C.4D.5E", "001a:2b3c:4d5e", "001a-2b3c-4d5e", "0:1A:2B:3C:4D:5E0", ""])
    func invalid(_ s: String) { #expect(!ValidatorKind.mac.validate(s)) }
}

@Suite("Age over 89")
struct AgeOver89Tests {
    @Test(arguments: ["90", "125", "age 93", "97 y/o", "104-year-old", "090", "aged 99 (born 1925)"])
    func valid(_ s: String) { #expect(ValidatorKind.ageOver89.validate(s)) }

    @Test(arguments: ["89", "126", "0", "", "abc", "1000", "age 9 0", "8 9 9", "99999999999999999999999999"])
    func invalid(_ s: String) { #expect(!ValidatorKind.ageOver89.validate(s)) }
}
