import Testing
@testable import PHIScan

/// Values under PHI-named keys (rules/fields.yaml): every key spelling, every value shape, through every chunking.
@Suite("Field rules")
struct FieldRuleTests {
    static let found: [(String, String)] = [
        ("patient_ssn=⟦365940475⟧", "SSN"),
        ("member_ssn: ⟦402198877⟧ plan=gold", "SSN"),
        ("{\"memberSsn\": \"⟦512-44-1902⟧\"}", "SSN"),
        ("GET /lookup?ssn=⟦402198877⟧&x=1 HTTP/1.1", "SSN"),
        ("patient_phone=⟦6175550142⟧", "PHONE"),
        ("callback=⟦6175550199⟧&mobile=⟦6175550123⟧", "PHONE"),
        ("service_date=⟦2023-03-17⟧ status=ok", "DATE"),
        ("DOB: ⟦15-Jan-1961⟧", "DATE"),
        ("\"first_name\":\"⟦Maribel⟧\"", "NAME"),
        ("zip=02115 city=⟦Salem⟧ state=MA", "CITY"),
        ("\"address\": \"⟦12 Quarry Lock Rd, Salem, MA 01970⟧\"", "ADDRESS"),
        ("x-patient-mrn: ⟦44120993⟧", "MRN"),
        ("{\"args\":\"{\\\"ssn\\\":\\\"⟦402198877⟧\\\"}\"}", "SSN"),
    ]

    @Test(arguments: found)
    func valuesUnderPHIKeysTakeTheKeysEntity(_ c: (String, String)) throws {
        let result = try #require(StandardVerifier.standard.verify(marked: c.0))
        let hits = result.outcome.findings.filter { f in result.spans.contains { $0 == f.range } }
        #expect(hits.count == result.spans.count, "\(c.0): \(result.outcome.findings.map(\.brief))")
        #expect(hits.allSatisfy { $0.entity == c.1 }, "\(c.0): \(hits.map(\.brief))")
    }

    @Test(arguments: ["patient_ssn=912441902", "ssn_hash=402198877", "ip_address: 10", "email_address: none",
                      "velocity=12 city=", "phone_count=12", "service_date=2023-13-45"])
    func otherKeysAndInvalidValuesAreLeft(_ text: String) throws {
        let result = try #require(StandardVerifier.standard.verify(marked: text, cutProbes: nil))
        #expect(result.outcome.findings.isEmpty, "\(text): \(result.outcome.findings.map(\.brief))")
    }

    @Test func theLoaderDerivesPatternAndTriggerFromTheKeys() throws {
        let text = """
            pack: t
            rules:
              - id: f
                entity: SSN
                category: ssn
                field: {keys: [social security number], prefixes: [patient], value: '[0-9]{9}'}
                max_length: 120
                examples: {match: ['patientSocialSecurityNumber=⟦402198877⟧', 'social-security-number: ⟦402198877⟧'], nomatch: ['x']}
              - id: g
                entity: SSN
                category: ssn
                field: {keys: [], value: '[0-9]{9}', colour: red}
                pattern: 'x'
                max_length: 10
                examples: {match: ['x'], nomatch: ['y']}
            """
        var diagnostics: [RuleDiagnostic] = []
        let rules = RuleLoader.parse(text, file: "t.yaml", diagnostics: &diagnostics)
        let f = try #require(rules.first { $0.id == "f" })
        #expect(f.group == 1)
        #expect(f.trigger.anchored)
        #expect(Set(f.trigger.keywords).isSuperset(of: ["social_security_number", "social-security-number",
            "social security number", "socialsecuritynumber", "patientsocialsecuritynumber"]))
        #expect(!f.trigger.keywords.contains("patient") && !f.trigger.keywords.contains("social"))
        #expect(RuleExamples.check([f]).isEmpty)
        let messages = diagnostics.map(\.message)
        #expect(messages.contains { $0.contains("unknown key 'colour' in field") })
        #expect(messages.contains { $0.contains("needs at least one key") })
        #expect(messages.contains { $0.contains("no 'pattern', 'trigger' or 'group'") })
    }
}
