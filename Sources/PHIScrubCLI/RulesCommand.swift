import ArgumentParser
import Foundation
import PHIScan
import PHITransform

/// `phiscrub rules ...`: inspect and test rule packs.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Inspect and test rule packs.",
        subcommands: [Test.self, List.self, Snapshot.self]
    )

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Load, compile and check every rule against its own examples; list every problem. Exit 2 on any.")

        @OptionGroup var rules: RuleOptions

        func run() throws {
            let (loaded, problems) = RulePacks.loadAndCheck(paths: rules.rulePaths, includeDefaults: !rules.noDefaultRules)
            if !problems.isEmpty { throw RuleLoadError(diagnostics: problems) }
            let examples = loaded.reduce(0) { $0 + $1.matchExamples.count + $1.nomatchExamples.count }
            print("\(loaded.count) rules ok, \(examples) examples checked")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List loaded rules: id, entity, category, trigger, source, and 'candidate' for the candidate tier.")

        @OptionGroup var rules: RuleOptions

        func run() throws {
            let loaded = try RulePacks.load(paths: rules.rulePaths, includeDefaults: !rules.noDefaultRules)
            for r in loaded {
                // The tier is the last column, after the source, so earlier columns keep their places.
                let tier = r.tier == .standard ? "" : "\t\(r.tier.rawValue)"
                print("\(r.id)\t\(r.entity)\t\(r.category.rawValue)\t\(describe(r.trigger))\t\(r.source)\(tier)")
            }
        }

        func describe(_ t: Trigger) -> String {
            var parts: [String] = []
            if let d = t.digits { parts.append("digits>=\(d)") }
            if let d = t.dots { parts.append("dots>=\(d)") }
            if !t.keywords.isEmpty { parts.append("keywords(\(t.keywords.count))") }
            if !t.bytes.isEmpty { parts.append("bytes") }
            if !t.alnumRun.isEmpty { parts.append("alnum_run=\(t.alnumRun.map(String.init).joined(separator: ","))") }
            if let d = t.dashedAlnum { parts.append("dashed_alnum>=\(d)") }
            if t.hexColon { parts.append("hex_colon") }
            return parts.isEmpty ? "always" : parts.joined(separator: "|")
        }
    }

    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snapshot",
            abstract: "Check the default packs, then write their parsed rules to packs.snapshot beside them, so start-up need not parse them.",
            discussion: """
            Run after editing a pack in the default rule directory (rules/ in a checkout, share/phiscrub/rules when \
            installed). A pack whose bytes differ from those the snapshot was made from is parsed as before, so a \
            stale snapshot costs start-up time, never correctness. Exit 2 when a pack has a problem.
            """)

        @Option(name: .long, help: "Write the snapshot here instead of packs.snapshot in the default rule directory.")
        var output: String?

        func run() throws {
            guard let dir = RulePacks.defaultDirectory() else {
                throw CLIError("default rule packs not found; set \(RulePacks.environmentVariable)")
            }
            let (_, problems) = RulePacks.loadAndCheck(paths: [], includeDefaults: true)
            if !problems.isEmpty { throw RuleLoadError(diagnostics: problems) }
            let bytes = try RulePacks.snapshot(directory: dir)
            let target = output ?? dir.appendingPathComponent(RulePacks.snapshotFileName).path
            // The -o machinery: a temporary renamed into place on success; a device or FIFO written in place.
            do {
                let out = try OutputTarget.open(target)
                try out.output.write(bytes)
                try out.commit()
            } catch {
                throw CLIError("\(target): cannot write the snapshot: \(error)")
            }
            print("wrote \(target) (\(bytes.count) bytes)")
        }
    }
}
