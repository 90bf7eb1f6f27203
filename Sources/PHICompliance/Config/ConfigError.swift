/// One problem in a configuration file, with the file and line it was found at.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line; 0 when the problem has no position (an unreadable file).
    public var line: Int
    /// Dotted key path, e.g. `roles.nurse.permissions`.
    public var path: String
    public var message: String

    public init(file: String, line: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.path = path
        self.message = message
    }

    public var description: String {
        let at = path.isEmpty ? "" : "\(path): "
        return "\(file):\(line): \(at)\(message)"
    }
}

/// A configuration that could not be loaded: every problem found in one pass. Messages name keys and types,
/// never values that could hold PHI.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The file could not be read.
        case unreadable
        /// The file is not valid YAML.
        case syntax
        /// Unknown keys, wrong types, values out of range or inconsistent references.
        case invalid
    }

    public var code: Code
    public var diagnostics: [ConfigDiagnostic]

    public init(code: Code, diagnostics: [ConfigDiagnostic]) {
        self.code = code
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
