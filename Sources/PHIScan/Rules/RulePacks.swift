import CICUShim
import Foundation

/// Finds and loads rule packs: the default packs shipped in `rules/` and any the user adds.
public enum RulePacks {
    /// Environment variable naming a directory of default packs, overriding the built-in search.
    public static let environmentVariable = "PHISCRUB_RULES_DIR"

    /// The directory holding the default packs: `$PHISCRUB_RULES_DIR`, else `share/phiscrub/rules` or `rules`
    /// next to or above the shared library this code is linked into (the C ABI's `libphiscrub.so.1` installed in
    /// `PREFIX/lib` finds `PREFIX/share/phiscrub/rules`, whatever program loaded it), else next to or above the
    /// executable (an installed prefix or the build tree), else the source checkout this library was built from.
    /// Nil when none exists.
    public static func defaultDirectory() -> URL? {
        let fm = FileManager.default
        func isPackDir(_ url: URL) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: url.appendingPathComponent("default.yaml").path, isDirectory: &isDir) && !isDir.boolValue
        }
        if let env = ProcessInfo.processInfo.environment[environmentVariable], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        var candidates: [URL] = []
        var anchors: [URL] = []
        if let library = sharedLibraryPath() {
            let url = URL(fileURLWithPath: library)
            anchors.append(url.deletingLastPathComponent())
            let resolved = url.resolvingSymlinksInPath().deletingLastPathComponent()
            if resolved.path != anchors[0].path { anchors.append(resolved) }
        }
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            anchors.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        for anchor in anchors {
            var dir = anchor
            for _ in 0..<6 {
                candidates.append(dir.appendingPathComponent("share/phiscrub/rules"))
                candidates.append(dir.appendingPathComponent("rules"))
                dir = dir.deletingLastPathComponent()
            }
        }
        // Sources/PHIScan/Rules/RulePacks.swift -> repository root.
        let source = URL(fileURLWithPath: #filePath)
        candidates.append(source.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules"))
        return candidates.first(where: isPackDir)
    }

    /// The path of the shared library (`*.so`, `*.so.N`) this code was loaded from, as the dynamic loader names it
    /// (`dladdr`); nil when it is linked into the executable, whose location `/proc/self/exe` gives.
    static func sharedLibraryPath() -> String? {
        let anchor: @convention(c) () -> Void = {}
        guard let name = phs_image_path(unsafeBitCast(anchor, to: UnsafeRawPointer.self)) else { return nil }
        let path = String(cString: name)
        // For the executable itself glibc gives argv[0], which may be a bare name or relative to another directory.
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard path.contains("/"), file.hasSuffix(".so") || file.contains(".so.") else { return nil }
        return path
    }

    /// YAML files directly in `directory`, sorted by name.
    static func packFiles(in directory: URL) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// Loads the default packs (unless `includeDefaults` is false) and then each of `paths` (files or
    /// directories). A rule in a later file with the same id replaces an earlier one; the same id twice in one file
    /// is a problem. Throws every loader problem at once (patterns are not compiled and examples not run: see
    /// `loadAndCheck` and `RuleSet.load` for that).
    public static func load(paths: [String] = [], includeDefaults: Bool = true) throws(RuleLoadError) -> [Rule] {
        let (rules, diagnostics) = loadCollecting(paths: paths, includeDefaults: includeDefaults)
        if !diagnostics.isEmpty { throw RuleLoadError(diagnostics: diagnostics) }
        return rules
    }

    /// Everything wrong with the packs in one list: loader problems (files, YAML, keys, pattern analysis, duplicate
    /// ids), then, for the rules that parsed, PCRE2 compile errors and failing examples (`RuleExamples.check`), in
    /// rule order. `rules` are the rules that parsed; use them only when `diagnostics` is empty.
    public static func loadAndCheck(paths: [String] = [], includeDefaults: Bool = true)
        -> (rules: [Rule], diagnostics: [RuleDiagnostic])
    {
        let (rules, diagnostics) = loadCollecting(paths: paths, includeDefaults: includeDefaults)
        return (rules, diagnostics + RuleExamples.check(rules))
    }

    /// `load` without throwing: the rules that parsed and every loader problem.
    public static func loadCollecting(paths: [String] = [], includeDefaults: Bool = true)
        -> (rules: [Rule], diagnostics: [RuleDiagnostic])
    {
        let (rules, diagnostics, _) = collect(paths: paths, includeDefaults: includeDefaults)
        return (rules, diagnostics)
    }

    /// `loadCollecting`, plus the files read whose bytes are a verified pack's (`VerifiedPacks`).
    /// With `prefetchData`, the name dictionaries that detector rules read are built while the packs parse (see
    /// `readPack`), for a caller that builds a rule set next.
    /// `prefetchCandidates`: the patterns of candidate-tier rules are compiled too (they are loaded).
    /// With `useSnapshot`, the default packs whose bytes the default directory's `PackSnapshot` was made from are
    /// decoded from it instead of parsed (the same rules; `phiscrub rules test` parses them).
    static func collect(paths: [String], includeDefaults: Bool, prefetchData: Bool = false,
                        prefetchCandidates: Bool = false, useSnapshot: Bool = false)
        -> (rules: [Rule], diagnostics: [RuleDiagnostic], verified: Set<String>)
    {
        var diagnostics: [RuleDiagnostic] = []
        var verified: Set<String> = []
        var files: [URL] = []
        var snapshot: PackSnapshot.Snapshot?
        if includeDefaults {
            if let dir = defaultDirectory() {
                if useSnapshot { snapshot = PackSnapshot.load(directory: dir) }
                do { files += try packFiles(in: dir) } catch {
                    diagnostics.append(RuleDiagnostic(location: SourceLocation(file: dir.path, line: 0), ruleID: nil,
                                                      message: "cannot read default rule directory"))
                }
            } else {
                diagnostics.append(RuleDiagnostic(location: SourceLocation(file: "rules/", line: 0), ruleID: nil,
                    message: "default rule packs not found; set \(environmentVariable) or pass --rules"))
            }
        }
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                diagnostics.append(RuleDiagnostic(location: SourceLocation(file: path, line: 0), ruleID: nil,
                                                  message: "no such file or directory"))
                continue
            }
            if isDir.boolValue {
                do { files += try packFiles(in: URL(fileURLWithPath: path)) } catch {
                    diagnostics.append(RuleDiagnostic(location: SourceLocation(file: path, line: 0), ruleID: nil,
                                                      message: "cannot list directory"))
                }
            } else {
                files.append(URL(fileURLWithPath: path))
            }
        }
        // Each file is read and parsed on its own, the files side by side (parsing is most of start-up), then merged
        // in file order: the same rules and diagnostics, in the same order, as one file after the other.
        let parsed = ParallelWork.map(files) { [snapshot] file in
            readPack(file, loadingData: prefetchData, candidates: prefetchCandidates, snapshot: snapshot)
        }
        var rules: [Rule] = []
        var index: [String: Int] = [:]
        for (file, pack) in zip(files, parsed) {
            diagnostics += pack.diagnostics
            if pack.verified { verified.insert(file.path) }
            // A later file may replace a rule by id; inside one file a repeated id is a mistake, not an override.
            var inThisFile: [String: Int] = [:]
            for rule in pack.rules {
                if let first = inThisFile[rule.id] {
                    diagnostics.append(RuleDiagnostic(location: rule.source, ruleID: rule.id,
                        message: "duplicate rule id in this pack (first declared at line \(first))"))
                    continue
                }
                inThisFile[rule.id] = rule.source.line
                if let i = index[rule.id] { rules[i] = rule } else {
                    index[rule.id] = rules.count
                    rules.append(rule)
                }
            }
        }
        return (rules, diagnostics + EntityTraitTable.conflicts(in: rules), verified)
    }

    /// One pack file, read and parsed (or decoded from `snapshot` when its bytes are a pack the snapshot holds): its
    /// rules in file order, its problems, and whether its bytes are a verified pack's. With `loadingData`, the name
    /// dictionaries its detector rules read are built too (`DictionaryCache`) and its patterns compiled
    /// (`PatternCache`, inside the caller's scope; a candidate rule's only with `candidates`), on this thread, while
    /// other files load on theirs; a dictionary or pattern that fails here fails again, with its error, where the
    /// rule set is built.
    private static func readPack(_ file: URL, loadingData: Bool, candidates: Bool, snapshot: PackSnapshot.Snapshot?)
        -> (rules: [Rule], diagnostics: [RuleDiagnostic], verified: Bool)
    {
        func unreadable(_ message: String, verified: Bool = false)
            -> (rules: [Rule], diagnostics: [RuleDiagnostic], verified: Bool)
        {
            ([], [RuleDiagnostic(location: SourceLocation(file: file.path, line: 0), ruleID: nil, message: message)], verified)
        }
        // A FIFO or a device would block the load for ever or never end (`PackFile` reads regular files only).
        guard let bytes = PackFile.bytes(atPath: file.path) else {
            var st = stat()
            if stat(file.path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG { return unreadable("not a regular file") }
            return unreadable("cannot read file")
        }
        let digest = bytes.withUnsafeBytes(VerifiedPacks.digest)
        let verified = VerifiedPacks.isVerified(digest: digest)
        var diagnostics: [RuleDiagnostic] = []
        let rules: [Rule]
        if let decoded = snapshot?.rules(packDigest: digest, packLength: bytes.count, file: file.path) {
            rules = decoded
        } else {
            guard let text = String(validating: bytes, as: UTF8.self) else { return unreadable("not UTF-8 text", verified: verified) }
            rules = RuleLoader.parse(text, file: file.path, diagnostics: &diagnostics)
        }
        if loadingData {
            for d in Set(rules.compactMap { $0.detector?.dictionary }) { _ = try? DictionaryCache.shared.load([d]) }
            for rule in rules where candidates || rule.tier != .candidate {
                _ = try? RuleSet.compilePatterns(of: rule)
                _ = PersonNameDetector.labelValuePattern(of: rule)
            }
        }
        return (rules, diagnostics, verified)
    }
}

extension RulePacks {
    /// Id of the rule that finds the names of roster files given on the command line.
    public static let rosterRuleID = "name-roster"

    /// The rule that finds the names listed in `files` (one per line, `#` comments), exactly, with case and Latin
    /// diacritics folded. A roster name wins over an overlapping pattern finding of the same length.
    public static func rosterRule(files: [String]) -> Rule {
        let absolute = files.map { URL(fileURLWithPath: $0).standardized.path }
        var rule = Rule(id: rosterRuleID, entity: "NAME", category: .names, pattern: "", maxLength: 200,
                        confidence: 1.0, priority: 10, source: SourceLocation(file: absolute.first ?? "--names", line: 0))
        rule.detector = DetectorSpec(kind: .personNames, mode: .roster, nameFiles: absolute)
        return rule
    }
}

extension RuleSet {
    /// Loads and compiles the default packs plus `paths`, checking every rule against its own examples; throws
    /// every problem of every kind at once (see `RulePacks.loadAndCheck`).
    /// `rosters` are files of names (one per line) found exactly, as rule `name-roster` (the CLI's `--names`).
    /// Rules of the candidate tier (`tier: candidate`) are left out unless `candidates` is true; their examples
    /// are then not checked either (`phiscrub rules test` checks every tier).
    public static func load(paths: [String] = [], includeDefaults: Bool = true,
                            rosters: [String] = [], candidates: Bool = false) throws(RuleLoadError) -> RuleSet {
        // One scope for the example check and the final set: each pattern is compiled and JIT-compiled once.
        let result: Result<RuleSet, RuleLoadError> = PatternCache.scope {
            let (parsed, loadProblems, verified) = RulePacks.collect(paths: paths, includeDefaults: includeDefaults,
                                                                     prefetchData: true, prefetchCandidates: candidates,
                                                                     useSnapshot: true)
            let rules = candidates ? parsed : parsed.filter { $0.tier != .candidate }
            // The examples of a verified pack's pattern rules passed in the test suite with these libraries
            // (`VerifiedPacks`); the rest are checked here. The trigger check (a few ms of partial matches on the
            // large place patterns) is for the packs a user brings; the default packs pass it in the test suite and
            // in `phiscrub rules test`.
            // A detector rule's data files are verified apart (decided once per set of files).
            var dataVerified: [String: Bool] = [:]
            func skip(_ rule: Rule) -> Bool {
                guard verified.contains(rule.source.file) else { return false }
                guard let spec = rule.detector else { return true }
                let key = [spec.dictionary ?? "", spec.notCities ?? "", spec.mode == .roster ? "roster" : ""]
                    .joined(separator: "\u{0}")
                if let known = dataVerified[key] { return known }
                let answer = PersonNameDetector.dataVerified(spec)
                dataVerified[key] = answer
                return answer
            }
            let unchecked = rules.filter { !skip($0) }
            let defaults = RulePacks.defaultDirectory().map { $0.standardizedFileURL.path + "/" }
            // Decided once per pack file, not per rule.
            var userPack: [String: Bool] = [:]
            for file in Set(unchecked.map(\.source.file)) {
                userPack[file] = defaults.map { !URL(fileURLWithPath: file).standardizedFileURL.path.hasPrefix($0) } ?? true
            }
            let diagnostics = loadProblems + RuleExamples.check(unchecked, checkTriggers: { userPack[$0.source.file] ?? true })
            if !diagnostics.isEmpty { return .failure(RuleLoadError(diagnostics: diagnostics)) }
            let all = rosters.isEmpty ? rules
                : rules.filter { $0.id != RulePacks.rosterRuleID } + [RulePacks.rosterRule(files: rosters)]
            do throws(RuleLoadError) { return .success(try RuleSet(rules: all)) } catch { return .failure(error) }
        }
        // Parsing left the heap of each thread that parsed a pack (glibc gives a thread its own arena) with free
        // pages the process would keep for ever: give them back, so the packs' transient YAML trees do not count in
        // the resident size a long-running filter or agent host carries (2-5 MB with two parsing threads).
        phs_heap_trim()
        return try result.get()
    }

    /// The default packs alone.
    public static func loadDefault() throws(RuleLoadError) -> RuleSet { try load() }
}
