import PHICompliance
import PHITransform

extension PHIService {
    /// The service one parse of `phiscrub.yaml` describes (`ConfigFile.load`: every section, `transform:`
    /// included, read once): the compliance middleware over `config` with the policy operators and `keys`, and
    /// `basePolicy` as the operators' defaults, or, when nil, the configuration's `transform:` section. `audit` is
    /// the configuration's opened audit log (nil: no records). Front ends (the CLI's `serve` and `mcp`, a C host)
    /// make the service this way instead of reading the file again.
    public convenience init(scrubber: Scrubber, keys: (any KeyProvider)?, config: PHIScrubConfig, audit: AuditLog?,
                            basePolicy: TransformPolicy? = nil,
                            json: (any ServiceJSONSupport)? = nil) throws(TransformError) {
        let policy: TransformPolicy
        if let basePolicy { policy = basePolicy } else { policy = try TransformPolicy(config: config) }
        let middleware = ComplianceMiddleware(config: config, scrubber: scrubber, audit: audit, keys: keys,
                                              basePolicy: policy)
        self.init(scrubber: scrubber, keys: keys, middleware: middleware, basePolicy: policy, json: json)
    }
}
