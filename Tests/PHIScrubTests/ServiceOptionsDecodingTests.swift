import PHIScrub
import Testing

// `ServiceCodec.decodeOptions`: the wire's `options` object alone, as the C ABI (PHIScrubC) passes it.

@Suite("Service options decoding")
struct ServiceOptionsDecodingTests {
    func decode(_ json: String) -> Result<ServiceOptions, ServiceError> {
        ServiceCodec.decodeOptions(Array(json.utf8))
    }

    @Test func everyOptionAsInARequestLine() throws {
        let o = try decode(#" {"operator": "mask", "operators": {"SSN": "token"}, "min_confidence": 0.5, "context": "prompt", "subject": "p-1", "mask_keep": 2, "role": "clinician", "agent": "a", "user": "u", "tool": "t", "provider": "p", "region": "r", "json": true, "key": "k", "findings": false, "fingerprints": true, "view_role": "v"}"#).get()
        #expect(o.defaultOperator == "mask" && o.operators == ["SSN": "token"] && o.minConfidence == 0.5)
        #expect(o.context == "prompt" && o.subject == "p-1" && o.maskKeep == 2 && o.role == "clinician")
        #expect(o.agent == "a" && o.user == "u" && o.tool == "t" && o.provider == "p" && o.region == "r")
        #expect(o.json == true && o.key == "k" && o.findings == false && o.fingerprints == true && o.viewRole == "v")
        #expect(try decode("{}").get() == ServiceOptions())
    }

    @Test func badOptionsAreTypedErrorsThatDoNotQuoteThem() {
        for (json, fragment) in [
            (#"{"min_confidence": "high"}"#, "options.min_confidence"),
            (#"{"365-94-0475": 1}"#, "unknown option"),
            (#"{"role": 5}"#, "options.role must be a string"),
            ("[1]", "not one JSON object"),
            ("365-94-0475", "not one JSON object"),
            (#"{"role": "x"}, "op": "reveal""#, "not one JSON object"),
            (#"{}, "text": "365-94-0475""#, "not one JSON object"),
            (#"{"role": "x"}}{"#, "not one JSON object"),
            ("", "not one JSON object"),
        ] {
            guard case .failure(let e) = decode(json) else {
                Issue.record("\(json) was accepted")
                continue
            }
            #expect(e.code == .invalidOption, "\(json)")
            #expect(e.message.contains(fragment), "\(json): \(e.message)")
            #expect(!e.message.contains("365-94"), "\(json): \(e.message)")
        }
    }
}
