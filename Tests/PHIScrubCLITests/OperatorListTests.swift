import Foundation
import Testing

import PHICompliance
import PHIScrub
import PHIScrubCLI
import PHITransform

/// The operators are listed from one source, `TransformAction.names`: help text, the service's and MCP's schemas
/// and the example configuration are made from it; the prose of the docs cannot be, so this checks it.
@Suite struct OperatorListTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Whole-word occurrences of `word` in `line`.
    static func names(_ word: String, in line: Substring) -> Bool {
        line.range(of: "\\b\(word)\\b", options: .regularExpression) != nil
    }

    /// Every line of the user docs that lists operators (it names `mask` and `generalize`) names all of them.
    @Test(arguments: ["README.md", "docs/serve.md", "docs/mcp.md", "docs/spark.md", "bindings/python/src/phiscrub/client.py"])
    func docsListEveryOperator(_ path: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
        // A list may wrap onto the next line: look at each listing line with the one after it.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var lists = 0
        for (i, line) in lines.enumerated() where Self.names("mask", in: line) && Self.names("generalize", in: line) {
            lists += 1
            let span = line + (i + 1 < lines.count ? " " + lines[i + 1] : "")
            for op in TransformAction.names {
                #expect(Self.names(op, in: Substring(span)), "\(path):\(i + 1) lists operators without \(op)")
            }
        }
        #expect(lists > 0, "\(path) lists the operators somewhere")
    }

    /// README.md's operator table has one row per operator.
    @Test func readmeTableHasARowPerOperator() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for op in TransformAction.names {
            #expect(text.contains("\n| `\(op)` |"), "README.md's operator table has no row for \(op)")
        }
    }

    /// What is generated from the list says every operator: the root help, the service's names, the example
    /// configuration `phiscrub init` writes.
    @Test func generatedListsNameEveryOperator() {
        let help = PhiScrubCommand.helpMessage()
        let action = help.components(separatedBy: "--action <op>").dropFirst().first ?? ""
        let actionText = String(action.prefix(200))
        let example = ConfigFile.exampleText
        for op in TransformAction.names {
            #expect(Self.names(op, in: Substring(actionText)), "--action in the help lacks \(op)")
            #expect(PHIService.operators.contains(op))
            #expect(example.contains("# " + TransformAction.names.joined(separator: " | ")))
        }
        #expect(!example.contains(ExampleConfig.operatorsComment))
    }
}
