/* Context-word search around a match: the hot part of scoring, in C so the window walk does no reference
   counting and looks only at the words that can start with each word's first byte. One walk serves both the hot
   path (`phs_context_first`: stop at the first word) and explanations (`phs_context_all`: every word, and how
   near the nearest came), so what `--explain` reports is what the scorer saw. */
#include "kernel_shared.h"

/* Checks the context words that can start at word start i (the bucket of its first byte). Without `all`, returns
   the first that matches as a whole word, or -1. With `all`, marks every match in all->found, keeps the nearest
   distance to the span, and returns -1 so the walk goes on. */
static inline __attribute__((always_inline)) int32_t words_at(const phs_context_words *cw, const uint8_t *p, size_t n, size_t i, size_t hi,
                                                              size_t span_lo, size_t span_hi, phs_context_found *all) {
    uint8_t b = p[i];
    uint8_t first = (uint8_t)(b - 'A') < 26 ? (uint8_t)(b | 0x20) : b;
    for (int32_t j = cw->bucket_start[first]; j < cw->bucket_start[first + 1]; j++) {
        int32_t k = cw->order[j];
        size_t len = (size_t)cw->length[k];
        if (i + len > hi) continue;
        if (i < span_lo && i + len > span_lo) continue;
        const uint8_t *w = cw->bytes + cw->offset[k];
        size_t m = 0;
        while (m < len) {
            uint8_t c = p[i + m];
            if ((uint8_t)(c - 'A') < 26) c |= 0x20;
            if (c != w[m]) break;
            m++;
        }
        if (m < len) continue;
        /* Whole word: the word starts a token already; it must also end one when its last byte is alnum. */
        if (is_alnum(w[len - 1]) && i + len < n && is_alnum(p[i + len])) continue;
        if (!all) return k;
        if (!all->found[k]) {
            all->found[k] = 1;
            all->count++;
        }
        size_t d = i + len <= span_lo ? span_lo - (i + len) : i - span_hi;
        if (all->distance < 0 || d < (size_t)all->distance) all->distance = (int32_t)d;
    }
    return -1;
}

#if defined(__SSE2__)
#include <emmintrin.h>
/* Bit i set when p[i] is an ASCII letter or digit, for 16 bytes. */
static inline uint32_t alnum16(const uint8_t *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v));
    __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alp = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), low));
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(dig, alp));
}
#endif

/* The window walk: word starts in p[lo..<hi] outside the span, each tried with words_at. */
static inline __attribute__((always_inline)) int32_t walk(const phs_context_words *cw, const uint8_t *p, size_t n, size_t lo, size_t hi,
                                                          size_t span_lo, size_t span_hi, phs_context_found *all) {
    if (cw->count == 0 || lo >= hi) return -1;
    size_t i = lo;
#if defined(__SSE2__)
    /* Word starts 16 bytes at a time: alnum bytes whose predecessor is not alnum. */
    uint32_t before = lo > 0 && is_alnum(p[lo - 1]);
    for (; i + 16 <= hi; i += 16) {
        uint32_t a = alnum16(p + i);
        uint32_t starts = a & ~((a << 1) | before);
        before = a >> 15;
        while (starts) {
            size_t at = i + (size_t)__builtin_ctz(starts);
            starts &= starts - 1;
            if (at >= span_lo && at < span_hi) continue;
            int32_t k = words_at(cw, p, n, at, hi, span_lo, span_hi, all);
            if (k >= 0) return k;
        }
    }
#endif
    for (; i < hi; i++) {
        if (!is_alnum(p[i]) || (i > 0 && is_alnum(p[i - 1]))) continue;
        if (i >= span_lo && i < span_hi) continue;
        int32_t k = words_at(cw, p, n, i, hi, span_lo, span_hi, all);
        if (k >= 0) return k;
    }
    return -1;
}

int32_t phs_context_first(const phs_context_words *cw, const uint8_t *p, size_t n, size_t lo, size_t hi,
                          size_t span_lo, size_t span_hi) {
    return walk(cw, p, n, lo, hi, span_lo, span_hi, NULL);
}

int32_t phs_context_all(const phs_context_words *cw, const uint8_t *p, size_t n, size_t lo, size_t hi,
                        size_t span_lo, size_t span_hi, phs_context_found *all) {
    all->count = 0;
    all->distance = -1;
    for (int32_t k = 0; k < cw->count; k++) all->found[k] = 0;
    walk(cw, p, n, lo, hi, span_lo, span_hi, all);
    return all->count;
}
