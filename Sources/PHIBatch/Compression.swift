import CZstd
import PHITransform
#if canImport(Glibc)
import Glibc
#endif

/// How an input is stored, from its name: `.gz` (gzip, zlib) or `.zst` (Zstandard, libzstd). The output is
/// written the same way.
public enum Compression: String, Sendable {
    case none, gzip, zstd

    /// The name's compression suffix (`.gz`, `.zst`), or "".
    var suffix: String {
        switch self {
        case .none: ""
        case .gzip: ".gz"
        case .zstd: ".zst"
        }
    }

    /// The compression a (lower-case) name ends with.
    static func of(lowercased name: String) -> Compression {
        if name.hasSuffix(".gz") { return .gzip }
        if name.hasSuffix(".zst") { return .zstd }
        return .none
    }

    /// `+gzip`, `+zstd` or "" for the report's format field.
    var reportSuffix: String { self == .none ? "" : "+" + rawValue }

    func makeDecoder() throws(BatchError) -> (any StreamDecoder)? {
        switch self {
        case .none: nil
        case .gzip: try Inflater()
        case .zstd: try ZstdDecoder()
        }
    }

    func makeEncoder() throws(BatchError) -> (any StreamEncoder)? {
        switch self {
        case .none: nil
        case .gzip: try Deflater()
        case .zstd: try ZstdEncoder()
        }
    }
}

/// A decompressor fed the file's bytes a chunk at a time, producing at most one output buffer per call, so memory
/// stays bounded whatever the ratio.
protocol StreamDecoder: AnyObject {
    /// Output may be pending from input already fed (call `inflate` again before feeding more).
    var hasPending: Bool { get }
    func feed(_ bytes: [UInt8], count: Int)
    func inflate(into dest: inout [UInt8], path: String) throws(BatchError)
    /// At the end of the file: throws when the stream was cut short.
    func end(path: String) throws(BatchError)
}

/// A compressor writing to the output file as it goes.
protocol StreamEncoder: AnyObject {
    func encode(_ bytes: UnsafeBufferPointer<UInt8>, finish: Bool, into file: FileOutput) throws(BatchError)
}

extension Inflater: StreamDecoder {}
extension Deflater: StreamEncoder {
    func encode(_ bytes: UnsafeBufferPointer<UInt8>, finish: Bool, into file: FileOutput) throws(BatchError) {
        do { try deflate(bytes, finish: finish, into: file) } catch { throw BatchError(.writeFailed, error.message) }
    }
}

/// Zstandard decompression (`ZSTD_decompressStream`). Frames may follow each other (as `zstd` writes for
/// concatenated inputs); a window larger than 2^27 bytes (128 MiB, zstd's own default limit; only `--long=28` or
/// more writes such frames) is refused with a clear error rather than allocated.
final class ZstdDecoder: StreamDecoder {
    private let dctx: OpaquePointer
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var out = [UInt8](repeating: 0, count: 256 * 1024)
    private var outputFull = false
    private var sawData = false
    /// The last call's return: 0 when a frame was completely decoded and flushed.
    private var lastHint = 0
    static let windowLogMax: Int32 = 27

    init() throws(BatchError) {
        guard let d = ZSTD_createDCtx() else { throw BatchError(.io, "zstd: cannot create a decompression context") }
        dctx = d
        _ = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, ZstdDecoder.windowLogMax)
    }

    deinit { ZSTD_freeDCtx(dctx) }

    var hasPending: Bool { inputOffset < input.count || outputFull }

    func feed(_ bytes: [UInt8], count: Int) {
        input.removeAll(keepingCapacity: true)
        input.append(contentsOf: bytes[0..<count])
        inputOffset = 0
        if count > 0 { sawData = true }
    }

    func inflate(into dest: inout [UInt8], path: String) throws(BatchError) {
        guard hasPending else { return }
        let (produced, rc): (Int, Int) = input.withUnsafeBytes { inp in
            out.withUnsafeMutableBytes { o in
                var ib = ZSTD_inBuffer(src: inp.baseAddress, size: inp.count, pos: inputOffset)
                var ob = ZSTD_outBuffer(dst: o.baseAddress, size: o.count, pos: 0)
                let rc = ZSTD_decompressStream(dctx, &ob, &ib)
                inputOffset = ib.pos
                return (ob.pos, rc)
            }
        }
        if phs_zstd_is_error(rc) != 0 {
            let name = String(cString: ZSTD_getErrorName(rc))
            throw BatchError(.corruptZstd, "\(path): not a valid zstd stream (\(name))")
        }
        lastHint = rc
        outputFull = produced == out.count
        dest.append(contentsOf: out[0..<produced])
    }

    func end(path: String) throws(BatchError) {
        if !sawData { throw BatchError(.corruptZstd, "\(path): empty zstd file") }
        if lastHint != 0 { throw BatchError(.corruptZstd, "\(path): zstd stream is truncated") }
    }
}

/// Zstandard compression (level 3, zstd's default; with a content checksum). The same input gives the same bytes.
final class ZstdEncoder: StreamEncoder {
    private let cctx: OpaquePointer
    private var out = [UInt8](repeating: 0, count: 256 * 1024)

    init() throws(BatchError) {
        guard let c = ZSTD_createCCtx() else { throw BatchError(.io, "zstd: cannot create a compression context") }
        cctx = c
        _ = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3)
        _ = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
    }

    deinit { ZSTD_freeCCtx(cctx) }

    func encode(_ bytes: UnsafeBufferPointer<UInt8>, finish: Bool, into file: FileOutput) throws(BatchError) {
        var ib = ZSTD_inBuffer(src: UnsafeRawPointer(bytes.baseAddress), size: bytes.count, pos: 0)
        while true {
            let (produced, rc): (Int, Int) = out.withUnsafeMutableBytes { o in
                var ob = ZSTD_outBuffer(dst: o.baseAddress, size: o.count, pos: 0)
                let rc = ZSTD_compressStream2(cctx, &ob, &ib, finish ? ZSTD_e_end : ZSTD_e_continue)
                return (ob.pos, rc)
            }
            if phs_zstd_is_error(rc) != 0 {
                throw BatchError(.writeFailed, "\(file.name): zstd compression failed (\(String(cString: ZSTD_getErrorName(rc))))")
            }
            if produced > 0 {
                do {
                    try out.withUnsafeBufferPointer { (o) throws(OutputError) in
                        try file.write(UnsafeBufferPointer(rebasing: o[0..<produced]))
                    }
                } catch { throw BatchError(.writeFailed, error.message) }
            }
            // Done when all input is taken and (when finishing) the frame is fully flushed.
            if ib.pos == ib.size && (finish ? rc == 0 : produced < out.count) { return }
        }
    }
}
