import Testing
@testable import PHIScan

/// `GroupShape` (Sources/PHIScan/Matching/GroupShape.swift) against the plain reading of a group trigger: some
/// offset of the run's groups starts the sequence, group by group.
@Suite("Digit-group shapes")
struct GroupShapeTests {
    /// The plain reading, on the group lengths themselves.
    static func reference(_ groups: [Int], _ sequence: [Int]) -> Bool {
        guard sequence.count <= groups.count else { return false }
        for o in 0...(groups.count - sequence.count) where Array(groups[o..<(o + sequence.count)]) == sequence {
            return true
        }
        return false
    }

    static func shape(_ groups: [Int]) -> UInt64 {
        var s: UInt64 = 0
        for (i, g) in groups.prefix(GroupShape.maxGroups).enumerated() { s |= UInt64(min(g, 31)) << UInt64(5 * i) }
        if groups.count > GroupShape.maxGroups { s |= 1 << 63 }
        return s
    }

    @Test func phoneSSNAndCardShapes() throws {
        let phone = try #require(GroupShape.code([3, 3, 4])), ssn = try #require(GroupShape.code([3, 2, 4]))
        #expect(GroupShape.holds(Self.shape([3, 3, 4]), phone))
        #expect(GroupShape.holds(Self.shape([1, 3, 3, 4]), phone))
        #expect(!GroupShape.holds(Self.shape([3, 3, 5]), phone))
        #expect(!GroupShape.holds(Self.shape([3, 3]), phone))
        #expect(GroupShape.holds(Self.shape([3, 2, 4]), ssn))
        #expect(!GroupShape.holds(Self.shape([3, 3, 4]), ssn))
        let card = try #require(GroupShape.code([16]))
        #expect(GroupShape.holds(Self.shape([16]), card) && !GroupShape.holds(Self.shape([4, 4, 4, 4]), card))
        // Unknown shapes (more than 12 groups) match anything.
        var codes = [phone]
        codes.withUnsafeBufferPointer { #expect(GroupShape.matches(Self.shape(Array(repeating: 1, count: 13)), $0)) }
        codes = []
        codes.withUnsafeBufferPointer { #expect(!GroupShape.matches(Self.shape([3, 3, 4]), $0)) }
    }

    @Test func codesRefuseWhatTheyCannotHold() {
        #expect(GroupShape.code([]) == nil)
        #expect(GroupShape.code([0, 3]) == nil)
        #expect(GroupShape.code([32]) == nil)
        #expect(GroupShape.code(Array(repeating: 2, count: 13)) == nil)
    }

    @Test func randomShapesAgreeWithTheReference() throws {
        var rng = SplitMix64(seed: 0x5EED_6A0F)
        for _ in 0..<20_000 {
            let groups = (0..<Int(rng.next() % 13)).map { _ in 1 + Int(rng.next() % 31) }
            // Sequences drawn from small lengths so they often occur; sometimes taken from the groups themselves.
            var sequence = (0..<(1 + Int(rng.next() % 4))).map { _ in 1 + Int(rng.next() % 5) }
            if !groups.isEmpty, rng.next() % 2 == 0 {
                let a = Int(rng.next() % UInt64(groups.count))
                sequence = Array(groups[a..<min(groups.count, a + 1 + Int(rng.next() % 4))])
            }
            let code = try #require(GroupShape.code(sequence))
            #expect(GroupShape.holds(Self.shape(groups), code) == Self.reference(groups, sequence),
                    "groups \(groups) sequence \(sequence)")
        }
    }
}
