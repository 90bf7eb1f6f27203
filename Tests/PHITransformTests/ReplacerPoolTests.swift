import Foundation
import Testing

import PHICompliance
import PHIScan
@testable import PHITransform

/// Operators read an entity's traits, never its name; long-lived hosts keep their replacers in a `ReplacerPool`.
@Suite struct TraitsAndPoolTests {
    /// Applies `transformer` to `value` as a finding of `entity`.
    func replace(_ transformer: Transformer, _ entity: String, _ value: String) throws -> String {
        let finding = Finding(start: 0, end: value.utf8.count, entity: entity, ruleID: "test", confidence: 1)
        return String(decoding: try Array(value.utf8).withUnsafeBufferPointer { try transformer.replacement(for: finding, value: $0) },
                      as: UTF8.self)
    }

    @Test func anEntityDeclaredADateIsShiftedAndGeneralisedWhateverItsName() throws {
        let keys = try TestKeyring().load()
        let visit = EntityTraitTable(["VISIT_DAY": EntityTraits(date: true, generalization: .year)])
        let shift = TransformPolicy(defaultAction: .shift, subject: "patient-0042")
        let shifted = try replace(Transformer(policy: shift, keys: keys, traits: visit), "VISIT_DAY", "03/14/1961")
        #expect(shifted != "03/14/1961" && shifted != "[VISIT_DAY]" && shifted.utf8.count == 10, "moved, format kept: \(shifted)")
        // The same name without the trait is redacted, and DATE without a declaration is too.
        #expect(try replace(Transformer(policy: shift, keys: keys, traits: EntityTraitTable()), "VISIT_DAY", "03/14/1961") == "[VISIT_DAY]")
        #expect(try replace(Transformer(policy: shift, keys: keys, traits: EntityTraitTable()), "DATE", "03/14/1961") == "[DATE]")
        let general = TransformPolicy(defaultAction: .generalize)
        #expect(try replace(Transformer(policy: general, keys: nil, traits: visit), "VISIT_DAY", "03/14/1961") == "1961")
    }

    @Test func theIdentifierTraitDecidesTokenNormalisation() throws {
        let keys = try TestKeyring().load()
        let policy = TransformPolicy(defaultAction: .token)
        let asIdentifier = try Transformer(policy: policy, keys: keys, traits: EntityTraitTable(["CASE": EntityTraits(identifier: true)]))
        let asText = try Transformer(policy: policy, keys: keys, traits: EntityTraitTable())
        #expect(try replace(asIdentifier, "CASE", "ab-12 34") == replace(asIdentifier, "CASE", "AB1234"))
        #expect(try replace(asText, "CASE", "ab-12 34") != replace(asText, "CASE", "AB1234"))
    }

    @Test func thePoolLendsOneReplacerPerPolicyAndForgetsItsValues() throws {
        let keys = try TestKeyring().load()
        let pool = ReplacerPool(keys: keys, traits: TestRules.defaults.traits)
        let token = TransformPolicy(defaultAction: .token)
        let first = try pool.take(token)
        let transformer = try #require(first as? Transformer)
        _ = try replace(transformer, "SSN", "365-94-0475")
        #expect(transformer.rememberedValues == 1)
        pool.put(first, for: token)
        #expect(transformer.rememberedValues == 0, "nothing of a call outlives it")
        let again = try pool.take(token)
        #expect(again === first, "the next call reuses it")
        let other = try pool.take(TransformPolicy(defaultAction: .mask))
        #expect(other !== first)
        #expect(try pool.take(TransformPolicy()) is TypedTokenReplacer, "plain redaction needs no operator state")
    }

    @Test func aPoolWithoutKeysRefusesKeyedOperatorsWhenAsked() {
        let pool = ReplacerPool(keys: nil, traits: EntityTraitTable())
        let error = #expect(throws: TransformError.self) { try pool.take(TransformPolicy(defaultAction: .token)) }
        #expect(error?.code == .keys)
        #expect(throws: Never.self) { try pool.take(TransformPolicy(defaultAction: .mask)) }
    }
}
