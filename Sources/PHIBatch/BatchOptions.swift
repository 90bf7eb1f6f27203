#if canImport(Glibc)
import Glibc
#endif

/// Settings of a batch run.
public struct BatchOptions: Sendable {
    /// Where cleaned files go, at the same relative paths.
    public var outputDirectory: String
    /// Files cleaned in parallel.
    public var jobs: Int
    /// What to do with JSON that does not parse.
    public var onInvalid: InvalidJSONPolicy = .skip
    /// Largest `.json` document (decompressed) or JSON Lines record held in memory.
    public var maxJSONBytes = 64 << 20
    /// Line cap of the line scanner (long lines and long string values are scanned in overlapping pieces).
    public var lineCap = 1 << 20
    /// Mode of the output files (the policy's; 0600 by default: cleaned files may still be sensitive).
    public var fileMode: mode_t = 0o600
    /// How findings are replaced (the transformation policy's seam; typed tokens by default).
    public var transform: any BatchTransform = TypedTokenTransform()
    /// Told about every cleaned file (the audit log's seam); nil for none.
    public var observer: (any BatchFileObserver)?
    /// When cleaned files reach the disk. A killed run never leaves a partial file under an output name in any
    /// mode (the rename is atomic); the modes differ on a power loss.
    public var sync: SyncMode = .grouped
    /// Print a progress line on standard error: redrawn in place twice a second (`.terminal`), or one line every
    /// `progressInterval` seconds (`.lines`, for a log or a pipe).
    public var progress: ProgressMode = .none
    /// Seconds between progress lines in `.lines` mode.
    public var progressInterval = 10.0
    /// Which files of input directories are cleaned, and how unknown names are read.
    public var filter = PathFilter()
    /// Follow symbolic links inside an input directory that lead outside it. Off by default: such links are
    /// skipped and reported (`symlink_outside`), so a planted link cannot pull another tree into the run.
    public var followLinks = false
    /// Other files the run writes (the CLI's `--report`): one that is also an input file of the walk is refused,
    /// like an output path that is.
    public var otherOutputs: [String] = []

    public init(outputDirectory: String, jobs: Int = BatchOptions.defaultJobs) {
        self.outputDirectory = outputDirectory
        self.jobs = jobs
    }

    /// All online cores.
    public static var defaultJobs: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// How progress is shown on standard error.
public enum ProgressMode: Sendable {
    case none
    /// One line redrawn in place (standard error is a terminal).
    case terminal
    /// A plain line every `progressInterval` seconds (standard error is a file or a pipe).
    case lines
}

/// When cleaned files reach the disk.
public enum SyncMode: String, Sendable, CaseIterable {
    /// Outputs are renamed without an fsync each; about once a second, and at the end, one `syncfs(2)` flushes
    /// them, and only then are their manifest entries written. What the manifest records is durable, at the cost of
    /// one flush per batch of files instead of one per file.
    case grouped
    /// fsync each output before its rename: every file durable on its own (about 3 ms per file on this VM).
    case file
    /// No flush: the page cache decides. After a power loss the manifest may list files whose data was lost.
    case none
}

/// Receives one call per cleaned file, after its output is in place and before it is recorded in the manifest: the seam for
/// the audit log (an audit record per file: file, counts per entity, actor). Calls are serialised by the runner
/// (never concurrent), in completion order. Throwing marks the file failed in the report and the exit status
/// and leaves it out of the manifest, so a re-run cleans and reports it again (fail closed: an unaudited file is
/// never counted as done); its cleaned output stays in place.
public protocol BatchFileObserver: Sendable {
    func fileCleaned(_ file: BatchFileReport) throws
}
