// phiscrub ICU shim: see include/phiscrub_icu.h for the contract.
//
// ICU headers are included here only, never from the public header (Foundation ships its own ICU).
#include "phiscrub_icu.h"
#include "escapes.h"

#include <pthread.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/utypes.h>
#include <unicode/uversion.h>

#define HIGH_BITS 0x8080808080808080ULL

static inline uint64_t load64(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

int phs_icu_is_ascii(const uint8_t *p, size_t n) {
    size_t i = 0;
    // Four words per step so the compiler can keep the loop branch-light; bail out early on a hit.
    for (; i + 32 <= n; i += 32) {
        uint64_t acc = load64(p + i) | load64(p + i + 8) | load64(p + i + 16) | load64(p + i + 24);
        if (acc & HIGH_BITS) return 0;
    }
    for (; i + 8 <= n; i += 8) {
        if (load64(p + i) & HIGH_BITS) return 0;
    }
    for (; i < n; i++) {
        if (p[i] & 0x80) return 0;
    }
    return 1;
}

// Index of the first byte >= 0x80 at or after i, or n.
static inline size_t ascii_run_end(const uint8_t *p, size_t i, size_t n) {
    while (i + 8 <= n) {
        uint64_t w = load64(p + i) & HIGH_BITS;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (w) return i + ((size_t)__builtin_ctzll(w) >> 3); // lowest set bit belongs to the first byte
#else
        if (w) break; // find the byte below
#endif
        i += 8;
    }
    while (i < n && p[i] < 0x80) i++;
    return i;
}

static inline int is_dash(UChar32 c) {
    return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63 || c == 0xFF0D;
}

// Maps one code point of an NFKC result to the bytes written to the output. Returns the length (0..4).
static inline int32_t map_code_point(UChar32 c, uint32_t flags, uint8_t buf[U8_MAX_LENGTH]) {
    if (c < 0x80) {
        buf[0] = (uint8_t)c;
        return 1;
    }
    if ((flags & PHISCRUB_NORM_DROP_IGNORABLES) && u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
        return 0;
    }
    int8_t type = u_charType(c);
    if (type == U_DECIMAL_DIGIT_NUMBER) {
        int32_t v = u_charDigitValue(c);
        if (v >= 0 && v <= 9) {
            buf[0] = (uint8_t)('0' + v);
            return 1;
        }
    } else if (type == U_SPACE_SEPARATOR) {
        buf[0] = ' ';
        return 1;
    }
    if (is_dash(c)) {
        buf[0] = '-';
        return 1;
    }
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, c);
    return len;
}

// ---- Look-alike letters of other scripts inside Latin words ------------------------------------------------------
//
// "Jоhn" with a Cyrillic о, "5З6-22-8141" with a Cyrillic З: NFKC leaves letters of other scripts alone, so one
// look-alike letter hides a word or a number from the ASCII rules. A Greek, Cyrillic, Armenian or Cherokee letter
// whose confusable skeleton (Unicode TS #39, ICU's uspoof data) is one ASCII letter or digit is written as that
// character when its word also holds an ASCII letter or digit; words wholly in those scripts stay as written.

#define HOMOGLYPH_LO 0x0370
#define HOMOGLYPH_HI 0x0590 // Greek, Coptic, Cyrillic, Cyrillic Supplement, Armenian
#define CHEROKEE_LO 0x13A0
#define CHEROKEE_HI 0x1400
static uint8_t homoglyphs[(HOMOGLYPH_HI - HOMOGLYPH_LO) + (CHEROKEE_HI - CHEROKEE_LO)];
static int homoglyphs_ok;
static pthread_once_t homoglyphs_once = PTHREAD_ONCE_INIT;

static inline int homoglyph_index(UChar32 c) {
    if (c >= HOMOGLYPH_LO && c < HOMOGLYPH_HI) return c - HOMOGLYPH_LO;
    if (c >= CHEROKEE_LO && c < CHEROKEE_HI) return (HOMOGLYPH_HI - HOMOGLYPH_LO) + (c - CHEROKEE_LO);
    return -1;
}

static void homoglyphs_init(void) {
    UErrorCode err = U_ZERO_ERROR;
    USpoofChecker *sc = uspoof_open(&err);
    if (U_FAILURE(err) || sc == NULL) return;
    for (UChar32 c = 0; c < CHEROKEE_HI && U_SUCCESS(err); c++) {
        int idx = homoglyph_index(c);
        if (idx < 0 || !u_isalpha(c)) continue;
        UChar src[2], skel[8];
        int32_t len = 0;
        U16_APPEND_UNSAFE(src, len, c);
        int32_t n = uspoof_getSkeleton(sc, 0, src, len, skel, 8, &err);
        if (U_SUCCESS(err) && n == 1 && skel[0] < 0x80 &&
            ((skel[0] | 0x20) - 'a' < 26u || skel[0] - '0' < 10u))
            homoglyphs[idx] = (uint8_t)skel[0];
        if (err == U_BUFFER_OVERFLOW_ERROR) err = U_ZERO_ERROR; // a skeleton longer than one character
    }
    uspoof_close(sc);
    homoglyphs_ok = U_SUCCESS(err);
}

static inline int ascii_alnum(uint8_t b) { return (uint8_t)((b | 0x20) - 'a') < 26 || (uint8_t)(b - '0') < 10; }

// The ASCII bytes that may start an escape (escapes.h) or stand for a space ('+' in a query string).
static const uint8_t escape_byte[128] = {['\\'] = 1, ['%'] = 1, ['&'] = 1, ['+'] = 1};

// ---- What the loop asks of a code point below PROPS_HI, looked up once per process ---------------------------------
//
// Per code point the loop asked ICU up to five questions (a text of Cyrillic or Greek names cost 40 % of its scan
// here); below U+3000 (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic and other alphabets, general
// punctuation) the answers come from a table made on the first code point outside ASCII (about 12,000 ICU lookups).

#define PROPS_HI 0x3000
enum {
    PROP_WORD = 1,  // a letter, digit or combining mark: part of a word (latin_word_around)
    PROP_PLAIN = 2, // its own NFKC form, and no digit, space, dash or default-ignorable: written out as it is
};
static uint8_t props[PROPS_HI];
static pthread_once_t props_once = PTHREAD_ONCE_INIT;

static void props_init(void) {
    for (UChar32 c = 0x80; c < PROPS_HI; c++) {
        uint8_t v = 0;
        int8_t type = u_charType(c);
        if (u_isalnum(c) || type == U_NON_SPACING_MARK) v |= PROP_WORD;
        if (u_getIntPropertyValue(c, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES && !is_dash(c) &&
            type != U_SPACE_SEPARATOR && type != U_DECIMAL_DIGIT_NUMBER &&
            !u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
            v |= PROP_PLAIN;
        props[c] = v;
    }
}

// (props_once has run: every caller is past the loop's first code point outside ASCII.)
static inline int word_char(UChar32 c) {
    if (c < PROPS_HI) return props[c] & PROP_WORD;
    return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK;
}

// Is a letter or digit of ASCII part of the word around in[start..<end) (letters, digits and combining marks,
// at most WORD_REACH bytes to either side)?
#define WORD_REACH 64
static int latin_word_around(const uint8_t *in, size_t n, size_t start, size_t end) {
    size_t lo = start > WORD_REACH ? start - WORD_REACH : 0;
    for (int32_t i = (int32_t)(start - lo); i > 0;) {
        UChar32 c;
        U8_PREV(in + lo, 0, i, c);
        if (c < 0) break;
        if (c < 0x80) {
            if (ascii_alnum((uint8_t)c)) return 1;
            break;
        }
        if (!word_char(c)) break;
    }
    size_t hi = n - end > WORD_REACH ? end + WORD_REACH : n;
    for (size_t i = end; i < hi;) {
        UChar32 c;
        U8_NEXT(in, i, hi, c);
        if (c < 0) return 0;
        if (c < 0x80) return ascii_alnum((uint8_t)c);
        if (!word_char(c)) return 0;
    }
    return 0;
}

// NFKC of one code point is at most 18 UTF-16 code units (U+FDFA); leave ample room.
#define NFKC_SCRATCH 64

// Writes NFKC(c) to norm (UTF-16) and returns its length, or -1 on ICU failure.
static int32_t nfkc_code_point(const UNormalizer2 *nfkc, UChar32 c, int fast, UChar norm[NFKC_SCRATCH]) {
    int32_t len = 0;
    if (fast) {
        if (c >= 0xFF01 && c <= 0xFF5E) {
            // Fullwidth ASCII variants, the commonest disguise: NFKC maps them to U+0021..U+007E.
            norm[len++] = (UChar)(c - 0xFEE0);
            return len;
        }
        if (u_getIntPropertyValue(c, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES) {
            // NFKC_Quick_Check=Yes: a one-code-point string has no ordering or composition to do, so c is
            // its own NFKC form. Covers most letters, CJK and Hangul syllables, and skips the much slower
            // unorm2_normalize call.
            U16_APPEND_UNSAFE(norm, len, c);
            return len;
        }
    }
    UChar src[2];
    U16_APPEND_UNSAFE(src, len, c);
    UErrorCode err = U_ZERO_ERROR;
    int32_t norm_len = unorm2_normalize(nfkc, src, len, norm, NFKC_SCRATCH, &err);
    if (U_FAILURE(err) || norm_len < 0 || norm_len > NFKC_SCRATCH) return -1;
    return norm_len;
}

// The output being written: bytes, the input range each came from, and how many were produced (counting on past
// the capacity, so the caller learns the size needed).
typedef struct {
    uint8_t *out;
    uint32_t *src_start, *src_end;
    size_t cap, o;
} norm_output;

// Whether the `count` bytes (one code point's UTF-8, at most a few) at a and b are the same; inline, where memcmp was
// a library call per code point.
static inline int same_bytes(const uint8_t *a, const uint8_t *b, size_t count) {
    for (size_t k = 0; k < count; k++)
        if (a[k] != b[k]) return 0;
    return 1;
}

// Writes `count` bytes that all come from input bytes [start, end).
static inline void put_bytes(norm_output *w, const uint8_t *bytes, size_t count, size_t start, size_t end) {
    for (size_t b = 0; b < count; b++, w->o++) {
        if (w->o < w->cap) {
            w->out[w->o] = bytes[b];
            w->src_start[w->o] = (uint32_t)start;
            w->src_end[w->o] = (uint32_t)end;
        }
    }
}

int phs_icu_normalize_line(const uint8_t *in, size_t n,
                            uint8_t *out, uint32_t *src_start, uint32_t *src_end, size_t out_cap,
                            uint32_t flags, size_t *out_len, uint32_t *changes) {
    *out_len = 0;
    uint32_t changed = 0;
    if (changes != NULL) *changes = 0;
    if (n > (size_t)UINT32_MAX) return PHISCRUB_NORM_INPUT_TOO_LARGE;
    if (out == NULL || src_start == NULL || src_end == NULL) out_cap = 0;

    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&err); // process-wide singleton, cheap after first call
    if (U_FAILURE(err) || nfkc == NULL) return PHISCRUB_NORM_ICU_ERROR;

    // (Most lines hold no escape: they keep the word-at-a-time ASCII runs below.)
    const int decode = (flags & PHISCRUB_NORM_DECODE_ESCAPES) != 0 && phs_icu_next_escape(in, n) < n;
    // In a line with URL escapes, a '+' between letters or digits is a query string's space ("Maria+Lopez").
    const int plus_spaces = decode && memchr(in, '%', n) != NULL;
    norm_output w = {out, src_start, src_end, out_cap, 0};
    const int fast = (flags & PHISCRUB_NORM_NO_FAST_PATHS) == 0;
    int props_ready = 0;
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        UChar32 c;
        int escaped = 0;
        if (in[i] < 0x80) {
            size_t end;
            if (decode) {
                // (One pass for both stops: ascii_run_end reads on to the run's end, which a line of escapes would
                // make quadratic.)
                end = i;
                while (end < n && in[end] < 0x80 && !escape_byte[in[end]]) end++;
            } else {
                end = ascii_run_end(in, i, n);
            }
            if (end == i) {
                // A byte that may start an escape (decoding on). An escaped backslash is copied with the byte it
                // escapes, so "\\u00e9" stays text.
                size_t len;
                c = phs_escape_at(in, n, i, &len, 1);
                if (c >= 0) {
                    i += len;
                    escaped = 1;
                } else if (in[i] == '+' && plus_spaces && i > 0 && i + 1 < n && ascii_alnum(in[i - 1]) &&
                           ascii_alnum(in[i + 1])) {
                    c = ' ';
                    i++;
                    escaped = 1;
                } else {
                    end = i + (in[i] == '\\' && i + 1 < n && in[i + 1] == '\\' ? 2 : 1);
                }
            }
            if (end > start) {
                // An ASCII run, each byte from itself.
                size_t run = end - start;
                if (w.o < out_cap) {
                    size_t fit = out_cap - w.o < run ? out_cap - w.o : run;
                    memcpy(out + w.o, in + start, fit);
                    for (size_t k = 0; k < fit; k++) {
                        src_start[w.o + k] = (uint32_t)(start + k);
                        src_end[w.o + k] = (uint32_t)(start + k + 1);
                    }
                }
                w.o += run;
                i = end;
                continue;
            }
            changed |= PHISCRUB_NORM_CHANGED_LETTERS;
            if (c < 0x80) {
                uint8_t b = (uint8_t)c;
                put_bytes(&w, &b, 1, start, i);
                continue;
            }
        } else {
            U8_NEXT(in, i, n, c);
            if (c < 0) {
                // Ill-formed: U8_NEXT consumed the maximal subpart; keep exactly one byte and resume after it,
                // so every invalid byte maps to itself.
                put_bytes(&w, in + start, 1, start, start + 1);
                i = start + 1;
                continue;
            }
        }
        if (!props_ready) {
            pthread_once(&props_once, props_init);
            props_ready = 1;
        }

        int hidx = homoglyph_index(c);
        if (hidx >= 0) {
            pthread_once(&homoglyphs_once, homoglyphs_init);
            if (!homoglyphs_ok) return PHISCRUB_NORM_ICU_ERROR;
            if (homoglyphs[hidx] && latin_word_around(in, n, start, i)) {
                put_bytes(&w, &homoglyphs[hidx], 1, start, i);
                changed |= PHISCRUB_NORM_CHANGED_LETTERS;
                continue;
            }
        }

        if (fast && !escaped && c < PROPS_HI && (props[c] & PROP_PLAIN)) {
            // Its own form (the slow path below would write the same bytes and flag nothing).
            put_bytes(&w, in + start, i - start, start, i);
            continue;
        }

        // Dashes and space separators as written (PHISCRUB_NORM_KEEP_PUNCTUATION); NFKC would map U+00A0 to a space.
        int punctuation = is_dash(c) || u_charType(c) == U_SPACE_SEPARATOR;
        if (punctuation) changed |= PHISCRUB_NORM_CHANGED_PUNCTUATION;
        if (punctuation && (flags & PHISCRUB_NORM_KEEP_PUNCTUATION)) {
            // (An escaped one as the character it stands for: "John&nbsp;Smith" reads as two words.)
            uint8_t buf[U8_MAX_LENGTH];
            int32_t len = 0;
            U8_APPEND_UNSAFE(buf, len, c);
            put_bytes(&w, escaped ? buf : in + start, escaped ? (size_t)len : i - start, start, i);
            continue;
        }

        UChar norm[NFKC_SCRATCH];
        int32_t norm_len = nfkc_code_point(nfkc, c, fast, norm);
        if (norm_len < 0) return PHISCRUB_NORM_ICU_ERROR;

        size_t first = w.o;
        for (int32_t k = 0; k < norm_len;) {
            UChar32 d;
            U16_NEXT_UNSAFE(norm, k, d);
            uint8_t buf[U8_MAX_LENGTH];
            int32_t len = map_code_point(d, flags, buf);
            put_bytes(&w, buf, (size_t)len, start, i);
        }
        // Anything but a dash, a space or a dropped ignorable that did not come out as it went in.
        if (!punctuation && w.o > first &&
            (w.o - first != i - start || w.o > out_cap || !same_bytes(out + first, in + start, i - start)))
            changed |= PHISCRUB_NORM_CHANGED_LETTERS;
    }

    if (changes != NULL) *changes = changed;
    *out_len = w.o;
    return w.o > out_cap ? PHISCRUB_NORM_BUFFER_TOO_SMALL : PHISCRUB_NORM_OK;
}

void phs_icu_version(char *out, size_t cap) {
    UVersionInfo v;
    u_getVersion(v);
    if (cap == 0) return;
    char text[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(v, text);
    strncpy(out, text, cap - 1);
    out[cap - 1] = 0;
}
