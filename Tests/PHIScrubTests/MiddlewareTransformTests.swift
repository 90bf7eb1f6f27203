import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform
import Testing

/// The middleware transforms the findings of its one scan; the result is what a transform that scans again makes.
@Suite("Middleware transform", .serialized)
struct MiddlewareTransformTests {
    final class Spy: MiddlewareTransform, @unchecked Sendable {
        let inner: OperatorTransform
        var rescans = 0
        var withFindings = 0
        var agreed = true
        init(keys: any KeyProvider) { inner = OperatorTransform(keys: keys) }

        func apply(_ bytes: [UInt8], policy: TransformPolicy, scrubber: Scrubber) throws -> [UInt8] {
            rescans += 1
            return try inner.apply(bytes, policy: policy, scrubber: scrubber)
        }

        func apply(_ bytes: [UInt8], findings: [Finding], policy: TransformPolicy, scrubber: Scrubber) throws -> [UInt8] {
            withFindings += 1
            let out = try inner.apply(bytes, findings: findings, policy: policy, scrubber: scrubber)
            if out != (try inner.apply(bytes, policy: policy, scrubber: scrubber)) { agreed = false }
            return out
        }
    }

    @Test func aToolOutputIsTransformedFromTheFindingsOfTheOneScan() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        var config = try ConfigLoader.parse(ExampleConfig.text, file: "<example>", baseDirectory: scratch.url.path)
        config.audit.osAppendOnly = false
        let keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])
        let spy = Spy(keys: keys)
        let host = ComplianceMiddleware(config: config, scrubber: try Scrubber.withDefaultRules(), audit: nil, transform: spy)
        let ctx = CallContext(role: "clinician", agent: "care", user: "dr-a")
        let note = "SSN 365-94-0475, phone (312) 555-0134, MRN: 40022871, DOB: 03/14/1961\r\nmail jane.roe@example.com\n"
        let r = host.toolOutput(ctx, tool: "ehr_lookup", output: note)
        #expect(r.allowed)
        #expect(spy.withFindings == 1)
        #expect(spy.rescans == 0)
        #expect(spy.agreed)
        let text = try #require(r.text)
        #expect(text.hasPrefix("SSN [SSN], phone (***) ***-0134, MRN: [MRN:tok:"))
        #expect(text.hasSuffix("\r\nmail [EMAIL]\n"))
        // Text without PHI is not transformed at all.
        _ = host.toolOutput(ctx, tool: "ehr_lookup", output: "all clear")
        #expect(spy.withFindings == 1)
    }
}
