/// The commented example configuration `phiscrub init` writes. It passes every control of `check-config`.
public enum ExampleConfig {
    /// The comment on `transform.default`: this module knows nothing of operators, so the transform layer writes
    /// their names over it (`ConfigFile.exampleText`, what `phiscrub init` prints).
    public static let operatorsComment = "an operator of the transform layer"
    public static let text = #"""
# phiscrub.yaml: compliance configuration for phiscrub (SOC 2 Type II, HIPAA).
# Unknown keys and wrong types are errors. Check it with: phiscrub check-config --config phiscrub.yaml
version: 1

security:
  encryption:
    algorithm: AES-256-GCM        # encryption at rest for the `encrypt` operator (AES-256-GCM is required)
    key_source: keyring           # keyring (a 0600 keyring file) or env (PHISCRUB_KEYS / PHISCRUB_KEY)
    # keyring_path: /etc/phiscrub/keyring.json
    rotation_days: 90             # longest a key stays active; the controls check wants 90 or less
  transport:
    min_tls_version: "1.3"        # minimum TLS for calls to inference providers
  phi:
    detection: true
    redact_in_logs: true          # PHI never reaches logs, errors, reports or audit records
    retention_days: 30            # how long PHI-bearing memory and transcripts may be kept

# Roles: permissions (read_phi, write_phi, tool_call, external_api, file_access, admin), the tools and
# endpoints a role may use, which PHI it sees (entities such as SSN or Safe Harbor categories such as
# medical_record) and how (clear, token, masked, redacted), and session limits. An unknown role is denied
# everything, and every denial is audited.
roles:
  clinician:
    description: Treating clinician's assistant agent
    permissions: [read_phi, write_phi, tool_call]
    allowed_tools: [ehr_lookup, schedule_appointment, lab_results]
    allowed_endpoints: []
    phi_categories:
      allowed: [names, dates, medical_record, telephone]
      excluded: [ssn, account]
    views:
      telephone: masked           # allowed, but shown with the last 4 digits only
      medical_record: token       # a keyed pseudonym, stable across runs
    default_view: redacted        # PHI outside `allowed`
    session_limits: { max_tokens: 200000, max_tool_calls: 100, max_minutes: 60 }
  billing:
    description: Billing support agent
    permissions: [tool_call]
    allowed_tools: [invoice_lookup]
    phi_categories:
      allowed: [account, health_plan]
    views: { account: masked, health_plan: token }
    session_limits: { max_tokens: 50000, max_tool_calls: 30, max_minutes: 30 }
  support:
    description: General support agent; sees no PHI
    permissions: [tool_call, external_api]
    allowed_tools: [kb_search]
    allowed_endpoints: [https://kb.example.com/]
    session_limits: { max_tokens: 50000, max_tool_calls: 30, max_minutes: 30 }

audit:
  enabled: true
  # events: [scan, tool_call, model_invocation, memory_access, reveal]   # default: all; denials always
  chain_hashing: true             # each record carries the previous record's SHA-256
  hmac_signing: true              # and an HMAC-SHA256 under the keyring's audit subkey
  retention_years: 6              # HIPAA asks for six years
  storage:
    path: phiscrub-audit          # directory of segments (relative to this file)
    max_segment_bytes: 67108864   # start a new segment past 64 MiB ...
    rotate_daily: true            # ... or when the UTC day changes; the chain continues across segments
    sync: periodic                # always | periodic | never (fdatasync policy)
    sync_every: 64
    os_append_only: true          # try chattr +a on segments (needs CAP_LINUX_IMMUTABLE); recorded either way
    witness: phiscrub-audit.witness   # signed head checkpoint outside the log directory; audit verify compares
                                      # (better on another disk or mount the log's editors cannot roll back)

data_residency:
  mode: strict                    # strict: apply on_violation; permissive: log only
  default_region: us-east-1
  categories:
    agent_memory: [us-east-1, us-west-2]
    audit_logs: [us-east-1]
    conversation_history: [us-east-1, us-west-2]
    tool_outputs: [us-east-1]
  inference_providers:
    primary-llm:
      endpoint: https://llm.us-east-1.example.com/v1
      region: us-east-1
      baa_signed: true
      receives_phi: true
    eval-llm:
      endpoint: https://eval.example.org/v1
      region: us-east-1
      baa_signed: false
      receives_phi: false         # prompts for it are redacted first (phi_without_baa)
  on_violation: block_and_alert   # or log_only
  phi_without_baa: redact         # block | redact: PHI never reaches a provider without a BAA

compliance:
  frameworks: [soc2, hipaa]
  middleware_order: [rbac, residency, scan, transform, audit]
  continuous_checks: true
  breach_triggers: [unauthorized_phi_access, encryption_failure, residency_violation, audit_chain_break]
  # alert_command: /usr/local/bin/page-oncall     # gets the alert event as JSON on stdin

# Per-entity operators (read by the transform layer).
transform:
  default: redact                 # \#(operatorsComment)
  entities:
    SSN: token                    # keyed HMAC pseudonym
    DATE: generalize              # year only (shift keeps intervals but needs --subject, one per patient)
    ZIP: generalize               # first three digits (000 for restricted areas)
    PHONE: mask
  mask:
    keep_last: 4
  context: log                    # bound into encrypt's AAD
"""#
}
