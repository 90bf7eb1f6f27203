import Foundation
import PHIBatch
import PHICompliance
import PHIScrub

/// The options of `phiscrub_engine_new`: `phiscrub serve`'s command-line options as one JSON object (the flag's long
/// name with `_` for `-`), plus `role`, the role of requests that name none. See `phiscrub.h` for the list.
struct EngineOptions: Decodable {
    var config: String?
    var rules: [String] = []
    var noDefaultRules = false
    var names: [String] = []
    var candidates = false
    var allowPartialRules = false
    var minConfidence: Double = 0
    var actions: [String] = []
    var context: String?
    var subject: String?
    var maskKeep: Int?
    var keyring: String?
    var keyMaxAgeDays = 90
    var onExpiredKey = "warn"
    var noAudit = false
    var role: String?

    /// The first problem found; decoding never fails on a value so every key is looked at in one pass.
    var problem: String?

    static let keys = ["config", "rules", "no_default_rules", "names", "candidates", "allow_partial_rules",
                       "min_confidence", "action", "context", "subject", "mask_keep", "keyring",
                       "key_max_age_days", "on_expired_key", "no_audit", "role"]

    init() {}

    /// Parses `json` (nil or empty: the defaults). Errors name the key, never the value.
    static func parse(_ json: [UInt8]?) -> Result<EngineOptions, ABIError> {
        guard let json, json.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else {
            return .success(EngineOptions())
        }
        guard String(validating: json, as: UTF8.self) != nil else {
            return .failure(ABIError(.invalidUTF8, "the engine options are not UTF-8"))
        }
        let options: EngineOptions
        do {
            options = try JSONDecoder().decode(EngineOptions.self, from: Data(json))
        } catch {
            return .failure(ABIError(.engineOptions, "the engine options (\(json.count) bytes) are not one JSON object"))
        }
        if let problem = options.problem { return .failure(ABIError(.engineOptions, problem)) }
        if let problem = options.check() { return .failure(ABIError(.engineOptions, problem)) }
        return .success(options)
    }

    /// The library's setup of these options (the service `phiscrub serve` would make from the same flags).
    var setup: ServiceSetup {
        var s = ServiceSetup()
        s.rulePaths = rules
        s.noDefaultRules = noDefaultRules
        s.rosterFiles = names
        s.candidates = candidates
        s.allowPartialRules = allowPartialRules
        s.minConfidence = minConfidence
        s.configPath = config
        s.actions = actions
        s.context = context
        s.subject = subject
        s.maskKeep = maskKeep
        s.keyringPath = keyring
        s.keyMaxAgeDays = keyMaxAgeDays
        s.onExpiredKey = KeyAgePolicy.Action(rawValue: onExpiredKey) ?? .warn
        s.noAudit = noAudit
        s.role = role
        s.json = BatchJSONSupport()
        s.spelling = .json
        return s
    }

    /// Range checks, as `phiscrub serve` validates its flags.
    func check() -> String? {
        guard minConfidence.isFinite, (0...1).contains(minConfidence) else { return "min_confidence must be a number in 0...1" }
        if noDefaultRules && rules.isEmpty { return "no_default_rules needs at least one pack in rules" }
        if let maskKeep, !(0...64).contains(maskKeep) { return "mask_keep must be an integer 0...64" }
        guard keyMaxAgeDays >= 1 else { return "key_max_age_days must be at least 1" }
        guard onExpiredKey == "warn" || onExpiredKey == "refuse" else { return "on_expired_key must be warn or refuse" }
        if let role, role.isEmpty { return "role must not be empty" }
        if role != nil && config == nil { return "role needs config (the configuration that defines the roles)" }
        if noAudit && config == nil { return "no_audit applies with config" }
        return nil
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func note(_ message: String) { if problem == nil { problem = message } }
        for k in c.allKeys {
            let name = k.stringValue
            func string() -> String? {
                if let s = try? c.decode(String.self, forKey: k) { return s }
                note("\(name) must be a string")
                return nil
            }
            func strings() -> [String] {
                if let s = try? c.decode(String.self, forKey: k) { return [s] }
                if let a = try? c.decode([String].self, forKey: k) { return a }
                note("\(name) must be a string or an array of strings")
                return []
            }
            func bool() -> Bool {
                if let b = try? c.decode(Bool.self, forKey: k) { return b }
                note("\(name) must be true or false")
                return false
            }
            func int() -> Int? {
                if let n = try? c.decode(Int.self, forKey: k) { return n }
                note("\(name) must be an integer")
                return nil
            }
            switch name {
            case "config": config = string()
            case "rules": rules = strings()
            case "no_default_rules": noDefaultRules = bool()
            case "names": names = strings()
            case "candidates": candidates = bool()
            case "allow_partial_rules": allowPartialRules = bool()
            case "min_confidence":
                if let d = try? c.decode(Double.self, forKey: k) { minConfidence = d } else { note("min_confidence must be a number in 0...1") }
            case "action": actions = strings()
            case "context": context = string()
            case "subject": subject = string()
            case "mask_keep": maskKeep = int()
            case "keyring": keyring = string()
            case "key_max_age_days": keyMaxAgeDays = int() ?? 90
            case "on_expired_key": onExpiredKey = string() ?? "warn"
            case "no_audit": noAudit = bool()
            case "role": role = string()
            default:
                // The key is caller text: list the known ones instead of echoing it.
                note("unknown engine option; options: \(Self.keys.joined(separator: ", "))")
            }
        }
    }
}
