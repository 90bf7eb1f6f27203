import Testing
@testable import PHITransform

@Suite struct TokenFormatTests {
    @Test func base64URLRoundTripsEveryLengthAndRejectsJunk() {
        var rng = SplitMix64(seed: 7)
        for n in 0..<80 {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
        for junk in ["a", "ab$c", "ab=c", "A", "AB=C"] { #expect(Base64URL.decode(junk) == nil) }
    }
}
