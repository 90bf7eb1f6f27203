// PHIBatch: `phiscrub batch` over stored transcripts and logs, and JSON-aware rewriting.
//
// `BatchRunner` walks inputs (`FileWalker`), cleans each file on a worker (`FileCleaner`: JSON and JSON Lines
// through `JSONCleaner`/`JSONRewriter`, string values scanned with their key as context; text through the scanner
// and `Splice`), writes outputs atomically (`AtomicOutput`, gzip too), records finished files in a `Manifest` and
// reports per file. Replacements come through PHITransform's seam (`BatchTransform` is a `ReplacementFactory`).
// `FormatRouter` brings the same JSON rewriting to the filter and `scan` (`--format json|jsonl|auto`).
