/// Role-based access control over the configured roles.
///
/// An unknown role is denied everything and sees all PHI redacted. Entity names are the rule packs' upper-case
/// names; `category` is the entity's Safe Harbor category (lower case) when the caller knows it.
public struct AccessPolicy: Sendable {
    public let roles: [String: Role]

    public init(roles: [Role]) {
        var map: [String: Role] = [:]
        for r in roles { map[r.name] = r }
        self.roles = map
    }

    public init(config: PHIScrubConfig) { self.init(roles: config.roles) }

    enum Lookup {
        case success(Role)
        case failure(AccessDecision)
    }

    func role(_ name: String) -> Lookup {
        if let r = roles[name] { return .success(r) }
        return .failure(.denied(.unknownRole, "unknown role '\(escapedForDisplay(name))'"))
    }

    /// May `role` hold `permission`?
    public func check(role name: String, permission: Permission) -> AccessDecision {
        switch role(name) {
        case .failure(let d): return d
        case .success(let r):
            if r.permissions.contains(permission) {
                return .allowed
            }
            return .denied(.missingPermission, "role '\(escapedForDisplay(name))' lacks permission '\(permission.rawValue)'")
        }
    }

    /// May `role` call tool `tool`? Needs `tool_call` and the tool in `allowed_tools` (or `*`).
    public func mayCallTool(role name: String, tool: String) -> AccessDecision {
        switch role(name) {
        case .failure(let d): return d
        case .success(let r):
            guard r.permissions.contains(.toolCall) else {
                return .denied(.missingPermission, "role '\(escapedForDisplay(name))' lacks permission 'tool_call'")
            }
            guard r.allowedTools.contains(tool) || r.allowedTools.contains("*") else {
                return .denied(.toolNotAllowed, "role '\(escapedForDisplay(name))' may not call tool '\(escapedForDisplay(tool))'")
            }
            return .allowed
        }
    }

    /// May `role` reach `endpoint` (a URL)? Needs `external_api` and an `allowed_endpoints` entry that equals the
    /// endpoint, is a prefix of it ending in `/`, or is its host name.
    public func mayReach(role name: String, endpoint: String) -> AccessDecision {
        switch role(name) {
        case .failure(let d): return d
        case .success(let r):
            guard r.permissions.contains(.externalAPI) else {
                return .denied(.missingPermission, "role '\(escapedForDisplay(name))' lacks permission 'external_api'")
            }
            let host = Self.host(of: endpoint)
            let ok = r.allowedEndpoints.contains { allowed in
                allowed == "*" || allowed == endpoint || (allowed.hasSuffix("/") && endpoint.hasPrefix(allowed))
                    || (!allowed.contains("/") && host == allowed)
            }
            return ok ? .allowed : .denied(.endpointNotAllowed, "role '\(escapedForDisplay(name))' may not reach endpoint '\(escapedForDisplay(endpoint))'")
        }
    }

    static func host(of url: String) -> String? {
        guard let r = url.range(of: "://") else { return nil }
        let rest = url[r.upperBound...]
        let hostPort = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let noUser = hostPort.split(separator: "@").last ?? hostPort
        return String(noUser.split(separator: ":").first ?? noUser).lowercased()
    }

    /// How `role` sees `entity` (of Safe Harbor category `category`, when known). Excluded PHI is redacted; PHI
    /// outside `phi_categories.allowed` gets the role's `default_view` (redacted unless set); allowed PHI gets its
    /// `views` entry (by entity, then category, then `*`) or clear. Clear needs `read_phi`: without it, clear
    /// becomes a token. An unknown role sees everything redacted.
    public func view(role name: String, entity: String, category: String?) -> PHIView {
        guard let r = roles[name] else { return .redacted }
        func matches(_ list: [String]) -> Bool {
            list.contains("*") || list.contains(entity) || (category.map { list.contains($0) } ?? false)
        }
        let view: PHIView
        if matches(r.phiExcluded) {
            view = .redacted
        } else if matches(r.phiAllowed) {
            view = r.views[entity] ?? category.flatMap { r.views[$0] } ?? r.views["*"] ?? .clear
        } else {
            view = r.defaultView
        }
        if view == .clear && !r.permissions.contains(.readPHI) { return .token }
        return view
    }
}
