import CScanKernels
import Foundation
import Testing

@testable import PHIScan

/// Loading skips the examples of the shipped packs' pattern rules only when the packs are byte for byte the ones
/// the suite checks (`VerifiedPacks`); an edited pack is checked in full and refused when an example fails.
@Suite("Rule loading: verified default packs")
struct VerifiedPacksTests {
    func defaultPackFiles() throws -> [URL] {
        let dir = try #require(RulePacks.defaultDirectory())
        return try RulePacks.packFiles(in: dir)
    }

    /// Fails when a pack in `rules/` changed: `DefaultPackTests` checks every example of every tier either way, and
    /// this says what to put in `VerifiedPacks.digests` so that start-up skips them again.
    @Test func theVerifiedDigestsAreThoseOfTheShippedPacks() throws {
        var shipped: [(String, UInt64)] = []
        for file in try defaultPackFiles() {
            let data = try Data(contentsOf: file)
            shipped.append((file.lastPathComponent, data.withUnsafeBytes(VerifiedPacks.digest)))
        }
        let listing = shipped.map { String(format: "        0x%016llx, // %@", $0.1, $0.0) }.joined(separator: "\n")
        #expect(Set(shipped.map(\.1)) == VerifiedPacks.digests,
                "rules/ changed: once `phiscrub rules test` passes, set VerifiedPacks.digests to\n\(listing)")
        #expect(shipped.count == VerifiedPacks.digests.count)
    }

    /// The same for the detector data files under `rules/names/` (`VerifiedPacks.dataDigests`): an edited
    /// dictionary or place list makes every detector rule's examples run at load again until the list is updated.
    @Test func theVerifiedDataDigestsAreThoseOfTheShippedDataFiles() throws {
        let dir = try #require(RulePacks.defaultDirectory()).appendingPathComponent("names")
        var shipped: [(String, UInt64)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        where name.hasSuffix(".tsv") || name.hasSuffix(".txt") {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            shipped.append((name, bytes.withUnsafeBufferPointer { phs_digest64($0.baseAddress, $0.count) }))
        }
        let listing = shipped.map { String(format: "        0x%016llx, // %@", $0.1, $0.0) }.joined(separator: "\n")
        #expect(Set(shipped.map(\.1)) == VerifiedPacks.dataDigests,
                "rules/names changed: once `phiscrub rules test` passes, set VerifiedPacks.dataDigests to\n\(listing)")
        #expect(shipped.count == 2)
    }

    /// A detector rule of a verified pack skips its examples only while its data files are the verified ones.
    @Test func aDetectorRuleIsVerifiedOnlyWithTheShippedDataFiles() throws {
        let set = try RuleSet.load()
        let spec = try #require(set.rules.first { $0.rule.id == "city-after-residence-cue" }?.rule.detector)
        #expect(PersonNameDetector.dataVerified(spec) == VerifiedPacks.librariesMatch)
        let dir = try TempDir()
        defer { dir.cleanup() }
        var edited = spec
        edited.notCities = try dir.write("not-cities.txt", "Texas\n")
        #expect(!PersonNameDetector.dataVerified(edited))
        var roster = spec
        roster.mode = .roster
        roster.names = ["Vesk Tarrow"]
        #expect(!PersonNameDetector.dataVerified(roster))
    }

    @Test func theLoadedLibrariesAreNamedLikeTheVerifiedOnes() {
        let loaded = VerifiedPacks.loadedLibraries()
        #expect(loaded.hasPrefix("PCRE2 10.") && loaded.contains(", ICU "), "\(loaded)")
        // On another PCRE2 or ICU the skip is off and every example runs: slower, never wrong.
        #expect(VerifiedPacks.librariesMatch == (loaded == VerifiedPacks.libraries))
    }

    @Test func aShippedPackCopiedUnchangedIsVerified() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let original = try #require(try defaultPackFiles().first { $0.lastPathComponent == "default.yaml" })
        let path = try dir.write("default.yaml", String(decoding: try Data(contentsOf: original), as: UTF8.self))
        let (_, diagnostics, verified) = RulePacks.collect(paths: [path], includeDefaults: false)
        #expect(diagnostics.isEmpty)
        #expect(verified == (VerifiedPacks.librariesMatch ? [path] : []))
    }

    @Test func anEditedPackIsCheckedInFullAndRefusedWhenAnExampleFails() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let original = try #require(try defaultPackFiles().first { $0.lastPathComponent == "default.yaml" })
        let text = String(decoding: try Data(contentsOf: original), as: UTF8.self)
        // The SSN rule's first match example, made an SSN no rule takes (area 000).
        let edited = text.replacingOccurrences(of: "'SSN ⟦402-19-8877⟧ on file'", with: "'SSN ⟦000-19-8877⟧ on file'")
        #expect(edited != text)
        let path = try dir.write("default.yaml", edited)
        #expect(RulePacks.collect(paths: [path], includeDefaults: false).verified.isEmpty)
        do {
            _ = try RuleSet.load(paths: [path], includeDefaults: false)
            Issue.record("an edited pack with a failing example loaded")
        } catch {
            #expect(error.diagnostics.contains { $0.message == "match example 1 is not matched" })
        }
    }
}
