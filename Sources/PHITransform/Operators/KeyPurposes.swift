import PHICompliance

/// The key purposes of the operators, declared here with the operators rather than in key handling: each label
/// is part of its keys' derivation (changing one changes every token, offset or ciphertext key made with it).
extension KeyPurpose {
    /// HMAC-SHA256 for deterministic `token` pseudonyms; pinned across rotation so tokens join across runs.
    public static let token = KeyPurpose(label: "token", versioning: .pinned)
    /// The keyed hash behind per-subject date shifts (`shift`); pinned like `token`.
    public static let dateShift = KeyPurpose(label: "date-shift", versioning: .pinned)
    /// AES-256-GCM for the `encrypt` operator and `reveal`; new tokens use the newest key.
    public static let encrypt = KeyPurpose(label: "encrypt", versioning: .newest)
}
