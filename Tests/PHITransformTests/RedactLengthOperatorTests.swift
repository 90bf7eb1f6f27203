import Foundation
import Testing

import PHIScan
import PHIScrub
import PHITransform

/// The `redact-length` operator: registered by name (flags, policies), the entity and the length in characters,
/// never the value. Fictional data only.
@Suite struct RedactLengthOperatorTests {
    func replace(_ text: String, entity: String) -> String {
        let op = RedactLengthOperator(policy: TransformPolicy(), key: nil)
        let bytes = Array(text.utf8)
        let out = bytes.withUnsafeBufferPointer { op.replacement($0, entity: entity, traits: .none) }
        return String(decoding: out ?? [], as: UTF8.self)
    }

    @Test func entityAndLengthInCharacters() {
        #expect(replace("000-12-3456", entity: "SSN") == "[SSN:11]")
        #expect(replace("José Núñez", entity: "NAME") == "[NAME:10]", "characters, not UTF-8 bytes")
        #expect(replace("", entity: "MRN") == "[MRN:0]")
    }

    @Test func registeredAndNeedsNoKey() throws {
        let action = try #require(TransformAction(rawValue: "redact-length"))
        #expect(TransformAction.names.contains("redact-length"))
        #expect(!action.needsKeys)
        var policy = TransformPolicy()
        try policy.apply(actionArguments: ["PHONE=redact-length"])
        #expect(policy.action(for: "PHONE") == action && policy.action(for: "SSN") == .redact)
    }

    @Test func filterOutputThroughTheTransformer() throws {
        let input = Array("call 617-555-0142 or write to pat@example.com\n".utf8)
        let (output, stats) = try defaultScrubber.transform(input, with: transformer(["redact-length"], keys: nil))
        #expect(stats.findings == 2)
        #expect(String(decoding: output, as: UTF8.self) == "call [PHONE:12] or write to [EMAIL:15]\n")
    }
}
