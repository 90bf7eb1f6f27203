import Testing
@testable import PHICompliance

@Suite struct AccessPolicyTests {
    let policy: AccessPolicy

    init() throws {
        policy = AccessPolicy(config: try ConfigLoader.parse(ExampleConfig.text, file: "phiscrub.yaml"))
    }

    @Test func unknownRoleIsDeniedEverything() {
        #expect(policy.mayCallTool(role: "intruder", tool: "ehr_lookup").denial == .unknownRole)
        #expect(policy.mayReach(role: "intruder", endpoint: "https://kb.example.com/a").denial == .unknownRole)
        #expect(policy.check(role: "intruder", permission: .readPHI).denial == .unknownRole)
        for entity in ["SSN", "NAME", "DATE"] {
            #expect(policy.view(role: "intruder", entity: entity, category: nil) == .redacted)
        }
    }

    @Test func toolsOutsideTheRoleListAreDenied() {
        #expect(policy.mayCallTool(role: "clinician", tool: "ehr_lookup").isAllowed)
        #expect(policy.mayCallTool(role: "clinician", tool: "invoice_lookup").denial == .toolNotAllowed)
        #expect(policy.mayCallTool(role: "billing", tool: "ehr_lookup").denial == .toolNotAllowed)
        let noToolCall = AccessPolicy(roles: [Role(name: "viewer", permissions: [.readPHI], allowedTools: ["x"])])
        #expect(noToolCall.mayCallTool(role: "viewer", tool: "x").denial == .missingPermission)
    }

    @Test func endpointsNeedExternalAPIAndAListedPrefixOrHost() {
        #expect(policy.mayReach(role: "support", endpoint: "https://kb.example.com/articles/1").isAllowed)
        #expect(policy.mayReach(role: "support", endpoint: "https://kb.example.com.evil.example/").denial == .endpointNotAllowed)
        #expect(policy.mayReach(role: "clinician", endpoint: "https://kb.example.com/").denial == .missingPermission)
        let byHost = AccessPolicy(roles: [Role(name: "r", permissions: [.externalAPI], allowedEndpoints: ["api.example.org"])])
        #expect(byHost.mayReach(role: "r", endpoint: "https://API.example.org:8443/v1").isAllowed)
        #expect(byHost.mayReach(role: "r", endpoint: "https://example.org/").denial == .endpointNotAllowed)
    }

    @Test func whatARoleSeesOfEachEntity() {
        // clinician: allowed names, dates, medical_record (token), telephone (masked); excluded ssn, account.
        #expect(policy.view(role: "clinician", entity: "NAME", category: "names") == .clear)
        #expect(policy.view(role: "clinician", entity: "DATE", category: "dates") == .clear)
        #expect(policy.view(role: "clinician", entity: "MRN", category: "medical_record") == .token)
        #expect(policy.view(role: "clinician", entity: "PHONE", category: "telephone") == .masked)
        #expect(policy.view(role: "clinician", entity: "SSN", category: "ssn") == .redacted)
        #expect(policy.view(role: "clinician", entity: "EMAIL", category: "email") == .redacted)  // not listed
        // billing has no read_phi: listed PHI is masked or tokenised, never clear.
        #expect(policy.view(role: "billing", entity: "ACCOUNT", category: "account") == .masked)
        #expect(policy.view(role: "billing", entity: "HEALTH_PLAN", category: "health_plan") == .token)
        #expect(policy.view(role: "billing", entity: "NAME", category: "names") == .redacted)
        #expect(policy.view(role: "support", entity: "NAME", category: "names") == .redacted)
    }

    @Test func entityNamesOverrideCategoriesAndExclusionWins() {
        let p = AccessPolicy(roles: [Role(name: "r", permissions: [.readPHI], phiAllowed: ["dates", "SSN"],
                                          phiExcluded: ["AGE"], views: ["dates": .masked, "DATE": .token])])
        #expect(p.view(role: "r", entity: "DATE", category: "dates") == .token)
        #expect(p.view(role: "r", entity: "AGE", category: "dates") == .redacted)
        #expect(p.view(role: "r", entity: "SSN", category: "ssn") == .clear)
        let noReadPHI = AccessPolicy(roles: [Role(name: "r", permissions: [], phiAllowed: ["*"])])
        #expect(noReadPHI.view(role: "r", entity: "SSN", category: "ssn") == .token)
    }

    @Test func sessionLimitsAreEnforced() {
        let limits = SessionLimits(maxTokens: 100, maxToolCalls: 2, maxMinutes: 1)
        let start = Date(timeIntervalSince1970: 1_000_000)
        var usage = SessionUsage(started: start)
        #expect(usage.check(limits, role: "r", addingTokens: 100, toolCall: true, now: start).isAllowed)
        usage.tokens = 90
        #expect(usage.check(limits, role: "r", addingTokens: 11, now: start).denial == .sessionLimit)
        usage.toolCalls = 2
        #expect(usage.check(limits, role: "r", toolCall: true, now: start).denial == .sessionLimit)
        #expect(usage.check(limits, role: "r", now: start.addingTimeInterval(61)).denial == .sessionLimit)
    }
}

import Foundation
