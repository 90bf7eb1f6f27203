import Foundation
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform
import Testing

/// A service made from one parse of phiscrub.yaml: its transform: section is the operators' default, and the
/// middleware ops answer with the configuration's roles.
@Suite struct ServiceConfigurationTests {
    let keys = try! EnvironmentKeys.load(from: ["PHISCRUB_KEY": "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="])

    @Test func theTransformSectionOfTheOneParseIsTheDefaultPolicy() throws {
        let config = try ConfigFile.parse(ConfigFile.exampleText, file: "phiscrub.yaml")
        let service = try PHIService(scrubber: try Scrubber.withDefaultRules(), keys: keys, config: config, audit: nil)
        #expect(service.basePolicy == (try TransformPolicy(config: config)))
        #expect(service.basePolicy.entityActions["SSN"] == .token, "the example maps SSN to token")
        #expect(service.middleware != nil)
        // transform with no operator of its own uses the configuration's: the SSN becomes a token.
        let r = service.handle(ServiceRequest(id: .int(1), op: .transform, text: "SSN 365-94-0475 on file"))
        #expect(r.error == nil)
        #expect(r.string?.contains("[SSN:tok:") == true, "\(r.string ?? "")")
        // A middleware op runs with the configuration's roles.
        var o = ServiceOptions()
        o.role = "clinician"
        o.tool = "ehr_lookup"
        let call = service.handle(ServiceRequest(id: .int(2), op: .toolOutput, options: o, text: "SSN 365-94-0475"))
        #expect(call.error == nil && call.allowed == true)
        #expect(call.string?.contains("365-94-0475") == false, "the role may not see SSNs")
    }

    @Test func flagsOverTheConfigurationWin() throws {
        let config = try ConfigFile.parse(ConfigFile.exampleText, file: "phiscrub.yaml")
        let service = try PHIService(scrubber: try Scrubber.withDefaultRules(), keys: keys, config: config, audit: nil,
                                     basePolicy: TransformPolicy(defaultAction: .mask))
        let r = service.handle(ServiceRequest(id: .int(1), op: .transform, text: "SSN 365-94-0475 on file"))
        #expect(r.string == "SSN ***-**-0475 on file")
    }
}
