import Foundation

/// Keys from the environment, for containers where a file is awkward: `PHISCRUB_KEYS="1:<base64>,2:<base64>"`
/// (versions with 32-byte base64 keys; the highest is active, the lowest derives tokens) or `PHISCRUB_KEY=<base64>`
/// (a single key, version 1). Environment keys carry no creation date, so the age policy cannot apply to them.
public enum EnvironmentKeys {
    /// The variable holding versioned keys.
    public static let versionedVariable = "PHISCRUB_KEYS"
    /// The variable holding a single key.
    public static let singleVariable = "PHISCRUB_KEY"

    /// True when either variable is set (even if malformed, so the error surfaces instead of a fallback).
    public static func isPresent(in environment: [String: String]) -> Bool {
        environment[versionedVariable] != nil || environment[singleVariable] != nil
    }

    /// Parses the keys. Never echoes key text in errors.
    public static func load(from environment: [String: String]) throws(KeyError) -> MasterKeys {
        if let versioned = environment[versionedVariable] {
            var keys: [(KeyInfo, [UInt8])] = []
            for (index, item) in versioned.split(separator: ",", omittingEmptySubsequences: true).enumerated() {
                let parts = item.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, let version = Int(parts[0].trimmingCharacters(in: .whitespaces)), version > 0,
                      let bytes = decode(String(parts[1])) else {
                    throw KeyError(code: .corrupt, message: "\(versionedVariable): entry \(index + 1) is not <version>:<base64 of 32 bytes>")
                }
                keys.append((KeyInfo(version: version, created: nil), bytes))
            }
            return try MasterKeys(source: "$\(versionedVariable)", keys: keys, tokenKeyVersion: nil)
        }
        if let single = environment[singleVariable] {
            guard let bytes = decode(single) else {
                throw KeyError(code: .corrupt, message: "\(singleVariable) is not base64 of 32 bytes")
            }
            return try MasterKeys(source: "$\(singleVariable)", keys: [(KeyInfo(version: 1, created: nil), bytes)], tokenKeyVersion: nil)
        }
        throw KeyError(code: .missing, message: "neither \(versionedVariable) nor \(singleVariable) is set")
    }

    private static func decode(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)), data.count == 32 else { return nil }
        return Array(data)
    }
}

/// Chooses the key provider: an explicit keyring path (`--keyring`, then `$PHISCRUB_KEYRING`), then keys in the
/// environment (`$PHISCRUB_KEYS`, `$PHISCRUB_KEY`), then the default keyring path. Nothing falls back to running
/// without keys: a missing or broken source is an error.
public enum KeySource {
    public static func load(keyringPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            agePolicy: KeyAgePolicy? = nil,
                            warn: @escaping @Sendable (String) -> Void = { _ in }) throws(KeyError) -> any KeyProvider {
        if let keyringPath { return try KeyringFile.load(path: keyringPath, agePolicy: agePolicy, warn: warn) }
        if let path = environment["PHISCRUB_KEYRING"], !path.isEmpty {
            return try KeyringFile.load(path: path, agePolicy: agePolicy, warn: warn)
        }
        if EnvironmentKeys.isPresent(in: environment) { return try EnvironmentKeys.load(from: environment) }
        return try KeyringFile.load(path: KeyringFile.defaultPath(environment: environment), agePolicy: agePolicy, warn: warn)
    }
}
