@testable import PHIBatch
import PHIScan
import PHIScrub
import PHITransform
import Testing

// CSV with a header row: RFC 4180 quoting, header names as field context (KeyContext, then field rules), byte-exact
// pass-through of everything not replaced. Fictional values only.

/// Replaces every finding with a fixed text (to see quoting of replacements that hold commas and quotes).
final class FixedReplacer: FindingReplacer {
    let text: [UInt8]
    init(_ text: String) { self.text = Array(text.utf8) }
    func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>) -> [UInt8] { text }
}

/// A small deterministic generator (SplitMix64), so the generated table is the same on every run.
struct SeededRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

@Suite struct CSVRewriterTests {
    static let scrubber = try! Scrubber.withDefaultRules()

    @Test func headerNamesGiveFieldsTheirContextAndQuotingIsKept() throws {
        let input = "id,patient_ssn,Home Phone,dob,callback,comment,status\r\n"
            + "1,402198877,6175550142,1961-03-14,6175550199,\"Lab said, \"\"hi\"\"\",ok\r\n"
            + "2,\"402-19-8877\",\"(617) 555-0142\",\"03/14/1961\",,\"line one\nSSN 402-19-8877 on line two\",\"a,b\"\r\n"
            + "3,n/a,none,unknown,,plain,ok"
        let out = try CSVCleaner(scrubber: Self.scrubber).clean(input)
        #expect(out == "id,patient_ssn,Home Phone,dob,callback,comment,status\r\n"
            + "1,[SSN],[PHONE],[DATE],[PHONE],\"Lab said, \"\"hi\"\"\",ok\r\n"
            + "2,\"[SSN]\",\"[PHONE]\",\"[DATE]\",,\"line one\nSSN [SSN] on line two\",\"a,b\"\r\n"
            + "3,n/a,none,unknown,,plain,ok")
        // Without the header the bare digits are not judged PHI: the column name is what made them so.
        let bare = try CSVCleaner(scrubber: Self.scrubber).clean("x\n402198877\n")
        #expect(bare == "x\n402198877\n")
    }

    @Test func aNameColumnTakesOnlyFullNamesAsForJSON() throws {
        let out = try CSVCleaner(scrubber: Self.scrubber).clean("name,patient_name\nJane Roe,Jane Roe\nReport.pdf,x\n")
        #expect(out == "name,patient_name\n[NAME],[NAME]\nReport.pdf,x\n")
    }

    @Test func replacementsThatNeedQuotesAreQuoted() throws {
        let cleaner = CSVCleaner(scrubber: Self.scrubber, replacer: FixedReplacer("March \"14\", 1961"))
        let out = try cleaner.clean("dob,note\n1961-03-14,\"DOB: 1961-03-14\"\n")
        #expect(out == "dob,note\n\"March \"\"14\"\", 1961\",\"DOB: March \"\"14\"\", 1961\"\n")
    }

    @Test func aDoubledQuoteInsideASpanIsReplacedWhole() throws {
        // The value decodes to SSN 402-19-8877 wrapped in quotes; the replaced span must not leave half a pair.
        let out = try CSVCleaner(scrubber: Self.scrubber).clean("note\n\"SSN \"\"402-19-8877\"\" given\"\n")
        #expect(out == "note\n\"SSN \"\"[SSN]\"\" given\"\n")
    }

    @Test func recordEndsDoNotDependOnHowTheBytesArrive() {
        let text = Array("a,b\r\n\"x\ny\",\"q\"\"\n\"\n1,2\n\"open\n".utf8)
        func ends(_ cuts: [Int]) -> [Int] {
            var s = CSVSplitter()
            var out: [Int] = []
            text.withUnsafeBufferPointer { p in
                var from = 0
                for cut in cuts + [text.count] {
                    let chunk = UnsafeBufferPointer(rebasing: p[..<cut])
                    while let e = s.end(in: chunk, from: from) { out.append(e); from = e }
                    from = cut
                }
            }
            return out
        }
        let whole = ends([])
        #expect(whole == [5, 18, 22])
        for i in 0...text.count { #expect(ends([i]) == whole, "cut at \(i)") }
        #expect(ends(Array(1..<text.count)) == whole)
    }

    /// A generated table (seeded): every value under a PHI column is gone, every other field is unchanged, and each
    /// output record has the input's number of fields.
    @Test func aGeneratedTableKeepsItsShapeAndLosesItsPHI() throws {
        var rng = SeededRandom(state: 16)
        let first = ["Jane", "Ola", "Amir", "Mei", "Tomas"], last = ["Roe", "Nygaard", "Haddad", "Lin", "Novak"]
        var csv = "row,patient_name,ssn,phone,email,dob,visit_reason,amount\r\n"
        var phi: [String] = []
        for i in 0..<300 {
            let name = "\(first[rng.int(0...4)]) \(last[rng.int(0...4)])"
            // SSNs in area 9xx never issued? Those fail the SSN validator; use valid-shaped fictional ones instead.
            let ssn = String(format: "%03d-%02d-%04d", rng.int(100...665), rng.int(10...99), rng.int(1000...9999))
            let phone = "(617) 555-01\(rng.int(10...99))"
            let email = "p\(i)@example.com"
            let dob = "19\(rng.int(40...99))-0\(rng.int(1...9))-1\(rng.int(0...9))"
            let reason = ["follow-up", "\"labs, fasting\"", "refill", "\"said \"\"ok\"\"\""][rng.int(0...3)]
            csv += "\(i),\"\(name)\",\(ssn),\(phone),\(email),\(dob),\(reason),\(rng.int(1...999)).00\r\n"
            phi += [ssn, phone, email, dob, name]
        }
        let out = try CSVCleaner(scrubber: Self.scrubber).clean(csv)
        for value in phi { #expect(!out.contains(value), "\(value) passed") }
        let inRecords = csv.split(separator: "\r\n"), outRecords = out.split(separator: "\r\n")
        #expect(inRecords.count == outRecords.count)
        for (a, b) in zip(inRecords, outRecords) {
            let fa = Array(a.utf8).withUnsafeBufferPointer { CSVRewriter.fields($0).map { $0.raw } }
            let bBytes = Array(b.utf8), aBytes = Array(a.utf8)
            let fb = bBytes.withUnsafeBufferPointer { CSVRewriter.fields($0).map { $0.raw } }
            #expect(fa.count == fb.count)
            // row, visit_reason and amount pass through byte for byte.
            for column in [0, 6, 7] where column < fa.count && column < fb.count {
                #expect(Array(aBytes[fa[column]]) == Array(bBytes[fb[column]]))
            }
        }
    }
}
