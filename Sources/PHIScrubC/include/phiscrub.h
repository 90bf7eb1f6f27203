/*
 * phiscrub.h: the C ABI of phiscrub (libPHIScrubC.so), the PHI detection and redaction library.
 *
 * One engine (rules, operators, keys and, with a configuration, RBAC and the audit log) answers requests: scan,
 * redact, transform, reveal and the compliance middleware's prompt, tool_call, tool_output, memory_write and
 * end_session. It is the service core of `phiscrub serve --stdio` (README.md, "Serving agent hosts"), called in
 * process: the same options, the same answers, the same audit records.
 *
 * ABI and versioning
 *   PHISCRUB_ABI_VERSION is the version of this header; phiscrub_abi_version() is the version of the library that
 *   was loaded. They must be equal: a change that breaks callers (a function's signature, a struct's layout, the
 *   meaning of a status) increments it. Compare them once at start-up.
 *   No Swift type crosses the boundary: handles are opaque pointers, text is bytes with a length, structured parts
 *   of an answer are JSON (UTF-8) or the plain C struct phiscrub_finding.
 *
 * Thread safety
 *   An engine is safe to use from any number of threads at once: every function taking a `phiscrub_engine *`
 *   may run concurrently with the others on the same engine, except phiscrub_engine_free, which the caller must
 *   call once, after every other call on that engine has returned.
 *   A result belongs to the caller: its accessors may be called from any thread, also concurrently, but not
 *   concurrently with (or after) phiscrub_result_free on it.
 *
 * Ownership
 *   - Input buffers (text, options JSON, request JSON) are only read during the call; the library keeps no pointer
 *     to them.
 *   - Engines and results are created by the library and freed only with phiscrub_engine_free and
 *     phiscrub_result_free (never with free(3): they are not malloc blocks).
 *   - Why a result object rather than "pass a buffer, get the size back when it is too small": a request cannot be
 *     re-run to size a buffer. With a configuration every scan, redact and transform writes an audit record, and a
 *     middleware call counts towards the session's usage and may raise alerts, so running it twice would record
 *     and count it twice. The result holds the one answer; the caller either borrows pointers into it
 *     (phiscrub_result_get, valid until phiscrub_result_free) or copies parts into buffers it owns
 *     (phiscrub_result_copy, snprintf-style).
 *   - Error messages are written into a caller-owned buffer (err, err_cap), truncated to fit and always
 *     NUL-terminated when err_cap > 0; err may be NULL (then err_cap is ignored).
 *   - Strings returned as `const char *` by phiscrub_status_name are static.
 *
 * Errors
 *   Every function that can fail returns a phiscrub_status (0 is success). A failed call produces no result and no
 *   output text (fail closed): *result_out is set to NULL. Messages name options, limits and files; they never
 *   contain request text, matched values or option values taken from a request.
 *
 * Text
 *   Text is bytes with a length (it may contain NUL). Offsets in findings are byte offsets into the request text,
 *   end exclusive. scan, redact, transform and reveal take any bytes: bytes that are not UTF-8 pass through
 *   unchanged, as in the filter (README.md, "Byte-exact pass-through"). The middleware operations (prompt,
 *   tool_call, tool_output, memory_write) work on Unicode text and refuse bytes that are not UTF-8 with
 *   PHISCRUB_E_INVALID_UTF8 rather than replace them.
 */
#ifndef PHISCRUB_H
#define PHISCRUB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version this header describes; compare with phiscrub_abi_version(). */
#define PHISCRUB_ABI_VERSION 1

/** An engine: rules, operators, keys, configuration. Opaque; thread-safe (see above). */
typedef struct phiscrub_engine phiscrub_engine;

/** The answer to one request. Opaque; owned by the caller until phiscrub_result_free. */
typedef struct phiscrub_result phiscrub_result;

/**
 * Status codes. The names in parentheses are what phiscrub_status_name returns; codes 20-31 are the service's
 * typed errors with the same names as in `serve --stdio` answers (docs/serve.md).
 */
typedef enum phiscrub_status {
    /** Success ("ok"). */
    PHISCRUB_OK = 0,
    /** A NULL handle or pointer where one is required, an unknown phiscrub_op or phiscrub_part, a length larger
     *  than the address space ("invalid_argument"). */
    PHISCRUB_E_INVALID_ARGUMENT = 1,
    /** phiscrub_result_copy: the buffer is smaller than *needed; nothing was copied ("buffer_too_small"). */
    PHISCRUB_E_BUFFER_TOO_SMALL = 2,
    /** A middleware operation was given bytes that are not UTF-8, or a JSON argument is not UTF-8
     *  ("invalid_utf8"). */
    PHISCRUB_E_INVALID_UTF8 = 3,
    /** The result has no such part: no text for scan or for a middleware call that was blocked ("no_value"). */
    PHISCRUB_E_NO_VALUE = 4,
    /** phiscrub_engine_new: the options JSON is malformed, has an unknown key, a value of the wrong type or out
     *  of range ("engine_options"). */
    PHISCRUB_E_ENGINE_OPTIONS = 10,
    /** phiscrub_engine_new: the rule packs could not be loaded or compiled, or lack a built-in identifier
     *  entity without allow_partial_rules ("rules"). */
    PHISCRUB_E_RULES = 11,
    /** phiscrub_engine_new: the configuration file could not be loaded, its audit log could not be opened, or
     *  the engine's role is not one of its roles ("config"). */
    PHISCRUB_E_CONFIG = 12,
    /** phiscrub_call_json: the request is not a JSON object ("invalid_json"). */
    PHISCRUB_E_INVALID_JSON = 20,
    /** phiscrub_call_json: a required field is missing or has the wrong type ("invalid_request"). */
    PHISCRUB_E_INVALID_REQUEST = 21,
    /** phiscrub_call_json: the op is not one the service knows ("unknown_op"). */
    PHISCRUB_E_UNKNOWN_OP = 22,
    /** A request option is unknown or has a bad value, or the operation needs an option it lacks
     *  ("invalid_option"). */
    PHISCRUB_E_INVALID_OPTION = 23,
    /** The request is larger than the service accepts ("too_large"). */
    PHISCRUB_E_TOO_LARGE = 24,
    /** An operator (token, encrypt, shift) or reveal needs keys the engine does not have, or phiscrub_engine_new
     *  could not load the keys an option requires ("keys"). */
    PHISCRUB_E_KEYS = 25,
    /** An operator failed; no text is returned ("transform_failed"). */
    PHISCRUB_E_TRANSFORM_FAILED = 26,
    /** The configuration's audit log could not record the call; no text is returned ("audit_failed"). */
    PHISCRUB_E_AUDIT_FAILED = 27,
    /** The operation needs a configuration the engine was created without ("not_configured"). */
    PHISCRUB_E_NOT_CONFIGURED = 28,
    /** The service is shutting down and did not run the request ("shutting_down"). */
    PHISCRUB_E_SHUTTING_DOWN = 29,
    /** The role may not do this (a role the configuration does not know, reveal without read_phi); the refusal
     *  is audited ("forbidden"). */
    PHISCRUB_E_FORBIDDEN = 30,
    /** A bug in phiscrub; the engine stays usable ("internal"). */
    PHISCRUB_E_INTERNAL = 31
} phiscrub_status;

/** Operations (the `op` of `serve --stdio`). */
typedef enum phiscrub_op {
    /** Findings only. */
    PHISCRUB_OP_SCAN = 1,
    /** The text with every finding replaced by its typed token ([SSN]), and the findings. */
    PHISCRUB_OP_REDACT = 2,
    /** The text with each finding replaced by the operator the options or the engine choose, and the findings. */
    PHISCRUB_OP_TRANSFORM = 3,
    /** [ENC:...] tokens decrypted for options.role (needs read_phi; audited). Needs a configuration and keys. */
    PHISCRUB_OP_REVEAL = 4,
    /** Middleware: a prompt on its way to options.provider, transformed for options.role. */
    PHISCRUB_OP_PROMPT = 5,
    /** Middleware: may options.role call options.tool with this input. */
    PHISCRUB_OP_TOOL_CALL = 6,
    /** Middleware: a tool's output (options.tool), transformed for options.role. */
    PHISCRUB_OP_TOOL_OUTPUT = 7,
    /** Middleware: text stored in options.region. */
    PHISCRUB_OP_MEMORY_WRITE = 8,
    /** Middleware: forget the session usage of (role, agent, user); the text is ignored. */
    PHISCRUB_OP_END_SESSION = 9
} phiscrub_op;

/** Parts of a result, for phiscrub_result_get and phiscrub_result_copy. */
typedef enum phiscrub_part {
    /** The output text (redact, transform, reveal, an allowed middleware call): exact bytes, not NUL-terminated
     *  in its length (a NUL follows it in the borrowed pointer). PHISCRUB_E_NO_VALUE when there is none. */
    PHISCRUB_PART_TEXT = 1,
    /** The findings as a JSON array, always present (`[]` for none):
     *  [{"entity":"SSN","start":4,"end":15,"rule":"ssn-labelled","confidence":0.95}, ...]; requests with several
     *  texts (phiscrub_call_json with "texts") add "record", the index of the text. Never the values. */
    PHISCRUB_PART_FINDINGS_JSON = 2,
    /** The whole answer as one JSON object, as `serve --stdio` writes it (without the newline):
     *  "ok", "text", "texts", "findings", "allowed", "reason", "counts", "alerts", "withheld", "invalid".
     *  In this form the text is a JSON string (bytes that are not UTF-8 are replaced); use PHISCRUB_PART_TEXT for
     *  the exact bytes. Always present. */
    PHISCRUB_PART_ANSWER_JSON = 3
} phiscrub_part;

/** One finding, as phiscrub_result_finding fills it. The strings belong to the result (valid until
 *  phiscrub_result_free). Never the matched value. */
typedef struct phiscrub_finding {
    /** Entity type, e.g. "SSN", "PHONE", "EMAIL" (NUL-terminated). */
    const char *entity;
    /** Id of the rule that found it (NUL-terminated). */
    const char *rule;
    /** Byte offset of the first byte of the span in the request text. */
    size_t start;
    /** Byte offset one past the last byte of the span. */
    size_t end;
    /** Confidence in 0...1. */
    double confidence;
} phiscrub_finding;

/** The ABI version of the loaded library (PHISCRUB_ABI_VERSION of the header it was built with). */
uint32_t phiscrub_abi_version(void);

/** The name of a status ("ok", "invalid_option", ...; see phiscrub_status), or "unknown" for a value that is not
 *  one. Static storage; never NULL. */
const char *phiscrub_status_name(int status);

/**
 * Creates an engine.
 *
 * options_json: NULL or "" for the defaults (the default rule packs, redaction, no configuration), else one JSON
 * object (NUL-terminated UTF-8) with any of the options of `phiscrub serve` (README.md, "Serving agent hosts"):
 *   "config": "phiscrub.yaml"     the configuration: transform: operators, roles (RBAC), audit log, middleware
 *   "rules": ["pack.yaml", ...]   rule packs to add (a string for one)
 *   "no_default_rules": true      do not load the default packs (needs "rules")
 *   "names": ["roster.txt", ...]  name rosters (found as NAME)
 *   "candidates": true            also load the candidate tier
 *   "allow_partial_rules": true   run with rules lacking a built-in identifier entity
 *   "min_confidence": 0.5         the engine's confidence floor (0...1)
 *   "action": ["SSN=token", ...]  default operators for transform (a string for one), as --action
 *   "context": "prompt", "subject": "patient-1", "mask_keep": 4   operator parameters, as the serve flags
 *   "keyring": "path"             keyring file (default: $PHISCRUB_KEYRING, $PHISCRUB_KEYS / $PHISCRUB_KEY,
 *                                 ~/.config/phiscrub/keyring.json); without usable keys the engine still scans and
 *                                 redacts and token, encrypt and shift fail with PHISCRUB_E_KEYS
 *   "key_max_age_days": 90, "on_expired_key": "warn" | "refuse"
 *   "no_audit": true              with "config": write no audit records (as serve --no-audit)
 *   "role": "clinician"           the role of every request that names none (needs "config"; must be one of its
 *                                 roles)
 * On success returns PHISCRUB_OK and sets *engine_out; on failure sets *engine_out to NULL (when engine_out is not
 * NULL), writes a message to err and returns PHISCRUB_E_ENGINE_OPTIONS, PHISCRUB_E_RULES, PHISCRUB_E_CONFIG,
 * PHISCRUB_E_KEYS, PHISCRUB_E_INVALID_UTF8 or PHISCRUB_E_INVALID_ARGUMENT (engine_out NULL).
 * Loading and compiling the rules takes tens of milliseconds: create one engine and share it. Keys come from the
 * environment as for the command; a warning that the newest key is older than key_max_age_days goes to standard
 * error, as the command writes it.
 */
phiscrub_status phiscrub_engine_new(const char *options_json, phiscrub_engine **engine_out, char *err,
                                    size_t err_cap);

/** Frees an engine (NULL is ignored). No other call on it may be running or follow. Results made by it stay
 *  valid. */
void phiscrub_engine_free(phiscrub_engine *engine);

/**
 * Runs one request.
 *
 * op: a phiscrub_op. text, text_len: the request's bytes (text may be NULL when text_len is 0).
 * options_json: NULL, or one JSON object (NUL-terminated UTF-8) of request options, the `options` of
 * `serve --stdio` (docs/serve.md): "operator", "operators" ({"SSN": "mask"}), "min_confidence", "context",
 * "subject", "mask_keep", "role", "agent", "user", "tool", "provider", "region", "json", "key", "findings",
 * "fingerprints", "view_role". The engine's "role" applies when the options name none.
 * On success returns PHISCRUB_OK and sets *result_out (free it with phiscrub_result_free). On failure sets
 * *result_out to NULL (when result_out is not NULL), writes a message to err and returns the error's status.
 */
phiscrub_status phiscrub_call(phiscrub_engine *engine, phiscrub_op op, const void *text, size_t text_len,
                              const char *options_json, phiscrub_result **result_out, char *err, size_t err_cap);

/**
 * Runs one request given as a `serve --stdio` request line: a JSON object with "op", "text" or "texts", "options"
 * and an optional "id" (docs/serve.md), request_len bytes of UTF-8 (no newline needed). For what phiscrub_call
 * cannot express: several texts in one request ("texts"), JSON-aware cleaning ("options.json", "options.key").
 * The result's PHISCRUB_PART_ANSWER_JSON is the answer line `serve --stdio` would write (the id echoed). Errors as
 * phiscrub_call; an error answer is returned as its status, with no result.
 */
phiscrub_status phiscrub_call_json(phiscrub_engine *engine, const char *request, size_t request_len,
                                   phiscrub_result **result_out, char *err, size_t err_cap);

/**
 * Runs one request over many texts, each cleaned on its own exactly as the texts of a phiscrub_call_json request
 * with "texts" (the same options, answers and audit record), without coding them as JSON: the texts are given as
 * one buffer and offsets, the layout of an Apache Arrow large string column, and come back the same way
 * (phiscrub_result_texts). For data pipelines that clean a column at a time (the PySpark integration).
 *
 * op: PHISCRUB_OP_SCAN, PHISCRUB_OP_REDACT or PHISCRUB_OP_TRANSFORM. data, data_len: the texts' bytes (data may
 * be NULL when data_len is 0). offsets: count + 1 offsets into data; text i is the bytes offsets[i] up to (not
 * including) offsets[i + 1]. offsets[0] >= 0, never decreasing, offsets[count] <= data_len: checked before any
 * text is read (PHISCRUB_E_INVALID_ARGUMENT). options_json: as for phiscrub_call, including "json" (each text is a
 * JSON text, cleaned as `phiscrub batch` cleans a JSON Lines record), "key" (each text is a string value under
 * that JSON key), "findings" (false: counts per entity instead of findings) and "fingerprints".
 * The result: phiscrub_result_texts for the output texts (not for scan); PHISCRUB_PART_FINDINGS_JSON with "record"
 * for each finding; PHISCRUB_PART_ANSWER_JSON as phiscrub_call_json's answer without "texts" (so it stays small):
 * "findings" (with fingerprints when asked for), "counts", "invalid" (indices of the texts that were not JSON,
 * with "json"), "withheld". No PHISCRUB_PART_TEXT. Errors as phiscrub_call.
 * Added in version 1 of the ABI after its first release: look the symbol up (dlsym) to support older libraries.
 */
phiscrub_status phiscrub_call_texts(phiscrub_engine *engine, phiscrub_op op, const void *data, size_t data_len,
                                    const int64_t *offsets, size_t count, const char *options_json,
                                    phiscrub_result **result_out, char *err, size_t err_cap);

/** Frees a result (NULL is ignored). Pointers borrowed from it become invalid. */
void phiscrub_result_free(phiscrub_result *result);

/**
 * Borrows a part of a result: sets *data to its bytes (followed by a NUL, not counted in *len) and *len to its
 * length. The pointer stays valid until phiscrub_result_free. Returns PHISCRUB_OK, PHISCRUB_E_NO_VALUE (no such
 * part: *data NULL, *len 0) or PHISCRUB_E_INVALID_ARGUMENT (NULL result, data or len, unknown part).
 */
phiscrub_status phiscrub_result_get(const phiscrub_result *result, phiscrub_part part, const char **data,
                                    size_t *len);

/**
 * Copies a part of a result into a caller-owned buffer, snprintf-style: *needed is set to the part's length plus
 * one (the NUL written after it). When cap >= *needed the bytes and a NUL are written and PHISCRUB_OK returned;
 * otherwise nothing but an empty string (when cap > 0) is written and PHISCRUB_E_BUFFER_TOO_SMALL returned: call
 * again with a buffer of *needed bytes. buf may be NULL when cap is 0 (to ask for the size). PHISCRUB_E_NO_VALUE
 * when the part is absent (*needed 0).
 */
phiscrub_status phiscrub_result_copy(const phiscrub_result *result, phiscrub_part part, char *buf, size_t cap,
                                     size_t *needed);

/**
 * Borrows the output texts of a request with several texts (phiscrub_call_texts, or phiscrub_call_json with
 * "texts" and an op other than scan): *data their bytes end to end (followed by a NUL, not counted in *data_len),
 * *offsets count + 1 offsets into them (text i is bytes (*offsets)[i] up to (*offsets)[i + 1]; (*offsets)[0] is 0)
 * and *count the number of texts, in request order. Valid until phiscrub_result_free. Returns PHISCRUB_OK,
 * PHISCRUB_E_NO_VALUE (no texts: a scan, a request with one text; outputs NULL and 0) or
 * PHISCRUB_E_INVALID_ARGUMENT (a NULL argument). Added with phiscrub_call_texts.
 */
phiscrub_status phiscrub_result_texts(const phiscrub_result *result, const char **data, size_t *data_len,
                                      const int64_t **offsets, size_t *count);

/** The number of findings of a result (0 for NULL). */
size_t phiscrub_result_finding_count(const phiscrub_result *result);

/** Fills *out with finding `index` (0-based, below phiscrub_result_finding_count). Returns PHISCRUB_OK or
 *  PHISCRUB_E_INVALID_ARGUMENT (NULL result or out, index out of range). */
phiscrub_status phiscrub_result_finding(const phiscrub_result *result, size_t index, phiscrub_finding *out);

/** Lines (or pieces) that could not be scanned completely and were replaced by [WITHHELD] in the text (fail
 *  closed); 0 for NULL. */
size_t phiscrub_result_withheld(const phiscrub_result *result);

/** Middleware operations: 1 when the call may go on, 0 when it was blocked (see "reason" in
 *  PHISCRUB_PART_ANSWER_JSON); -1 for other operations and NULL. */
int phiscrub_result_allowed(const phiscrub_result *result);

#ifdef __cplusplus
}
#endif

#endif /* PHISCRUB_H */
