import CScanKernels
import Testing

@testable import PHIScan

/// The whole-block byte passes the stream scanner and the sinks run over every byte (where the next line with a
/// byte outside ASCII or a trigger byte is; how many newlines a segment holds, which gives findings their line
/// numbers): the vector versions must answer as the baseline ones and as a plain loop, at every length and offset around their 32- and
/// 64-byte steps and past the 127 steps the newline count adds up in byte lanes.
@Suite("Block passes: the vector versions equal the baseline", .serialized)
struct BlockPassTests {
    static func buffers() -> [[UInt8]] {
        var rng = SplitMix64(seed: 0xB10C)
        var out: [[UInt8]] = []
        for length in [0, 1, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 64 * 127 - 1, 64 * 127,
                       64 * 127 + 1, 64 * 127 * 2 + 77, 20_000] {
            // Newline-dense text (every lane near its limit), plain ASCII, and ASCII with one byte >= 0x80 placed
            // at varying offsets.
            out.append([UInt8](repeating: 0x0A, count: length))
            var text = (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
            for i in stride(from: 0, to: length, by: 7) where Bool.random(using: &rng) { text[i] = 0x0A }
            out.append(text)
            for _ in 0..<3 where length > 0 {
                var marked = text
                marked[Int.random(in: 0..<length, using: &rng)] = UInt8.random(in: 0x80...0xFF, using: &rng)
                out.append(marked)
            }
        }
        return out
    }

    @Test func newlineCountsAndFirstNonASCIIAgree() {
        defer { phs_block_passes_allow_avx2(1) }
        for buffer in Self.buffers() {
            for avx2 in [true, false] {
                phs_block_passes_allow_avx2(avx2 ? 1 : 0)
                buffer.withUnsafeBufferPointer { b in
                    // Every start offset in the first 70 bytes, so the steps meet the buffer unaligned.
                    for start in 0...min(70, b.count) {
                        let rest = UnsafeBufferPointer(rebasing: b[start...])
                        let count = rest.baseAddress.map { phs_count_byte($0, rest.count, 0x0A) } ?? 0
                        let first = rest.baseAddress.map { phs_first_non_ascii($0, rest.count) } ?? 0
                        #expect(count == buffer[start...].filter { $0 == 0x0A }.count,
                                "newlines, length \(buffer.count) from \(start), avx2 \(avx2)")
                        let want = (buffer[start...].firstIndex { $0 >= 0x80 } ?? buffer.count) - start
                        #expect(first == want, "first non-ASCII, length \(buffer.count) from \(start), avx2 \(avx2)")
                    }
                }
            }
        }
    }

    /// The batch walk's one pass for bytes outside ASCII, byte-trigger bytes and ESC: at every width (AVX-512BW,
    /// AVX2, baseline), with no byte, the usual two, and more bytes than the vector versions keep in registers, it
    /// answers as a plain loop.
    @Test func firstSpecialAgreesAtEveryWidth() {
        defer { phs_block_passes_set_vector_width(64) }
        var rng = SplitMix64(seed: 0x5FEC)
        let sets: [[UInt8]] = [[], [0x40, 0x1B], [0x40, 0x1B, 0x23, 0x25, 0x26, 0x2A, 0x3C, 0x3E, 0x7E, 0x21]]
        var buffers = Self.buffers()
        for length in [1, 40, 64, 65, 300, 5_000] {
            // ASCII text with one trigger byte or ESC placed at varying offsets.
            var text = (0..<length).map { _ in UInt8.random(in: 0x41...0x5A, using: &rng) }
            buffers.append(text)
            for byte: UInt8 in [0x40, 0x1B, 0x7E, 0x21] {
                text[Int.random(in: 0..<length, using: &rng)] = byte
                buffers.append(text)
            }
        }
        for width: Int32 in [64, 32, 0] {
            phs_block_passes_set_vector_width(width)
            for buffer in buffers {
                for bytes in sets {
                    buffer.withUnsafeBufferPointer { b in
                        for start in [0, 1, 7, 33, 64, 65].filter({ $0 <= b.count }) {
                            let rest = UnsafeBufferPointer(rebasing: b[start...])
                            let got = rest.baseAddress.map { p in
                                bytes.withUnsafeBufferPointer { phs_first_special(p, rest.count, $0.baseAddress, Int32($0.count)) }
                            } ?? 0
                            let want = (buffer[start...].firstIndex { $0 >= 0x80 || bytes.contains($0) } ?? buffer.count) - start
                            #expect(got == want, "width \(width), \(bytes.count) bytes, length \(buffer.count) from \(start)")
                        }
                    }
                }
            }
        }
    }

    /// The digit cursor's eight-byte search finds the first digit a byte loop finds, from every start, in text
    /// with every byte value (digits' neighbours '/' and ':', bytes from 0x80 up) and none at all.
    @Test func firstDigitAgreesWithAByteLoop() {
        var rng = SplitMix64(seed: 0xD161)
        var texts = Self.buffers().filter { $0.count <= 300 }
        for length in [0, 1, 7, 8, 9, 17, 64, 300] {
            texts.append((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
            texts.append((0..<length).map { _ in [0x2F, 0x3A, 0xB0, 0xB9, 0x30, 0x39, 0x41][Int.random(in: 0..<7, using: &rng)] })
            texts.append([UInt8](repeating: 0x3A, count: length))
        }
        for text in texts {
            text.withUnsafeBufferPointer { buf in
                guard let p = buf.baseAddress else { return }
                for from in 0...buf.count {
                    let plain = (from..<buf.count).first { (0x30...0x39).contains(buf[$0]) } ?? buf.count
                    #expect(DigitCursor.firstDigit(p, from: from, count: buf.count) == plain)
                }
            }
        }
    }
}
