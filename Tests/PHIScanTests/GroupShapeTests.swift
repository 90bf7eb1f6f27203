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

    /// The trigger claim's exact group check (`TriggerClaim.groups`) gives the same answer with the sequences as
    /// codes as with the sequences as arrays: on seeded digit runs and separators, spans cut anywhere (the first and
    /// last group extended through the digits around them), groups longer than 31 digits and more than 12 groups.
    @Test func theClaimsCodedGroupCheckEqualsTheArrayOne() throws {
        var rng = SplitMix64(seed: 0x6C0D)
        let sequences: [[[Int]]] = [[[9], [3, 2, 4]], [[3, 3, 4], [10], [1, 3, 3, 4]], [[4, 4, 4, 4], [16]],
                                    [[2, 3, 4], [5, 4], [32 - 1]], [[Int]](repeating: [1], count: 3)]
        var compared = 0, held = 0
        for _ in 0..<4_000 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 1...14, using: &rng) {
                let digits = Int.random(in: 0..<6, using: &rng) == 0 ? Int.random(in: 1...40, using: &rng)
                    : Int.random(in: 1...5, using: &rng)
                text += (0..<digits).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &rng) }
                text.append(Array(" -./x".utf8)[Int.random(in: 0..<5, using: &rng)])
            }
            let s = Int.random(in: 0..<text.count, using: &rng), e = Int.random(in: s...text.count, using: &rng)
            for groups in sequences {
                let codes = groups.compactMap(GroupShape.code)
                try #require(codes.count == groups.count)
                let plain = text.withUnsafeBufferPointer { TriggerClaim.groups($0.baseAddress!, text.count, s..<e, groups) }
                let coded = codes.withUnsafeBufferPointer { c in
                    text.withUnsafeBufferPointer { TriggerClaim.groups($0.baseAddress!, text.count, s..<e, codes: c) }
                }
                #expect(plain == coded, "\(String(decoding: text, as: UTF8.self)) [\(s), \(e)) \(groups)")
                compared += 1
                if plain { held += 1 }
            }
        }
        #expect(held > 100, "\(held) of \(compared) spans held a sequence")
    }
}
