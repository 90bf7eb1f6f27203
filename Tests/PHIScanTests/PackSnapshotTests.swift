import Foundation
import Testing

@testable import PHIScan

/// `rules/packs.snapshot` (`PackSnapshot`) is only a faster way to the rules the YAML parses to: it must be the
/// snapshot the current loader makes of the shipped packs, decode to exactly their parsed rules, be used only for
/// their exact bytes, and be ignored, never trusted, when it is damaged.
@Suite("Rule loading: the snapshot of the default packs")
struct PackSnapshotTests {
    func defaultDirectory() throws -> URL { try #require(RulePacks.defaultDirectory()) }

    /// A copy of the default directory (packs, snapshot and detector data) to edit.
    func copyOfDefaults() throws -> TempDir {
        let dir = try TempDir()
        let source = try defaultDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name != "build" {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: dir.url.appendingPathComponent(name))
        }
        return dir
    }

    func parsed(_ file: URL) throws -> [Rule] {
        var diagnostics: [RuleDiagnostic] = []
        let rules = RuleLoader.parse(try String(contentsOf: file, encoding: .utf8), file: file.path, diagnostics: &diagnostics)
        #expect(diagnostics.isEmpty)
        return rules
    }

    func decoded(_ snapshot: PackSnapshot.Snapshot, _ file: URL) throws -> [Rule]? {
        let bytes = [UInt8](try Data(contentsOf: file))
        return snapshot.rules(packDigest: bytes.withUnsafeBytes(VerifiedPacks.digest), packLength: bytes.count,
                              file: file.path)
    }

    @Test func theShippedSnapshotIsTheOneTheLoaderMakesOfTheShippedPacks() throws {
        let dir = try defaultDirectory()
        let shipped = PackFile.bytes(atPath: dir.appendingPathComponent(RulePacks.snapshotFileName).path)
        let made = try RulePacks.snapshot(directory: dir)
        // Compared into a Bool, so that a failure says what to do instead of printing both snapshots (400 KB each).
        let same = shipped == made
        #expect(same, """
            rules/packs.snapshot is stale (a pack or the loader changed; \(shipped?.count ?? 0) bytes shipped, \
            \(made.count) made): run `swift run -c release phiscrub rules snapshot`
            """)
    }

    @Test func everyShippedPackDecodesToExactlyItsParsedRules() throws {
        let dir = try defaultDirectory()
        let snapshot = try #require(PackSnapshot.load(directory: dir))
        let files = try RulePacks.packFiles(in: dir)
        #expect(files.count == snapshot.packs.count)
        for file in files {
            let rules = try #require(try decoded(snapshot, file), "\(file.lastPathComponent) is not in the snapshot")
            #expect(rules == (try parsed(file)), "\(file.lastPathComponent)")
        }
    }

    @Test func aLoadUsesTheSnapshotAndGetsTheRulesAParseGets() throws {
        let fromSnapshot = RulePacks.collect(paths: [], includeDefaults: true, useSnapshot: true)
        let fromYAML = RulePacks.collect(paths: [], includeDefaults: true, useSnapshot: false)
        #expect(fromSnapshot.diagnostics.isEmpty)
        #expect(fromSnapshot.rules == fromYAML.rules)
        #expect(fromSnapshot.verified == fromYAML.verified)
    }

    /// Detector paths are stored relative to the pack's folder: a copy of the packs elsewhere (an install prefix)
    /// reads its own dictionary, as parsing it there would.
    @Test func detectorPathsResolveAgainstTheFolderThePacksAreLoadedFrom() throws {
        let dir = try copyOfDefaults()
        defer { dir.cleanup() }
        let snapshot = try #require(PackSnapshot.load(directory: dir.url))
        let names = dir.url.appendingPathComponent("names.yaml")
        let rules = try #require(try decoded(snapshot, names))
        let dictionaries = Set(rules.compactMap { $0.detector?.dictionary })
        #expect(dictionaries == [dir.url.appendingPathComponent("names/person-names.tsv").standardized.path])
        #expect(rules == (try parsed(names)))
    }

    @Test func anEditedPackIsParsedNotDecoded() throws {
        let dir = try copyOfDefaults()
        defer { dir.cleanup() }
        let file = dir.url.appendingPathComponent("default.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        // The same rules, one line lower: only a parse gets the new line numbers.
        try Data(("# edited\n" + text).utf8).write(to: file)
        let snapshot = try #require(PackSnapshot.load(directory: dir.url))
        #expect(try decoded(snapshot, file) == nil)
        let ssn = try #require(RulePacks.collect(paths: [file.path], includeDefaults: false, useSnapshot: true)
            .rules.first { $0.id == "ssn-formatted" })
        let shipped = try #require(try parsed(try defaultDirectory().appendingPathComponent("default.yaml"))
            .first { $0.id == "ssn-formatted" })
        #expect(ssn.source.line == shipped.source.line + 1)
    }

    /// A damaged snapshot (cut short, or any byte changed) is never decoded into other rules: the pack is parsed.
    @Test func aDamagedSnapshotIsIgnored() throws {
        let dir = try defaultDirectory()
        let good = try #require(PackFile.bytes(atPath: dir.appendingPathComponent(RulePacks.snapshotFileName).path))
        let files = try RulePacks.packFiles(in: dir)
        let expected = try files.map(parsed)
        var rng = SplitMix64(seed: 2025)
        var damaged: [[UInt8]] = [[], Array(good.prefix(10)), Array(good.dropLast()), Array(good.prefix(good.count / 2))]
        for _ in 0..<40 {
            var bytes = good
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[at] ^= UInt8.random(in: 1...255, using: &rng)
            damaged.append(bytes)
        }
        for bytes in damaged {
            guard let snapshot = PackSnapshot.Snapshot(bytes: bytes) else { continue }
            for (file, rules) in zip(files, expected) {
                if let got = try decoded(snapshot, file) { #expect(got == rules, "\(file.lastPathComponent)") }
            }
        }
    }

    @Test func onlyThePackWhoseEntryIsDamagedIsParsed() throws {
        let dir = try defaultDirectory()
        var bytes = try #require(PackFile.bytes(atPath: dir.appendingPathComponent(RulePacks.snapshotFileName).path))
        bytes[bytes.count / 2] ^= 0x01
        let snapshot = try #require(PackSnapshot.Snapshot(bytes: bytes))
        var missing = 0
        for file in try RulePacks.packFiles(in: dir) {
            if let rules = try decoded(snapshot, file) { #expect(rules == (try parsed(file))) } else { missing += 1 }
        }
        #expect(missing == 1)
    }
}
