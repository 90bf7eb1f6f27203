import ArgumentParser
import Foundation
import PHICompliance

/// `phiscrub keys`: create, rotate and list the keyring. Never prints key bytes.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the keyring behind token, encrypt and shift (never prints key material).",
        subcommands: [Init.self, Rotate.self, List.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a keyring (mode 0600) with a fresh 256-bit key.")
        @OptionGroup var keys: KeyringPathOption

        func run() throws {
            let path = keys.managedKeyringPath
            do {
                let info = try KeyringFile.create(path: path)
                print("created keyring \(path) with key version \(info.version)")
            } catch {
                throw CLIError(error.message)
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Add a new key version for new encryptions; old versions stay so old tokens still reveal.")
        @OptionGroup var keys: KeyOptions
        @Flag(name: .customLong("rekey-tokens"), help: "Also derive tokens and date shifts from the new key (existing pseudonyms stop matching).")
        var rekeyTokens = false
        @Option(name: .customLong("config"), help: ArgumentHelp(
            "Configuration whose audit log records the rotation (default ./phiscrub.yaml if present).", valueName: "file"))
        var configPath: String?

        func run() throws {
            let config = try ComplianceSupport.loadConfigIfAny(configPath)
            var options = keys
            if options.keyringPath == nil, let c = config, c.security.keySource == "keyring" {
                options.keyringPath = c.security.keyringPath
            }
            let path = options.managedKeyringPath
            let info: KeyInfo
            do { info = try KeyringFile.rotate(path: path, rekeyTokens: rekeyTokens) } catch {
                throw CLIError(error.message)
            }
            print("added key version \(info.version) to \(path); it is now active for new encryptions"
                + (rekeyTokens ? " and for tokens" : " (tokens stay on their pinned key)"))
            // The rotation is recorded under the new key, whose version the record carries.
            guard let config, let audit = try ComplianceSupport.openAudit(config, keys: ComplianceSupport.keys(options, config: config)) else { return }
            do {
                try audit.append(AuditEvent(type: .keyRotation, agent: "phiscrub-keys", user: ProcessInfo.processInfo.environment["USER"] ?? "",
                                            resource: path, action: "rotate",
                                            details: ["new_version": .int(info.version), "rekey_tokens": .bool(rekeyTokens)]))
            } catch {
                throw CLIError("the key was rotated, but the audit log could not record it: \(error.message)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List key versions with their ages and roles.")
        @OptionGroup var keys: KeyOptions
        @Flag(name: .customLong("json"), help: "One JSON object per key version.")
        var json = false

        func run() throws {
            let provider = try keys.load()
            let now = Date()
            if !json { print("version  created               age_days  use") }
            for info in provider.versions {
                var uses: [String] = []
                if info.version == provider.activeVersion { uses.append("active") }
                if info.version == provider.tokenKeyVersion { uses.append("tokens") }
                if uses.isEmpty { uses.append("decrypt-only") }
                let age = info.ageDays(now: now)
                if age.map({ $0 > keys.maxAgeDays }) == true && info.version == provider.activeVersion { uses.append("EXPIRED") }
                let created = info.created.map(KeyringFileDate.format) ?? "unknown"
                if json {
                    let ageText = age.map(String.init) ?? "null"
                    print("{\"version\":\(info.version),\"created\":\(info.created == nil ? "null" : "\"\(created)\""),\"age_days\":\(ageText),\"use\":[\(uses.map { "\"\($0)\"" }.joined(separator: ","))]}")
                } else {
                    let v = String(info.version).padding(toLength: 9, withPad: " ", startingAt: 0)
                    let c = created.padding(toLength: 22, withPad: " ", startingAt: 0)
                    let a = (age.map(String.init) ?? "-").padding(toLength: 10, withPad: " ", startingAt: 0)
                    print(v + c + a + uses.joined(separator: ","))
                }
            }
            if !json { print("source: \(provider.sourceDescription)") }
        }
    }
}

/// ISO 8601 dates for listings.
enum KeyringFileDate {
    static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
