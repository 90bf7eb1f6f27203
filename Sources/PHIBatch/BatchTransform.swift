import PHITransform

/// How batch mode replaces findings: the run shares one `ReplacementFactory` (PHITransform's operator seam, as
/// in the filter), and each worker thread asks it for its own `FindingReplacer`.
public typealias BatchTransform = ReplacementFactory

/// The default transformation, as in the filter: the typed token `[ENTITY]`, e.g. `[SSN]`.
public typealias TypedTokenTransform = TypedTokens
