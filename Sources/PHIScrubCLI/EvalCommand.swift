import ArgumentParser
import Foundation
import PHIEval
import PHIScan
import PHIScrub

/// `phiscrub eval`: scores findings against labelled corpora (precision, recall, F1 per entity, exact and overlap
/// matching, a confusion table, hard negatives reported).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score findings against labelled corpora: precision, recall and F1 per entity, exact and overlap.",
        discussion: """
            A text corpus FILE is scored against FILE's gold spans: by default the file next to it with .txt \
            replaced by .gold.jsonl (JSON Lines {"start","end","entity"}, UTF-8 byte offsets; hard negatives as \
            {"start","end","negative"}). --presidio reads a Presidio research-format JSON array (code point \
            offsets, Presidio entity names mapped to phiscrub's; FAX counts as PHONE there, a CITY or ZIP \
            finding on an ADDRESS span counts as found, and a CITY finding on a GPE span, which Presidio uses for \
            cities and countries alike, is left out and counted apart).

            Findings come from scanning with the selected rules, or from --predictions (JSON Lines in the gold \
            format, with "doc" for the record index of a Presidio corpus) to score another tool the same way.
            Reports hold counts only, never text.

            Examples:
              phiscrub eval corpora/eval/logs.txt corpora/eval/llm.txt corpora/eval/clinical.txt
              phiscrub eval --presidio ../shared/corpora/presidio-synth/synth_dataset_v2.dev.json --json
            """
    )

    @Argument(help: ArgumentHelp("Text corpora with gold spans next to them.", valueName: "corpus"))
    var corpora: [String] = []

    @Option(name: .customLong("gold"), help: ArgumentHelp(
        "Gold spans for the (single) text corpus, instead of <corpus>.gold.jsonl.", valueName: "file"))
    var goldPath: String?

    @Option(name: .customLong("presidio"), help: ArgumentHelp(
        "A Presidio research-format JSON corpus (repeatable).", valueName: "file"))
    var presidioPaths: [String] = []

    @Option(name: .customLong("predictions"), help: ArgumentHelp(
        "Score these findings (gold-format JSON Lines) instead of scanning; needs exactly one corpus.", valueName: "file"))
    var predictionsPath: String?

    @Flag(name: .customLong("json"), help: "Print the reports as one JSON object (for scripts).")
    var json = false

    @OptionGroup var rules: RuleOptions

    func validate() throws {
        if corpora.isEmpty && presidioPaths.isEmpty { throw ValidationError("give at least one corpus or --presidio file") }
        if goldPath != nil && corpora.count != 1 { throw ValidationError("--gold needs exactly one text corpus") }
        if predictionsPath != nil && corpora.count + presidioPaths.count != 1 {
            throw ValidationError("--predictions needs exactly one corpus")
        }
    }

    func run() throws {
        var loaded: [(corpus: EvalCorpus, coarse: Bool)] = []
        do {
            for path in corpora {
                let text = try readFile(path)
                let goldFile = goldPath ?? Self.defaultGoldPath(for: path)
                let (gold, negatives) = try GoldReader.read(try readFile(goldFile), file: goldFile,
                                                            documentSizes: [text.count])
                let name = (path as NSString).lastPathComponent
                loaded.append((EvalCorpus(name: name, documents: [text], gold: gold, negatives: negatives), false))
            }
            for path in presidioPaths {
                var corpus = try PresidioReader.read(try readFile(path), name: path)
                corpus.name = (path as NSString).lastPathComponent
                loaded.append((corpus, true))
            }
        } catch let error as EvalError {
            throw CLIError(error.message)
        }

        let scrubber = predictionsPath == nil ? try rules.makeScrubber(requireIdentifiers: false) : nil
        var reports: [EvalReport] = []
        for (corpus, coarse) in loaded {
            var predicted: [LabelledSpan] = []
            if let predictionsPath {
                do {
                    predicted = try GoldReader.read(try readFile(predictionsPath), file: predictionsPath,
                                                    documentSizes: corpus.documents.map(\.count)).spans
                } catch let error as EvalError {
                    throw CLIError(error.message)
                }
            } else if let scrubber {
                for (i, doc) in corpus.documents.enumerated() {
                    let report = scrubber.scanReport(doc)
                    if !report.incidents.isEmpty {
                        throw CLIError("\(corpus.name): document \(i) could not be scanned completely (rule \(report.incidents[0].ruleID))")
                    }
                    predicted += report.findings.map { LabelledSpan(doc: i, start: $0.start, end: $0.end, entity: $0.entity) }
                }
            }
            reports.append(Scorer.score(corpus, predicted: predicted, coarse: coarse))
        }

        if json {
            struct Output: Encodable {
                var reports: [EvalReport]
                var minConfidence: Double
                var rules: String
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(Output(
                reports: reports, minConfidence: rules.minConfidence,
                rules: predictionsPath != nil ? "predictions" : (rules.noDefaultRules ? "" : "default") +
                    rules.rulePaths.map { " + \($0)" }.joined()))
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(reports.map(ReportText.render).joined(separator: "\n"), terminator: "")
        }
    }

    /// `dir/logs.txt` -> `dir/logs.gold.jsonl`.
    static func defaultGoldPath(for path: String) -> String {
        let base = path.hasSuffix(".txt") ? String(path.dropLast(4)) : path
        return base + ".gold.jsonl"
    }

    private func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): cannot read")
        }
        return [UInt8](data)
    }
}
