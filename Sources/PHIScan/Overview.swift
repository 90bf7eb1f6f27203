// PHIScan: finding PHI in bytes. Knows nothing of keys, configuration or what replaces a finding.
//
// - `Rules/`: a rule as a pack declares it (`Rule`, with its `Trigger` prefilter and its entity's `EntityTraits`),
//   the pack loader (`RuleLoader`: every problem with file, line and rule id), the default packs and user packs
//   (`RulePacks`), the example check every rule passes at load (`RuleExamples`), and `RuleSet`, the compiled,
//   shared, immutable set (PCRE2 patterns, keyword index, shape triggers, the entity trait table).
// - `Matching/`: compiled PCRE2 patterns (JIT), the keyword index, the trigger claims every match must satisfy
//   (what makes skipping lines exact), and the Swift side of the C feature pass (`FeatureKernel`).
// - `Validation/`: validators a match must pass (checksums, SSA rules, dates, network addresses), by
//   `ValidatorKind`.
// - `Detectors/`: detectors for spans no pattern describes (the person-name detector over CScanKernels/names.c).
// - `Normalization/`: the NFKC copy lines outside ASCII are matched on, with its map back to the original bytes.
// - `Scanning/`: `LineScanner` (one line or block: feature pass, rules whose trigger holds, validators, context
//   scoring, overlap resolution) and `StreamScanner` (whole lines from a byte stream, long lines cut with an
//   overlap) feeding a `ScanSink`; explanations of a finding; the context-word search.
// - `Finding`: what a scan reports (offsets, entity, rule, confidence; never the value).
//
// The hot loops are C, in CScanKernels. See ARCHITECTURE.md for the path of one line and where to add a rule, a
// validator or a detector, and rules/README.md for the pack format.
