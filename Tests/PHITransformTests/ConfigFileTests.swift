import Foundation
import PHICompliance
import PHITransform
import Testing

/// `phiscrub.yaml` read once: the `transform:` section is checked with every other section, into one list.
@Suite struct ConfigFileTests {
    @Test func everyProblemOfEverySectionIsInOneListInFileOrder() throws {
        let text = """
            version: 1
            roles:
              nurse:
                permissions: [read_phi, fly]
            transform:
              default: scramble
              entities:
                ssn: token
                PHONE: 7
              mask:
                keep_last: 99
              colour: blue
            """
        let error = #expect(throws: ConfigError.self) { try ConfigFile.parse(text, file: "p.yaml") }
        let d = try #require(error?.diagnostics)
        #expect(d.map(\.line) == d.map(\.line).sorted())
        let transform = d.filter { $0.path.hasPrefix("transform") }
        #expect(transform.count == 5, "\(d)")
        #expect(transform.contains { $0.line == 6 && $0.message.contains("unknown operator 'scramble'") })
        #expect(transform.contains { $0.line == 8 && $0.path == "transform.entities" && $0.message.contains("not an entity name") })
        #expect(transform.contains { $0.line == 9 && $0.path == "transform.entities" && $0.message.contains("unknown operator '7'") })
        #expect(transform.contains { $0.line == 11 && $0.path == "transform.mask" })
        #expect(transform.contains { $0.line == 12 && $0.message.contains("unknown key 'colour'") })
        #expect(d.contains { $0.path.hasPrefix("roles") && $0.line == 4 })
        #expect(d.allSatisfy { $0.description.hasPrefix("p.yaml:") })
    }

    @Test func theLoadedSectionIsThePolicyTheFileDescribes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("phiscrub.yaml").path
        try ExampleConfig.text.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try ConfigFile.load(path: path)
        let policy = try TransformPolicy(config: config)
        #expect(policy == (try TransformPolicy.load(configPath: path)))
        #expect(policy.action(for: "SSN") == .token)
        // A configuration without the section: the default policy.
        #expect(try TransformPolicy(config: ConfigFile.parse("version: 1\n", file: "q.yaml")) == TransformPolicy())
    }
}
