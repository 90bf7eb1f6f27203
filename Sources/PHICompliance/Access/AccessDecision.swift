/// The answer to an access question: allowed, or denied with a reason code and a message (no PHI in either).
public struct AccessDecision: Sendable, Equatable {
    /// Why a request was denied.
    public enum Denial: String, Sendable, Equatable {
        case unknownRole = "unknown_role"
        case missingPermission = "missing_permission"
        case toolNotAllowed = "tool_not_allowed"
        case endpointNotAllowed = "endpoint_not_allowed"
        case sessionLimit = "session_limit"
    }

    public var denial: Denial?
    public var message: String

    public static let allowed = AccessDecision(denial: nil, message: "allowed")

    public static func denied(_ denial: Denial, _ message: String) -> AccessDecision {
        AccessDecision(denial: denial, message: message)
    }

    public var isAllowed: Bool { denial == nil }
}
