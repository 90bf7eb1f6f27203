import Foundation
import PHILock

/// What a derived key is for: a label the caller supplies and which master key version it follows. Each label
/// gets its own HKDF subkey (info `phiscrub/<label>/v<version>`), so a key used to sign audit records can never
/// decrypt a token and vice versa. This module defines the purposes it uses itself (`audit`, `fingerprint`); the
/// operators define theirs where they live (PHITransform: `token`, `date-shift`, `encrypt`), so key handling knows
/// nothing of operators.
public struct KeyPurpose: Sendable, Hashable, CustomStringConvertible {
    /// Which master key version a purpose uses when the caller names none.
    public enum Versioning: Sendable, Hashable {
        /// The pinned version (`KeyProvider.tokenKeyVersion`): the key stays the same across rotation, so what it
        /// derives (pseudonyms, fingerprints, date offsets) joins across runs.
        case pinned
        /// The newest version (`KeyProvider.activeVersion`), checked against the key age policy: new ciphertexts
        /// and signatures use it, older versions stay available by number.
        case newest
    }

    /// The HKDF label: lower-case letters, digits and `-`, 1-32 bytes.
    public let label: String
    public let versioning: Versioning

    /// A purpose. The label is part of the derivation: changing it changes every key derived for it.
    public init(label: String, versioning: Versioning) {
        precondition(Self.isValid(label), "a key purpose label is 1-32 lower-case letters, digits and '-'")
        self.label = label
        self.versioning = versioning
    }

    static func isValid(_ label: String) -> Bool {
        (1...32).contains(label.utf8.count)
            && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// The label, as messages name the purpose.
    public var rawValue: String { label }
    public var description: String { label }

    /// HMAC-SHA256 signatures on audit records.
    public static let audit = KeyPurpose(label: "audit", versioning: .newest)
    /// HMAC-SHA256 fingerprints of findings that stay the same across runs (`--fingerprint-key keyring`).
    public static let fingerprint = KeyPurpose(label: "fingerprint", versioning: .pinned)
}

/// A 32-byte subkey for one purpose, derived from one master key version.
public struct DerivedKey: Sendable {
    public let purpose: KeyPurpose
    public let version: Int
    public let bytes: [UInt8]
}

/// Public facts about one master key version (never its bytes).
public struct KeyInfo: Sendable, Equatable {
    public let version: Int
    /// When the key was made; nil for keys from the environment, which carry no date.
    public let created: Date?

    /// Whole days since `created`, or nil when unknown.
    public func ageDays(now: Date = Date()) -> Int? {
        created.map { Int(now.timeIntervalSince($0) / 86_400) }
    }
}

/// What to do when the newest key is older than the maximum age.
public struct KeyAgePolicy: Sendable, Equatable {
    /// Refuse new work with an expired key, or only warn.
    public enum Action: String, Sendable { case refuse, warn }
    public var maxAgeDays: Int
    public var onExpired: Action

    public init(maxAgeDays: Int = 90, onExpired: Action = .warn) {
        self.maxAgeDays = maxAgeDays
        self.onExpired = onExpired
    }
}

/// A source of versioned master keys and the per-purpose subkeys derived from them.
///
/// New work (encrypting, signing audit records) uses the newest version; old versions stay available so old
/// ciphertexts still decrypt and old audit records still verify. Tokens and date shifts use a pinned version
/// (`tokenKeyVersion`) so pseudonyms stay stable across rotation.
public protocol KeyProvider: Sendable {
    /// Where the keys came from, for messages (a path or an environment variable name).
    var sourceDescription: String { get }
    /// The newest version: what new encryptions and audit signatures use.
    var activeVersion: Int { get }
    /// The version tokens and date shifts are derived from.
    var tokenKeyVersion: Int { get }
    /// Every version held, oldest first.
    var versions: [KeyInfo] { get }
    /// The subkey for `purpose` from `version`, or from the version that purpose uses by default when nil.
    func subkey(_ purpose: KeyPurpose, version: Int?) throws(KeyError) -> DerivedKey
}

/// Master keys held in memory, shared by the keyring file and environment providers.
public final class MasterKeys: KeyProvider, @unchecked Sendable {
    public let sourceDescription: String
    public let activeVersion: Int
    public let tokenKeyVersion: Int
    public let versions: [KeyInfo]
    /// Maximum age of the active key for new work.
    public let agePolicy: KeyAgePolicy?
    private let material: [Int: [UInt8]]
    /// Called once per provider with a warning when the active key is past its age and the policy warns.
    private let warn: @Sendable (String) -> Void
    private let warnedOnce = WarnOnce()
    /// Derived subkeys are cached per (purpose, version); HKDF is cheap but not free.
    private let cache = SubkeyCache()

    /// Why `key` cannot be a secret, or nil: all bytes alike, fewer than 16 distinct byte values (a random 32-byte
    /// key has about 30; 15 or fewer happens with probability below 10^-20), or a constant step (0, 1, 2, ...).
    /// Never says anything about the bytes themselves.
    public static func degenerate(_ key: [UInt8]) -> String? {
        guard let first = key.first else { return "is empty" }
        if key.allSatisfy({ $0 == first }) { return "has every byte the same" }
        if Set(key).count < 16 { return "has fewer than 16 distinct byte values" }
        if key.count > 2 {
            let step = key[1] &- key[0]
            if zip(key.dropFirst(), key).allSatisfy({ $0 &- $1 == step }) { return "is a counting sequence" }
        }
        return nil
    }

    /// Keys must be 32 bytes each, not degenerate; versions unique. Immutable after init.
    public init(source: String, keys: [(info: KeyInfo, bytes: [UInt8])], tokenKeyVersion: Int?,
                agePolicy: KeyAgePolicy? = nil, warn: @escaping @Sendable (String) -> Void = { _ in }) throws(KeyError) {
        guard !keys.isEmpty else { throw KeyError(code: .missing, message: "\(source) holds no keys") }
        var material: [Int: [UInt8]] = [:]
        for k in keys {
            guard k.bytes.count == 32 else {
                throw KeyError(code: .corrupt, message: "\(source): key version \(k.info.version) is not 32 bytes")
            }
            if let problem = MasterKeys.degenerate(k.bytes) {
                throw KeyError(code: .corrupt, message: "\(source): key version \(k.info.version) \(problem); refusing a key "
                    + "with no entropy. Make one with `phiscrub keys init` or `openssl rand -base64 32`")
            }
            guard material[k.info.version] == nil else {
                throw KeyError(code: .corrupt, message: "\(source): key version \(k.info.version) appears twice")
            }
            material[k.info.version] = k.bytes
        }
        let sorted = keys.map(\.info).sorted { $0.version < $1.version }
        let pinned = tokenKeyVersion ?? sorted[0].version
        guard material[pinned] != nil else {
            throw KeyError(code: .corrupt, message: "\(source): token key version \(pinned) is not in the keyring")
        }
        self.sourceDescription = source
        self.versions = sorted
        self.activeVersion = sorted.last!.version
        self.tokenKeyVersion = pinned
        self.material = material
        self.agePolicy = agePolicy
        self.warn = warn
    }

    public func subkey(_ purpose: KeyPurpose, version: Int?) throws(KeyError) -> DerivedKey {
        let chosen: Int
        if let version {
            chosen = version
        } else {
            switch purpose.versioning {
            case .pinned: chosen = tokenKeyVersion
            case .newest:
                chosen = activeVersion
                try checkAge()
            }
        }
        guard let master = material[chosen] else {
            throw KeyError(code: .unknownVersion, message: "key version \(chosen) is not in \(sourceDescription)")
        }
        if let hit = cache.get(purpose, chosen) { return DerivedKey(purpose: purpose, version: chosen, bytes: hit) }
        let bytes: [UInt8]
        do {
            bytes = try HKDFSHA256.derive(ikm: master, salt: Array("phiscrub-subkey-v1".utf8),
                                          info: Array("phiscrub/\(purpose.label)/v\(chosen)".utf8), length: 32)
        } catch {
            throw KeyError(code: .crypto, message: "could not derive the \(purpose.label) key: \(error.message)")
        }
        cache.put(purpose, chosen, bytes)
        return DerivedKey(purpose: purpose, version: chosen, bytes: bytes)
    }

    private func checkAge() throws(KeyError) {
        guard let policy = agePolicy, let info = versions.last, let age = info.ageDays(), age > policy.maxAgeDays else { return }
        let text = "key version \(info.version) in \(sourceDescription) is \(age) days old (maximum \(policy.maxAgeDays)); "
            + "run `phiscrub keys rotate`"
        switch policy.onExpired {
        case .refuse: throw KeyError(code: .expired, message: text)
        case .warn: if warnedOnce.first() { warn(text) }
        }
    }
}

private final class SubkeyCache: @unchecked Sendable {
    private let lock = Lock()
    private var keys: [String: [UInt8]] = [:]
    func get(_ p: KeyPurpose, _ v: Int) -> [UInt8]? { lock.withLock { keys["\(p.label)/\(v)"] } }
    func put(_ p: KeyPurpose, _ v: Int, _ bytes: [UInt8]) { lock.withLock { keys["\(p.label)/\(v)"] = bytes } }
}

private final class WarnOnce: @unchecked Sendable {
    private let lock = Lock()
    private var done = false
    func first() -> Bool { lock.withLock { defer { done = true }; return !done } }
}
