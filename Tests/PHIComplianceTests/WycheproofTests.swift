import Foundation
import PHICompliance
import Testing

/// Wycheproof vectors (C2SP/wycheproof, Apache-2.0, copied unchanged into `Wycheproof/` from the team's shared
/// set): every `valid` vector must pass and every `invalid` one must be rejected. `acceptable` vectors are
/// checked only for not crashing.
@Suite struct WycheproofTests {
    struct Vector {
        let id: Int
        let result: String
        let fields: [String: Any]
        func hex(_ key: String) -> [UInt8] { Hex.decode(fields[key] as? String ?? "") ?? [] }
    }

    static func vectors(_ file: String) throws -> [(group: [String: Any], vector: Vector)] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Wycheproof/\(file)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var out: [([String: Any], Vector)] = []
        for group in json["testGroups"] as! [[String: Any]] {
            for test in group["tests"] as! [[String: Any]] {
                out.append((group, Vector(id: test["tcId"] as! Int, result: test["result"] as! String, fields: test)))
            }
        }
        return out
    }

    @Test func aesGCM() throws {
        let all = try Self.vectors("aes_gcm_test.json")
        #expect(all.count == 316)
        var checkedValid = 0, checkedInvalid = 0
        for (_, v) in all {
            let key = v.hex("key"), nonce = v.hex("iv"), aad = v.hex("aad"), msg = v.hex("msg")
            let box = AESGCM.SealedBox(nonce: nonce, ciphertext: v.hex("ct"), tag: v.hex("tag"))
            let opened = try? AESGCM.open(box, key: key, aad: aad)
            switch v.result {
            case "valid":
                #expect(opened == msg, "tcId \(v.id): valid vector did not decrypt")
                let sealed = try? AESGCM.encrypt(msg, key: key, nonce: nonce, aad: aad)
                #expect(sealed == box, "tcId \(v.id): encryption differs")
                checkedValid += 1
            case "invalid":
                #expect(opened == nil, "tcId \(v.id): invalid vector was accepted")
                checkedInvalid += 1
            default:
                break
            }
        }
        #expect(checkedValid == 229 && checkedInvalid == 87)
    }

    @Test func hmacSHA256() throws {
        let all = try Self.vectors("hmac_sha256_test.json")
        var valid = 0, invalid = 0
        for (group, v) in all {
            let tagBytes = (group["tagSize"] as! Int) / 8
            let key = v.hex("key"), msg = v.hex("msg"), tag = v.hex("tag")
            let ok = HMACSHA256.verify(tag: tag, key: key, message: msg)
            if v.result == "valid" {
                #expect(ok, "tcId \(v.id)")
                #expect(Array(HMACSHA256.mac(key: key, message: msg).prefix(tagBytes)) == tag, "tcId \(v.id)")
                valid += 1
            } else {
                #expect(!ok, "tcId \(v.id): modified tag accepted")
                invalid += 1
            }
        }
        #expect(valid == 66 && invalid == 108)
    }

    @Test func hkdfSHA256() throws {
        let all = try Self.vectors("hkdf_sha256_test.json")
        var valid = 0, invalid = 0
        for (_, v) in all {
            let size = v.fields["size"] as! Int
            let derived = try? HKDFSHA256.derive(ikm: v.hex("ikm"), salt: v.hex("salt"), info: v.hex("info"), length: size)
            if v.result == "valid" {
                #expect(derived == v.hex("okm"), "tcId \(v.id)")
                valid += 1
            } else {
                #expect(derived == nil, "tcId \(v.id): oversize output accepted")
                invalid += 1
            }
        }
        #expect(valid == 83 && invalid == 3)
    }

    @Test func sha256KnownAnswers() {
        #expect(Hex.encode(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var incremental = SHA256()
        incremental.update(Array("a".utf8))
        incremental.update(Array("bc".utf8))
        #expect(incremental.finalize() == SHA256.hash(Array("abc".utf8)))
    }

    @Test func sealUsesFreshNoncesAndRejectsOtherContexts() throws {
        let key = try SecureRandom.bytes(32)
        let a = try AESGCM.seal(Array("value".utf8), key: key, aad: Array("ctx:log".utf8))
        let b = try AESGCM.seal(Array("value".utf8), key: key, aad: Array("ctx:log".utf8))
        #expect(a.nonce.count == 12 && a.nonce != b.nonce && a.ciphertext != b.ciphertext)
        #expect(try AESGCM.open(a, key: key, aad: Array("ctx:log".utf8)) == Array("value".utf8))
        #expect(throws: CryptoError.self) { try AESGCM.open(a, key: key, aad: Array("ctx:prompt".utf8)) }
        #expect(throws: CryptoError.self) { try AESGCM.seal([1], key: Array(key.prefix(16)), aad: []) }
    }
}
