// PHICompliance: the controls around PHI, knowing nothing of scanning or operators.
//
// OpenSSL crypto (`Crypto/`: AES-256-GCM, HMAC, HKDF, fingerprints), keys (`Keys/`: keyring, environment, HKDF
// subkeys by purpose), `phiscrub.yaml` (`Config/`: `ConfigLoader`; sections other modules own, such as
// `transform:`, are kept as YAML nodes and checked through `ConfigLoader.load(path:check:)`), RBAC (`Access/`),
// the hash-chained, signed audit log and its verifier (`Audit/`; its canonical encoder is its own, as its bytes are
// hashed and signed), residency and BAA rules (`Residency/`), breach alerts and the controls check.
