import PHICompliance
import PHIScan
import PHITransform

/// Turns "what role R sees of entity E" into the operators of a transform policy: clear → keep, token → token,
/// masked → mask, redacted → redact, for every entity the rule set can report. Entities no rule reports (and every
/// entity for an unknown role) are redacted.
public enum RoleTransformPolicy {
    /// The operator a view maps to.
    public static func action(for view: PHIView) -> TransformAction {
        switch view {
        case .clear: return .keep
        case .token: return .token
        case .masked: return .mask
        case .redacted: return .redact
        }
    }

    /// `base` with each entity's operator set by what `role` may see. Other settings (mask length, context,
    /// subject) are kept.
    public static func policy(base: TransformPolicy, role: String, access: AccessPolicy, ruleSet: RuleSet) -> TransformPolicy {
        var policy = base
        policy.defaultAction = .redact
        policy.entityActions = [:]
        for compiled in ruleSet.rules {
            let rule = compiled.rule
            let view = access.view(role: role, entity: rule.entity, category: rule.category.rawValue)
            let action = action(for: view)
            // An entity several rules report (with different categories) gets the most restrictive view.
            if let existing = policy.entityActions[rule.entity], strictness(existing) >= strictness(action) { continue }
            policy.entityActions[rule.entity] = action
        }
        return policy
    }

    static func strictness(_ a: TransformAction) -> Int {
        switch a {
        case .keep: return 0
        case .mask: return 1
        case .token: return 2
        default: return 3
        }
    }
}
