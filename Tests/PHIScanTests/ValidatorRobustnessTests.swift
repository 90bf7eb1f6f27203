import Testing

import PHIScan

/// Validators must never trap, whatever bytes they are handed.
@Suite("Validator robustness")
struct ValidatorRobustnessTests {
    @Test(arguments: ValidatorKind.allCases)
    func emptyInputIsRejected(_ kind: ValidatorKind) {
        #expect(!kind.validate(""))
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        #expect(!kind.validate(empty))
    }

    @Test(arguments: ValidatorKind.allCases)
    func randomBytesNeverCrash(_ kind: ValidatorKind) {
        var rng = ValidatorTestRNG(seed: UInt64(kind.rawValue.utf8.count) &* 7919)
        var buffer = [UInt8](repeating: 0, count: 96)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...buffer.count, using: &rng)
            for i in 0..<length { buffer[i] = UInt8.random(in: 0...255, using: &rng) }
            let a = buffer.withUnsafeBufferPointer { kind.validate(UnsafeBufferPointer(rebasing: $0[0..<length])) }
            let b = buffer.withUnsafeBufferPointer { kind.validate(UnsafeBufferPointer(rebasing: $0[0..<length])) }
            #expect(a == b)
        }
    }

    /// Random strings over the characters validators actually look at reach deep parser paths.
    @Test(arguments: ValidatorKind.allCases)
    func plausibleCharactersNeverCrash(_ kind: ValidatorKind) {
        let alphabet = Array("0123456789abcdefxXAZSIO:-./ ,()%stndrhJanSepMay".utf8)
        var rng = ValidatorTestRNG(seed: UInt64(kind.rawValue.utf8.count) &* 104_729)
        var accepted = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...48, using: &rng)
            let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            if bytes.withUnsafeBufferPointer({ kind.validate($0) }) { accepted += 1 }
        }
        #expect(accepted < 20_000)
    }

    @Test(arguments: ValidatorKind.allCases)
    func hugeAndNonASCIIInputIsRejectedWithoutCrashing(_ kind: ValidatorKind) {
        let huge = [UInt8](repeating: UInt8(ascii: "9"), count: 1 << 20)
        _ = huge.withUnsafeBufferPointer { kind.validate($0) }
        let hugeMixed = (0..<(1 << 18)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        _ = hugeMixed.withUnsafeBufferPointer { kind.validate($0) }
        #expect(!kind.validate("４１１１１１１１１１１１１１１１"))  // full-width digits
        #expect(!kind.validate("\u{00FF}\u{00FE}\u{0000}"))
        #expect(!kind.validate(String(repeating: "1", count: 10_000)))
    }
}
