import Foundation
import PHIBatch
import PHICompliance
import PHIScan
import PHIScrub
import PHITransform

/// A status of the C ABI: the values of `phiscrub_status` in `include/phiscrub.h` (the C test checks each constant
/// against `phiscrub_status_name`, so the two cannot drift apart unnoticed).
enum ABIStatus: Int32, CaseIterable {
    case ok = 0
    case invalidArgument = 1
    case bufferTooSmall = 2
    case invalidUTF8 = 3
    case noValue = 4
    case engineOptions = 10
    case rules = 11
    case config = 12
    case invalidJSON = 20
    case invalidRequest = 21
    case unknownOp = 22
    case invalidOption = 23
    case tooLarge = 24
    case keys = 25
    case transformFailed = 26
    case auditFailed = 27
    case notConfigured = 28
    case shuttingDown = 29
    case forbidden = 30
    case internalError = 31

    /// The status of a service error: the codes 20-31 are `ServiceError.Code` one for one.
    init(_ code: ServiceError.Code) {
        switch code {
        case .invalidJSON: self = .invalidJSON
        case .invalidRequest: self = .invalidRequest
        case .unknownOp: self = .unknownOp
        case .invalidOption: self = .invalidOption
        case .tooLarge: self = .tooLarge
        case .keys: self = .keys
        case .transformFailed: self = .transformFailed
        case .auditFailed: self = .auditFailed
        case .notConfigured: self = .notConfigured
        case .shuttingDown: self = .shuttingDown
        case .forbidden: self = .forbidden
        case .internalError: self = .internalError
        }
    }

    /// The name `phiscrub_status_name` returns: the wire code for service errors. Static, NUL-terminated.
    var name: StaticString {
        switch self {
        case .ok: "ok"
        case .invalidArgument: "invalid_argument"
        case .bufferTooSmall: "buffer_too_small"
        case .invalidUTF8: "invalid_utf8"
        case .noValue: "no_value"
        case .engineOptions: "engine_options"
        case .rules: "rules"
        case .config: "config"
        case .invalidJSON: "invalid_json"
        case .invalidRequest: "invalid_request"
        case .unknownOp: "unknown_op"
        case .invalidOption: "invalid_option"
        case .tooLarge: "too_large"
        case .keys: "keys"
        case .transformFailed: "transform_failed"
        case .auditFailed: "audit_failed"
        case .notConfigured: "not_configured"
        case .shuttingDown: "shutting_down"
        case .forbidden: "forbidden"
        case .internalError: "internal"
        }
    }
}

/// A failure of an ABI call: the status returned and the message written to the caller's buffer (never request
/// text or values).
struct ABIError: Error {
    var status: ABIStatus
    var message: String
    init(_ status: ABIStatus, _ message: String) {
        self.status = status
        self.message = message
    }
    init(_ error: ServiceError) {
        self.init(ABIStatus(error.code), error.message)
    }
    /// The status of a setup failure: `PHISCRUB_E_ENGINE_OPTIONS`, `_RULES`, `_CONFIG` or `_KEYS`.
    init(_ error: ServiceSetupError) {
        switch error.code {
        case .options: self.init(.engineOptions, error.message)
        case .rules: self.init(.rules, error.message)
        case .config: self.init(.config, error.message)
        case .keys: self.init(.keys, error.message)
        }
    }
}

/// What a `phiscrub_engine *` points at (retained by `Unmanaged` until `phiscrub_engine_free`): the service core and
/// the role of requests that name none. Immutable, so any number of threads may use it at once; `PHIService` is
/// itself safe to call concurrently.
final class Engine: Sendable {
    let service: PHIService
    let defaultRole: String?

    init(service: PHIService, defaultRole: String?) {
        self.service = service
        self.defaultRole = defaultRole
    }

    /// The engine `options` describe, built by the library's `ServiceSetup` exactly as `phiscrub serve` and
    /// `phiscrub mcp` build their service (rules, operator policy, keys, and with `config` the compliance
    /// middleware and its audit log), with errors naming the JSON engine options.
    static func make(_ options: EngineOptions) throws(ABIError) -> Engine {
        do {
            return Engine(service: try options.setup.makeService(), defaultRole: options.role)
        } catch {
            throw ABIError(error)
        }
    }

    /// Runs one request (never throws for a request the service answers with an error: that is an `ABIError`).
    func run(_ request: ServiceRequest) -> Swift.Result<ServiceResponse, ABIError> {
        var request = request
        if request.options.role == nil, let defaultRole { request.options.role = defaultRole }
        let answer = service.handle(request)
        if let error = answer.error { return .failure(ABIError(error)) }
        return .success(answer)
    }
}
