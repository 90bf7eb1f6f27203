import Foundation
import Testing

import PHIScrubCLI

/// The repository root (for the committed corpora under corpora/eval).
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

@Suite("eval, explain, allow and deny lists", .serialized)
struct EvalCommandTests {
    /// The overlap scores of every entity of every report in `phiscrub eval --json` output.
    static func overlapScores(_ json: String) throws -> [String: [String: [String: Any]]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let reports = try #require(object["reports"] as? [[String: Any]])
        var out: [String: [String: [String: Any]]] = [:]
        for r in reports {
            let corpus = try #require(r["corpus"] as? String)
            let overlap = try #require(r["overlap"] as? [String: Any])
            for e in try #require(overlap["entities"] as? [[String: Any]]) {
                out[corpus, default: [:]][try #require(e["entity"] as? String)] = e
            }
            out[corpus, default: [:]]["ALL"] = try #require(overlap["overall"] as? [String: Any])
            for n in try #require(r["negatives"] as? [[String: Any]]) {
                out[corpus, default: [:]]["negative:" + (try #require(n["kind"] as? String))] = n
            }
        }
        return out
    }

    /// The issue's acceptance targets on the project's own corpora, with the default rules.
    @Test func theCommittedCorporaMeetTheAccuracyTargets() throws {
        let corpora = ["logs", "llm", "clinical"].map { Repo.path("corpora/eval/\($0).txt") }
        let result = CLI.run(["eval", "--json"] + corpora, captureStdout: true)
        #expect(result.status == 0, "\(result.stderr)")
        let scores = try Self.overlapScores(result.stdout)
        #expect(scores.count == 3)
        let checksum = ["SSN", "NPI", "DEA", "CREDIT_CARD", "MBI", "VIN"]
        let contextual = ["PHONE", "EMAIL", "URL", "IP_ADDRESS", "MRN"]
        for (corpus, table) in scores {
            for (entity, target) in checksum.map({ ($0, 0.99) }) + contextual.map({ ($0, 0.97) }) {
                guard let row = table[entity], (row["gold"] as? Int ?? 0) > 0 else { continue }
                let recall = try #require(row["recall"] as? Double)
                #expect(recall >= target, "\(corpus) \(entity) recall \(recall) < \(target)")
            }
        }
        let logs = try #require(scores["logs.txt"])
        let precision = try #require(logs["ALL"]?["precision"] as? Double)
        #expect(precision >= 0.98, "log corpus precision \(precision)")
        // Dates in the log corpus are all dates of birth or visit dates after a label.
        #expect(try #require(logs["DATE"]?["recall"] as? Double) >= 0.97)
        for kind in ["ts", "ts_py", "ts_sys", "ts_us", "uuid", "version", "build", "icd", "cpt"] {
            let n = try #require(logs["negative:" + kind], "no \(kind) negatives in the log corpus")
            #expect(n["reported"] as? Int == 0, "\(kind): \(n["reported"] ?? "?") of \(n["total"] ?? "?") reported")
        }
    }

    @Test func presidioCorpusWithAnotherToolsPredictions() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let records: [[String: Any]] = [
            ["full_text": "Zoë mails zoe@example.com or call 212-555-0199",
             "spans": [["entity_type": "EMAIL_ADDRESS", "entity_value": "zoe@example.com", "start_position": 10, "end_position": 25],
                       ["entity_type": "PHONE_NUMBER", "entity_value": "212-555-0199", "start_position": 34, "end_position": 46]]],
            ["full_text": "Nothing here", "spans": []],
        ]
        try JSONSerialization.data(withJSONObject: records).write(to: URL(fileURLWithPath: scratch.path("p.json")))
        // Byte offsets: "ë" is two bytes, so the phone starts at byte 35. One right, one wrong document, one stray.
        try scratch.write("pred.jsonl", """
            {"doc": 0, "start": 35, "end": 47, "entity": "PHONE_NUMBER"}
            {"doc": 1, "start": 0, "end": 7, "entity": "PERSON"}
            """)
        let result = CLI.run(["eval", "--presidio", scratch.path("p.json"), "--predictions", scratch.path("pred.jsonl"), "--json"],
                             captureStdout: true)
        #expect(result.status == 0, "\(result.stderr)")
        let table = try #require(try Self.overlapScores(result.stdout)["p.json"])
        #expect(table["PHONE"]?["goldFound"] as? Int == 1)
        #expect(table["EMAIL"]?["goldFound"] as? Int == 0)
        #expect(table["NAME"]?["predicted"] as? Int == 1)
        #expect(table["NAME"]?["predictedCorrect"] as? Int == 0)

        // Scanning the same corpus with the default rules finds both values.
        let scanned = CLI.run(["eval", "--presidio", scratch.path("p.json"), "--json"], captureStdout: true)
        let s = try #require(try Self.overlapScores(scanned.stdout)["p.json"])
        #expect(s["ALL"]?["recall"] as? Double == 1)
    }

    @Test func evalErrorsAreClearAndExitTwo() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let text = try scratch.write("c.txt", "SSN 402-19-8877\n")
        let missing = CLI.run(["eval", text])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("c.gold.jsonl: cannot read"))
        try scratch.write("c.gold.jsonl", "{\"start\": 4, \"end\": 99, \"entity\": \"SSN\"}\n")
        let outside = CLI.run(["eval", text])
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("c.gold.jsonl:1: span 4..<99"))
        let usage = CLI.run(["eval", text, text, "--predictions", text])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--predictions needs exactly one corpus"))
    }

    @Test func explainNamesRuleValidatorAndContextButNeverTheValue() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let input = try scratch.write("in.txt", "patient SSN 402-19-8877 on file\nconnected to postgres at 192.0.2.44:5432\n")
        let result = CLI.run(["scan", "--explain", input], captureStdout: true)
        #expect(result.status == 1)
        #expect(!result.stdout.contains("402-19-8877") && !result.stdout.contains("192.0.2.44"))
        let lines = try jsonLines(result.stdout)
        #expect(lines.count == 1)
        let explain = try #require(lines.first?["explain"] as? [String: Any])
        #expect(explain["rule"] as? String == "ssn-formatted")
        #expect(explain["validator"] as? String == "ssn")
        #expect(explain["validator_result"] as? String == "passed")
        #expect(explain["context_words"] as? [String] == ["ssn"])
        #expect(explain["context_boost"] as? Double == 0.1)

        let sarif = CLI.run(["scan", "--explain", "--format", "sarif", input])
        #expect(sarif.status == 2 && sarif.stderr.contains("--explain needs --format jsonl"))

        // redact --findings --explain writes the same object next to the redacted text.
        let redacted = CLI.run(["redact", "--explain", "--findings", scratch.path("f.jsonl"), "-o", scratch.path("out.txt"), input])
        #expect(redacted.status == 0)
        let findings = try jsonLines(try scratch.text("f.jsonl"))
        #expect((findings.first?["explain"] as? [String: Any])?["rule"] as? String == "ssn-formatted")
        #expect(try scratch.text("out.txt") == "patient SSN [SSN] on file\nconnected to postgres at 192.0.2.44:5432\n")
    }

    /// Names and field values say which cue, dictionary, roster or key made them (issue 12, item 5).
    @Test func explainSaysWhichCueDictionaryRosterOrKeyMadeAFinding() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let roster = try scratch.write("roster.txt", "Vesk Tarrow\n")
        let input = try scratch.write("in.txt", "My name is Xochitl Quispe\nKwame Mensah phoned\npatient_ssn=402198877\nseen: vesk tarrow\njorvan.quorne.ssn=402198877\n")
        let result = CLI.run(["scan", "--explain", "--names", roster, input], captureStdout: true)
        #expect(result.status == 1)
        for value in ["Xochitl", "Quispe", "Kwame", "Mensah", "402198877", "vesk", "tarrow", "jorvan", "quorne"] {
            #expect(!result.stdout.contains(value), "\(value) in the findings")
        }
        let explains = try jsonLines(result.stdout).compactMap { $0["explain"] as? [String: Any] }
        #expect(explains.map { $0["detector"] as? String ?? $0["field_key"] as? String ?? "-" } ==
                ["cue: my name is", "dictionary: given name and surname", "ssn", "roster name", "ssn"])
        // The key is reported as the pack spells it, never as written: a written key can carry a name.
    }

    @Test func siteAllowAndDenyLists() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let pack = try scratch.write("site.yaml", """
            pack: site
            rules:
              - id: site-patients
                entity: NAME
                category: names
                deny: [Avelin Quorne, Okafor]
                examples:
                  match: ['seen ⟦Avelin Quorne⟧ today']
                  nomatch: ['Avelin Quornes']
              - id: site-phone
                entity: PHONE
                category: telephone
                pattern: '\\(617\\) 555-01[0-9]{2}'
                max_length: 14
                allow: ['(617) 555-0100']
                examples:
                  match: ['call ⟦(617) 555-0142⟧']
                  nomatch: ['front desk (617) 555-0100']
            """)
        let input = try scratch.write("in.txt", "Avelin  quorne and OKAFOR called from (617) 555-0100, then (617) 555-0142.\n")
        let result = CLI.run(["--no-default-rules", "--allow-partial-rules", "--rules", pack, "-o", scratch.path("out.txt"), input])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try scratch.text("out.txt") == "[NAME] and [NAME] called from (617) 555-0100, then [PHONE].\n")

        let bad = try scratch.write("bad.yaml", """
            pack: bad
            rules:
              - id: bad-deny
                entity: NAME
                category: names
                deny: ['-leading dash']
                examples:
                  match: ['x']
            """)
        let failed = CLI.run(["rules", "test", "--no-default-rules", "--rules", bad])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("bad.yaml:6: rule 'bad-deny': deny value 1 must be ASCII"))
    }
}
