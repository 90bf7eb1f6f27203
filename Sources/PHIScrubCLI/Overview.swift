// PHIScrubCLI: the `phiscrub` commands as a library (tests call them in process). Each command is argument
// parsing, output files (`OutputTarget`: a temporary name renamed into place on success), signals
// (`Interruption`), messages and exit statuses around a library call: the filter around `FilterPipeline`, `scan`
// around `FilterPipeline.scan` and `FindingsReporter`, `reveal` around `RevealAccess`, `batch` around `BatchRunner`.
