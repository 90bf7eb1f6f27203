import ArgumentParser
import Foundation
import PHICompliance
import PHITransform

/// Loading `phiscrub.yaml` and opening its audit log for CLI commands.
enum ComplianceSupport {
    /// The configuration at `path` (every section, `transform:` included, read once), or every problem as one CLI
    /// error (exit 2).
    static func loadConfig(_ path: String) throws -> PHIScrubConfig {
        do { return try ConfigFile.load(path: path) } catch {
            throw CLIError(error.description.split(separator: "\n").joined(separator: "\nphiscrub: "))
        }
    }

    /// The configuration named by `--config`, else `./phiscrub.yaml` when present, else nil.
    static func loadConfigIfAny(_ path: String?) throws -> PHIScrubConfig? {
        if let path { return try loadConfig(path) }
        if FileManager.default.fileExists(atPath: "phiscrub.yaml") { return try loadConfig("phiscrub.yaml") }
        return nil
    }

    /// The key provider for audit signing: `--keyring`, then the configuration's `keyring_path` (when its key source
    /// is the keyring), then the environment and the default keyring.
    static func keys(_ options: KeyOptions, config: PHIScrubConfig?) throws -> any KeyProvider {
        var options = options
        if options.keyringPath == nil, let c = config, c.security.keySource == "keyring" {
            options.keyringPath = c.security.keyringPath
        }
        return try options.load()
    }

    /// The audit subkey of `version` (nil = active) as the log needs it.
    static func auditKey(_ provider: any KeyProvider, version: Int? = nil) throws -> DerivedKey {
        do { return try provider.subkey(.audit, version: version) } catch {
            throw CLIError("no audit signing key: \(error.message)")
        }
    }

    /// Opens the configured audit log, or nil when auditing is off.
    static func openAudit(_ config: PHIScrubConfig, keys provider: any KeyProvider) throws -> AuditLog? {
        guard config.audit.enabled else { return nil }
        let key = try auditKey(provider)
        do {
            return try AuditLog(settings: config.audit, signingKey: key.bytes, keyVersion: key.version)
        } catch {
            throw CLIError("audit log: \(error.message)")
        }
    }
}

extension ExitStatus {
    /// A breach trigger fired (unauthorised PHI access, encryption failure, residency violation, audit chain break).
    public static let breach: Int32 = 3
}
