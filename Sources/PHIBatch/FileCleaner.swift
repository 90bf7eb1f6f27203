import PHIScan
import PHITransform
import PHIScrub
#if canImport(Glibc)
import Glibc
#endif

/// How a file is read: by its name, `.gz` or `.zst` stripped first.
public enum InputFormat: String, Sendable {
    /// One JSON document (`.json`).
    case json
    /// JSON Lines (`.jsonl`, `.ndjson`): one record per line, processed record by record.
    case jsonl
    /// Line mode (`.log`, `.txt`), as the filter.
    case text
    /// CSV with a header row (`.csv`): each field scanned with its column's name as context (RFC 4180 quoting).
    case csv

    /// The format and compression of a file name, or nil for a name batch mode does not handle. With `asText`
    /// (`--as-text`) any other name (`app.log.1`, `app.log.2.gz`, `syslog`, `messages`) is read in line mode.
    public static func of(name: String, asText: Bool = false) -> (InputFormat, Compression)? {
        var lower = name.lowercased()
        let compression = Compression.of(lowercased: lower)
        lower.removeLast(compression.suffix.count)
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return (.jsonl, compression) }
        if lower.hasSuffix(".json") { return (.json, compression) }
        if lower.hasSuffix(".log") || lower.hasSuffix(".txt") { return (.text, compression) }
        if lower.hasSuffix(".csv") { return (.csv, compression) }
        return asText ? (.text, compression) : nil
    }

    /// The extensions kept as they are when a file name is redacted (longest first).
    static let knownExtensions: [String] = {
        var base = [".jsonl", ".ndjson", ".json", ".log", ".txt", ".csv"]
        base = base.flatMap { [$0 + ".gz", $0 + ".zst"] } + base
        // Then a bare compression suffix (`app.log.2.gz` read with --as-text keeps its `.gz`).
        return base.sorted { $0.count > $1.count } + [".zst", ".gz"]
    }()
}

/// What to do with a `.json` file (or a JSON Lines record) that does not parse.
public enum InvalidJSONPolicy: String, Sendable, CaseIterable {
    /// Report it and write nothing for the file.
    case skip
    /// Clean it in line mode instead.
    case text
    /// Report it and stop the run.
    case fail
}

/// The result of cleaning one file.
struct CleanedFile {
    var counts = CleanCounts()
    var bytesIn = 0
    var bytesOut = 0
    var sha256 = ""
    /// The JSON did not parse and was cleaned in line mode (`--on-invalid text`).
    var scannedAsText = false
}

/// Cleans one file at a time, any format; one per worker thread (it owns scanner state).
final class FileCleaner {
    let values: ValueScanner
    let rewriter: JSONRewriter
    let csv: CSVRewriter
    private(set) var textStream: StreamScanner
    let scrubber: Scrubber
    let options: BatchOptions
    private var out: [UInt8] = []
    static let flushSize = 256 * 1024

    let replacer: any FindingReplacer

    init(scrubber: Scrubber, options: BatchOptions) throws {
        self.options = options
        self.scrubber = scrubber
        replacer = try options.transform.makeReplacer()
        values = ValueScanner(scrubber: scrubber, lineCap: options.lineCap)
        rewriter = JSONRewriter(values: values, transform: replacer)
        csv = CSVRewriter(values: values, transform: replacer)
        textStream = scrubber.makeStreamScanner(lineCap: options.lineCap)
    }

    /// Cleans `input` into `output` (written atomically). Throws with nothing left under `output`'s name.
    func clean(input: String, output: String, format: InputFormat, compression: Compression = .none,
               sizeHint: Int = ByteSource.maxChunk, counter: ByteCounter? = nil) throws(BatchError) -> CleanedFile {
        do {
            return try cleanFile(input: input, output: output, format: format, compression: compression,
                                 sizeHint: sizeHint, counter: counter)
        } catch {
            // A failure mid-stream leaves the line scanner holding part of this file: start the next one afresh.
            textStream = scrubber.makeStreamScanner(lineCap: options.lineCap)
            out.removeAll(keepingCapacity: true)
            throw error
        }
    }

    private func cleanFile(input: String, output: String, format: InputFormat, compression: Compression,
                           sizeHint: Int, counter: ByteCounter?) throws(BatchError) -> CleanedFile {
        let src = try ByteSource(path: input, compression: compression, sizeHint: sizeHint)
        src.counter = counter
        let dst = try AtomicOutput(path: output, mode: options.fileMode, compression: compression,
                                   sync: options.sync == .file)
        rewriter.counts = CleanCounts()
        rewriter.file = input
        out.removeAll(keepingCapacity: true)
        var result = CleanedFile()
        switch format {
        case .jsonl: try cleanJSONLines(src, dst, input, &result)
        case .json: try cleanJSON(src, dst, input, &result)
        case .csv: try cleanCSV(src, dst, input, &result)
        case .text:
            var first: [UInt8] = []
            let more = try src.read(into: &first)
            if BinaryCheck.looksBinary(first) { throw BatchError(.binary, "\(input): binary file (NUL byte)") }
            try cleanText(first: first, rest: more ? src : nil, dst, input, &result)
        }
        try dst.write(out)
        out.removeAll(keepingCapacity: true)
        try dst.commit()
        result.bytesIn = src.rawBytes
        result.bytesOut = dst.bytesWritten
        result.sha256 = src.finishDigest()
        return result
    }

    private func drain(_ dst: AtomicOutput) throws(BatchError) {
        if out.count >= FileCleaner.flushSize {
            try dst.write(out)
            out.removeAll(keepingCapacity: true)
        }
    }

    private func cleanJSONLines(_ src: ByteSource, _ dst: AtomicOutput, _ input: String,
                                _ result: inout CleanedFile) throws(BatchError) {
        var pending: [UInt8] = []
        var start = 0
        var lineNumber = 0
        var eof = false
        while !eof {
            eof = try !src.read(into: &pending)
            while true {
                let nl = pending.withUnsafeBufferPointer { p -> Int? in
                    guard let base = p.baseAddress, start < p.count,
                          let hit = memchr(base + start, 0x0A, p.count - start) else { return nil }
                    return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
                if nl == nil && !eof { break }
                let end = nl ?? pending.count
                if end == start && nl == nil { break }
                lineNumber += 1
                try pending.withUnsafeBufferPointer { (p) throws(BatchError) in
                    try record(UnsafeBufferPointer(rebasing: p[start..<end]), line: lineNumber, input, &result)
                }
                if nl != nil { out.append(0x0A) }
                start = nl.map { $0 + 1 } ?? pending.count
                try drain(dst)
            }
            if start > 0 {
                pending.removeFirst(start)
                start = 0
            }
            if pending.count > options.maxJSONBytes {
                throw BatchError(.tooLarge, "\(input): line \(lineNumber + 1): JSON Lines record over the size limit of \(options.maxJSONBytes) bytes")
            }
        }
        result.counts.merge(rewriter.counts)
    }

    /// CSV: record by record (a record may span lines inside quotes), the first one the header.
    private func cleanCSV(_ src: ByteSource, _ dst: AtomicOutput, _ input: String,
                          _ result: inout CleanedFile) throws(BatchError) {
        csv.reset()
        csv.counts = CleanCounts()
        csv.file = input
        var splitter = CSVSplitter()
        var pending: [UInt8] = []
        var scanned = 0  // bytes of `pending` the splitter has seen
        var eof = false
        var first = true
        var recordNumber = 0
        while !eof {
            eof = try !src.read(into: &pending)
            if first {
                first = false
                if BinaryCheck.looksBinary(pending) { throw BatchError(.binary, "\(input): binary file (NUL byte)") }
            }
            var start = 0
            while start < pending.count {
                let end: Int? = pending.withUnsafeBufferPointer { p in
                    splitter.end(in: p, from: max(start, scanned)).map { e in scanned = e; return e }
                }
                guard let end = end ?? (eof ? pending.count : nil) else {
                    scanned = pending.count
                    break
                }
                recordNumber += 1
                if end - start > options.maxJSONBytes {
                    throw BatchError(.tooLarge, "\(input): record \(recordNumber): CSV record over the size limit of \(options.maxJSONBytes) bytes")
                }
                do {
                    try pending.withUnsafeBufferPointer { p in
                        try csv.rewrite(UnsafeBufferPointer(rebasing: p[start..<end]), into: &out)
                    }
                } catch let error as BatchError {
                    throw error
                } catch {
                    throw BatchError(.transformFailed, "\(input): record \(recordNumber): transform failed: \(error)")
                }
                start = end
                try drain(dst)
            }
            if start > 0 {
                pending.removeFirst(start)
                scanned = max(0, scanned - start)
            }
            if pending.count > options.maxJSONBytes {
                throw BatchError(.tooLarge, "\(input): record \(recordNumber + 1): CSV record over the size limit of \(options.maxJSONBytes) bytes (a quote never closed?)")
            }
        }
        result.counts.merge(csv.counts)
    }

    /// One JSON Lines record (without its newline).
    private func record(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, _ input: String,
                        _ result: inout CleanedFile) throws(BatchError) {
        result.counts.records += 1
        if bytes.count > options.maxJSONBytes {
            throw BatchError(.tooLarge, "\(input): line \(line): JSON Lines record over the size limit of \(options.maxJSONBytes) bytes")
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            out.append(contentsOf: bytes)
            return
        }
        do {
            try rewriter.rewrite(bytes, into: &out)
        } catch let error as JSONSyntaxError {
            guard options.onInvalid == .text else {
                throw BatchError(.invalidJSON, "\(input): line \(line): invalid JSON: \(error)")
            }
            result.scannedAsText = true
            try cleanTextBuffer(bytes, input, &result.counts)
        } catch let error as BatchError {
            throw error
        } catch {
            throw BatchError(.transformFailed, "\(input): line \(line): transform failed: \(error)")
        }
    }

    private func cleanJSON(_ src: ByteSource, _ dst: AtomicOutput, _ input: String,
                           _ result: inout CleanedFile) throws(BatchError) {
        var document: [UInt8] = []
        while try src.read(into: &document) {
            if document.count > options.maxJSONBytes {
                throw BatchError(.tooLarge, "\(input): JSON document over the size limit of \(options.maxJSONBytes) bytes (raise --max-json-size, or store it as JSON Lines)")
            }
        }
        result.counts.records = 1
        do {
            try document.withUnsafeBufferPointer { try rewriter.rewrite($0, into: &out) }
            result.counts.merge(rewriter.counts)
        } catch let error as JSONSyntaxError {
            guard options.onInvalid == .text else {
                throw BatchError(.invalidJSON, "\(input): invalid JSON: \(error)")
            }
            out.removeAll(keepingCapacity: true)
            result.scannedAsText = true
            if BinaryCheck.looksBinary(document) { throw BatchError(.binary, "\(input): binary file (NUL byte)") }
            try document.withUnsafeBufferPointer { (d) throws(BatchError) in try cleanTextBuffer(d, input, &result.counts) }
        } catch let error as BatchError {
            throw error
        } catch {
            throw BatchError(.transformFailed, "\(input): transform failed: \(error)")
        }
    }

    /// Line mode over a buffer held in memory (invalid JSON cleaned as text).
    private func cleanTextBuffer(_ bytes: UnsafeBufferPointer<UInt8>, _ input: String,
                                 _ counts: inout CleanCounts) throws(BatchError) {
        var sink = TextSink(transform: replacer, file: input)
        do {
            try textStream.feed(bytes, into: &sink)
            try textStream.finish(into: &sink)
        } catch {
            throw BatchError(.transformFailed, "\(input): transform failed: \(error)")
        }
        out.append(contentsOf: sink.out)
        counts.merge(sink.counts)
    }

    private func cleanText(first: [UInt8], rest: ByteSource?, _ dst: AtomicOutput, _ input: String,
                           _ result: inout CleanedFile) throws(BatchError) {
        var sink = TextSink(transform: replacer, file: input)
        var chunk = first
        do {
            while true {
                try textStream.feed(chunk, into: &sink)
                if sink.out.count >= FileCleaner.flushSize {
                    try dst.write(sink.out)
                    sink.out.removeAll(keepingCapacity: true)
                }
                chunk.removeAll(keepingCapacity: true)
                guard let rest, try rest.read(into: &chunk) else { break }
            }
            try textStream.finish(into: &sink)
        } catch let error as BatchError {
            throw error
        } catch {
            throw BatchError(.transformFailed, "\(input): transform failed: \(error)")
        }
        try dst.write(sink.out)
        result.counts.merge(sink.counts)
    }
}
