/// The `serve:` section: who may call `phiscrub serve --http`.
///
/// ```yaml
/// serve:
///   http:
///     tokens:
///       - role: clinician
///         sha256: 3f1c...   # printf %s "$TOKEN" | sha256sum: the file never holds a token itself
/// ```
public struct ServeSettings: Sendable, Equatable {
    /// A bearer token's SHA-256 (lower-case hex) and the role its holder calls as.
    public struct Token: Sendable, Equatable {
        public var sha256: String
        public var role: String
        public var line: Int
        public init(sha256: String, role: String, line: Int = 0) {
            self.sha256 = sha256
            self.role = role
            self.line = line
        }
    }

    /// With any token listed, every HTTP request but `/health` needs `Authorization: Bearer <token>`.
    public var httpTokens: [Token] = []

    public init() {}
}
