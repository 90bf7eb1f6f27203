/*
 * Tests of the C ABI (Sources/PHIScrubC/include/phiscrub.h) against the built libPHIScrubC.so: every function,
 * the error paths (NULL handles and pointers, buffers too small, bad options, a bad role, bytes that are not
 * UTF-8) and several threads sharing one engine. Run by .ci/cabi-tests.sh under AddressSanitizer and UBSan.
 *
 * Usage: test_phiscrub [CONFIG]   CONFIG: a phiscrub.yaml (from `phiscrub init`, keys from PHISCRUB_KEY) for the
 * RBAC, middleware, reveal and audit tests; without it those are skipped and the run says so.
 *
 * Data is synthetic only: the SSN and 555-01xx phone of the other tests, example.com addresses.
 */
#include "phiscrub.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        checks++;                                                                 \
        if (!(cond)) {                                                            \
            failures++;                                                           \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
            fprintf(stderr, __VA_ARGS__);                                         \
            fprintf(stderr, "\n");                                                \
        }                                                                         \
    } while (0)

#define NOTE "SSN 365-94-0475, phone (312) 555-0134"
#define SSN "365-94-0475"

_Static_assert(sizeof(phiscrub_finding) == 40, "phiscrub_finding is two pointers, two size_t and a double (LP64)");

/* The borrowed text of a result as a NUL-terminated string ("" when it has none). */
static const char *text_of(const phiscrub_result *r) {
    const char *data = NULL;
    size_t len = 0;
    if (phiscrub_result_get(r, PHISCRUB_PART_TEXT, &data, &len) != PHISCRUB_OK) return "";
    return data;
}

static phiscrub_engine *engine_or_die(const char *options) {
    char err[512];
    phiscrub_engine *e = NULL;
    phiscrub_status s = phiscrub_engine_new(options, &e, err, sizeof err);
    if (s != PHISCRUB_OK || e == NULL) {
        fprintf(stderr, "phiscrub_engine_new(%s) failed: %s: %s\n", options ? options : "NULL",
                phiscrub_status_name(s), err);
        exit(1);
    }
    return e;
}

static void test_version_and_names(void) {
    CHECK(phiscrub_abi_version() == PHISCRUB_ABI_VERSION, "library ABI %u, header %d", phiscrub_abi_version(),
          PHISCRUB_ABI_VERSION);
    /* Every constant of the header against the library's name for it: the two cannot drift apart. */
    struct { int status; const char *name; } names[] = {
        {PHISCRUB_OK, "ok"}, {PHISCRUB_E_INVALID_ARGUMENT, "invalid_argument"},
        {PHISCRUB_E_BUFFER_TOO_SMALL, "buffer_too_small"}, {PHISCRUB_E_INVALID_UTF8, "invalid_utf8"},
        {PHISCRUB_E_NO_VALUE, "no_value"}, {PHISCRUB_E_ENGINE_OPTIONS, "engine_options"},
        {PHISCRUB_E_RULES, "rules"}, {PHISCRUB_E_CONFIG, "config"}, {PHISCRUB_E_INVALID_JSON, "invalid_json"},
        {PHISCRUB_E_INVALID_REQUEST, "invalid_request"}, {PHISCRUB_E_UNKNOWN_OP, "unknown_op"},
        {PHISCRUB_E_INVALID_OPTION, "invalid_option"}, {PHISCRUB_E_TOO_LARGE, "too_large"},
        {PHISCRUB_E_KEYS, "keys"}, {PHISCRUB_E_TRANSFORM_FAILED, "transform_failed"},
        {PHISCRUB_E_AUDIT_FAILED, "audit_failed"}, {PHISCRUB_E_NOT_CONFIGURED, "not_configured"},
        {PHISCRUB_E_SHUTTING_DOWN, "shutting_down"}, {PHISCRUB_E_FORBIDDEN, "forbidden"},
        {PHISCRUB_E_INTERNAL, "internal"}, {-1, "unknown"}, {5, "unknown"}, {999, "unknown"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK(strcmp(phiscrub_status_name(names[i].status), names[i].name) == 0, "status %d is %s, want %s",
              names[i].status, phiscrub_status_name(names[i].status), names[i].name);
    }
}

static void test_engine_errors(void) {
    char err[512];
    phiscrub_engine *e = (phiscrub_engine *)0x1;
    CHECK(phiscrub_engine_new(NULL, NULL, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT, "NULL engine_out");
    CHECK(strstr(err, "engine_out") != NULL, "message: %s", err);

    CHECK(phiscrub_engine_new("{not json", &e, err, sizeof err) == PHISCRUB_E_ENGINE_OPTIONS, "malformed JSON");
    CHECK(e == NULL, "engine_out is reset on failure");
    CHECK(strstr(err, "not one JSON object") != NULL, "message: %s", err);

    CHECK(phiscrub_engine_new("{\"colour\": \"blue\"}", &e, err, sizeof err) == PHISCRUB_E_ENGINE_OPTIONS, "unknown key");
    CHECK(strstr(err, "unknown engine option") != NULL && strstr(err, "colour") == NULL,
          "the message lists the options and does not echo the key: %s", err);

    CHECK(phiscrub_engine_new("{\"candidates\": \"yes\"}", &e, err, sizeof err) == PHISCRUB_E_ENGINE_OPTIONS, "wrong type");
    CHECK(strstr(err, "candidates must be true or false") != NULL, "message: %s", err);

    CHECK(phiscrub_engine_new("{\"min_confidence\": 2}", &e, err, sizeof err) == PHISCRUB_E_ENGINE_OPTIONS, "range");
    CHECK(phiscrub_engine_new("{\"role\": \"clinician\"}", &e, err, sizeof err) == PHISCRUB_E_ENGINE_OPTIONS,
          "role without config");
    CHECK(strstr(err, "role needs config") != NULL, "message: %s", err);

    CHECK(phiscrub_engine_new("{\"rules\": \"/nonexistent/pack.yaml\"}", &e, err, sizeof err) == PHISCRUB_E_RULES,
          "missing rule pack");
    CHECK(phiscrub_engine_new("{\"config\": \"/nonexistent/phiscrub.yaml\"}", &e, err, sizeof err) == PHISCRUB_E_CONFIG,
          "missing configuration");
    CHECK(phiscrub_engine_new("{\"action\": \"SSN=frobnicate\"}", &e, err, sizeof err) == PHISCRUB_E_ENGINE_OPTIONS,
          "bad operator: %s", err);
    CHECK(phiscrub_engine_new("{\"action\": \"shift\"}", &e, err, sizeof err) == PHISCRUB_E_ENGINE_OPTIONS,
          "shift without subject: %s", err);
    CHECK(phiscrub_engine_new("\xff\xfe", &e, err, sizeof err) == PHISCRUB_E_INVALID_UTF8, "options not UTF-8");

    /* A message buffer of 8 bytes: truncated, NUL-terminated; of 0 and NULL: nothing written. */
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK(phiscrub_engine_new("{not json", &e, small, sizeof small) == PHISCRUB_E_ENGINE_OPTIONS, "small err");
    CHECK(small[7] == '\0' && strlen(small) == 7, "truncated message: %s", small);
    CHECK(phiscrub_engine_new("{not json", &e, NULL, 100) == PHISCRUB_E_ENGINE_OPTIONS, "NULL err");
    char untouched = 'u';
    CHECK(phiscrub_engine_new("{not json", &e, &untouched, 0) == PHISCRUB_E_ENGINE_OPTIONS && untouched == 'u',
          "err_cap 0 writes nothing");

    phiscrub_engine_free(NULL); /* ignored */
}

static void test_scan_redact_transform(phiscrub_engine *e) {
    char err[512];
    phiscrub_result *r = NULL;

    /* scan: findings, no text, never the value. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, NOTE, strlen(NOTE), NULL, &r, err, sizeof err) == PHISCRUB_OK, "%s", err);
    CHECK(r != NULL && err[0] == '\0', "scan result");
    CHECK(phiscrub_result_finding_count(r) == 2, "two findings, got %zu", phiscrub_result_finding_count(r));
    phiscrub_finding f;
    CHECK(phiscrub_result_finding(r, 0, &f) == PHISCRUB_OK, "finding 0");
    CHECK(strcmp(f.entity, "SSN") == 0 && f.start == 4 && f.end == 15 && f.rule[0] && f.confidence > 0 &&
              f.confidence <= 1, "SSN at 4..15: %s %zu %zu", f.entity, f.start, f.end);
    CHECK(phiscrub_result_finding(r, 1, &f) == PHISCRUB_OK && strcmp(f.entity, "PHONE") == 0, "finding 1");
    CHECK(phiscrub_result_finding(r, 2, &f) == PHISCRUB_E_INVALID_ARGUMENT, "index out of range");
    CHECK(phiscrub_result_finding(r, 0, NULL) == PHISCRUB_E_INVALID_ARGUMENT, "NULL out");
    const char *data = (const char *)0x1;
    size_t len = 99;
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_TEXT, &data, &len) == PHISCRUB_E_NO_VALUE && data == NULL && len == 0,
          "scan has no text");
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_FINDINGS_JSON, &data, &len) == PHISCRUB_OK, "findings json");
    CHECK(strlen(data) == len && strstr(data, "\"entity\":\"SSN\",\"start\":4,\"end\":15") != NULL &&
              strstr(data, SSN) == NULL, "findings: %s", data);
    const char *findings_json = data;
    size_t findings_len = len;
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_ANSWER_JSON, &data, &len) == PHISCRUB_OK, "answer json");
    CHECK(strncmp(data, "{\"id\":null,\"ok\":true,\"findings\":[", 33) == 0 && strstr(data, SSN) == NULL, "answer: %s", data);
    /* The findings part is the answer's findings array, byte for byte (the wire's objects, written twice). */
    CHECK(len > 32 + findings_len && strncmp(data + 32, findings_json, findings_len) == 0,
          "findings part %s in answer %s", findings_json, data);
    CHECK(phiscrub_result_get(r, (phiscrub_part)7, &data, &len) == PHISCRUB_E_INVALID_ARGUMENT, "unknown part");
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_TEXT, NULL, &len) == PHISCRUB_E_INVALID_ARGUMENT, "NULL data");
    CHECK(phiscrub_result_allowed(r) == -1 && phiscrub_result_withheld(r) == 0, "no decision, nothing withheld");
    phiscrub_result_free(r);

    /* redact: the text and its findings; copied snprintf-style into buffers that are too small, then big enough. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, NOTE, strlen(NOTE), NULL, &r, err, sizeof err) == PHISCRUB_OK, "%s", err);
    CHECK(strcmp(text_of(r), "SSN [SSN], phone [PHONE]") == 0, "redacted: %s", text_of(r));
    size_t needed = 0;
    CHECK(phiscrub_result_copy(r, PHISCRUB_PART_TEXT, NULL, 0, &needed) == PHISCRUB_E_BUFFER_TOO_SMALL &&
              needed == strlen("SSN [SSN], phone [PHONE]") + 1, "size query: %zu", needed);
    char tiny[4] = "abc";
    CHECK(phiscrub_result_copy(r, PHISCRUB_PART_TEXT, tiny, sizeof tiny, &needed) == PHISCRUB_E_BUFFER_TOO_SMALL &&
              tiny[0] == '\0', "too small: nothing but an empty string");
    char *buf = malloc(needed);
    CHECK(phiscrub_result_copy(r, PHISCRUB_PART_TEXT, buf, needed, &needed) == PHISCRUB_OK &&
              strcmp(buf, "SSN [SSN], phone [PHONE]") == 0, "copied: %s", buf);
    free(buf);
    CHECK(phiscrub_result_copy(r, PHISCRUB_PART_FINDINGS_JSON, NULL, 0, &needed) == PHISCRUB_E_BUFFER_TOO_SMALL, "fj");
    buf = malloc(needed);
    CHECK(phiscrub_result_copy(r, PHISCRUB_PART_FINDINGS_JSON, buf, needed, &needed) == PHISCRUB_OK && buf[0] == '[',
          "findings copied");
    free(buf);
    CHECK(phiscrub_result_copy(r, PHISCRUB_PART_TEXT, NULL, 5, &needed) == PHISCRUB_E_INVALID_ARGUMENT, "NULL buf, cap 5");
    CHECK(phiscrub_result_copy(r, PHISCRUB_PART_TEXT, tiny, sizeof tiny, NULL) == PHISCRUB_E_INVALID_ARGUMENT, "NULL needed");
    CHECK(phiscrub_result_copy(NULL, PHISCRUB_PART_TEXT, tiny, sizeof tiny, &needed) == PHISCRUB_E_INVALID_ARGUMENT, "NULL r");
    phiscrub_result_free(r);

    /* transform with request options; an operator per entity. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_TRANSFORM, NOTE, strlen(NOTE), "{\"operators\": {\"SSN\": \"mask\"}}", &r, err,
                        sizeof err) == PHISCRUB_OK, "%s", err);
    CHECK(strcmp(text_of(r), "SSN ***-**-0475, phone [PHONE]") == 0, "masked: %s", text_of(r));
    phiscrub_result_free(r);
    CHECK(phiscrub_call(e, PHISCRUB_OP_TRANSFORM, NOTE, strlen(NOTE), "{\"operator\": \"mask\", \"mask_keep\": 2}", &r,
                        err, sizeof err) == PHISCRUB_OK, "%s", err);
    CHECK(strcmp(text_of(r), "SSN ***-**-**75, phone (***) ***-**34") == 0, "masked 2: %s", text_of(r));
    phiscrub_result_free(r);
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, NOTE, strlen(NOTE), "{\"min_confidence\": 0.99}", &r, err, sizeof err) ==
              PHISCRUB_OK && strcmp(text_of(r), NOTE) == 0, "min_confidence");
    phiscrub_result_free(r);
    /* Whitespace-only options are no options. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, "x", 1, "  ", &r, err, sizeof err) == PHISCRUB_OK, "blank options");
    phiscrub_result_free(r);

    /* Empty text (text may be NULL with length 0). */
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, NULL, 0, NULL, &r, err, sizeof err) == PHISCRUB_OK, "%s", err);
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_TEXT, &data, &len) == PHISCRUB_OK && len == 0 && data[0] == '\0', "empty");
    phiscrub_result_free(r);

    /* Bytes that are not UTF-8 and NUL bytes pass through redact unchanged around the replaced span. */
    static const char raw[] = "\xff\xfe bad \x00 SSN 365-94-0475 \xc3\x28 end";
    size_t rawlen = sizeof raw - 1;
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, raw, rawlen, NULL, &r, err, sizeof err) == PHISCRUB_OK, "%s", err);
    static const char want[] = "\xff\xfe bad \x00 SSN [SSN] \xc3\x28 end";
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_TEXT, &data, &len) == PHISCRUB_OK && len == sizeof want - 1 &&
              memcmp(data, want, len) == 0, "byte-exact pass-through (%zu bytes)", len);
    phiscrub_result_free(r);

    /* The middleware needs UTF-8: refused, not repaired (checked before the configuration is). */
    CHECK(phiscrub_call(e, PHISCRUB_OP_PROMPT, raw, rawlen, "{\"role\":\"clinician\",\"provider\":\"p\"}", &r, err,
                        sizeof err) == PHISCRUB_E_INVALID_UTF8 && r == NULL, "prompt with invalid UTF-8");
    CHECK(strstr(err, "not UTF-8") != NULL, "message: %s", err);

    /* A text of 8 MiB with PHI at both ends and in the middle. */
    size_t big = 8u << 20;
    char *text = malloc(big);
    for (size_t i = 0; i < big; i++) text[i] = (i % 64 == 63) ? '\n' : 'a' + (char)(i % 26);
    memcpy(text, "SSN 365-94-0475 ", 16);
    memcpy(text + big / 2, " mail jane.doe@example.com ", 27);
    memcpy(text + big - 20, " (312) 555-0134 \n", 17);
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, text, big - 3, NULL, &r, err, sizeof err) == PHISCRUB_OK, "%s", err);
    CHECK(phiscrub_result_finding_count(r) == 3, "three findings in 8 MiB, got %zu", phiscrub_result_finding_count(r));
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_TEXT, &data, &len) == PHISCRUB_OK && strstr(data, SSN) == NULL &&
              strstr(data, "jane.doe@example.com") == NULL && memmem(data, len, "[EMAIL]", 7) != NULL, "big redact");
    phiscrub_result_free(r);
    free(text);
}

static void test_request_errors(phiscrub_engine *e) {
    char err[512];
    phiscrub_result *r = (phiscrub_result *)0x1;
    CHECK(phiscrub_call(NULL, PHISCRUB_OP_SCAN, "x", 1, NULL, &r, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT &&
              r == NULL, "NULL engine");
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, "x", 1, NULL, NULL, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT,
          "NULL result_out");
    CHECK(phiscrub_call(e, (phiscrub_op)0, "x", 1, NULL, &r, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT, "op 0");
    CHECK(phiscrub_call(e, (phiscrub_op)10, "x", 1, NULL, &r, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT, "op 10");
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, NULL, 5, NULL, &r, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT,
          "NULL text with a length");
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, "x", (size_t)-1, NULL, &r, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT,
          "length beyond the address space");

    /* Bad request options: typed errors that name the option, never the text or the value. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_TRANSFORM, NOTE, strlen(NOTE), "{\"operator\": \"" SSN "\"}", &r, err,
                        sizeof err) == PHISCRUB_E_INVALID_OPTION && r == NULL, "bad operator");
    CHECK(strstr(err, "options.operator must be one of") != NULL && strstr(err, SSN) == NULL, "message: %s", err);
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, NOTE, strlen(NOTE), "{\"frobnicate\": 1}", &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_OPTION, "unknown option");
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, NOTE, strlen(NOTE), "[1]", &r, err, sizeof err) == PHISCRUB_E_INVALID_OPTION,
          "options not an object");
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, NOTE, strlen(NOTE), "{}, \"op\": \"reveal\"", &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_OPTION, "options that are more than one object");
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, NOTE, strlen(NOTE), "{\"min_confidence\": 7}", &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_OPTION, "min_confidence out of range");
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, NOTE, strlen(NOTE), "{\"operator\": \"mask\"}", &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_OPTION, "operator on redact");
    CHECK(phiscrub_call(e, PHISCRUB_OP_SCAN, NOTE, strlen(NOTE), "{\"context\": \"\xff\"}", &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_UTF8, "options not UTF-8");
    /* Keys: without any (the run without PHISCRUB_KEY), encrypt fails closed with no text; with them it encrypts. */
    phiscrub_status s = phiscrub_call(e, PHISCRUB_OP_TRANSFORM, NOTE, strlen(NOTE), "{\"operator\": \"encrypt\"}", &r,
                                      err, sizeof err);
    if (getenv("PHISCRUB_KEY") == NULL) {
        CHECK(s == PHISCRUB_E_KEYS && r == NULL, "encrypt without keys: %s %s", phiscrub_status_name(s), err);
    } else {
        CHECK(s == PHISCRUB_OK && strstr(text_of(r), "[ENC:SSN:") != NULL && strstr(text_of(r), SSN) == NULL,
              "encrypt with keys: %s %s", phiscrub_status_name(s), err);
        phiscrub_result_free(r);
    }
    /* A keyring that cannot be read, named explicitly: the engine is refused (fail closed). */
    phiscrub_engine *k = NULL;
    CHECK(phiscrub_engine_new("{\"keyring\": \"/nonexistent/keyring.json\"}", &k, err, sizeof err) == PHISCRUB_E_KEYS &&
              k == NULL, "unreadable keyring: %s", err);
    /* Middleware and reveal without a configuration. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_TOOL_OUTPUT, NOTE, strlen(NOTE), "{\"role\":\"clinician\",\"tool\":\"t\"}", &r,
                        err, sizeof err) == PHISCRUB_E_NOT_CONFIGURED, "middleware without config");
    CHECK(phiscrub_call(e, PHISCRUB_OP_REVEAL, NOTE, strlen(NOTE), "{\"role\":\"clinician\"}", &r, err, sizeof err) ==
              PHISCRUB_E_NOT_CONFIGURED, "reveal without config");

    /* The engine goes on after every error. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, NOTE, strlen(NOTE), NULL, &r, err, sizeof err) == PHISCRUB_OK &&
              strcmp(text_of(r), "SSN [SSN], phone [PHONE]") == 0, "still serving");
    phiscrub_result_free(r);

    /* Accessors on NULL. */
    CHECK(phiscrub_result_finding_count(NULL) == 0 && phiscrub_result_withheld(NULL) == 0 &&
              phiscrub_result_allowed(NULL) == -1, "NULL result accessors");
    phiscrub_result_free(NULL);
}

static void test_call_json(phiscrub_engine *e) {
    char err[512];
    phiscrub_result *r = NULL;
    const char *req = "{\"id\": 7, \"op\": \"redact\", \"texts\": [\"" NOTE "\", \"mail a@example.com\"]}";
    CHECK(phiscrub_call_json(e, req, strlen(req), &r, err, sizeof err) == PHISCRUB_OK, "%s", err);
    const char *data;
    size_t len;
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_ANSWER_JSON, &data, &len) == PHISCRUB_OK, "answer");
    CHECK(strncmp(data, "{\"id\":7,\"ok\":true,\"texts\":[\"SSN [SSN], phone [PHONE]\",\"mail [EMAIL]\"]", 66) == 0,
          "texts answer: %s", data);
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_FINDINGS_JSON, &data, &len) == PHISCRUB_OK &&
              strstr(data, "{\"record\":1,\"entity\":\"EMAIL\"") != NULL, "record index: %s", data);
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_TEXT, &data, &len) == PHISCRUB_E_NO_VALUE, "no single text");
    phiscrub_result_free(r);

    const char *bad[] = {"{\"op\": \"frobnicate\", \"text\": \"x\"}", "not json", "{\"op\": \"scan\"}", "{\"op\": 5}"};
    phiscrub_status want[] = {PHISCRUB_E_UNKNOWN_OP, PHISCRUB_E_INVALID_JSON, PHISCRUB_E_INVALID_REQUEST,
                              PHISCRUB_E_INVALID_REQUEST};
    for (int i = 0; i < 4; i++) {
        r = (phiscrub_result *)0x1;
        phiscrub_status s = phiscrub_call_json(e, bad[i], strlen(bad[i]), &r, err, sizeof err);
        CHECK(s == want[i] && r == NULL, "request %d: %s (%s)", i, phiscrub_status_name(s), err);
    }
    CHECK(phiscrub_call_json(e, "{\"op\":\"scan\",\"text\":\"\xff\"}", 24, &r, err, sizeof err) == PHISCRUB_E_INVALID_UTF8,
          "request not UTF-8");
    CHECK(phiscrub_call_json(e, NULL, 0, &r, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT, "NULL request");
    CHECK(phiscrub_call_json(NULL, "{}", 2, &r, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT, "NULL engine");
    CHECK(phiscrub_call_json(e, "{}", 2, NULL, err, sizeof err) == PHISCRUB_E_INVALID_ARGUMENT, "NULL result_out");
}

/* Many texts as one buffer and offsets (an Arrow column's layout), out the same way, without JSON. */
static void test_call_texts(phiscrub_engine *e) {
    char err[512];
    phiscrub_result *r = NULL;
    /* Texts 0..3: a note (not JSON), an empty text (as it is, not invalid), a JSON record, a text that is not JSON;
       taken from the middle of the buffer (offsets[0] > 0), as from a sliced column. */
    const char buf[] = "xx" NOTE "{\"ssn\":\"365-94-0475\",\"n\":4}not json a@example.com";
    int64_t off[5];
    off[0] = 2;
    off[1] = off[0] + (int64_t)strlen(NOTE);
    off[2] = off[1];
    off[3] = off[2] + (int64_t)strlen("{\"ssn\":\"365-94-0475\",\"n\":4}");
    off[4] = off[3] + (int64_t)strlen("not json a@example.com");
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_REDACT, buf, sizeof buf - 1, off, 4, "{\"json\":true}", &r, err,
                              sizeof err) == PHISCRUB_OK, "call_texts: %s", err);
    const char *data = NULL;
    const int64_t *o = NULL;
    size_t len = 0, n = 0;
    CHECK(phiscrub_result_texts(r, &data, &len, &o, &n) == PHISCRUB_OK && n == 4 && o[0] == 0 && o[4] == (int64_t)len,
          "texts: %zu texts, %zu bytes", n, len);
    if (n == 4) {
        const char *want[] = {"SSN [SSN], phone [PHONE]", "", "{\"ssn\":\"[SSN]\",\"n\":4}", "not json [EMAIL]"};
        for (int i = 0; i < 4; i++) {
            size_t l = (size_t)(o[i + 1] - o[i]);
            CHECK(l == strlen(want[i]) && memcmp(data + o[i], want[i], l) == 0, "text %d: %.*s", i, (int)l, data + o[i]);
        }
        CHECK(data[len] == '\0', "NUL after the texts");
    }
    const char *answer = NULL;
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_ANSWER_JSON, &answer, &len) == PHISCRUB_OK &&
              strstr(answer, "\"texts\"") == NULL && strstr(answer, "\"invalid\":[0,3]") != NULL &&
              strstr(answer, "365-94") == NULL, "answer without texts: %s", answer);
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_FINDINGS_JSON, &answer, &len) == PHISCRUB_OK &&
              strstr(answer, "{\"record\":3,\"entity\":\"EMAIL\"") != NULL, "record index: %s", answer);
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_TEXT, &answer, &len) == PHISCRUB_E_NO_VALUE, "no single text");
    phiscrub_result_free(r);

    /* Counts instead of findings; a key as context. */
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_TRANSFORM, "402198877", 9, (const int64_t[]){0, 9}, 1,
                              "{\"key\":\"ssn\",\"findings\":false}", &r, err, sizeof err) == PHISCRUB_OK, "%s", err);
    CHECK(phiscrub_result_texts(r, &data, &len, &o, &n) == PHISCRUB_OK && n == 1 && len == 5 &&
              memcmp(data, "[SSN]", 5) == 0, "key context: %.*s", (int)len, data);
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_ANSWER_JSON, &answer, &len) == PHISCRUB_OK &&
              strstr(answer, "\"counts\":{\"SSN\":1}") != NULL, "counts: %s", answer);
    phiscrub_result_free(r);

    /* No texts at all; a scan has findings but no output texts. */
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_REDACT, NULL, 0, (const int64_t[]){0}, 0, NULL, &r, err, sizeof err) ==
              PHISCRUB_OK && phiscrub_result_texts(r, &data, &len, &o, &n) == PHISCRUB_OK && n == 0 && len == 0,
          "no texts: %s", err);
    phiscrub_result_free(r);
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_SCAN, NOTE, strlen(NOTE), (const int64_t[]){0, (int64_t)strlen(NOTE)}, 1,
                              NULL, &r, err, sizeof err) == PHISCRUB_OK &&
              phiscrub_result_texts(r, &data, &len, &o, &n) == PHISCRUB_E_NO_VALUE && data == NULL && n == 0 &&
              phiscrub_result_finding_count(r) == 2, "scan of texts: %s", err);
    phiscrub_result_free(r);

    /* phiscrub_call_json's texts are readable packed too. */
    const char *req = "{\"op\": \"redact\", \"texts\": [\"" NOTE "\", \"mail a@example.com\"]}";
    CHECK(phiscrub_call_json(e, req, strlen(req), &r, err, sizeof err) == PHISCRUB_OK &&
              phiscrub_result_texts(r, &data, &len, &o, &n) == PHISCRUB_OK && n == 2 &&
              memcmp(data + o[1], "mail [EMAIL]", 12) == 0, "call_json texts packed: %s", err);
    phiscrub_result_free(r);

    /* Errors: bad offsets (checked before reading), a middleware op, NULL pointers; no result on failure. */
    struct { int64_t off[3]; size_t count; size_t len; } bad[] = {
        {{-1, 2, 0}, 1, 4}, {{0, 3, 2}, 2, 4}, {{0, 5, 0}, 1, 4},
    };
    for (int i = 0; i < 3; i++) {
        r = (phiscrub_result *)0x1;
        phiscrub_status s = phiscrub_call_texts(e, PHISCRUB_OP_REDACT, "abcd", bad[i].len, bad[i].off, bad[i].count,
                                                NULL, &r, err, sizeof err);
        CHECK(s == PHISCRUB_E_INVALID_ARGUMENT && r == NULL && strstr(err, "offsets") != NULL, "bad offsets %d: %s (%s)",
              i, phiscrub_status_name(s), err);
    }
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_PROMPT, "ab", 2, (const int64_t[]){0, 2}, 1, NULL, &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_ARGUMENT && r == NULL, "middleware op refused");
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_REDACT, "ab", 2, NULL, 1, NULL, &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_ARGUMENT, "NULL offsets");
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_REDACT, NULL, 2, (const int64_t[]){0, 2}, 1, NULL, &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_ARGUMENT, "NULL data");
    CHECK(phiscrub_call_texts(NULL, PHISCRUB_OP_REDACT, "ab", 2, (const int64_t[]){0, 2}, 1, NULL, &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_ARGUMENT, "NULL engine");
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_REDACT, "ab", 2, (const int64_t[]){0, 2}, 1, NULL, NULL, err, sizeof err) ==
              PHISCRUB_E_INVALID_ARGUMENT, "NULL result_out");
    CHECK(phiscrub_call_texts(e, PHISCRUB_OP_REDACT, "ab", 2, (const int64_t[]){0, 2}, 1, "{\"operator\":\"mask\"}", &r,
                              err, sizeof err) == PHISCRUB_E_INVALID_OPTION && r == NULL, "redact with an operator: %s", err);
    CHECK(phiscrub_result_texts(NULL, &data, &len, &o, &n) == PHISCRUB_E_INVALID_ARGUMENT, "NULL result");
}

/* Several threads redact and scan through one engine at once; every answer must be its own. */
struct worker { phiscrub_engine *engine; int id; int failed; };

static void *work(void *arg) {
    struct worker *w = arg;
    char text[256], want[256], err[256];
    for (int i = 0; i < 300; i++) {
        snprintf(text, sizeof text, "thread %d req %d: SSN 365-94-0475 mail t%d.r%d@example.com ok", w->id, i, w->id, i);
        snprintf(want, sizeof want, "thread %d req %d: SSN [SSN] mail [EMAIL] ok", w->id, i);
        phiscrub_result *r = NULL;
        phiscrub_op op = (i % 3 == 2) ? PHISCRUB_OP_SCAN : PHISCRUB_OP_REDACT;
        if (phiscrub_call(w->engine, op, text, strlen(text), NULL, &r, err, sizeof err) != PHISCRUB_OK) {
            w->failed++;
            continue;
        }
        if (phiscrub_result_finding_count(r) != 2) w->failed++;
        if (op == PHISCRUB_OP_REDACT && strcmp(text_of(r), want) != 0) w->failed++;
        phiscrub_finding f;
        if (phiscrub_result_finding(r, 1, &f) != PHISCRUB_OK || strcmp(f.entity, "EMAIL") != 0) {
            w->failed++;
            phiscrub_result_free(r);
            continue;
        }
        const char *at = strstr(text, "mail ") + 5;
        size_t start = (size_t)(at - text), end = (size_t)(strstr(text, " ok") - text);
        if (f.start != start || f.end != end) w->failed++;
        phiscrub_result_free(r);
    }
    return NULL;
}

static void test_threads(phiscrub_engine *e) {
    enum { N = 4 };
    pthread_t threads[N];
    struct worker workers[N];
    for (int i = 0; i < N; i++) {
        workers[i] = (struct worker){e, i, 0};
        pthread_create(&threads[i], NULL, work, &workers[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].failed == 0, "thread %d had %d wrong answers", i, workers[i].failed);
    }
}

static void test_configured(const char *config) {
    char options[1024], err[512];
    phiscrub_engine *e = NULL;
    phiscrub_result *r = NULL;

    /* A role the configuration does not know: refused at creation, and per request (forbidden, audited). */
    snprintf(options, sizeof options, "{\"config\": \"%s\", \"role\": \"intruder\"}", config);
    CHECK(phiscrub_engine_new(options, &e, err, sizeof err) == PHISCRUB_E_CONFIG && e == NULL, "bad engine role");
    CHECK(strstr(err, "not a role of the configuration") != NULL && strstr(err, "clinician") != NULL, "message: %s", err);

    snprintf(options, sizeof options, "{\"config\": \"%s\"}", config);
    e = engine_or_die(options);
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, NOTE, strlen(NOTE), "{\"role\": \"intruder\"}", &r, err, sizeof err) ==
              PHISCRUB_E_FORBIDDEN && r == NULL, "unknown role per request");
    CHECK(phiscrub_call(e, PHISCRUB_OP_REDACT, NOTE, strlen(NOTE), "{\"role\": \"clinician\"}", &r, err, sizeof err) ==
              PHISCRUB_OK, "known role: %s", err);
    phiscrub_result_free(r);

    /* Middleware: tool output for a clinician (phone masked, SSN redacted), a prompt, a blocked prompt. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_TOOL_OUTPUT, "Lab for " NOTE, strlen("Lab for " NOTE),
                        "{\"role\":\"clinician\",\"tool\":\"ehr_lookup\",\"agent\":\"care\",\"user\":\"dr-a\"}", &r, err,
                        sizeof err) == PHISCRUB_OK, "tool output: %s", err);
    CHECK(phiscrub_result_allowed(r) == 1, "allowed");
    CHECK(strncmp(text_of(r), "Lab for SSN [SSN], phone (***) ***-0134", 39) == 0, "tool output: %s", text_of(r));
    const char *data;
    size_t len;
    CHECK(phiscrub_result_get(r, PHISCRUB_PART_ANSWER_JSON, &data, &len) == PHISCRUB_OK &&
              strstr(data, "\"counts\":{\"PHONE\":1,\"SSN\":1}") != NULL, "counts: %s", data);
    phiscrub_result_free(r);
    CHECK(phiscrub_call(e, PHISCRUB_OP_PROMPT, NOTE, strlen(NOTE), "{\"role\":\"intruder\",\"provider\":\"primary-llm\"}",
                        &r, err, sizeof err) == PHISCRUB_OK, "blocked prompt is an answer: %s", err);
    CHECK(phiscrub_result_allowed(r) == 0 && phiscrub_result_get(r, PHISCRUB_PART_TEXT, &data, &len) == PHISCRUB_E_NO_VALUE,
          "blocked: no text");
    phiscrub_result_free(r);
    CHECK(phiscrub_call(e, PHISCRUB_OP_PROMPT, NOTE, strlen(NOTE), "{\"role\":\"clinician\"}", &r, err, sizeof err) ==
              PHISCRUB_E_INVALID_OPTION, "prompt without provider: %s", err);
    CHECK(phiscrub_call(e, PHISCRUB_OP_TOOL_CALL, "look up", 7, "{\"role\":\"clinician\",\"tool\":\"ehr_lookup\"}", &r, err,
                        sizeof err) == PHISCRUB_OK && phiscrub_result_allowed(r) == 1, "tool call: %s", err);
    phiscrub_result_free(r);
    CHECK(phiscrub_call(e, PHISCRUB_OP_MEMORY_WRITE, NOTE, strlen(NOTE), "{\"role\":\"clinician\",\"region\":\"us-east-1\"}",
                        &r, err, sizeof err) == PHISCRUB_OK && phiscrub_result_allowed(r) >= 0, "memory write: %s", err);
    phiscrub_result_free(r);
    CHECK(phiscrub_call(e, PHISCRUB_OP_END_SESSION, NULL, 0, "{\"role\":\"clinician\",\"agent\":\"care\",\"user\":\"dr-a\"}",
                        &r, err, sizeof err) == PHISCRUB_OK && phiscrub_result_allowed(r) == 1, "end session: %s", err);
    phiscrub_result_free(r);

    /* Encrypt, then reveal for a role with read_phi; a role without it is forbidden. */
    CHECK(phiscrub_call(e, PHISCRUB_OP_TRANSFORM, NOTE, strlen(NOTE),
                        "{\"operators\":{\"SSN\":\"encrypt\",\"PHONE\":\"encrypt\"},\"context\":\"tool_output\"}", &r, err,
                        sizeof err) == PHISCRUB_OK, "encrypt: %s", err);
    char *enc = strdup(text_of(r));
    phiscrub_result_free(r);
    CHECK(strstr(enc, "[ENC:SSN:") != NULL && strstr(enc, SSN) == NULL, "encrypted: %s", enc);
    CHECK(phiscrub_call(e, PHISCRUB_OP_REVEAL, enc, strlen(enc), "{\"role\":\"clinician\"}", &r, err, sizeof err) ==
              PHISCRUB_OK, "reveal: %s", err);
    CHECK(strstr(text_of(r), "[ENC:") == NULL && strstr(text_of(r), SSN) == NULL && strstr(text_of(r), "0134") != NULL,
          "revealed in the clinician's view: %s", text_of(r));
    phiscrub_result_free(r);
    CHECK(phiscrub_call(e, PHISCRUB_OP_REVEAL, enc, strlen(enc), "{\"role\":\"billing\"}", &r, err, sizeof err) ==
              PHISCRUB_E_FORBIDDEN && r == NULL, "billing may not reveal");
    free(enc);
    phiscrub_engine_free(e);

    /* An engine for one role: requests that name none act as it. */
    snprintf(options, sizeof options, "{\"config\": \"%s\", \"role\": \"clinician\"}", config);
    e = engine_or_die(options);
    CHECK(phiscrub_call(e, PHISCRUB_OP_TOOL_OUTPUT, NOTE, strlen(NOTE), "{\"tool\":\"ehr_lookup\"}", &r, err, sizeof err) ==
              PHISCRUB_OK && phiscrub_result_allowed(r) == 1, "default role: %s", err);
    phiscrub_result_free(r);
    test_threads(e); /* audited requests from several threads */
    phiscrub_engine_free(e);
}

int main(int argc, char **argv) {
    test_version_and_names();
    test_engine_errors();
    phiscrub_engine *e = engine_or_die(NULL);
    test_scan_redact_transform(e);
    test_request_errors(e);
    test_call_json(e);
    test_call_texts(e);
    test_threads(e);
    phiscrub_engine_free(e);
    /* An engine from options: candidates on, a default operator. */
    e = engine_or_die("{\"candidates\": true, \"action\": [\"SSN=mask\"], \"min_confidence\": 0}");
    phiscrub_result *r = NULL;
    char err[256];
    CHECK(phiscrub_call(e, PHISCRUB_OP_TRANSFORM, NOTE, strlen(NOTE), NULL, &r, err, sizeof err) == PHISCRUB_OK &&
              strcmp(text_of(r), "SSN ***-**-0475, phone [PHONE]") == 0, "engine default operator: %s", text_of(r));
    phiscrub_result_free(r);
    phiscrub_engine_free(e);
    if (argc > 1) {
        test_configured(argv[1]);
    } else {
        printf("test_phiscrub: no configuration given: RBAC, middleware, reveal and audit tests skipped\n");
    }
    printf("test_phiscrub: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
