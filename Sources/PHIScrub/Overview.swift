// PHIScrub: the library agent hosts and tools call, and the engine the `phiscrub` commands are glue around.
//
// - `Scrubber`: scan or redact a buffer with a compiled, shared rule set.
// - `Filter/`: `FilterPipeline` runs the filter from a `FilterInput` to a `FileOutput`, sequential or on several
//   cores (`ParallelFilter`) with the same bytes out, with the operators (a `ReplacementFactory`), a findings
//   report and the audit of a configuration (`FilterAudit`) plugged in.
// - `WorkerPool`: the one worker pool (the filter's blocks, `scan`'s files, batch's files), on threads from
//   `Threads`; `Lock` (module PHILock, below every other) is the one lock type.
// - `Findings/`: `FindingsReporter` and the report formats (`JSONLinesFormat`, `SARIFFormat`), explanations, and
//   `JSONWriter`, the one JSON string writer.
// - Compliance around agent calls: `ComplianceMiddleware` (RBAC, residency, scan, transform, audit),
//   `RevealAccess` (who may decrypt), `ComplianceRecords` (the records commands write).
// - `Service/`: the JSON Lines service behind `phiscrub serve`.
//
// See ARCHITECTURE.md for the path of one line and where to add things.
