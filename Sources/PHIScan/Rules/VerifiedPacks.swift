import CICUShim
import CPCRE2
import Foundation

/// The shipped default packs whose examples the test suite checks, known by a digest of their bytes, so that a
/// load need not run those examples again (`RuleSet.load`: it was a seventh of start-up).
///
/// A pack file is *verified* when its bytes hash to one of `digests` and the PCRE2 and ICU libraries loaded at run
/// time are the ones named in `libraries` (a rule's matches depend on both). A detector rule reads data files (the
/// name dictionary, rosters) that the pack's digest does not cover: it skips the check only when those files are
/// listed in `dataDigests` too (a roster never is). Any other file, a shipped pack edited in place, or other libraries get
/// the full check; `phiscrub rules test` and `RulePacks.loadAndCheck` always check everything. The digest decides
/// only whether a check whose examples the pack's author writes needs to run again, so a 64-bit FNV-1a of the bytes
/// is enough (no key, nothing secret).
///
/// `VerifiedPacksTests` fails when a file in `rules/` changes without this list, and prints the list to put here.
enum VerifiedPacks {
    /// FNV-1a (64-bit) of each verified pack file in `rules/`, as `phiscrub rules test` checked it.
    static let digests: Set<UInt64> = [
        0x316116e8dd427e1e, // candidates.yaml
        0x99a3f7eac33169fc, // default.yaml
        0x6805cd94b4993444, // fields.yaml
        0xf6a7982c44b62db3, // hl7.yaml
        0xd127ef082d4b1296, // names.yaml
        0x412057ad718e6b5a, // places.yaml
    ]

    /// `phs_digest64` of each detector data file in `rules/` the examples were checked with (the name dictionary and
    /// the list of places larger than a city): when a verified pack's detector rule reads only these, its examples
    /// are skipped at load too (`PersonNameDetector.dataVerified`).
    static let dataDigests: Set<UInt64> = [
        0x3327567011862090, // names/not-cities.txt
        0xff6ee600a433e406, // names/person-names.tsv
    ]

    /// The libraries the examples were checked with (`libraries()` on the machine that ran the tests).
    static let libraries = "PCRE2 10.42 2022-12-11, ICU 72.1"

    /// FNV-1a (64-bit) of `bytes`.
    static func digest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// The PCRE2 and ICU libraries loaded now, in the form of `libraries`.
    static func loadedLibraries() -> String {
        var pcre = [UInt8](repeating: 0, count: 64)
        let n = pcre.withUnsafeMutableBytes { pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), $0.baseAddress) }
        var icu = [CChar](repeating: 0, count: 32)
        phs_icu_version(&icu, icu.count)
        let pcreText = n > 1 ? String(decoding: pcre.prefix(Int(n) - 1), as: UTF8.self) : "?"
        return "PCRE2 \(pcreText), ICU \(String(cString: icu))"
    }

    /// Whether a pack file whose bytes have this `digest` was verified, under the loaded libraries.
    static func isVerified(digest: UInt64) -> Bool {
        librariesMatch && digests.contains(digest)
    }

    /// Whether the loaded libraries are the verified ones (asked once per process).
    static let librariesMatch: Bool = loadedLibraries() == libraries
}
