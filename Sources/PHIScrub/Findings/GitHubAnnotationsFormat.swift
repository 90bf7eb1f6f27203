import PHIScan

/// GitHub Actions workflow commands, one line per finding: `::warning file=F,line=L,col=C,title=T::M`. Printed by
/// a step of a workflow, each becomes an annotation on the file and line in the run's summary and the pull
/// request's diff (`phiscrub scan --format github src/fixtures`). The message names the entity, rule, confidence
/// and the value's keyed fingerprint; never the value.
///
/// Property values escape `%`, CR, LF, `:` and `,`; the message escapes `%`, CR and LF, as GitHub's own toolkit
/// does, so a file name cannot end the command early or add a property.
public struct GitHubAnnotationsFormat: FindingsFormat {
    public init() {}

    public func append(_ r: FindingRecord, to out: inout [UInt8]) {
        let f = r.finding
        out.append(contentsOf: "::warning file=".utf8)
        Self.escape(r.file == "-" ? "stdin" : r.file, property: true, to: &out)
        out.append(contentsOf: ",line=\(r.line),col=\(r.column),title=".utf8)
        Self.escape("PHI: \(f.entity)", property: true, to: &out)
        out.append(contentsOf: "::".utf8)
        Self.escape("\(f.entity) found by rule \(f.ruleID) (confidence \(JSONWriter.number(f.confidence)), "
                    + "\(f.length) bytes, fingerprint \(r.fingerprint))", property: false, to: &out)
        out.append(0x0A)
    }

    /// `text` with the bytes that would end a workflow command (or, in a property, its value) percent-encoded.
    static func escape(_ text: String, property: Bool, to out: inout [UInt8]) {
        for b in text.utf8 {
            switch b {
            case 0x25: out.append(contentsOf: "%25".utf8)
            case 0x0D: out.append(contentsOf: "%0D".utf8)
            case 0x0A: out.append(contentsOf: "%0A".utf8)
            case 0x3A where property: out.append(contentsOf: "%3A".utf8)
            case 0x2C where property: out.append(contentsOf: "%2C".utf8)
            default: out.append(b)
            }
        }
    }
}
