import Foundation

/// What one agent session has used so far, checked against its role's `session_limits`.
public struct SessionUsage: Sendable, Equatable {
    public var tokens = 0
    public var toolCalls = 0
    public var started: Date

    public init(started: Date = Date()) { self.started = started }

    /// Whether one more request of `tokens` tokens (and a tool call when `toolCall`) stays inside `limits`.
    public func check(_ limits: SessionLimits, role: String, addingTokens newTokens: Int = 0, toolCall: Bool = false,
                      now: Date = Date()) -> AccessDecision {
        if let max = limits.maxTokens, tokens + newTokens > max {
            return .denied(.sessionLimit, "role '\(escapedForDisplay(role))' session token limit \(max) reached")
        }
        if toolCall, let max = limits.maxToolCalls, toolCalls + 1 > max {
            return .denied(.sessionLimit, "role '\(escapedForDisplay(role))' session tool-call limit \(max) reached")
        }
        if let max = limits.maxMinutes, now.timeIntervalSince(started) > Double(max) * 60 {
            return .denied(.sessionLimit, "role '\(escapedForDisplay(role))' session time limit of \(max) minutes reached")
        }
        return .allowed
    }
}
