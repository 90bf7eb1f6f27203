/// The answer to a residency or BAA question.
public struct ResidencyDecision: Sendable, Equatable {
    public enum Action: String, Sendable, Equatable {
        /// Go ahead.
        case allow
        /// Go ahead, but record a `residency_violation` (policy `log_only` or mode `permissive`).
        case allowLogged = "allow_logged"
        /// Send only after every PHI finding is redacted (provider without a BAA, `phi_without_baa: redact`).
        case redactFirst = "redact_first"
        /// Refuse and raise a breach alert.
        case block
    }

    public var action: Action
    /// Why (names regions, categories and providers; never data).
    public var reason: String
    /// A residency rule was broken (as opposed to a BAA redaction, which is the policy working as intended).
    public var isViolation: Bool

    public var proceeds: Bool { action != .block }
}

/// Checks a destination before a write or a model call: allowed regions per data category, and which inference
/// providers may receive PHI.
public struct ResidencyPolicy: Sendable {
    public let settings: ResidencySettings

    public init(settings: ResidencySettings) { self.settings = settings }

    func violation(_ reason: String) -> ResidencyDecision {
        if settings.mode == .strict && settings.onViolation == .blockAndAlert {
            return ResidencyDecision(action: .block, reason: reason, isViolation: true)
        }
        return ResidencyDecision(action: .allowLogged, reason: reason, isViolation: true)
    }

    /// May data of `category` be written to `region`?
    public func checkWrite(category: DataCategory, region: String) -> ResidencyDecision {
        let allowed = settings.allowedRegions(category)
        if allowed.contains(region) || allowed.contains("*") {
            return ResidencyDecision(action: .allow, reason: "\(category.rawValue) may be stored in \(region)", isViolation: false)
        }
        return violation("\(category.rawValue) may not be stored in region '\(region)' (allowed: \(allowed.joined(separator: ", ")))")
    }

    /// May text go to inference provider `provider`? `containsPHI` says whether the scan found PHI in it; the data
    /// category (conversation history by default) decides the regions the provider must be in.
    public func checkModelCall(provider name: String, containsPHI: Bool,
                               category: DataCategory = .conversationHistory) -> ResidencyDecision {
        guard let provider = settings.providers[name] else {
            return ResidencyDecision(action: .block, reason: "unknown inference provider '\(name)'", isViolation: true)
        }
        let allowed = settings.allowedRegions(category)
        if !allowed.contains(provider.region) && !allowed.contains("*") {
            let v = violation("provider '\(name)' is in region '\(provider.region)', outside the regions allowed for \(category.rawValue) (\(allowed.joined(separator: ", ")))")
            if v.action == .block { return v }
            if containsPHI && !provider.baaSigned { return noBAA(name) }
            return v
        }
        if containsPHI && !provider.baaSigned { return noBAA(name) }
        return ResidencyDecision(action: .allow, reason: "provider '\(name)' may receive this text", isViolation: false)
    }

    func noBAA(_ name: String) -> ResidencyDecision {
        switch settings.phiWithoutBAA {
        case .block:
            return ResidencyDecision(action: .block, reason: "text with PHI may not go to provider '\(name)': no BAA is signed", isViolation: true)
        case .redact:
            return ResidencyDecision(action: .redactFirst, reason: "provider '\(name)' has no BAA: PHI is redacted before sending", isViolation: false)
        }
    }
}
