// PHITransform: what replaces a finding, and the writing of the replaced text.
//
// - The one replacement seam: `FindingReplacer` (per thread) made by a `Sendable` `ReplacementFactory`;
//   `Operators(policy:keys:traits:)` makes a `Transformer` (the operators in `Operators/`, named by
//   `TransformAction`, whose `names` is the one list help, schemas and docs use) or the typed-token replacer.
//   `ReplacerPool` keeps replacers between calls for long-lived hosts (the service, the middleware).
// - Operators read what an entity is from its traits (`EntityTraits`, declared by `traits:` in the rule packs:
//   identifier, date, generalisation rule), never from its name; their key purposes (`token`, `date-shift`,
//   `encrypt`) are declared here as labels (`KeyPurposes.swift`), so PHICompliance knows nothing of operators.
// - `TransformPolicy`: which operator for which entity, from `--action` and the `transform:` section
//   (`ConfigFile.load` reads phiscrub.yaml once, every section into one list of problems).
// - `Splice`: the one routine that writes a segment with its findings replaced ([WITHHELD] and CRLF handled once);
//   `RedactingSink` is the scan sink built on it; `ByteOutput`/`FileOutput` the buffered writers.
// - `Revealer`: reverses `encrypt` in a stream.
