import Foundation
import PHICompliance
import PHILock
import PHIScan
import PHIScrub
import PHITransform
import Testing

/// The middleware transforms the findings of its one scan through the one replacement seam; the result is what
/// the filter's path (a scan of its own into `RedactingSink`) makes with the same operators.
@Suite("Middleware transform", .serialized)
struct MiddlewareTransformTests {
    /// The policy operators, with every finding a replacer is asked for noted.
    final class Spy: @unchecked Sendable {
        let keys: any KeyProvider
        let traits: EntityTraitTable
        private let lock = Lock()
        private var seen: [Finding] = []
        private(set) var made = 0
        init(keys: any KeyProvider, traits: EntityTraitTable) {
            self.keys = keys
            self.traits = traits
        }
        var findings: [Finding] { lock.withLock { seen } }
        func note(_ f: Finding) { lock.withLock { seen.append(f) } }
        func factory(_ policy: TransformPolicy) -> any ReplacementFactory {
            lock.withLock { made += 1 }
            return Factory(inner: Operators(policy: policy, keys: keys, traits: traits), spy: self)
        }

        struct Factory: ReplacementFactory {
            let inner: Operators
            let spy: Spy
            func makeReplacer() throws -> any FindingReplacer { Replacer(inner: try inner.makeReplacer(), spy: spy) }
        }

        final class Replacer: FindingReplacer {
            let inner: any FindingReplacer
            let spy: Spy
            init(inner: any FindingReplacer, spy: Spy) {
                self.inner = inner
                self.spy = spy
            }
            func replacement(for finding: Finding, value: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
                spy.note(finding)
                return try inner.replacement(for: finding, value: value)
            }
        }
    }

    @Test func aToolOutputIsTransformedFromTheFindingsOfTheOneScan() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        var config = try ConfigLoader.parse(ExampleConfig.text, file: "<example>", baseDirectory: scratch.url.path)
        config.audit.osAppendOnly = false
        let keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])
        let scrubber = try Scrubber.withDefaultRules()
        let spy = Spy(keys: keys, traits: scrubber.ruleSet.traits)
        let host = ComplianceMiddleware(config: config, scrubber: scrubber, audit: nil,
                                        replacers: ReplacerPool(operators: { spy.factory($0) }))
        let ctx = CallContext(role: "clinician", agent: "care", user: "dr-a")
        let note = "SSN 365-94-0475, phone (312) 555-0134, MRN: 40022871, DOB: 03/14/1961\r\nmail jane.roe@example.com\n"
        let r = host.toolOutput(ctx, tool: "ehr_lookup", output: note)
        #expect(r.allowed)
        // Each finding of the scan went through the seam once, in order.
        let found = scrubber.scan(note)
        #expect(found.count >= 5 && spy.findings == found)
        let text = try #require(r.text)
        #expect(text.hasPrefix("SSN [SSN], phone (***) ***-0134, MRN: [MRN:tok:"))
        #expect(text.hasSuffix("\r\nmail [EMAIL]\n"))
        // The same bytes as the filter's path with the same operators.
        let policy = RoleTransformPolicy.policy(base: TransformPolicy(), role: "clinician", access: host.access,
                                                ruleSet: scrubber.ruleSet)
        let filtered = try scrubber.transform(Array(note.utf8),
                                              replacer: Operators(policy: policy, keys: keys, traits: scrubber.ruleSet.traits).makeReplacer())
        #expect(text == String(decoding: filtered.output, as: UTF8.self))
        // A second call borrows the kept replacer; text without PHI takes none.
        _ = host.toolOutput(ctx, tool: "ehr_lookup", output: note)
        _ = host.toolOutput(ctx, tool: "ehr_lookup", output: "all clear")
        #expect(spy.made == 1 && spy.findings.count == 2 * found.count)
    }
}
