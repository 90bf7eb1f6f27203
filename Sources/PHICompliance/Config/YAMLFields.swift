import Yams

/// Typed reads from a YAML node tree that collect every problem (unknown key, wrong type, out of range) with its
/// file and line instead of stopping at the first.
struct YAMLFields {
    let file: String
    var problems: [ConfigDiagnostic] = []

    init(file: String) { self.file = file }

    mutating func problem(_ path: String, _ node: Node?, _ message: String) {
        problems.append(ConfigDiagnostic(file: file, line: node?.mark?.line ?? 0, path: path, message: message))
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The mapping at `node`, after reporting keys outside `keys`. Nil (and a problem) when it is not a mapping.
    /// An explicitly empty value (`key:` with nothing) reads as an empty mapping.
    mutating func mapping(_ node: Node, _ path: String, keys: Set<String>?) -> Node.Mapping? {
        if isNull(node) { return Node.Mapping([]) }
        guard let map = node.mapping else {
            problem(path, node, "expected a mapping, found \(Self.kind(node))")
            return nil
        }
        var seen: Set<String> = []
        for (k, _) in map {
            guard let name = k.scalar?.string else {
                problem(path, k, "keys must be strings")
                continue
            }
            if !seen.insert(name).inserted { problem(join(path, name), k, "duplicate key") }
            if let keys, !keys.contains(name) {
                problem(join(path, name), k, "unknown key '\(name)' (expected one of: \(keys.sorted().joined(separator: ", ")))")
            }
        }
        return map
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node else { return false }
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func string(_ map: Node.Mapping, _ key: String, _ path: String, oneOf: [String]? = nil) -> String? {
        guard let node = map[key] else { return nil }
        guard case .scalar(let s) = node, !isNull(node) else {
            problem(join(path, key), node, "expected a string, found \(isNull(node) ? "nothing" : Self.kind(node))")
            return nil
        }
        if let oneOf, !oneOf.contains(s.string) {
            problem(join(path, key), node, "must be one of: \(oneOf.joined(separator: ", "))")
            return nil
        }
        return s.string
    }

    mutating func bool(_ map: Node.Mapping, _ key: String, _ path: String) -> Bool? {
        guard let node = map[key] else { return nil }
        if case .scalar(let s) = node {
            switch s.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        problem(join(path, key), node, "expected true or false")
        return nil
    }

    mutating func int(_ map: Node.Mapping, _ key: String, _ path: String, range: ClosedRange<Int>) -> Int? {
        guard let node = map[key] else { return nil }
        guard case .scalar(let s) = node, let i = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            problem(join(path, key), node, "expected an integer")
            return nil
        }
        guard range.contains(i) else {
            problem(join(path, key), node, "must be in \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return i
    }

    mutating func stringList(_ map: Node.Mapping, _ key: String, _ path: String) -> [String]? {
        guard let node = map[key] else { return nil }
        if isNull(node) { return [] }
        guard let seq = node.sequence else {
            problem(join(path, key), node, "expected a list of strings, found \(Self.kind(node))")
            return nil
        }
        var out: [String] = []
        for item in seq {
            if case .scalar(let s) = item, !isNull(item) { out.append(s.string) } else {
                problem(join(path, key), item, "list items must be strings")
            }
        }
        return out
    }
}
