import ArgumentParser
import Foundation
import PHICompliance
import PHIScan
import PHIScrub

extension AuditCommand {
    /// `phiscrub audit append-records FILE`: many records from JSON Lines in one run (one process and one rule load
    /// for all of them), for pipelines that audit per partition or per file from a driver (the PySpark job).
    struct AppendRecords: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "append-records",
            abstract: "Append records given as JSON Lines (one object per line) to the audit log.",
            discussion: """
                Each line: {"event": "scan", "agent": ..., "user": ..., "role": ..., "resource": ..., "action": ..., \
                "outcome": "ok", "phi": true, "details": {...}}; only "event" is required. Details are numbers, \
                strings, booleans, lists and objects of those; they must not carry PHI. As with append, every string \
                (identifiers, detail keys and values) is scanned with the default rules and recorded redacted, with \
                redacted_fields counting the changes. Every line is checked before the first record is appended: a bad \
                line appends nothing.
                """
        )

        @OptionGroup var location: Location

        @Argument(help: ArgumentHelp("JSON Lines file of records, or - for standard input.", valueName: "file"))
        var file: String

        func run() throws {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let d = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): cannot read") }
                data = d
            }
            let redactor: FieldRedactor
            do { redactor = FieldRedactor(scrubber: Scrubber(ruleSet: try RuleSet.loadDefault())) } catch {
                throw CLIError(error.description + "\nphiscrub: the audit fields cannot be checked for PHI without rules; nothing appended")
            }
            var events: [AuditEvent] = []
            for (n, line) in data.split(separator: 0x0A).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                guard let o = try? JSONDecoder().decode([String: RecordValue].self, from: Data(line)) else {
                    throw CLIError("\(file): line \(n + 1): not a JSON object of strings, integers, booleans, lists and objects; nothing appended")
                }
                events.append(try Self.event(o, line: n + 1, file: file, redactor: redactor))
            }
            let (config, _) = try location.resolve()
            let provider = try ComplianceSupport.keys(location.keys, config: config)
            guard let log = try ComplianceSupport.openAudit(config, keys: provider) else {
                throw CLIError("auditing is off in the configuration (audit.enabled: false)")
            }
            var first: AuditReceipt?, last: AuditReceipt?
            do {
                for e in events {
                    if let r = try log.append(e) {
                        if first == nil { first = r }
                        last = r
                    }
                }
                try log.sync()
            } catch {
                throw CLIError("audit log: \(error.message)")
            }
            if let first, let last {
                print("appended \(events.count) records, seq \(first.seq)-\(last.seq), to \(last.segment)")
            } else {
                print("not recorded: audit.events leaves out these events")
            }
        }

        static func event(_ o: [String: RecordValue], line: Int, file: String, redactor: FieldRedactor) throws -> AuditEvent {
            let known: Set<String> = ["event", "agent", "user", "role", "resource", "action", "outcome", "phi", "details"]
            if o.keys.contains(where: { !known.contains($0) }) {
                throw CLIError("\(file): line \(line): unknown field; fields: \(known.sorted().joined(separator: ", "))")
            }
            guard case .string(let name) = o["event"], let type = AuditEventType(rawValue: name) else {
                throw CLIError("\(file): line \(line): \"event\" must be one of \(AuditEventType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var changed = 0
            func clean(_ text: String) -> String {
                let out = redactor.redact(text)
                if out != text { changed += 1 }
                return out
            }
            func string(_ key: String) throws -> String? {
                guard let v = o[key] else { return nil }
                guard case .string(let s) = v else { throw CLIError("\(file): line \(line): \"\(key)\" must be a string") }
                return clean(s)
            }
            func value(_ v: RecordValue) -> AuditValue {
                switch v {
                case .bool(let b): return .bool(b)
                case .int(let i): return .int(i)
                case .string(let s): return .string(clean(s))
                case .list(let a): return .list(a.map(value))
                case .object(let d):
                    var m: [String: AuditValue] = [:]
                    for (k, x) in d { m[clean(k)] = value(x) }
                    return .object(m)
                }
            }
            var details: [String: AuditValue] = [:]
            if let d = o["details"] {
                guard case .object = d, case .object(let cleaned) = value(d) else {
                    throw CLIError("\(file): line \(line): \"details\" must be an object")
                }
                details = cleaned
            }
            let phi: Bool
            switch o["phi"] {
            case nil: phi = false
            case .bool(let b): phi = b
            default: throw CLIError("\(file): line \(line): \"phi\" must be true or false")
            }
            let (agent, user, resource, action) = (try string("agent") ?? "", try string("user") ?? "",
                                                   try string("resource") ?? "", try string("action") ?? "")
            let role = try string("role")
            let outcome = try string("outcome") ?? "ok"
            if changed > 0 { details["redacted_fields"] = .int(changed) }
            return AuditEvent(type: type, agent: agent, user: user, role: role, resource: resource, action: action,
                              phi: phi, outcome: outcome, details: details)
        }
    }
}

/// A JSON value of an audit record line (numbers must be integers).
enum RecordValue: Decodable {
    case bool(Bool)
    case int(Int)
    case string(String)
    case list([RecordValue])
    case object([String: RecordValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([RecordValue].self) {
            self = .list(a)
        } else {
            self = .object(try c.decode([String: RecordValue].self))
        }
    }
}
