/// phiscrub's entity names and Presidio's, both ways.
///
/// Presidio clients (LiteLLM's guardrail, anything written against Presidio's analyzer) filter and configure
/// operators by Presidio's names (`US_SSN`, `PERSON`, `PHONE_NUMBER`, ...). `/analyze` answers with them, and a
/// request's `entities` list may use either spelling. Entities Presidio has no name for keep phiscrub's (`MRN`,
/// `NPI`, `MBI`, `HEALTH_PLAN`, `AGE`, ...), as a Presidio deployment with custom recognizers would.
public enum PresidioEntities {
    /// phiscrub entity -> Presidio entity.
    public static let toPresidio: [String: String] = [
        "NAME": "PERSON",
        "PHONE": "PHONE_NUMBER",
        "FAX": "PHONE_NUMBER",
        "EMAIL": "EMAIL_ADDRESS",
        "SSN": "US_SSN",
        "CARD": "CREDIT_CARD",
        "CREDIT_CARD": "CREDIT_CARD",
        "IP": "IP_ADDRESS",
        "IP_ADDRESS": "IP_ADDRESS",
        "DATE": "DATE_TIME",
        "ADDRESS": "LOCATION",
        "CITY": "LOCATION",
        "ZIP": "LOCATION",
        "URL": "URL",
        "IBAN": "IBAN_CODE",
        "LICENSE": "US_DRIVER_LICENSE",
        "ACCOUNT": "US_BANK_NUMBER",
        "DEA": "MEDICAL_LICENSE",
        "MAC_ADDRESS": "MAC_ADDRESS",
    ]

    /// Presidio entity -> the phiscrub entities it covers.
    public static let fromPresidio: [String: Set<String>] = {
        var m: [String: Set<String>] = [:]
        for (ours, theirs) in toPresidio { m[theirs, default: []].insert(ours) }
        return m
    }()

    /// The Presidio name of a phiscrub entity (its own name when Presidio has none).
    public static func presidioName(_ entity: String) -> String { toPresidio[entity] ?? entity }

    /// The phiscrub entities a requested name (Presidio's or phiscrub's spelling) selects.
    public static func phiscrubEntities(_ name: String) -> Set<String> {
        var s = fromPresidio[name] ?? []
        s.insert(name)
        return s
    }
}

/// Offsets between UTF-8 bytes (phiscrub's findings) and Unicode code points (Presidio's offsets: Python `str`
/// indices).
public enum CodePointOffsets {
    /// The code point index of each byte offset in `offsets` (ascending or not), over `text`.
    public static func codePoints(of offsets: [Int], in text: [UInt8]) -> [Int] {
        let order = offsets.indices.sorted { offsets[$0] < offsets[$1] }
        var out = [Int](repeating: 0, count: offsets.count)
        var byte = 0
        var points = 0
        text.withUnsafeBufferPointer { buf in
            for i in order {
                let target = min(offsets[i], buf.count)
                while byte < target {
                    if buf[byte] & 0xC0 != 0x80 { points += 1 }
                    byte += 1
                }
                out[i] = points
            }
        }
        return out
    }
}
