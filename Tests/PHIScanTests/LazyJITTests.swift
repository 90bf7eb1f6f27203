import Foundation
import Testing
@testable import PHIScan

/// Patterns are JIT-compiled when a scan first runs them, not at load (see `CompiledPattern`), and the interpreter
/// that checks the examples at load finds what the JIT finds.
@Suite("Lazy JIT")
struct LazyJITTests {
    @Test func loadingAPackJITCompilesNothingAndAScanCompilesOnlyWhatItRuns() throws {
        // Patterns of their own: loads running in parallel in this process share compiled patterns.
        let pack = """
        pack: lazy-jit-test
        rules:
          - id: lazy-a
            entity: MRN
            category: medical_record
            pattern: '(?i:\\blazyjita\\b)[: ]{1,3}([0-9]{6})\\b'
            group: 1
            max_length: 20
            trigger: {keywords: [lazyjita], anchored: true}
            examples: {match: ['lazyjita: ⟦123456⟧'], nomatch: ['lazyjita: 12']}
          - id: lazy-b
            entity: MRN
            category: medical_record
            pattern: '(?i:\\blazyjitb\\b)[: ]{1,3}([0-9]{6})\\b'
            group: 1
            max_length: 20
            trigger: {keywords: [lazyjitb]}
            examples: {match: ['lazyjitb: ⟦654321⟧'], nomatch: ['lazyjitb: 65']}
        """
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lazy-jit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pack.yaml")
        try pack.write(to: file, atomically: true, encoding: .utf8)
        let set = try RuleSet.load(paths: [file.path], includeDefaults: false)
        func jit(_ id: String) throws -> Bool {
            let r = try #require(set.rules.first { $0.rule.id == id })
            return r.pattern.isJITCompiled || (r.anchoredPattern?.isJITCompiled ?? false)
        }
        // Both rules' examples ran during the load, on the interpreter.
        #expect(try !jit("lazy-a") && !jit("lazy-b"))
        let found = LineScanner(ruleSet: set).scan(Array("chart lazyjita: 123456".utf8))
        #expect(found.map(\.ruleID) == ["lazy-a"])
        #expect(try jit("lazy-a") && !jit("lazy-b"))
    }

    @Test func theInterpreterAndTheJITFindTheSameSpansOnEveryExample() throws {
        let set = try RuleSet.load()
        let interpreting = LineScanner(interpreting: set)
        let jit = LineScanner(ruleSet: set)
        var texts = 0
        for rule in set.rules.map(\.rule) {
            for example in rule.matchExamples + rule.nomatchExamples {
                let text = RuleExamples.stripMarkers(example).bytes
                #expect(interpreting.scan(text) == jit.scan(text), "rule \(rule.id)")
                texts += 1
            }
        }
        #expect(texts > 500)
        // The JIT scanner compiled what it ran; the interpreting one never does.
        #expect(set.rules.contains { $0.pattern.isJITCompiled })
    }

    @Test func concurrentFirstUseFindsTheSameMatchesOnEveryThread() async throws {
        let rule = Rule(id: "t-ssn", entity: "SSN", category: .ssn, pattern: "\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b",
                        maxLength: 11, trigger: .always, matchExamples: ["⟦123-45-6789⟧"])
        let set = try RuleSet(rules: [rule])
        let line = Array(String(repeating: "id 123-45-6789 and 234-56-7890; ", count: 40).utf8)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { LineScanner(ruleSet: set).scan(line).count }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 80, count: 8))
        #expect(set.rules[0].pattern.isJITCompiled)
    }
}
