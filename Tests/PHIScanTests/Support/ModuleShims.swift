import Testing

// PHIScan and Testing both export a type named `SourceLocation`. A module-level alias makes the unqualified name
// mean the Testing type throughout this test target (the default-argument `#_sourceLocation` idiom needs it);
// rule-pack locations are written `PHIScan.SourceLocation`.
typealias SourceLocation = Testing.SourceLocation
