import Foundation
import PHICompliance
import PHIScrub
import PHITransform
import Testing

// The service's reveal op and its gating of scan/redact/transform by role, over the example configuration.

@Suite struct ServiceRevealTests {
    @Test func revealNeedsReadPHIAndIsAudited() throws {
        let h = try MiddlewareHarness()
        let svc = PHIService(scrubber: h.host.scrubber, keys: h.keys, middleware: h.host)
        var t = ServiceOptions()
        t.defaultOperator = "encrypt"
        t.context = "tool_output"
        let enc = svc.handle(ServiceRequest(id: .int(1), op: .transform, options: t, text: "SSN 365-94-0475, phone (312) 555-0134"))
        let encrypted = try #require(enc.string)
        #expect(encrypted.contains("[ENC:SSN:"))

        // clinician has read_phi in the example: phone allowed (masked view), SSN excluded (redacted).
        var o = ServiceOptions()
        o.role = "clinician"
        o.context = "tool_output"
        let r = svc.handle(ServiceRequest(id: .int(2), op: .reveal, options: o, text: encrypted))
        #expect(r.error == nil)
        let shown = try #require(r.string)
        #expect(!shown.contains("[ENC:"))
        #expect(!shown.contains("365-94-0475"))
        #expect(shown.contains("0134"))

        // billing lacks read_phi: refused, audited, nothing decrypted.
        o.role = "billing"
        let denied = svc.handle(ServiceRequest(id: .int(3), op: .reveal, options: o, text: encrypted))
        #expect(denied.error?.code == .forbidden)
        #expect(denied.text == nil)
        // Another context: the tokens do not authenticate and stay encrypted.
        o.role = "clinician"
        o.context = "agent_memory"
        let other = svc.handle(ServiceRequest(id: .int(4), op: .reveal, options: o, text: encrypted))
        #expect(other.string == encrypted)

        let events = try h.events()
        #expect(events.contains("reveal"))
        #expect(events.contains("access_denied"))
        #expect(h.verifies())
        #expect(try !String(contentsOfFile: h.config.audit.directory + "/" + AuditFiles.segmentName(1), encoding: .utf8).contains("365-94-0475"))
    }

    @Test func revealWithoutAConfigurationOrRole() throws {
        let plain = PHIService(scrubber: sharedServiceScrubber)
        #expect(plain.handle(ServiceRequest(id: .none, op: .reveal, text: "x")).error?.code == .notConfigured)
        let h = try MiddlewareHarness()
        let svc = PHIService(scrubber: h.host.scrubber, keys: h.keys, middleware: h.host)
        #expect(svc.handle(ServiceRequest(id: .none, op: .reveal, text: "x")).error?.code == .invalidOption)
    }

    @Test func anUnknownRoleGetsNothingFromScanRedactTransform() throws {
        let h = try MiddlewareHarness()
        let svc = PHIService(scrubber: h.host.scrubber, keys: h.keys, middleware: h.host)
        var o = ServiceOptions()
        o.role = "intruder"
        for op in [ServiceOperation.scan, .redact, .transform] {
            let r = svc.handle(ServiceRequest(id: .none, op: op, options: o, text: "SSN 365-94-0475"))
            #expect(r.error?.code == .forbidden)
            #expect(r.text == nil && r.findings == nil)
        }
        o.role = "support"
        #expect(svc.handle(ServiceRequest(id: .none, op: .redact, options: o, text: "SSN 365-94-0475")).string == "SSN [SSN]")
        #expect(svc.handle(ServiceRequest(id: .none, op: .redact, text: "SSN 365-94-0475")).string == "SSN [SSN]")
        #expect(try h.events().filter { $0 == "access_denied" }.count == 3)
        #expect(h.verifies())
    }

    @Test func theWireKnowsRevealAndForbidden() {
        guard case .success(let r) = ServiceCodec.decode(Array(#"{"id":1,"op":"reveal","text":"x","options":{"role":"r"}}"#.utf8)) else {
            Issue.record("reveal does not decode")
            return
        }
        #expect(r.op == .reveal)
        let line = String(decoding: ServiceCodec.encode(ServiceResponse(id: .int(1), error: ServiceError(.forbidden, "no"))), as: UTF8.self)
        #expect(line.contains(#""code":"forbidden""#))
    }
}
