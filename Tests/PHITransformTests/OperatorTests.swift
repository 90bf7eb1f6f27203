import Foundation
import Testing

import PHICompliance
import PHIScan
import PHIScrub
import PHITransform

/// Keys for one test "deployment": a keyring file in a private temporary directory.
struct TestKeyring {
    let path: String
    init() throws {
        let dir = NSTemporaryDirectory() + "phiscrub-ops-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        path = dir + "/keyring.json"
        try KeyringFile.create(path: path)
    }
    func load() throws -> MasterKeys { try KeyringFile.load(path: path) }
}

let defaultScrubber = Scrubber(ruleSet: TestRules.defaults)

func transformer(_ actions: [String], keys: (any KeyProvider)?, context: String = "log", subject: String = "") throws -> Transformer {
    var policy = TransformPolicy()
    try policy.apply(actionArguments: actions)
    policy.context = try DataContext(context)
    policy.subject = subject
    return try Transformer(policy: policy, keys: keys, traits: TestRules.defaults.traits)
}

/// Every positive sentence of the shared corpus, one per line.
let corpusText: [UInt8] = Array(ScanCorpus.positives.map { RuleExamples.stripMarkers($0.marked).0 }
    .map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n").utf8) + [0x0A]

@Suite struct EncryptOperatorTests {
    @Test func roundTripRestoresEveryEntityOfTheCorpus() throws {
        let keys = try TestKeyring().load()
        let (encrypted, stats) = try defaultScrubber.transform(corpusText, with: transformer(["encrypt"], keys: keys))
        #expect(stats.findings > 50)
        #expect(Set(stats.findingsByEntity.keys).count >= 15, "every entity type is exercised")
        #expect(defaultScrubber.scan(corpusText).count == stats.findings)
        let revealed = Revealer.reveal(encrypted, keys: keys, context: .log)
        #expect(revealed.failures.isEmpty)
        #expect(revealed.revealed == stats.findings)
        #expect(revealed.output == corpusText)
        // No value survives in the encrypted text: the scanner finds nothing in it.
        #expect(defaultScrubber.scan(encrypted).isEmpty)
    }

    @Test func tokenRejectedInAnotherContextOrTamperedOrUnknownVersion() throws {
        let ring = try TestKeyring()
        let keys = try ring.load()
        let input = Array("MRN: 48213377 called from 617-555-0142\n".utf8)
        let encrypted = try defaultScrubber.transform(input, with: transformer(["encrypt"], keys: keys, context: "tool_output")).output
        #expect(Revealer.reveal(encrypted, keys: keys, context: try DataContext("tool_output")).output == input)

        let elsewhere = Revealer.reveal(encrypted, keys: keys, context: try DataContext("prompt"))
        #expect(elsewhere.revealed == 0 && elsewhere.failures.count == 2)
        #expect(elsewhere.output == encrypted, "a refused token stays encrypted")
        #expect(elsewhere.failures.allSatisfy { $0.code == .authenticationFailed })

        // Flip each bit of one payload character in turn: no variant decrypts.
        let text = String(decoding: encrypted, as: UTF8.self)
        let payloadStart = text.range(of: ":k1:")!.upperBound
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: payloadStart) + 3
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for replacement in alphabet where replacement != encrypted[offset] {
            var tampered = encrypted
            tampered[offset] = replacement
            let result = Revealer.reveal(tampered, keys: keys, context: try DataContext("tool_output"))
            #expect(result.revealed == 1 && result.failures.count == 1)
        }
        // Relabelling the entity breaks the binding too.
        let relabelled = Array(text.replacingOccurrences(of: "[ENC:MRN:", with: "[ENC:ACCOUNT:").utf8)
        #expect(Revealer.reveal(relabelled, keys: keys, context: try DataContext("tool_output")).failures.count == 1)
        // A version the keyring does not hold.
        let unknown = Array(text.replacingOccurrences(of: ":k1:", with: ":k9:").utf8)
        let u = Revealer.reveal(unknown, keys: keys, context: try DataContext("tool_output"))
        #expect(u.failures.count == 2 && u.failures.allSatisfy { $0.code == .unknownKeyVersion })
        // Another keyring entirely.
        let stranger = try TestKeyring().load()
        #expect(Revealer.reveal(encrypted, keys: stranger, context: try DataContext("tool_output")).revealed == 0)
    }

    @Test func oldTokensRevealAfterRotation() throws {
        let ring = try TestKeyring()
        let input = Array("DOB: 03/14/1961, member id: XJ4471209\n".utf8)
        let before = try defaultScrubber.transform(input, with: transformer(["encrypt"], keys: ring.load())).output
        try KeyringFile.rotate(path: ring.path)
        let rotated = try ring.load()
        let after = try defaultScrubber.transform(input, with: transformer(["encrypt"], keys: rotated)).output
        #expect(String(decoding: after, as: UTF8.self).contains(":k2:"))
        #expect(Revealer.reveal(before, keys: rotated, context: .log).output == input)
        #expect(Revealer.reveal(after, keys: rotated, context: .log).output == input)
    }

    @Test func revealStreamsTokensSplitAcrossFeeds() throws {
        let keys = try TestKeyring().load()
        let encrypted = try defaultScrubber.transform(corpusText, with: transformer(["encrypt"], keys: keys)).output
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var revealer = Revealer(keys: keys, context: .log)
            var output = MemoryOutput()
            var i = 0
            while i < encrypted.count {
                let n = min(encrypted.count - i, Int.random(in: 1...97, using: &generator))
                try encrypted[i..<(i + n)].withUnsafeBufferPointer { try revealer.feed($0, into: &output) }
                i += n
            }
            try revealer.finish(into: &output)
            #expect(output.bytes == corpusText)
        }
    }
}

@Suite struct TokenOperatorTests {
    @Test func deterministicAcrossTransformersAndRotation() throws {
        let ring = try TestKeyring()
        let input = Array("SSN 365-94-0475 and again SSN 365940475; phone 617-555-0142\n".utf8)
        let a = try defaultScrubber.transform(input, with: transformer(["token"], keys: ring.load())).output
        let b = try defaultScrubber.transform(input, with: transformer(["token"], keys: ring.load())).output
        #expect(a == b)
        let text = String(decoding: a, as: UTF8.self)
        let tokens = text.split(separator: " ").filter { $0.hasPrefix("[SSN:tok:") }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ";")) }
        #expect(tokens.count == 2 && tokens[0] == tokens[1], "separators do not split one patient into two tokens")
        try KeyringFile.rotate(path: ring.path)
        #expect(try defaultScrubber.transform(input, with: transformer(["token"], keys: ring.load())).output == a)
        let other = try TestKeyring().load()
        #expect(try defaultScrubber.transform(input, with: transformer(["token"], keys: other)).output != a)
        // No digit of the SSN outside a replacement (the tokens are random hex under a fresh key: "365" may occur in
        // one, about one run in seventy, which made this check fail by chance).
        let outside = text.replacingOccurrences(of: #"\[[A-Z_]+:tok:[0-9a-f]+\]"#, with: "[]", options: .regularExpression)
        #expect(!outside.contains("365") && !outside.contains("0475"), "\(outside)")
    }

    @Test func operatorsThatNeedKeysRefuseWithoutThem() {
        for action in ["token", "encrypt", "shift", "SSN=encrypt"] {
            let error = #expect(throws: TransformError.self) { try transformer([action], keys: nil) }
            #expect(error?.code == .keys)
        }
        #expect(throws: Never.self) { try transformer(["mask"], keys: nil) }
        #expect(throws: Never.self) { try transformer(["generalize"], keys: nil) }
    }
}

@Suite struct MaskAndGeneralizeTests {
    func apply(_ f: (UnsafeBufferPointer<UInt8>) -> [UInt8]?, _ s: String) -> String? {
        Array(s.utf8).withUnsafeBufferPointer { f($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [
        ("365-94-0475", 4, "***-**-0475"), ("(617) 555-0142", 4, "(***) ***-0142"), ("4111111111111111", 4, "************1111"),
        ("jane.doe@example.com", 3, "****.***@*******.com"), ("MRN12", 0, "*****"), ("Zoë Ålund", 2, "*** ***nd"),
    ])
    func mask(_ input: String, _ keep: Int, _ expected: String) {
        #expect(apply({ MaskOperator.mask($0, keepLast: keep) }, input) == expected)
    }

    @Test(arguments: [
        ("ZIP", "02115", "021"), ("ZIP", "94110-1234", "941"), ("ZIP", "03601", "000"), ("ZIP", "89012", "000"),
        ("ZIP", "82301", "000"), ("DATE", "03/14/1961", "1961"), ("DATE", "March 14, 1961", "1961"),
        ("DATE", "14.03.1961", "1961"), ("AGE", "97", "90+"),
    ])
    func generalize(_ entity: String, _ input: String, _ expected: String) {
        // The rule comes from the entity's traits as the default packs declare them.
        let rule = TestRules.defaults.traits[entity].generalization
        #expect(apply({ Generalizer.generalize($0, as: rule) }, input) == expected)
    }

    @Test func generalizeFallsBackToRedactionForOtherEntities() throws {
        let out = try defaultScrubber.transform("Applicant SSN 365-94-0475 verified, zip code: 05901", with: transformer(["generalize"], keys: nil))
        #expect(out == "Applicant SSN [SSN] verified, zip code: 000")
    }
}

@Suite struct DateShiftTests {
    @Test func keepsIntervalsAndFormatsPerSubject() throws {
        let keys = try TestKeyring().load()
        let shifter = DateShifter(key: try keys.subkey(.dateShift, version: nil))
        let offset = shifter.offsetDays(subject: "patient-7")
        #expect(offset != 0 && abs(offset) <= 365)
        #expect(shifter.offsetDays(subject: "patient-7") == offset)
        let offsets = Set((0..<50).map { shifter.offsetDays(subject: "patient-\($0)") })
        #expect(offsets.count > 40, "subjects get different offsets")

        let input = "Admitted: 02/11/2024 discharge date 2024-02-15 DOB: March 14, 1961\n"
        let out = try defaultScrubber.transform(input, with: transformer(["shift"], keys: keys, subject: "patient-7"))
        let dates = out.split(separator: " ")
        // The shifted admission and discharge dates are still 4 days apart, in the same formats.
        let admitted = try #require(dates.first { $0.contains("/") && $0.count == 10 })
        let discharged = try #require(dates.first { $0.hasPrefix("20") || $0.hasPrefix("19") })
        func day(_ s: Substring, _ format: String) -> Date {
            let f = DateFormatter()
            f.dateFormat = format
            f.timeZone = TimeZone(identifier: "UTC")
            return f.date(from: String(s))!
        }
        let interval = day(discharged, "yyyy-MM-dd").timeIntervalSince(day(admitted, "MM/dd/yyyy")) / 86_400
        #expect(interval == 4)
        #expect(!out.contains("02/11/2024") && !out.contains("2024-02-15") && !out.contains("March 14, 1961"))
    }

    @Test func calendarArithmeticAgreesWithFoundationOverManyDates() throws {
        let keys = try TestKeyring().load()
        let shifter = DateShifter(key: try keys.subkey(.dateShift, version: nil))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = calendar.timeZone
        var rng = SplitMix64(seed: 20261127)
        for i in 0..<500 {
            let base = calendar.date(from: DateComponents(year: 1900 + Int(rng.next() % 200), month: 1, day: 1))!
            let date = calendar.date(byAdding: .day, value: Int(rng.next() % 366), to: base)!
            let text = f.string(from: date)
            let subject = "s\(i)"
            let shifted = try #require(Array(text.utf8).withUnsafeBufferPointer { shifter.shift($0, subject: subject) })
            let expected = calendar.date(byAdding: .day, value: shifter.offsetDays(subject: subject), to: date)!
            #expect(String(decoding: shifted, as: UTF8.self) == f.string(from: expected))
        }
    }

    @Test(arguments: [
        ("03/14/1961", 1, "03/15/1961"), ("3/14/1961", 18, "4/1/1961"), ("14.03.1961", -14, "28.02.1961"),
        ("March 14, 1961", 30, "April 13, 1961"), ("Sept. 3rd, 1958", 20, "Sept. 23rd, 1958"),
        ("Sept 3, 1958", 30, "Oct 3, 1958"), ("15-Jan-2020", 45, "29-Feb-2020"), ("9 February 2024", -9, "31 January 2024"),
        ("21st March 1999", 1, "22nd March 1999"), ("MAR 1 2000", -1, "FEB 29 2000"), ("2024-02-15", 366, "2025-02-15"),
        ("12/31/99", 1, "01/01/00"),
    ])
    func formatIsKept(_ input: String, _ days: Int, _ expected: String) throws {
        let shifted = try #require(Array(input.utf8).withUnsafeBufferPointer { DateShifter.shift($0, byDays: days) })
        #expect(String(decoding: shifted, as: UTF8.self) == expected)
    }
}

@Suite struct TransformPolicyTests {
    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "phiscrub-policy-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsTheTransformSectionAndIgnoresOtherSections() throws {
        let path = try write("""
            security:
              encryption: {algorithm: AES-256-GCM}
            transform:
              default: mask
              entities:
                SSN: token
                DATE: shift
              mask:
                keep_last: 2
              context: tool_output
              subject: patient-0042
            """)
        let policy = try TransformPolicy.load(configPath: path)
        #expect(policy.defaultAction == .mask)
        #expect(policy.action(for: "SSN") == .token && policy.action(for: "DATE") == .shift && policy.action(for: "EMAIL") == .mask)
        #expect(policy.maskKeepLast == 2 && policy.context.name == "tool_output" && policy.subject == "patient-0042")
        #expect(policy.needsKeys && !policy.isPlainRedaction)
        var overridden = policy
        try overridden.apply(actionArguments: ["redact", "SSN=redact", "DATE=redact"])
        #expect(overridden.isPlainRedaction)
        #expect(try TransformPolicy.load(configPath: write("roles: {}\n")) == TransformPolicy())
    }

    @Test(arguments: [
        ("transform:\n  default: scramble\n", "2", "unknown operator 'scramble'"),
        ("transform:\n  entities:\n    ssn: token\n", "3", "not an entity name"),
        ("transform:\n  mask:\n    keep_last: -1\n", "3", "keep_last"),
        ("transform:\n  colour: blue\n", "2", "unknown key 'colour'"),
        ("transform:\n  context: Tool Output\n", "2", "context"),
        ("transform: [redact]\n", "1", "must be a mapping"),
    ])
    func malformedSectionsNameFileAndLine(_ yaml: String, _ line: String, _ message: String) throws {
        let path = try write(yaml)
        let error = #expect(throws: TransformError.self) { try TransformPolicy.load(configPath: path) }
        #expect(error?.message.contains("\(path):\(line):") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func badYAMLAndMissingFilesAreClearErrors() throws {
        let bad = try write("transform:\n  default: [unclosed\n")
        #expect(throws: TransformError.self) { try TransformPolicy.load(configPath: bad) }
        let missing = #expect(throws: TransformError.self) { try TransformPolicy.load(configPath: "/nonexistent/phiscrub.yaml") }
        #expect(missing?.message.contains("cannot read") == true)
    }
}

@Suite struct CorpusRoundTripTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Encrypt then reveal restores every evaluation corpus byte for byte, entity by entity.
    @Test(arguments: ["logs", "llm", "clinical"])
    func encryptThenRevealRestoresTheCorpus(_ name: String) throws {
        let text = Array(try Data(contentsOf: Self.root.appendingPathComponent("corpora/eval/\(name).txt")))
        let gold = try String(contentsOf: Self.root.appendingPathComponent("corpora/eval/\(name).gold.jsonl"), encoding: .utf8)
        let goldEntities = Set(try gold.split(separator: "\n").compactMap { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["entity"] as? String
        })
        let keys = try TestKeyring().load()
        let (encrypted, stats) = try defaultScrubber.transform(text, with: transformer(["encrypt"], keys: keys, context: "agent_memory"))
        #expect(stats.findings > 300)
        // Every entity type the corpus labels was found, encrypted and revealed.
        #expect(goldEntities.isSubset(of: Set(stats.findingsByEntity.keys)), "\(goldEntities.subtracting(stats.findingsByEntity.keys))")
        var revealer = Revealer(keys: keys, context: try DataContext("agent_memory"))
        var output = MemoryOutput()
        try encrypted.withUnsafeBufferPointer { try revealer.feed($0, into: &output) }
        try revealer.finish(into: &output)
        #expect(revealer.failures.isEmpty)
        #expect(revealer.revealedByEntity == stats.findingsByEntity)
        #expect(output.bytes == text)
    }
}
