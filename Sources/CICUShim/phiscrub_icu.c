// phiscrub ICU shim: see include/phiscrub_icu.h for the contract.
//
// ICU headers are included here only, never from the public header (Foundation ships its own ICU).
#include "phiscrub_icu.h"

#include <pthread.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
        if (!u_isalnum(c) && u_charType(c) != U_NON_SPACING_MARK) break;
    }
    size_t hi = n - end > WORD_REACH ? end + WORD_REACH : n;
    for (size_t i = end; i < hi;) {
        UChar32 c;
        U8_NEXT(in, i, hi, c);
        if (c < 0) return 0;
        if (c < 0x80) return ascii_alnum((uint8_t)c);
        if (!u_isalnum(c) && u_charType(c) != U_NON_SPACING_MARK) return 0;
    }
    return 0;
}

// ---- JSON escapes -------------------------------------------------------------------------------------------------
//
// A JSON log written by a serializer that escapes every character outside ASCII (Python's json.dumps by default)
// writes "José Hernández" as "Jos\u00e9 Hern\u00e1ndez": read as text, the name is cut at each escape.

static inline int hex_value(uint8_t b) {
    if ((uint8_t)(b - '0') < 10) return b - '0';
    if ((uint8_t)((b | 0x20) - 'a') < 6) return (b | 0x20) - 'a' + 10;
    return -1;
}

// The four hex digits at in[i..<i+4] as a number, or -1.
static inline int32_t hex4(const uint8_t *in, size_t n, size_t i) {
    if (i + 4 > n) return -1;
    int32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hex_value(in[i + k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

// The character of the \uXXXX escape at in[i] (a surrogate pair as one character), its length in *len; -1 when
// there is none, for a lone surrogate, and for a control character (kept as written: a decoded line feed would
// split the line).
static UChar32 json_escape_at(const uint8_t *in, size_t n, size_t i, size_t *len) {
    if (i + 1 >= n || in[i] != '\\' || in[i + 1] != 'u') return -1;
    int32_t v = hex4(in, n, i + 2);
    if (v < 0x20) return -1;
    if (v >= 0xDC00 && v <= 0xDFFF) return -1;
    if (v >= 0xD800 && v <= 0xDBFF) {
        if (i + 7 >= n || in[i + 6] != '\\' || in[i + 7] != 'u') return -1;
        int32_t lo = hex4(in, n, i + 8);
        if (lo < 0xDC00 || lo > 0xDFFF) return -1;
        *len = 12;
        return (UChar32)(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00));
    }
    *len = 6;
    return (UChar32)v;
}

// Does the backslash at p[b] start an escape (an even number of backslashes right before it) that is read?
static inline int escape_starts_at(const uint8_t *p, size_t n, size_t b) {
    size_t k = b;
    while (k > 0 && p[k - 1] == '\\') k--;
    size_t len;
    return ((b - k) & 1) == 0 && json_escape_at(p, n, b, &len) >= 0;
}

size_t phs_icu_next_json_escape(const uint8_t *p, size_t n) {
    // "\u" is rare where backslashes are common (a JSON log escapes its quotes): find the pair 16 bytes at a time
    // (SSE2, every x86-64 has it), then count the backslashes before it, which must be even.
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i backslash = _mm_set1_epi8('\\'), u = _mm_set1_epi8('u');
    for (; i + 17 <= n; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(p + i)), b = _mm_loadu_si128((const __m128i *)(p + i + 1));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, backslash), _mm_cmpeq_epi8(b, u)));
        while (m) {
            size_t q = i + (size_t)__builtin_ctz(m);
            m &= m - 1;
            if (escape_starts_at(p, n, q)) return q;
        }
    }
#endif
    for (; i + 1 < n; i++)
        if (p[i] == '\\' && p[i + 1] == 'u' && escape_starts_at(p, n, i)) return i;
    return n;
}

int phs_icu_has_json_escape(const uint8_t *p, size_t n) { return phs_icu_next_json_escape(p, n) < n; }

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

    const int decode = (flags & PHISCRUB_NORM_DECODE_JSON_ESCAPES) != 0;
    size_t o = 0; // bytes produced so far; keeps counting past out_cap so the caller learns the size needed
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        UChar32 c;
        if (in[i] < 0x80) {
            size_t end = ascii_run_end(in, i, n);
            if (decode) {
                const uint8_t *bs = memchr(in + i, '\\', end - i);
                if (bs != NULL) end = (size_t)(bs - in);
            }
            if (end == i) {
                // A backslash (decoding on): a \uXXXX escape is read as its character below; an escaped backslash
                // is copied with the byte it escapes, so "\\u00e9" stays text; any other backslash is copied.
                size_t len;
                c = json_escape_at(in, n, i, &len);
                if (c < 0) end = i + (i + 1 < n && in[i + 1] == '\\' ? 2 : 1);
                else i += len;
            }
            if (end > start) {
                size_t run = end - start;
                if (o < out_cap) {
                    size_t fit = out_cap - o < run ? out_cap - o : run;
                    memcpy(out + o, in + start, fit);
                    for (size_t k = 0; k < fit; k++) {
                        src_start[o + k] = (uint32_t)(start + k);
                        src_end[o + k] = (uint32_t)(start + k + 1);
                    }
                }
                o += run;
                i = end;
                continue;
            }
            changed |= PHISCRUB_NORM_CHANGED_LETTERS;
            if (c < 0x80) {
                if (o < out_cap) {
                    out[o] = (uint8_t)c;
                    src_start[o] = (uint32_t)start;
                    src_end[o] = (uint32_t)i;
                }
                o++;
                continue;
            }
        } else {
            U8_NEXT(in, i, n, c);
            if (c < 0) {
                // Ill-formed: U8_NEXT consumed the maximal subpart; keep exactly one byte and resume after it,
                // so every invalid byte maps to itself.
                if (o < out_cap) {
                    out[o] = in[start];
                    src_start[o] = (uint32_t)start;
                    src_end[o] = (uint32_t)(start + 1);
                }
                o++;
                i = start + 1;
                continue;
            }
        }

        int hidx = homoglyph_index(c);
        if (hidx >= 0) {
            pthread_once(&homoglyphs_once, homoglyphs_init);
            if (!homoglyphs_ok) return PHISCRUB_NORM_ICU_ERROR;
            if (homoglyphs[hidx] && latin_word_around(in, n, start, i)) {
                if (o < out_cap) {
                    out[o] = homoglyphs[hidx];
                    src_start[o] = (uint32_t)start;
                    src_end[o] = (uint32_t)i;
                }
                o++;
                changed |= PHISCRUB_NORM_CHANGED_LETTERS;
                continue;
            }
        }

        // Dashes and space separators as written (PHISCRUB_NORM_KEEP_PUNCTUATION); NFKC would map U+00A0 to a space.
        int punctuation = is_dash(c) || u_charType(c) == U_SPACE_SEPARATOR;
        if (punctuation && (flags & PHISCRUB_NORM_KEEP_PUNCTUATION)) {
            for (size_t b = start; b < i; b++, o++) {
                if (o < out_cap) {
                    out[o] = in[b];
                    src_start[o] = (uint32_t)start;
                    src_end[o] = (uint32_t)i;
                }
            }
            continue;
        }

        UChar norm[NFKC_SCRATCH];
        int32_t norm_len = nfkc_code_point(nfkc, c, (flags & PHISCRUB_NORM_NO_FAST_PATHS) == 0, norm);
        if (norm_len < 0) return PHISCRUB_NORM_ICU_ERROR;

        size_t first = o;
        for (int32_t k = 0; k < norm_len;) {
            UChar32 d;
            U16_NEXT_UNSAFE(norm, k, d);
            uint8_t buf[U8_MAX_LENGTH];
            int32_t len = map_code_point(d, flags, buf);
            for (int32_t b = 0; b < len; b++, o++) {
                if (o < out_cap) {
                    out[o] = buf[b];
                    src_start[o] = (uint32_t)start;
                    src_end[o] = (uint32_t)i;
                }
            }
        }
        // Anything but a dash, a space or a dropped ignorable that did not come out as it went in.
        if (!punctuation && o > first &&
            (o - first != i - start || o > out_cap || memcmp(out + first, in + start, i - start) != 0))
            changed |= PHISCRUB_NORM_CHANGED_LETTERS;
    }

    if (changes != NULL) *changes = changed;
    *out_len = o;
    return o > out_cap ? PHISCRUB_NORM_BUFFER_TOO_SMALL : PHISCRUB_NORM_OK;
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
