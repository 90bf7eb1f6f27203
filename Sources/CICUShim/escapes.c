// phiscrub ICU shim: escapes that carry characters in text read as plain text.
//
// A JSON log whose serializer escapes every character outside ASCII (Python's json.dumps) writes "José" as
// "Jos\u00e9"; a query string writes "José Hernández" as "Jos%C3%A9%20Hern%C3%A1ndez" and "10/13/1951" as
// "10%2F13%2F1951"; an HTML page writes "Jos&eacute;". Read as text, each escape cuts the value into pieces no rule
// takes. The line normaliser reads them as their characters (include/phiscrub_icu.h).
#include "escapes.h"

#include <string.h>

#include <unicode/utf8.h>

#include "html_entities.h"
#include "phiscrub_icu.h"


static inline int hex_value(uint8_t b) {
    if ((uint8_t)(b - '0') < 10) return b - '0';
    if ((uint8_t)((b | 0x20) - 'a') < 6) return (b | 0x20) - 'a' + 10;
    return -1;
}

// The `digits` hex digits at in[i..], or -1.
static inline int32_t hex_at(const uint8_t *in, size_t n, size_t i, size_t digits) {
    if (i + digits > n) return -1;
    int32_t v = 0;
    for (size_t k = 0; k < digits; k++) {
        int h = hex_value(in[i + k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

// A character an escape may stand for: no control character, no surrogate, no value past U+10FFFF.
static inline int readable(int32_t c) {
    return c >= 0x20 && c != 0x7F && !(c >= 0xD800 && c <= 0xDFFF) && c <= 0x10FFFF;
}

static int32_t json_escape(const uint8_t *in, size_t n, size_t i, size_t *len) {
    if (i + 1 >= n || in[i + 1] != 'u') return -1;
    int32_t v = hex_at(in, n, i + 2, 4);
    if (v >= 0xD800 && v <= 0xDBFF) {
        if (i + 7 >= n || in[i + 6] != '\\' || in[i + 7] != 'u') return -1;
        int32_t lo = hex_at(in, n, i + 8, 4);
        if (lo < 0xDC00 || lo > 0xDFFF) return -1;
        *len = 12;
        return 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (!readable(v)) return -1;
    *len = 6;
    return v;
}

static int32_t percent_escape(const uint8_t *in, size_t n, size_t i, size_t *len) {
    int32_t v = hex_at(in, n, i + 1, 2);
    if (v < 0) return -1;
    if (v < 0x80) {
        if (!readable(v)) return -1;
        *len = 3;
        return v;
    }
    // The %XX escapes of one UTF-8 character.
    int need = v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : v >= 0xC2 ? 2 : 0;
    if (!need) return -1;
    uint8_t bytes[4] = {(uint8_t)v};
    for (int k = 1; k < need; k++) {
        size_t at = i + 3 * (size_t)k;
        if (at >= n || in[at] != '%') return -1;
        int32_t b = hex_at(in, n, at + 1, 2);
        if (b < 0x80 || b > 0xBF) return -1;
        bytes[k] = (uint8_t)b;
    }
    int32_t at = 0;
    UChar32 c;
    U8_NEXT(bytes, at, need, c);
    if (c < 0 || at != need || !readable(c)) return -1;
    *len = 3 * (size_t)need;
    return c;
}

static int32_t html_entity(const uint8_t *in, size_t n, size_t i, size_t *len) {
    size_t k = i + 1;
    if (k < n && in[k] == '#') {
        k++;
        int hex = k < n && (in[k] | 0x20) == 'x';
        if (hex) k++;
        int32_t v = 0;
        size_t digits = 0;
        for (; k < n && digits < 7; k++, digits++) {
            int d = hex ? hex_value(in[k]) : ((uint8_t)(in[k] - '0') < 10 ? in[k] - '0' : -1);
            if (d < 0) break;
            v = v * (hex ? 16 : 10) + d;
        }
        if (!digits || k >= n || in[k] != ';' || !readable(v)) return -1;
        *len = k + 1 - i;
        return v;
    }
    // A name of letters and digits, then ';'.
    size_t s = k;
    while (k < n && k - s <= PHS_HTML_ENTITY_MAX_NAME &&
           ((uint8_t)((in[k] | 0x20) - 'a') < 26 || (uint8_t)(in[k] - '0') < 10))
        k++;
    size_t m = k - s;
    if (m < 2 || m > PHS_HTML_ENTITY_MAX_NAME || k >= n || in[k] != ';') return -1;
    int lo = 0, hi = PHS_HTML_ENTITY_COUNT;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        const char *name = phs_html_entities[mid].name;
        int cmp = strncmp(name, (const char *)in + s, m);
        if (cmp == 0 && name[m] != 0) cmp = 1;
        if (cmp == 0) {
            *len = k + 1 - i;
            return (int32_t)phs_html_entities[mid].code_point;
        }
        if (cmp < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

int32_t phs_escape_at(const uint8_t *in, size_t n, size_t i, size_t *len, int json_paired) {
    switch (in[i]) {
    case '\\': {
        if (i + 1 >= n || in[i + 1] != 'u') return -1; // before counting backslashes: linear on a run of them
        if (!json_paired) {
            size_t k = i;
            while (k > 0 && in[k - 1] == '\\') k--;
            if ((i - k) & 1) return -1;
        }
        return json_escape(in, n, i, len);
    }
    case '%': return percent_escape(in, n, i, len);
    case '&': return html_entity(in, n, i, len);
    default: return -1;
    }
}

// Is the escape candidate at p[q] an escape? Most candidates are a JSON log's escaped quotes, dismissed inline.
static inline int escape_here(const uint8_t *p, size_t n, size_t q) {
    if (p[q] == '\\' && (q + 1 >= n || p[q + 1] != 'u')) return 0;
    size_t len;
    return phs_escape_at(p, n, q, &len, 0) >= 0;
}

// The first escape at or after p[i], a byte at a time (the vector loops' tail, and CPUs without them).
static inline size_t next_escape_from(const uint8_t *p, size_t n, size_t i) {
    for (; i < n; i++)
        if ((p[i] == '\\' || p[i] == '%' || p[i] == '&') && escape_here(p, n, i)) return i;
    return n;
}

// The first escape among the candidate bits of the vector step at p[i] (bit k: p[i + k]), or n.
static inline size_t escape_among(const uint8_t *p, size_t n, size_t i, uint64_t m) {
    while (m) {
        size_t q = i + (size_t)__builtin_ctzll(m);
        m &= m - 1;
        if (escape_here(p, n, q)) return q;
    }
    return n;
}

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>

// The bytes that may start an escape, 64 (AVX-512BW) or 32 (AVX2) at a time: a backslash before 'u', any '%' and
// '&' (rare in logs next to backslashes: a JSON log escapes its quotes on every other line, and taking each
// backslash as a candidate cost a mispredicted branch apiece, 2 % of a run).
static __attribute__((target("avx512f,avx512bw"))) size_t next_escape_avx512(const uint8_t *p, size_t n) {
    size_t i = 0;
    for (; i + 65 <= n; i += 64) {
        __m512i a = _mm512_loadu_si512((const void *)(p + i)), b = _mm512_loadu_si512((const void *)(p + i + 1));
        uint64_t m = (_mm512_cmpeq_epi8_mask(a, _mm512_set1_epi8('\\')) & _mm512_cmpeq_epi8_mask(b, _mm512_set1_epi8('u'))) |
                     _mm512_cmpeq_epi8_mask(a, _mm512_set1_epi8('%')) | _mm512_cmpeq_epi8_mask(a, _mm512_set1_epi8('&'));
        size_t q = m ? escape_among(p, n, i, m) : n;
        if (q < n) return q;
    }
    /* The last 64 bytes or fewer with masked loads (bytes past n read as 0, which starts no escape): a JSON value or
       a short line is often all tail, and the byte loop cost a call's worth per byte. */
    if (i < n) {
        size_t left = n - i; /* 1 ..= 64 */
        __mmask64 in = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
        __mmask64 in_next = ((__mmask64)1 << (left - 1)) - 1;
        __m512i a = _mm512_maskz_loadu_epi8(in, (const void *)(p + i));
        __m512i b = _mm512_maskz_loadu_epi8(in_next, (const void *)(p + i + 1));
        uint64_t m = (_mm512_cmpeq_epi8_mask(a, _mm512_set1_epi8('\\')) & _mm512_cmpeq_epi8_mask(b, _mm512_set1_epi8('u'))) |
                     _mm512_cmpeq_epi8_mask(a, _mm512_set1_epi8('%')) | _mm512_cmpeq_epi8_mask(a, _mm512_set1_epi8('&'));
        return m ? escape_among(p, n, i, m & in) : n;
    }
    return n;
}

static __attribute__((target("avx2"))) size_t next_escape_avx2(const uint8_t *p, size_t n) {
    size_t i = 0;
    for (; i + 33 <= n; i += 32) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p + i)), b = _mm256_loadu_si256((const __m256i *)(p + i + 1));
        __m256i m = _mm256_or_si256(
            _mm256_and_si256(_mm256_cmpeq_epi8(a, _mm256_set1_epi8('\\')), _mm256_cmpeq_epi8(b, _mm256_set1_epi8('u'))),
            _mm256_or_si256(_mm256_cmpeq_epi8(a, _mm256_set1_epi8('%')), _mm256_cmpeq_epi8(a, _mm256_set1_epi8('&'))));
        uint32_t bits = (uint32_t)_mm256_movemask_epi8(m);
        size_t q = bits ? escape_among(p, n, i, bits) : n;
        if (q < n) return q;
    }
    return next_escape_from(p, n, i);
}
#endif

size_t phs_icu_next_escape(const uint8_t *p, size_t n) {
#if defined(__x86_64__) && defined(__linux__)
    if (__builtin_cpu_supports("avx512bw")) return next_escape_avx512(p, n);
    if (__builtin_cpu_supports("avx2")) return next_escape_avx2(p, n);
#endif
    return next_escape_from(p, n, 0);
}

int phs_icu_has_escape(const uint8_t *p, size_t n) { return phs_icu_next_escape(p, n) < n; }
