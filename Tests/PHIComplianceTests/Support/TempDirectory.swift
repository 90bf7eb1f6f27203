import Foundation
import PHICompliance

/// A fresh temporary directory removed at the end of the test (clearing any append-only flags first).
final class TempDirectory {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("phiscrub-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit {
        if let e = FileManager.default.enumerator(atPath: path) {
            for case let name as String in e { _ = AppendOnlyFlag.clear(path: file(name)) }
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Audit settings for tests: a directory in `dir`, no OS append-only flag (tests edit the files), periodic sync.
func testAuditSettings(_ dir: TempDirectory, maxSegmentBytes: Int = 1 << 20) -> AuditSettings {
    var s = AuditSettings()
    s.directory = dir.file("audit")
    s.osAppendOnly = false
    s.maxSegmentBytes = maxSegmentBytes
    s.rotateDaily = false
    return s
}

let testAuditKey: [UInt8] = Array(0..<32)
let testAuditKey2: [UInt8] = Array(100..<132)

func testKeys(_ version: Int) -> [UInt8]? {
    switch version {
    case 1: return testAuditKey
    case 2: return testAuditKey2
    default: return nil
    }
}
