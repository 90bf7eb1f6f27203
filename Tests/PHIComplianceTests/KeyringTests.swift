import Foundation
import PHICompliance
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Purposes as a caller declares them (PHITransform declares its operators' purposes the same way): key handling
/// derives by label and follows the version rule, knowing nothing of what the key is for.
let pinnedPurpose = KeyPurpose(label: "test-pinned", versioning: .pinned)
let newestPurpose = KeyPurpose(label: "test-newest", versioning: .newest)

/// A fresh private directory per test.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "phiscrub-keys-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct KeyringTests {
    @Test func createLoadRotateKeepsOldVersionsAndPinsTokens() throws {
        let path = temporaryDirectory() + "/keyring.json"
        try KeyringFile.create(path: path)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let first = try KeyringFile.load(path: path)
        #expect(first.activeVersion == 1 && first.tokenKeyVersion == 1)
        let token1 = try first.subkey(pinnedPurpose, version: nil).bytes
        let encrypt1 = try first.subkey(newestPurpose, version: nil).bytes

        try KeyringFile.rotate(path: path)
        let second = try KeyringFile.load(path: path)
        #expect(second.versions.map(\.version) == [1, 2])
        #expect(second.activeVersion == 2)
        #expect(try second.subkey(pinnedPurpose, version: nil).bytes == token1, "tokens stay stable across rotation")
        #expect(try second.subkey(newestPurpose, version: 1).bytes == encrypt1, "old versions still decrypt")
        #expect(try second.subkey(newestPurpose, version: nil).bytes != encrypt1)

        try KeyringFile.rotate(path: path, rekeyTokens: true)
        #expect(try KeyringFile.load(path: path).subkey(pinnedPurpose, version: nil).bytes != token1)
        #expect(throws: KeyError.self) { try KeyringFile.create(path: path) }
    }

    @Test func subkeysDifferPerPurpose() throws {
        let path = temporaryDirectory() + "/k.json"
        try KeyringFile.create(path: path)
        let keys = try KeyringFile.load(path: path)
        let purposes: [KeyPurpose] = [.audit, .fingerprint, pinnedPurpose, newestPurpose,
                                      KeyPurpose(label: "token", versioning: .pinned)]
        let all = try purposes.map { try keys.subkey($0, version: nil).bytes }
        #expect(Set(all).count == purposes.count)
        #expect(all.allSatisfy { $0.count == 32 })
        // The label alone decides the key: the same label gives the same key whatever else the caller says.
        #expect(try keys.subkey(KeyPurpose(label: "test-pinned", versioning: .newest), version: 1).bytes
                == keys.subkey(pinnedPurpose, version: 1).bytes)
    }

    @Test func derivationIsHKDFOverTheLabel() throws {
        // A known answer: master key bytes 0...31 shuffled (not degenerate), label "token", version 1. Tokens,
        // shifts and ciphertexts made before purposes became labels keep their keys.
        let master: [UInt8] = (0..<32).map { UInt8(($0 * 7 + 3) % 32) * 5 }
        let keys = try EnvironmentKeys.load(from: ["PHISCRUB_KEY": "DzJVeJseQWSHCi1Qc5YZPF+CBShLbpEUN1p9ACNGaYw="])
        #expect(Data(base64Encoded: "DzJVeJseQWSHCi1Qc5YZPF+CBShLbpEUN1p9ACNGaYw=").map { Array($0) } == master)
        let expected = try HKDFSHA256.derive(ikm: master, salt: Array("phiscrub-subkey-v1".utf8),
                                             info: Array("phiscrub/token/v1".utf8), length: 32)
        #expect(try keys.subkey(KeyPurpose(label: "token", versioning: .pinned), version: nil).bytes == expected)
    }

    @Test func refusesKeyringsOthersCanRead() throws {
        let path = temporaryDirectory() + "/k.json"
        try KeyringFile.create(path: path)
        for mode: mode_t in [0o644, 0o640, 0o604, 0o660, 0o602] {
            chmod(path, mode)
            let error = #expect(throws: KeyError.self) { try KeyringFile.load(path: path) }
            #expect(error?.code == .insecurePermissions && error?.message.contains("chmod 600") == true)
        }
    }

    @Test func corruptKeyringsFailClosed() throws {
        let path = temporaryDirectory() + "/k.json"
        try KeyringFile.create(path: path)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        // Flip one character of the key material: the integrity check catches it.
        let range = original.range(of: "\"material\" : \"")!
        var flipped = original
        let index = range.upperBound
        flipped.replaceSubrange(index...index, with: original[index] == "A" ? "B" : "A")
        for bad in [flipped, "{", "", "[]", original.replacingOccurrences(of: "phiscrub-keyring", with: "other")] {
            try bad.write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o600)
            let error = #expect(throws: KeyError.self) { try KeyringFile.load(path: path) }
            #expect(error?.code == .corrupt)
        }
    }

    @Test func missingKeysAreAnErrorNotAFallback() {
        let environment = ["HOME": temporaryDirectory()]
        let error = #expect(throws: KeyError.self) { try KeySource.load(keyringPath: nil, environment: environment) }
        #expect(error?.code == .missing)
        #expect(error?.message.contains("phiscrub keys init") == true)
    }

    @Test func environmentKeys() throws {
        let a = Data(try SecureRandom.bytes(32)).base64EncodedString()
        let b = Data(try SecureRandom.bytes(32)).base64EncodedString()
        let keys = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEYS": "1:\(a),2:\(b)"])
        #expect(keys.activeVersion == 2 && keys.tokenKeyVersion == 1)
        #expect(keys.versions.allSatisfy { $0.created == nil })
        let single = try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEY": a])
        #expect(try single.subkey(pinnedPurpose, version: nil).bytes == keys.subkey(pinnedPurpose, version: nil).bytes)
        for bad in ["1:notbase64", "x:\(a)", "1:\(a),1:\(b)", "1:" + Data([1, 2, 3]).base64EncodedString()] {
            let error = #expect(throws: KeyError.self) { try KeySource.load(keyringPath: nil, environment: ["PHISCRUB_KEYS": bad]) }
            #expect(error?.message.contains(a) == false, "errors never echo key text")
        }
    }

    @Test func maximumAgeRefusesOrWarns() throws {
        let path = temporaryDirectory() + "/k.json"
        try KeyringFile.create(path: path, now: Date().addingTimeInterval(-100 * 86_400))
        let refusing = try KeyringFile.load(path: path, agePolicy: KeyAgePolicy(maxAgeDays: 90, onExpired: .refuse))
        let error = #expect(throws: KeyError.self) { try refusing.subkey(newestPurpose, version: nil) }
        #expect(error?.code == .expired)
        // Explicit old versions (decryption) are always allowed.
        #expect(throws: Never.self) { try refusing.subkey(newestPurpose, version: 1) }
        let warnings = WarningSink()
        let warning = try KeyringFile.load(path: path, agePolicy: KeyAgePolicy(maxAgeDays: 90, onExpired: .warn),
                                           warn: { warnings.add($0) })
        _ = try warning.subkey(newestPurpose, version: nil)
        _ = try warning.subkey(.audit, version: nil)
        #expect(warnings.messages.count == 1)
        #expect(warnings.messages.first?.contains("100 days old") == true)
        try KeyringFile.rotate(path: path)
        #expect(throws: Never.self) {
            try KeyringFile.load(path: path, agePolicy: KeyAgePolicy(maxAgeDays: 90, onExpired: .refuse)).subkey(newestPurpose, version: nil)
        }
    }
}

final class WarningSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ s: String) { lock.withLock { stored.append(s) } }
    var messages: [String] { lock.withLock { stored } }

    /// Issue 13: an all-zero or otherwise degenerate `PHISCRUB_KEY` was accepted, so every token and encryption was
    /// made under a key anyone can guess.
    @Test func degenerateKeysAreRefused() throws {
        let degenerate: [[UInt8]] = [
            [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0x41, count: 32), (0..<32).map { UInt8($0) },
            (0..<32).map { UInt8(255 - $0 * 3) }, (0..<32).map { UInt8($0 % 8) },
        ]
        for key in degenerate {
            let text = Data(key).base64EncodedString()
            for env in [["PHISCRUB_KEY": text], ["PHISCRUB_KEYS": "1:\(try Data(SecureRandom.bytes(32)).base64EncodedString()),2:\(text)"]] {
                let error = #expect(throws: KeyError.self) { try KeySource.load(keyringPath: nil, environment: env) }
                #expect(error?.code == .corrupt)
                #expect(error?.message.contains("entropy") == true)
                #expect(error?.message.contains(text) == false)
            }
        }
        for _ in 0..<1000 {
            let key = try SecureRandom.bytes(32)
            #expect(MasterKeys.degenerate(key) == nil)
        }
    }
}
