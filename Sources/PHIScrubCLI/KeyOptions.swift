import ArgumentParser
import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform

/// Where keys come from and how old the newest may be; shared by every command that uses keys.
struct KeyOptions: ParsableArguments {
    @Option(name: .customLong("keyring"), help: ArgumentHelp(
        "Keyring file (default: $PHISCRUB_KEYRING, then keys in $PHISCRUB_KEYS / $PHISCRUB_KEY, then ~/.config/phiscrub/keyring.json).",
        valueName: "path"))
    var keyringPath: String?

    @Option(name: .customLong("key-max-age-days"), help: ArgumentHelp(
        "Maximum age of the newest key for new encryptions.", valueName: "days"))
    var maxAgeDays: Int = 90

    @Option(name: .customLong("on-expired-key"), help: ArgumentHelp(
        "When the newest key is older than the maximum: warn or refuse.", valueName: "warn|refuse"))
    var onExpired: String = "warn"

    func validate() throws {
        guard maxAgeDays >= 1 else { throw ValidationError("--key-max-age-days must be at least 1") }
        guard KeyAgePolicy.Action(rawValue: onExpired) != nil else { throw ValidationError("--on-expired-key must be warn or refuse") }
    }

    var agePolicy: KeyAgePolicy {
        KeyAgePolicy(maxAgeDays: maxAgeDays, onExpired: KeyAgePolicy.Action(rawValue: onExpired) ?? .warn)
    }

    /// The key provider, or a one-line error (exit 2). Warnings about key age go to standard error.
    func load() throws -> any KeyProvider {
        do {
            return try KeySource.load(keyringPath: keyringPath, agePolicy: agePolicy, warn: { printError("phiscrub: warning: " + $0) })
        } catch {
            throw CLIError(error.message)
        }
    }

    /// The keyring path commands that manage a keyring file act on.
    var managedKeyringPath: String {
        keyringPath ?? KeyringFile.defaultPath()
    }
}

/// Only the keyring location, for commands that create a keyring and use no key (`keys init`): the age options
/// of `KeyOptions` do not apply there.
struct KeyringPathOption: ParsableArguments {
    @Option(name: .customLong("keyring"), help: ArgumentHelp(
        "Keyring file to create (default: $PHISCRUB_KEYRING, then ~/.config/phiscrub/keyring.json).",
        valueName: "path"))
    var keyringPath: String?

    var managedKeyringPath: String { keyringPath ?? KeyringFile.defaultPath() }
}

/// The operator policy of the filter: `--config`'s `transform:` section, then `--action` flags.
struct TransformOptions: ParsableArguments {
    @Option(name: .customLong("action"), help: ArgumentHelp(
        "Operator for all entities (\(TransformAction.listed())) or ENTITY=OPERATOR for one (repeatable).",
        valueName: "op"))
    var actions: [String] = []

    @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file whose transform: section sets the operators.", valueName: "file"))
    var configPath: String?

    @Option(name: .customLong("context"), help: ArgumentHelp(
        "Data context encrypted tokens are bound to (log, prompt, tool_output, agent_memory, ...).", valueName: "name"))
    var context: String?

    @Option(name: .customLong("subject"), help: ArgumentHelp("Subject id whose dates `shift` moves by one offset.", valueName: "id"))
    var subject: String?

    @Option(name: .customLong("mask-keep"), help: ArgumentHelp("Characters `mask` keeps at the end (default 4).", valueName: "n"))
    var maskKeep: Int?

    /// Refuses a policy that would quietly do something else than asked (fail closed):
    /// - `shift` with no subject moves every person's dates by one offset, so one known date reveals all others:
    ///   it needs `--subject` (or `transform.subject`);
    /// - an operator for an entity no loaded rule reports (`--action FOO=mask`, a typo in `transform.entities`)
    ///   would never apply: the error lists the entities there are.
    static func check(_ policy: TransformPolicy, ruleSet: RuleSet) throws {
        do { try ServiceSetup.check(policy, ruleSet: ruleSet, spelling: .commandLine) } catch { throw CLIError(error.message) }
    }

    /// The policy the flags and configuration describe: `config` when the command loaded `--config` already (its
    /// `transform:` section was parsed with it), else the file's `transform:` section.
    func policy(config: PHIScrubConfig? = nil) throws -> TransformPolicy {
        do {
            var policy: TransformPolicy
            if let config {
                policy = try TransformPolicy(config: config)
            } else {
                policy = try configPath.map { path throws(TransformError) in try TransformPolicy.load(configPath: path) } ?? TransformPolicy()
            }
            try policy.apply(actionArguments: actions)
            if let context { policy.context = try DataContext(context) }
            if let subject { policy.subject = subject }
            if let maskKeep {
                guard (0...64).contains(maskKeep) else { throw TransformError(code: .invalidPolicy, message: "--mask-keep must be 0...64") }
                policy.maskKeepLast = maskKeep
            }
            return policy
        } catch let error as TransformError {
            throw CLIError(error.message)
        }
    }
}
