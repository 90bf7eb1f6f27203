import Foundation
import PHIScrub

// The C ABI of `include/phiscrub.h`: each function below is one declaration of the header, exported with its C name
// by `@_cdecl`. Only C types cross: opaque pointers, integers, doubles and byte buffers. Every function checks its
// pointers and fails with `PHISCRUB_E_INVALID_ARGUMENT` rather than trap; no Swift error or value escapes.

/// `PHISCRUB_ABI_VERSION` of the header this library implements.
let abiVersion: UInt32 = 1

/// `phiscrub_abi_version`: the ABI version of the loaded library.
@_cdecl("phiscrub_abi_version")
public func phiscrub_abi_version() -> UInt32 { abiVersion }

/// `phiscrub_status_name`: a status's static name ("unknown" for other values).
@_cdecl("phiscrub_status_name")
public func phiscrub_status_name(_ status: Int32) -> UnsafePointer<CChar> {
    let name: StaticString = ABIStatus(rawValue: status)?.name ?? "unknown"
    return UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Writes `message` into the caller's buffer, truncated (at a UTF-8 character boundary) and NUL-terminated.
func writeMessage(_ message: String, _ err: UnsafeMutablePointer<CChar>?, _ cap: UInt) {
    guard let err, cap > 0 else { return }
    var bytes = Array(message.utf8)
    let room = Int(min(cap - 1, UInt(Int.max)))
    if bytes.count > room {
        var cut = room
        while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        bytes.removeSubrange(cut...)
    }
    bytes.withUnsafeBufferPointer { b in
        if let base = b.baseAddress { UnsafeMutableRawPointer(err).copyMemory(from: base, byteCount: b.count) }
    }
    err[bytes.count] = 0
}

/// Returns `error`'s status after writing its message.
func fail(_ error: ABIError, _ err: UnsafeMutablePointer<CChar>?, _ cap: UInt) -> Int32 {
    writeMessage(error.message, err, cap)
    return error.status.rawValue
}

/// The bytes of a NUL-terminated C string, or nil for NULL.
func cStringBytes(_ s: UnsafePointer<CChar>?) -> [UInt8]? {
    guard let s else { return nil }
    return Array(UnsafeRawBufferPointer(start: s, count: strlen(s)))
}

/// `phiscrub_engine_new`: an engine from the options JSON (see the header for the keys).
@_cdecl("phiscrub_engine_new")
public func phiscrub_engine_new(_ optionsJSON: UnsafePointer<CChar>?, _ engineOut: UnsafeMutablePointer<OpaquePointer?>?,
                                _ err: UnsafeMutablePointer<CChar>?, _ errCap: UInt) -> Int32 {
    guard let engineOut else {
        return fail(ABIError(.invalidArgument, "engine_out is NULL"), err, errCap)
    }
    engineOut.pointee = nil
    let engine: Engine
    switch EngineOptions.parse(cStringBytes(optionsJSON)) {
    case .failure(let e): return fail(e, err, errCap)
    case .success(let options):
        do { engine = try Engine.make(options) } catch { return fail(error, err, errCap) }
    }
    engineOut.pointee = OpaquePointer(Unmanaged.passRetained(engine).toOpaque())
    writeMessage("", err, errCap)
    return ABIStatus.ok.rawValue
}

/// `phiscrub_engine_free`: releases the engine (NULL ignored).
@_cdecl("phiscrub_engine_free")
public func phiscrub_engine_free(_ engine: OpaquePointer?) {
    guard let engine else { return }
    Unmanaged<Engine>.fromOpaque(UnsafeRawPointer(engine)).release()
}

/// The operations of `phiscrub_op`, by value.
let operations: [Int32: ServiceOperation] = [
    1: .scan, 2: .redact, 3: .transform, 4: .reveal, 5: .prompt, 6: .toolCall, 7: .toolOutput, 8: .memoryWrite,
    9: .endSession,
]

/// Operations whose text the middleware handles as a Swift `String`: bytes that are not UTF-8 would be replaced, so
/// they are refused instead.
let unicodeOperations: Set<ServiceOperation> = [.prompt, .toolCall, .toolOutput, .memoryWrite]

/// Hands a successful answer to the caller as a retained `CResult`.
func deliver(_ answer: Swift.Result<ServiceResponse, ABIError>, _ resultOut: UnsafeMutablePointer<OpaquePointer?>,
             _ err: UnsafeMutablePointer<CChar>?, _ errCap: UInt, textsApart: Bool = false) -> Int32 {
    switch answer {
    case .failure(let e):
        return fail(e, err, errCap)
    case .success(let response):
        resultOut.pointee = OpaquePointer(Unmanaged.passRetained(CResult(response, textsApart: textsApart)).toOpaque())
        writeMessage("", err, errCap)
        return ABIStatus.ok.rawValue
    }
}

/// `phiscrub_call`: one request with its text as bytes and its options as JSON.
@_cdecl("phiscrub_call")
public func phiscrub_call(_ engine: OpaquePointer?, _ op: Int32, _ text: UnsafeRawPointer?, _ textLen: UInt,
                          _ optionsJSON: UnsafePointer<CChar>?, _ resultOut: UnsafeMutablePointer<OpaquePointer?>?,
                          _ err: UnsafeMutablePointer<CChar>?, _ errCap: UInt) -> Int32 {
    guard let resultOut else { return fail(ABIError(.invalidArgument, "result_out is NULL"), err, errCap) }
    resultOut.pointee = nil
    guard let engine else { return fail(ABIError(.invalidArgument, "engine is NULL"), err, errCap) }
    guard let operation = operations[op] else {
        return fail(ABIError(.invalidArgument, "op is not a phiscrub_op (1...9)"), err, errCap)
    }
    guard textLen <= UInt(Int.max) else { return fail(ABIError(.invalidArgument, "text_len is too large"), err, errCap) }
    guard text != nil || textLen == 0 else {
        return fail(ABIError(.invalidArgument, "text is NULL and text_len is not 0"), err, errCap)
    }
    let bytes = text.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(textLen))) } ?? []
    if unicodeOperations.contains(operation), String(validating: bytes, as: UTF8.self) == nil {
        return fail(ABIError(.invalidUTF8, "op \(operation.rawValue) needs UTF-8 text: the \(bytes.count) bytes given are not UTF-8, and nothing was changed"), err, errCap)
    }
    let options: ServiceOptions
    switch requestOptions(optionsJSON) {
    case .success(let o): options = o
    case .failure(let e): return fail(e, err, errCap)
    }
    let e = Unmanaged<Engine>.fromOpaque(UnsafeRawPointer(engine)).takeUnretainedValue()
    let request = ServiceRequest(id: .none, op: operation, options: options, text: bytes)
    return deliver(e.run(request), resultOut, err, errCap)
}

/// The request options of `options_json` (NULL, empty or only whitespace: none).
func requestOptions(_ optionsJSON: UnsafePointer<CChar>?) -> Swift.Result<ServiceOptions, ABIError> {
    guard let json = cStringBytes(optionsJSON), json.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else {
        return .success(ServiceOptions())
    }
    guard String(validating: json, as: UTF8.self) != nil else {
        return .failure(ABIError(.invalidUTF8, "options_json is not UTF-8"))
    }
    return ServiceCodec.decodeOptions(json).mapError { ABIError($0) }
}

/// `phiscrub_call_texts`: one request over many texts given as a buffer and offsets (an Arrow string column's
/// layout), each text cleaned on its own as the wire's `texts` are; no JSON coding of the texts either way.
@_cdecl("phiscrub_call_texts")
public func phiscrub_call_texts(_ engine: OpaquePointer?, _ op: Int32, _ data: UnsafeRawPointer?, _ dataLen: UInt,
                                _ offsets: UnsafePointer<Int64>?, _ count: UInt, _ optionsJSON: UnsafePointer<CChar>?,
                                _ resultOut: UnsafeMutablePointer<OpaquePointer?>?,
                                _ err: UnsafeMutablePointer<CChar>?, _ errCap: UInt) -> Int32 {
    guard let resultOut else { return fail(ABIError(.invalidArgument, "result_out is NULL"), err, errCap) }
    resultOut.pointee = nil
    guard let engine else { return fail(ABIError(.invalidArgument, "engine is NULL"), err, errCap) }
    guard let operation = operations[op], operation == .scan || operation == .redact || operation == .transform else {
        return fail(ABIError(.invalidArgument, "op must be PHISCRUB_OP_SCAN, _REDACT or _TRANSFORM for several texts"), err, errCap)
    }
    guard dataLen <= UInt(Int.max), count < UInt(Int.max) else {
        return fail(ABIError(.invalidArgument, "data_len or count is too large"), err, errCap)
    }
    guard let offsets else { return fail(ABIError(.invalidArgument, "offsets is NULL"), err, errCap) }
    guard data != nil || dataLen == 0 else {
        return fail(ABIError(.invalidArgument, "data is NULL and data_len is not 0"), err, errCap)
    }
    let n = Int(count)
    // Offsets must run from 0...data_len without going back: checked before any byte is read.
    var previous = offsets[0]
    guard previous >= 0 else { return fail(ABIError(.invalidArgument, "offsets[0] is negative"), err, errCap) }
    for i in 0..<n {
        let next = offsets[i + 1]
        guard next >= previous else {
            return fail(ABIError(.invalidArgument, "offsets[\(i + 1)] is smaller than offsets[\(i)]"), err, errCap)
        }
        previous = next
    }
    guard UInt64(previous) <= UInt64(dataLen) else {
        return fail(ABIError(.invalidArgument, "offsets[count] (\(previous)) is past data_len (\(dataLen))"), err, errCap)
    }
    let options: ServiceOptions
    switch requestOptions(optionsJSON) {
    case .success(let o): options = o
    case .failure(let e): return fail(e, err, errCap)
    }
    var texts: [[UInt8]] = []
    texts.reserveCapacity(n)
    for i in 0..<n {
        let start = Int(offsets[i])
        let length = Int(offsets[i + 1]) - start
        texts.append(length == 0 ? [] : Array(UnsafeRawBufferPointer(start: data! + start, count: length)))
    }
    var request = ServiceRequest(id: .none, op: operation, options: options, text: [])
    request.texts = texts
    let e = Unmanaged<Engine>.fromOpaque(UnsafeRawPointer(engine)).takeUnretainedValue()
    return deliver(e.run(request), resultOut, err, errCap, textsApart: true)
}

/// `phiscrub_call_json`: one request as a `serve --stdio` request line.
@_cdecl("phiscrub_call_json")
public func phiscrub_call_json(_ engine: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ requestLen: UInt,
                               _ resultOut: UnsafeMutablePointer<OpaquePointer?>?,
                               _ err: UnsafeMutablePointer<CChar>?, _ errCap: UInt) -> Int32 {
    guard let resultOut else { return fail(ABIError(.invalidArgument, "result_out is NULL"), err, errCap) }
    resultOut.pointee = nil
    guard let engine else { return fail(ABIError(.invalidArgument, "engine is NULL"), err, errCap) }
    guard let request else { return fail(ABIError(.invalidArgument, "request is NULL"), err, errCap) }
    guard requestLen <= UInt(Int.max) else { return fail(ABIError(.invalidArgument, "request_len is too large"), err, errCap) }
    let line = Array(UnsafeRawBufferPointer(start: request, count: Int(requestLen)))
    guard String(validating: line, as: UTF8.self) != nil else {
        return fail(ABIError(.invalidUTF8, "the request (\(line.count) bytes) is not UTF-8"), err, errCap)
    }
    let e = Unmanaged<Engine>.fromOpaque(UnsafeRawPointer(engine)).takeUnretainedValue()
    switch ServiceCodec.decode(line) {
    case .failure(let f):
        return fail(ABIError(f.error), err, errCap)
    case .success(let r):
        return deliver(e.run(r), resultOut, err, errCap)
    }
}

/// The `CResult` behind a handle.
@inline(__always) func result(_ p: OpaquePointer) -> CResult {
    Unmanaged<CResult>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
}

/// `phiscrub_result_free`: releases the result (NULL ignored).
@_cdecl("phiscrub_result_free")
public func phiscrub_result_free(_ r: OpaquePointer?) {
    guard let r else { return }
    Unmanaged<CResult>.fromOpaque(UnsafeRawPointer(r)).release()
}

/// A part of a result, or nil when it has no such part; `invalidArgument` for an unknown part.
func part(_ r: CResult, _ part: Int32) -> Swift.Result<CBytes?, ABIError> {
    switch part {
    case 1: return .success(r.text)
    case 2: return .success(r.findingsJSON())
    case 3: return .success(r.answer())
    default: return .failure(ABIError(.invalidArgument, "part is not a phiscrub_part (1...3)"))
    }
}

/// `phiscrub_result_get`: borrows a part (valid until the result is freed).
@_cdecl("phiscrub_result_get")
public func phiscrub_result_get(_ r: OpaquePointer?, _ which: Int32, _ data: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                _ len: UnsafeMutablePointer<UInt>?) -> Int32 {
    data?.pointee = nil
    len?.pointee = 0
    guard let r, let data, let len else { return ABIStatus.invalidArgument.rawValue }
    switch part(result(r), which) {
    case .failure(let e): return e.status.rawValue
    case .success(nil): return ABIStatus.noValue.rawValue
    case .success(let bytes?):
        data.pointee = bytes.cString
        len.pointee = UInt(bytes.count)
        return ABIStatus.ok.rawValue
    }
}

/// `phiscrub_result_copy`: copies a part and a NUL into the caller's buffer, snprintf-style.
@_cdecl("phiscrub_result_copy")
public func phiscrub_result_copy(_ r: OpaquePointer?, _ which: Int32, _ buf: UnsafeMutablePointer<CChar>?, _ cap: UInt,
                                 _ needed: UnsafeMutablePointer<UInt>?) -> Int32 {
    needed?.pointee = 0
    guard let r, let needed else { return ABIStatus.invalidArgument.rawValue }
    guard buf != nil || cap == 0 else { return ABIStatus.invalidArgument.rawValue }
    switch part(result(r), which) {
    case .failure(let e): return e.status.rawValue
    case .success(nil): return ABIStatus.noValue.rawValue
    case .success(let bytes?):
        let size = UInt(bytes.count) + 1
        needed.pointee = size
        guard let buf, cap >= size else {
            if let buf, cap > 0 { buf[0] = 0 }
            return ABIStatus.bufferTooSmall.rawValue
        }
        UnsafeMutableRawPointer(buf).copyMemory(from: bytes.pointer, byteCount: bytes.count + 1)
        return ABIStatus.ok.rawValue
    }
}

/// `phiscrub_result_texts`: borrows the output texts of a request with several texts (packed, with offsets).
@_cdecl("phiscrub_result_texts")
public func phiscrub_result_texts(_ r: OpaquePointer?, _ data: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                  _ dataLen: UnsafeMutablePointer<UInt>?,
                                  _ offsets: UnsafeMutablePointer<UnsafePointer<Int64>?>?,
                                  _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    data?.pointee = nil
    dataLen?.pointee = 0
    offsets?.pointee = nil
    count?.pointee = 0
    guard let r, let data, let dataLen, let offsets, let count else { return ABIStatus.invalidArgument.rawValue }
    guard let packed = result(r).texts() else { return ABIStatus.noValue.rawValue }
    data.pointee = packed.bytes.cString
    dataLen.pointee = UInt(packed.bytes.count)
    offsets.pointee = UnsafePointer(packed.offsets)
    count.pointee = UInt(packed.count)
    return ABIStatus.ok.rawValue
}

/// `phiscrub_result_finding_count`.
@_cdecl("phiscrub_result_finding_count")
public func phiscrub_result_finding_count(_ r: OpaquePointer?) -> UInt {
    guard let r else { return 0 }
    return UInt(result(r).findings.count)
}

/// `phiscrub_result_finding`: fills a `phiscrub_finding` (LP64 layout: two pointers, two size_t, a double; 40 bytes).
@_cdecl("phiscrub_result_finding")
public func phiscrub_result_finding(_ r: OpaquePointer?, _ index: UInt, _ out: UnsafeMutableRawPointer?) -> Int32 {
    guard let r, let out else { return ABIStatus.invalidArgument.rawValue }
    let res = result(r)
    guard index < UInt(res.findings.count) else { return ABIStatus.invalidArgument.rawValue }
    let i = Int(index)
    let f = res.findings[i]
    let s = res.strings(at: i)
    out.storeBytes(of: UnsafePointer(s.entity), toByteOffset: 0, as: UnsafePointer<CChar>.self)
    out.storeBytes(of: UnsafePointer(s.rule), toByteOffset: MemoryLayout<UnsafeRawPointer>.stride, as: UnsafePointer<CChar>.self)
    out.storeBytes(of: UInt(f.start), toByteOffset: 2 * MemoryLayout<UnsafeRawPointer>.stride, as: UInt.self)
    out.storeBytes(of: UInt(f.end), toByteOffset: 2 * MemoryLayout<UnsafeRawPointer>.stride + MemoryLayout<UInt>.stride, as: UInt.self)
    out.storeBytes(of: f.confidence, toByteOffset: 2 * MemoryLayout<UnsafeRawPointer>.stride + 2 * MemoryLayout<UInt>.stride, as: Double.self)
    return ABIStatus.ok.rawValue
}

/// `phiscrub_result_withheld`.
@_cdecl("phiscrub_result_withheld")
public func phiscrub_result_withheld(_ r: OpaquePointer?) -> UInt {
    guard let r else { return 0 }
    return UInt(max(0, result(r).response.withheld))
}

/// `phiscrub_result_allowed`: 1, 0, or -1 when the answer has no decision.
@_cdecl("phiscrub_result_allowed")
public func phiscrub_result_allowed(_ r: OpaquePointer?) -> Int32 {
    guard let r, let allowed = result(r).response.allowed else { return -1 }
    return allowed ? 1 : 0
}
