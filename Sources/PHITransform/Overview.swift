// PHITransform: what replaces a finding, and the writing of the replaced text.
//
// - The one replacement seam: `FindingReplacer` (per thread) made by a `Sendable` `ReplacementFactory`;
//   `Operators(policy:keys:)` makes a `Transformer` (the operators in `Operators/`: mask, token, encrypt, shift,
//   generalize, keep) or the typed-token replacer.
// - `TransformPolicy`: which operator for which entity, from `--action` and the `transform:` section
//   (`ConfigFile.load` reads phiscrub.yaml once, every section into one list of problems).
// - `Splice`: the one routine that writes a segment with its findings replaced ([WITHHELD] and CRLF handled once);
//   `RedactingSink` is the scan sink built on it; `ByteOutput`/`FileOutput` the buffered writers.
// - `Revealer`: reverses `encrypt` in a stream.
