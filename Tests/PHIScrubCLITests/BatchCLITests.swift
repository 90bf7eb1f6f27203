import Foundation
import PHIScrubCLI
import Testing

// `phiscrub batch`, run in process: relative paths, formats and gzip, modes, the manifest and re-runs, bad input,
// the report, and (with the built binary) a run killed with SIGKILL and resumed.

/// Runs the system's gzip (every Debian has it) with `arguments`, `bytes` on stdin; returns its stdout.
func gzipTool(_ arguments: [String], _ bytes: [UInt8]) throws -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = arguments
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try p.run()
    input.fileHandleForWriting.write(Data(bytes))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Array(data)
}

/// Gzips bytes.
func gzipped(_ bytes: [UInt8]) throws -> [UInt8] { try gzipTool(["-c", "-n"], bytes) }

/// Gunzips bytes.
func gunzipped(_ bytes: [UInt8]) throws -> [UInt8] { try gzipTool(["-d", "-c"], bytes) }

extension Scratch {
    @discardableResult
    func put(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = self.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Every regular file under `dir`, relative path -> bytes.
    func tree(_ dir: String) throws -> [String: [UInt8]] {
        let root = url.appendingPathComponent(dir)
        var out: [String: [UInt8]] = [:]
        guard let e = FileManager.default.enumerator(atPath: root.path) else { return out }
        for case let rel as String in e {
            var isDir: ObjCBool = false
            let full = root.appendingPathComponent(rel).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = Array(try Data(contentsOf: URL(fileURLWithPath: full)))
            }
        }
        return out
    }
}

func mode(_ path: String) throws -> Int {
    let attrs = try FileManager.default.attributesOfItem(atPath: path)
    return (attrs[.posixPermissions] as? Int) ?? -1
}

let chatRecord = #"{"messages":[{"role":"user","content":"SSN 402-19-8877, call (617) 555-0142"},"#
    + #"{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","#
    + #""arguments":"{\"dob\": \"1961-03-14\", \"limit\": 3}"}}]}]}"#

@Suite(.serialized) struct BatchCLITests {
    @Test func cleansATreeAtTheSameRelativePathsInEveryFormat() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try s.put("in/a.jsonl", Array((chatRecord + "\n" + #"{"ssn": "\u0034\u0030\u0032198877"}"# + "\n").utf8))
        try s.put("in/sub/b.log", Array("x SSN 402-19-8877 y\r\nclean line\n".utf8))
        try s.put("in/sub/c.json", Array("{\n  \"patient_name\": \"Jane Roe\",\n  \"n\": [1, 2]\n}\n".utf8))
        try s.put("in/sub/d.jsonl.gz", try gzipped(Array(#"{"phone":"6175550142"}"#.utf8)))
        try s.put("in/notes.txt.gz", try gzipped(Array("MRN: 00482913\n".utf8)))
        try s.put("in/image.png", [0x89, 0x50, 0x4E, 0x47])
        let r = CLI.run(["batch", s.path("in"), "--out", s.path("out"), "--report", s.path("report.jsonl"), "--jobs", "2"])
        // image.png is a name batch mode does not know: skipped, reported, and the exit status says so.
        #expect(r.status == 2, "\(r.stderr)")
        let out = try s.tree("out")
        #expect(String(decoding: try #require(out["a.jsonl"]), as: UTF8.self) ==
                chatRecord.replacingOccurrences(of: "402-19-8877", with: "[SSN]")
                    .replacingOccurrences(of: "(617) 555-0142", with: "[PHONE]")
                    .replacingOccurrences(of: "1961-03-14", with: "[DATE]") + "\n" + #"{"ssn": "[SSN]"}"# + "\n")
        #expect(out["sub/b.log"] == Array("x SSN [SSN] y\r\nclean line\n".utf8))
        #expect(out["sub/c.json"] == Array("{\n  \"patient_name\": \"[NAME]\",\n  \"n\": [1, 2]\n}\n".utf8))
        #expect(try gunzipped(try #require(out["sub/d.jsonl.gz"])) == Array(#"{"phone":"[PHONE]"}"#.utf8))
        #expect(try gunzipped(try #require(out["notes.txt.gz"])) == Array("MRN: [MRN]\n".utf8))
        #expect(out["image.png"] == nil)
        #expect(Set(out.keys) == ["a.jsonl", "sub/b.log", "sub/c.json", "sub/d.jsonl.gz", "notes.txt.gz",
                                  ".phiscrub-manifest.jsonl"])
        for name in out.keys { #expect(try mode(s.path("out/" + name)) == 0o600, "\(name)") }
        #expect(try mode(s.path("out/sub")) == 0o700)

        // The report: one record per file and a total, counts per entity, never a value.
        let report = try s.text("report.jsonl")
        let records = try jsonLines(report)
        #expect(records.count == 7)
        let total = try #require(records.last)
        #expect(total["type"] as? String == "total")
        #expect(total["cleaned"] as? Int == 5 && total["skipped"] as? Int == 1 && total["failed"] as? Int == 0)
        #expect(total["findings"] as? [String: Int] == ["SSN": 3, "PHONE": 2, "DATE": 1, "NAME": 1, "MRN": 1])
        let png = try #require(records.first { ($0["path"] as? String)?.hasSuffix("image.png") == true })
        #expect(png["status"] as? String == "skipped" && png["reason"] as? String == "unsupported_type")
        // (Without the scratch folder's path: its random UUID may hold "402" or "1961".)
        let reportText = report.replacingOccurrences(of: s.url.path, with: "")
        let stderrText = r.stderr.replacingOccurrences(of: s.url.path, with: "")
        for value in ["402", "8877", "555-0142", "6175550142", "1961", "Jane", "00482913"] {
            #expect(!reportText.contains(value), "report holds \(value)")
            #expect(!stderrText.contains(value), "stderr holds \(value)")
        }
        #expect(r.stderr.contains("total: 6 files, 5 cleaned, 1 skipped, 0 failed"))
    }

    @Test func aRerunSkipsFinishedFilesAndCleansChangedAndNewOnes() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try s.put("in/a.jsonl", Array((chatRecord + "\n").utf8))
        try s.put("in/b.log", Array("SSN 402-19-8877\n".utf8))
        #expect(CLI.run(["batch", s.path("in"), "--out", s.path("out")]).status == 0)
        let first = try s.tree("out")
        try s.put("in/b.log", Array("SSN 402-19-8877 and DOB: 03/14/1961\n".utf8))
        try s.put("in/c.txt", Array("phone (617) 555-0142\n".utf8))
        let r = CLI.run(["batch", s.path("in"), "--out", s.path("out"), "--report", s.path("r.jsonl")])
        #expect(r.status == 0)
        let records = try jsonLines(try s.text("r.jsonl"))
        func status(_ suffix: String) -> String? {
            records.first { ($0["path"] as? String)?.hasSuffix(suffix) == true }
                .map { "\($0["status"]!)/\($0["reason"] ?? "")" }
        }
        #expect(status("a.jsonl") == "skipped/already_done")
        #expect(status("b.log") == "cleaned/")
        #expect(status("c.txt") == "cleaned/")
        let second = try s.tree("out")
        #expect(second["a.jsonl"] == first["a.jsonl"])
        #expect(second["b.log"] == Array("SSN [SSN] and DOB: [DATE]\n".utf8))
        #expect(second["c.txt"] == Array("phone [PHONE]\n".utf8))
        // The manifest is sorted and has one entry per file.
        let manifest = try jsonLines(String(decoding: try #require(second[".phiscrub-manifest.jsonl"]), as: UTF8.self))
        #expect(manifest.compactMap { $0["path"] as? String } == ["a.jsonl", "b.log", "c.txt"])
        // An output removed by hand is written again.
        try FileManager.default.removeItem(atPath: s.path("out/a.jsonl"))
        #expect(CLI.run(["batch", s.path("in"), "--out", s.path("out")]).status == 0)
        #expect(try s.tree("out")["a.jsonl"] == first["a.jsonl"])
    }

    @Test func invalidJSONIsSkippedScannedAsTextOrStopsTheRun() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        // Biggest first in the queue, so with one job it is the first file taken.
        try s.put("in/bad.json", Array(("{\"note\": \"SSN 402-19-8877\", " + String(repeating: " ", count: 4000)).utf8))
        try s.put("in/bad.jsonl", Array((chatRecord + "\n{\"x\": \n").utf8))
        try s.put("in/good.jsonl", Array((chatRecord + "\n").utf8))

        var r = CLI.run(["batch", s.path("in"), "--out", s.path("skip"), "--quiet"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.json: invalid JSON: expected a string key at byte 4028"))
        #expect(r.stderr.contains("bad.jsonl: line 2: invalid JSON"))
        #expect(!r.stderr.contains("402-19"))
        #expect(Set(try s.tree("skip").keys) == ["good.jsonl", ".phiscrub-manifest.jsonl"])

        r = CLI.run(["batch", s.path("in"), "--out", s.path("text"), "--on-invalid", "text", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try s.tree("text")
        #expect(String(decoding: try #require(text["bad.json"]), as: UTF8.self).hasPrefix("{\"note\": \"SSN [SSN]\", "))
        #expect(String(decoding: try #require(text["bad.jsonl"]), as: UTF8.self).hasSuffix("\n{\"x\": \n"))

        r = CLI.run(["batch", s.path("in"), "--out", s.path("fail"), "--on-invalid", "fail", "--jobs", "1",
                     "--report", s.path("fail.jsonl")])
        #expect(r.status == 2)
        #expect(Set(try s.tree("fail").keys) == [".phiscrub-manifest.jsonl"])
        let records = try jsonLines(try s.text("fail.jsonl"))
        #expect(records.filter { $0["reason"] as? String == "run_stopped" }.count == 2)
    }

    @Test func badInputIsReportedAndTheRunContinues() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try s.put("in/good.log", Array("SSN 402-19-8877\n".utf8))
        try s.put("in/binary.log", [0x53, 0x53, 0x4E, 0x00, 0x01, 0x02])
        try s.put("in/big.json", Array(("[\"" + String(repeating: "a", count: 5000) + "\"]").utf8))
        try s.put("in/cut.jsonl.gz", Array(try gzipped(Array((chatRecord + "\n").utf8)).dropLast(12)))
        try s.put("in/huge-record.jsonl", Array(("[\"" + String(repeating: "b", count: 3000) + "\"]\n").utf8))
        try FileManager.default.createDirectory(atPath: s.path("in/loop"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: s.path("in/loop/up"), withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: s.path("in/dangling.log"), withDestinationPath: "nowhere.log")
        let r = CLI.run(["batch", s.path("in"), "--out", s.path("out"), "--max-json-size", "2048",
                         "--report", s.path("r.jsonl")])
        #expect(r.status == 2)
        let records = try jsonLines(try s.text("r.jsonl"))
        func outcome(_ suffix: String) -> String? {
            records.first { ($0["path"] as? String)?.hasSuffix(suffix) == true }
                .map { "\($0["status"]!)/\($0["reason"] ?? "")" }
        }
        #expect(outcome("good.log") == "cleaned/")
        #expect(outcome("binary.log") == "failed/binary")
        #expect(outcome("big.json") == "failed/too_large")
        #expect(outcome("huge-record.jsonl") == "failed/too_large")
        #expect(outcome("cut.jsonl.gz") == "failed/corrupt_gzip")
        #expect(outcome("loop/up") == "skipped/symlink_loop")
        #expect(outcome("dangling.log") == "skipped/dangling_symlink")
        #expect(Set(try s.tree("out").keys) == ["good.log", ".phiscrub-manifest.jsonl"])
        #expect(r.stderr.contains("big.json: JSON document over the size limit of 2048 bytes"))
    }

    @Test func theOutputDirectoryInsideTheInputIsNotScannedAgain() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        try s.put("tree/a.log", Array("SSN 402-19-8877\n".utf8))
        #expect(CLI.run(["batch", s.path("tree"), "--out", s.path("tree/clean")]).status == 0)
        #expect(CLI.run(["batch", s.path("tree"), "--out", s.path("tree/clean")]).status == 0)
        #expect(Set(try s.tree("tree/clean").keys) == ["a.log", ".phiscrub-manifest.jsonl"])
    }

    @Test func operatorsApplyAsInTheFilterAndNeedTheirKeys() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        let ring = s.path("keyring.json")
        #expect(CLI.run(["keys", "init", "--keyring", ring], captureStdout: true).status == 0)
        try s.put("in/a.jsonl", Array(#"{"ssn": "\u0034\u0030\u0032-19-8877", "n": 1}"#.utf8 + [0x0A]))
        try s.put("in/b.log", Array("SSN 402-19-8877\n".utf8))
        let r = CLI.run(["batch", s.path("in"), "--out", s.path("out"), "--action", "token", "--keyring", ring])
        #expect(r.status == 0, "\(r.stderr)")
        // The filter's token for the same value with the same key.
        let filter = CLI.run(["--action", "token", "--keyring", ring, s.path("in/b.log"), "-o", s.path("filter.log")])
        #expect(filter.status == 0)
        let token = String(decoding: try s.read("filter.log"), as: UTF8.self)
            .replacingOccurrences(of: "SSN ", with: "").replacingOccurrences(of: "\n", with: "")
        #expect(token.hasPrefix("[SSN:tok:"))
        #expect(try s.text("out/b.log") == "SSN \(token)\n")
        #expect(try s.text("out/a.jsonl") == #"{"ssn": "\#(token)", "n": 1}"# + "\n")
        // Without a usable key nothing is written.
        let missing = CLI.run(["batch", s.path("in"), "--out", s.path("out2"), "--action", "encrypt",
                               "--keyring", s.path("nowhere.json")])
        #expect(missing.status == 2)
        #expect(!FileManager.default.fileExists(atPath: s.path("out2/b.log")))
    }

    @Test func theSameFileTwiceIsCleanedOnceAndTwoFilesForOneOutputAreAnError() throws {
        let s = try Scratch()
        defer { s.cleanup() }
        let a = try s.put("a/x.log", Array("SSN 402-19-8877\n".utf8))
        let b = try s.put("b/x.log", Array("nothing\n".utf8))
        var r = CLI.run(["batch", a, a, "--out", s.path("out1"), "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try s.text("out1/x.log") == "SSN [SSN]\n")
        r = CLI.run(["batch", a, b, "--out", s.path("out2"), "--quiet"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("another input already writes x.log"))
    }

    @Test func badArgumentsAreUsageErrors() throws {
        #expect(CLI.run(["batch", "--out", "/tmp/x"]).status == 2)
        #expect(CLI.run(["batch", "a", "--out", "/tmp/x", "--on-invalid", "maybe"]).stderr.contains("skip, text or fail"))
        #expect(CLI.run(["batch", "a", "--out", "/tmp/x", "--jobs", "0"]).status == 2)
        #expect(CLI.run(["batch", "a"]).status == 2)
    }
}
