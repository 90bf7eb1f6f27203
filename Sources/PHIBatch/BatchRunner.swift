import PHIScrub
#if canImport(Glibc)
import Glibc
import PHILock
#endif

/// Runs a batch: walks the inputs, cleans every file into the output directory on `jobs` worker threads (each
/// with its own scanner state; the compiled rules are shared), skips inputs the manifest already records, and
/// reports every file. Only one run may write to an output directory at a time (an `flock` on it).
public final class BatchRunner: @unchecked Sendable {
    let scrubber: Scrubber
    let options: BatchOptions

    public init(scrubber: Scrubber, options: BatchOptions) {
        self.scrubber = scrubber
        self.options = options
    }

    /// Cleans `inputs` (files and directories). `onFile` is called once per file, serialised, as files finish.
    /// Throws only when the run cannot start (output directory unusable or locked); per-file problems are in the
    /// summary.
    public func run(inputs: [String], onFile: @escaping @Sendable (BatchFileReport) -> Void = { _ in })
        throws(BatchError) -> BatchSummary {
        let started = monotonicSeconds()
        var outDir = options.outputDirectory
        while outDir.count > 1 && outDir.hasSuffix("/") { outDir.removeLast() }
        // A transform that cannot start (a missing or refused key) stops the run before any output exists.
        do { _ = try options.transform.makeReplacer() } catch {
            throw BatchError(.transformFailed, "cannot start the transformation: \(error)")
        }
        try FileSystem.makeDirectories(outDir)
        let dirFD = open(outDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD < 0 { throw BatchError(.writeFailed, "\(outDir): cannot open: \(String(cString: strerror(errno)))") }
        defer { close(dirFD) }
        guard flock(dirFD, LOCK_EX | LOCK_NB) == 0 else {
            throw BatchError(.io, "\(outDir): another batch run is writing to this directory")
        }
        // Walk first and refuse outputs that would replace inputs before anything is written (not even a manifest).
        var walker = FileWalker(excluding: outDir, followLinks: options.followLinks, filter: options.filter)
        try BatchRunner.refuseOutputDirectoryAsInput(outDir, inputs: inputs)
        walker.walk(inputs)
        // File names can carry PHI (Jane_Roe_SSN_365-94-0475.log): each output, its manifest entry and every report
        // use the relative path with PHI redacted (Jane_Roe_SSN_[SSN].log), extensions kept.
        let names = FieldRedactor(scrubber: scrubber)
        var planned: [PlannedFile] = []
        var collisions: [BatchFileReport] = []
        var outputs = Set<String>()
        for var file in walker.files {
            file.relative = BatchRunner.redactedRelative(file.relative, names)
            guard outputs.insert(file.relative).inserted else {
                var r = BatchFileReport(input: file.input, relative: file.relative, status: .failed)
                r.reason = BatchError.Code.pathCollision.rawValue
                r.message = "\(file.input): another input already writes \(file.relative) (the names differ only in redacted PHI)"
                collisions.append(r)
                continue
            }
            planned.append(file)
        }
        try BatchRunner.refuseOutputsThatAreInputs(planned, outDir: outDir, otherOutputs: options.otherOutputs)
        BatchRunner.removeStaleTemporaries(outDir)
        let manifest = try Manifest(directory: outDir)
        // Reports, messages and audit records show input paths redacted too.
        let state = RunState(files: planned.sorted { $0.size > $1.size }, manifest: manifest, onFile: onFile,
                             sync: options.sync, directoryFD: dirFD, present: { report in
                                 var r = report
                                 r.input = names.redact(r.input)
                                 r.relative = names.redact(r.relative)
                                 r.message = r.message.map(names.redact)
                                 return r
                             })
        for r in walker.reports + collisions { state.record(r, planned: false) }

        let jobs = max(1, min(options.jobs, planned.count, 256))
        let progress = options.progress == .none || planned.isEmpty ? nil
            : ProgressLine(totalFiles: planned.count, totalBytes: planned.reduce(0) { $0 + $1.size }, state: state,
                           mode: options.progress, interval: options.progressInterval, jobs: jobs)
        progress?.start()
        let directory = outDir
        // Files go through the shared worker pool, unordered: a file is taken off the run's queue only when a
        // worker is free (capacity = workers), so the largest-first order and a stop after an invalid file behave
        // as if the workers pulled from the queue themselves.
        let pool = WorkerPool<PlannedFile, Void>(workers: jobs, capacity: jobs, ordered: false, deliver: { _ in },
                                                 makeWorker: { [self] in worker(state, outDir: directory) })
        do {
            while true {
                try pool.waitForRoom()
                guard let file = state.next() else { break }
                try pool.submit(file)
            }
            try pool.finish()
        } catch {
            // Workers record every problem in their file's report and never throw; this is unreachable.
            pool.shutdown()
        }
        progress?.stop()
        // After --on-invalid fail stopped the run: the files never started are reported too.
        for file in state.notStarted() {
            var r = BatchFileReport(input: file.input, relative: file.relative, status: .skipped)
            r.reason = "run_stopped"
            r.message = "\(file.input): not cleaned: the run stopped at an invalid JSON file"
            r.format = file.format.rawValue + file.compression.reportSuffix
            state.record(r, planned: false)
        }

        var summary = BatchSummary()
        state.flushPending()
        summary.files = state.reports
        if let error = state.manifestError {
            var r = BatchFileReport(input: manifest.path, relative: Manifest.fileName, status: .failed)
            r.reason = error.code.rawValue
            r.message = error.message
            summary.files.append(r)
        }
        do { try manifest.compact() } catch {
            var r = BatchFileReport(input: manifest.path, relative: Manifest.fileName, status: .failed)
            r.reason = error.code.rawValue
            r.message = error.message
            summary.files.append(r)
        }
        summary.seconds = monotonicSeconds() - started
        return summary
    }

    /// One pool worker's function: cleans the files it is given, with its own cleaner and progress counter.
    private func worker(_ state: RunState, outDir: String) -> (PlannedFile) -> Void {
        let counter = state.makeCounter()
        let cleaner: FileCleaner
        do { cleaner = try FileCleaner(scrubber: scrubber, options: options) } catch {
            // Checked once before the run started; a later failure (a key removed meanwhile) fails the files.
            return { file in
                var report = BatchFileReport(input: file.input, relative: file.relative, status: .failed)
                report.reason = BatchError.Code.transformFailed.rawValue
                report.message = "\(file.input): cannot start the transformation: \(error)"
                state.record(report)
            }
        }
        return { [self] file in clean(file, cleaner: cleaner, counter: counter, state: state, outDir: outDir) }
    }

    /// Cleans one file and records its report.
    private func clean(_ file: PlannedFile, cleaner: FileCleaner, counter: ByteCounter, state: RunState, outDir: String) {
        let t0 = monotonicSeconds()
        var report = BatchFileReport(input: file.input, relative: file.relative, status: .cleaned)
        report.format = file.format.rawValue + file.compression.reportSuffix
        let output = outDir + "/" + file.relative
        if let problem = FileSystem.linkInPath(under: outDir, relative: file.relative) {
            report.status = .failed
            report.reason = BatchError.Code.unsafeOutput.rawValue
            report.message = "\(file.input): not written: \(problem) (a link under --out must not lead writes outside it)"
            report.bytesIn = file.size
            state.record(report)
            return
        }
        if let done = state.alreadyDone(file, output: output) {
            report.status = .skipped
            report.reason = "already_done"
            report.sha256 = done
            report.bytesIn = file.size
            report.seconds = monotonicSeconds() - t0
            state.record(report)
            return
        }
        do {
            let result = try cleaner.clean(input: file.input, output: output, format: file.format,
                                           compression: file.compression, sizeHint: file.size,
                                           counter: counter)
            report.counts = result.counts
            report.bytesIn = result.bytesIn
            report.bytesOut = result.bytesOut
            report.sha256 = result.sha256
            if result.scannedAsText { report.format = "text(invalid json)" + file.compression.reportSuffix }
            report.seconds = monotonicSeconds() - t0
            counter.reset()
            // A file with withheld lines is not done: it stays out of the manifest, so a re-run redoes it and
            // exits 2 again instead of skipping it as finished.
            state.finish(report, entry: Manifest.Entry(path: file.relative, size: result.bytesIn,
                                                       sha256: result.sha256), observer: options.observer,
                         record: result.counts.withheld == 0)
        } catch {
            report.status = .failed
            report.reason = error.code.rawValue
            report.message = error.message
            report.bytesIn = file.size
            report.seconds = monotonicSeconds() - t0
            counter.reset()
            if error.code == .invalidJSON && options.onInvalid == .fail { state.stop() }
            state.record(report)
        }
    }

    /// `relative` with PHI in each path component redacted; the extensions batch mode reads the format from
    /// (`.jsonl`, `.json.gz`, ...) are kept, and a component never turns into `/`, `.` or `..`.
    static func redactedRelative(_ relative: String, _ names: FieldRedactor) -> String {
        var parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for i in parts.indices {
            var name = parts[i]
            var suffix = ""
            if i == parts.count - 1 {
                let lower = name.lowercased()
                for ext in InputFormat.knownExtensions
                where lower.hasSuffix(ext) && lower.utf8.count > ext.utf8.count {
                    suffix = String(name.suffix(ext.count))
                    name = String(name.dropLast(ext.count))
                    break
                }
            }
            var shown = names.redact(name).replacingOccurrences(of: "/", with: "_")
            if shown.isEmpty || shown == "." || shown == ".." { shown = "_" }
            parts[i] = shown + suffix
        }
        return parts.joined(separator: "/")
    }

    /// `batch D --out D` (in any spelling, or through a link) would clean nothing ("0 files", exit 0) or, with a
    /// file named in D, replace it: refused.
    static func refuseOutputDirectoryAsInput(_ outDir: String, inputs: [String]) throws(BatchError) {
        var out = stat()
        guard stat(outDir, &out) == 0 else { return }
        for input in inputs {
            var st = stat()
            guard stat(input, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { continue }
            if st.st_dev == out.st_dev && st.st_ino == out.st_ino {
                throw BatchError(.outputIsInput,
                    "\(outDir): the output directory is the input directory \(input); choose another --out")
            }
        }
    }

    /// An output path that already resolves to an input file (same device and inode: the input itself, a hard
    /// link, a link to it) would be replaced by the rename: refused for the whole run, before anything is written.
    static func refuseOutputsThatAreInputs(_ files: [PlannedFile], outDir: String, otherOutputs: [String] = [])
        throws(BatchError) {
        let inputs = Set(files.map(\.id))
        for path in otherOutputs {
            var st = stat()
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
               inputs.contains(FileWalker.FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))) {
                throw BatchError(.outputIsInput, "\(path): is one of the input files; writing it would replace an input. Choose another path")
            }
        }
        for file in files {
            var st = stat()
            let output = outDir + "/" + file.relative
            guard stat(output, &st) == 0 else { continue }
            if inputs.contains(FileWalker.FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))) {
                throw BatchError(.outputIsInput,
                    "\(output): the output for \(file.input) is an input file; it would be replaced. Choose another --out")
            }
        }
    }

    /// Removes temporary files a killed run left in the output directory (we hold its lock, so none is live).
    static func removeStaleTemporaries(_ dir: String) {
        guard let d = opendir(dir) else { return }
        var names: [(String, Bool)] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            var isDir = e.pointee.d_type == UInt8(DT_DIR)
            if e.pointee.d_type == UInt8(DT_UNKNOWN) {
                // Some file systems do not fill in d_type.
                var st = stat()
                isDir = lstat(dir + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            }
            names.append((name, isDir))
        }
        closedir(d)
        for (name, isDir) in names {
            let path = dir + "/" + name
            if isDir {
                removeStaleTemporaries(path)
            } else if name.hasSuffix(AtomicOutput.tempSuffix) {
                unlink(path)
            }
        }
    }
}

/// What the workers share: the queue, the manifest, the reports. Every access holds the lock.
final class RunState: @unchecked Sendable {
    private let lock = Lock()
    /// Largest first (the longest files start early, so the workers finish together); `nextIndex..<endIndex` is
    /// what is left.
    private let files: [PlannedFile]
    private var nextIndex = 0
    private var endIndex: Int
    /// In a run of many files, the first few picks are the smallest files: the progress line's ETA then knows the
    /// per-file cost before the large files are done (they alone show only the byte rate).
    private var smallFirst: Int
    private var stopped = false
    private let manifest: Manifest
    private let onFile: @Sendable (BatchFileReport) -> Void
    private(set) var reports: [BatchFileReport] = []
    private(set) var filesDone = 0
    private(set) var bytesDone = 0

    private let sync: SyncMode
    private let directoryFD: Int32
    /// Turns a report into what reports, callbacks and the observer see (file names redacted).
    private let present: @Sendable (BatchFileReport) -> BatchFileReport
    /// Grouped sync: entries of files renamed since the last flush, and whether a flush is running.
    private var pending: [Manifest.Entry] = []
    private var flushing = false
    private var lastFlush = monotonicSeconds()
    /// The first manifest write that failed (the files stay cleaned; a re-run redoes them).
    private(set) var manifestError: BatchError?

    init(files: [PlannedFile], manifest: Manifest, onFile: @escaping @Sendable (BatchFileReport) -> Void,
         sync: SyncMode, directoryFD: Int32, present: @escaping @Sendable (BatchFileReport) -> BatchFileReport = { $0 }) {
        self.present = present
        self.files = files
        endIndex = files.count
        smallFirst = files.count >= 32 ? 4 : 0
        self.manifest = manifest
        self.onFile = onFile
        self.sync = sync
        self.directoryFD = directoryFD
    }

    /// Grouped sync: flushes the file system and then records the pending entries. `force` waits for nothing:
    /// at the end of the run every pending entry is recorded.
    func flushPending(force: Bool = true) {
        let batch: [Manifest.Entry]? = lock.withLock {
            guard sync == .grouped, !pending.isEmpty, !flushing,
                  force || monotonicSeconds() - lastFlush >= 1.0 else { return nil }
            flushing = true
            defer { pending.removeAll() }
            return pending
        }
        guard let batch else { return }
        // Outside the lock: the other worker keeps cleaning while the disk catches up.
        let synced = syncfs(directoryFD) == 0
        let failure = synced ? nil : String(cString: strerror(errno))
        lock.withLock {
            flushing = false
            lastFlush = monotonicSeconds()
            if let failure {
                if manifestError == nil { manifestError = BatchError(.writeFailed, "\(manifest.path): syncfs failed: \(failure)") }
                return
            }
            for entry in batch {
                do { try manifest.append(entry) } catch {
                    if manifestError == nil {
                        manifestError = error as? BatchError ?? BatchError(.writeFailed, "\(manifest.path): append failed")
                    }
                }
            }
        }
    }

    func next() -> PlannedFile? {
        lock.withLock {
            guard !stopped, nextIndex < endIndex else { return nil }
            if smallFirst > 0 {
                smallFirst -= 1
                endIndex -= 1
                return files[endIndex]
            }
            defer { nextIndex += 1 }
            return files[nextIndex]
        }
    }

    func stop() { lock.withLock { stopped = true } }

    /// The workers' counters of bytes read in the file each is cleaning.
    private var counters: [ByteCounter] = []
    /// Per-file time against size, over the files cleaned so far (the ETA).
    private var fit = TimeFit()

    func makeCounter() -> ByteCounter {
        let c = ByteCounter()
        lock.withLock { counters.append(c) }
        return c
    }

    func snapshot() -> ProgressSnapshot {
        lock.withLock {
            let samples = counters.compactMap(\.sample)
            return ProgressSnapshot(filesDone: filesDone, bytesDone: bytesDone,
                                    bytesInFlight: samples.reduce(0) { $0 + $1.bytes }, fit: fit, inFlight: samples)
        }
    }

    /// The recorded hash when the manifest says `file` is finished, its size and hash still match and its output
    /// exists; nil otherwise.
    func alreadyDone(_ file: PlannedFile, output: String) -> String? {
        guard let entry = lock.withLock({ manifest.entries[file.relative] }), entry.size == file.size,
              access(output, F_OK) == 0,
              let (size, sha) = try? ByteSource.hashFile(file.input),
              size == entry.size, sha == entry.sha256 else { return nil }
        return sha
    }

    /// Files left in the queue (after a stop).
    func notStarted() -> [PlannedFile] {
        lock.withLock { Array(files[min(nextIndex, endIndex)..<endIndex]) }
    }

    /// Adds a file's report; `planned` files count towards the progress line.
    func record(_ report: BatchFileReport, planned: Bool = true, presented: Bool = false) {
        let report = presented ? report : present(report)
        lock.withLock {
            reports.append(report)
            if planned {
                filesDone += 1
                bytesDone += report.bytesIn
                if report.status == .cleaned { fit.add(bytes: report.bytesIn, seconds: report.seconds) }
            }
            onFile(report)
        }
    }

    /// A cleaned file: audit (observer), then manifest, then report.
    func finish(_ report: BatchFileReport, entry: Manifest.Entry, observer: (any BatchFileObserver)?,
                record inManifest: Bool = true) {
        var report = present(report)
        lock.withLock {
            do {
                try observer?.fileCleaned(report)
                if inManifest {
                    if sync == .grouped { pending.append(entry) } else { try manifest.append(entry) }
                }
            } catch let error as BatchError {
                report.status = .failed
                report.reason = error.code.rawValue
                report.message = error.message
            } catch {
                report.status = .failed
                report.reason = "observer_failed"
                report.message = "\(report.input): the file observer (audit) failed: \(error)"
            }
        }
        record(report, presented: true)
        flushPending(force: false)
    }
}
