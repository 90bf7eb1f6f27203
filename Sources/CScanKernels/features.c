/* The fast feature pass. Two steps:

   1. Byte-class bitmaps, 64 bytes per word (SIMD): alnum, digit, numeric (digit or separator), dot, dash.
   2. Walks over those bitmaps that look at an item one by one only where some want can be met:
      - tokens: every token start, for the keyword lookup and the alnum-length test (no per-byte work);
      - dashed runs (tokens joined by single dashes): only runs at least `min_dashed` bytes long, found with
        shifted ANDs;
      - numeric runs: only stretches of digits and separators holding at least `min_digits` digits or
        `min_dots` dots (popcounts), which then go through the same group logic as the reference pass.

   The output is identical to phs_compute_features_reference (features_reference.c); the tests compare them. */
#define _GNU_SOURCE /* memrchr */
#include "kernel_shared.h"
#include <stdlib.h>

/* Bitmaps of a window, each `words` long: byte classes (filled by classify) and long token starts (walk_tokens).
   CLASS_NEWLINE serves the line-start numbers (walk_line_numbers) and the caller's newline bitmap. */
enum { CLASS_ALNUM, CLASS_DIGIT, CLASS_UPPER, CLASS_NUMERIC, CLASS_DOT, CLASS_DASH, CLASS_HEXCOLON, CLASS_COLON,
       CLASS_NEWLINE, CLASSIFIED, LONG_TOKENS = CLASSIFIED, CLASS_COUNT };

/* ---- step 1: bitmaps ------------------------------------------------------------------------------------------ */

#if defined(__SSE2__)
#include <emmintrin.h>
/* One 64-byte block into one word per byte class (c[CLASS_...]). */
static inline void classify64(const uint8_t *p, uint64_t c[CLASSIFIED]) {
    const __m128i c0 = _mm_set1_epi8('0' - 1), c9 = _mm_set1_epi8('9' + 1);
    const __m128i ca = _mm_set1_epi8('a' - 1), cz = _mm_set1_epi8('z' + 1), c20 = _mm_set1_epi8(0x20);
    const __m128i cA = _mm_set1_epi8('A' - 1), cZ = _mm_set1_epi8('Z' + 1), cf = _mm_set1_epi8('f' + 1);
    const __m128i cdot = _mm_set1_epi8('.'), cdash = _mm_set1_epi8('-'), cspace = _mm_set1_epi8(' ');
    const __m128i cslash = _mm_set1_epi8('/'), copen = _mm_set1_epi8('('), cclose = _mm_set1_epi8(')');
    const __m128i cplus = _mm_set1_epi8('+'), ccolon = _mm_set1_epi8(':');
    const __m128i cnl = _mm_set1_epi8('\n');
    for (int k = 0; k < CLASSIFIED; k++) c[k] = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, c0), _mm_cmpgt_epi8(c9, v));
        __m128i low = _mm_or_si128(v, c20);
        __m128i alp = _mm_and_si128(_mm_cmpgt_epi8(low, ca), _mm_cmpgt_epi8(cz, low));
        __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, cA), _mm_cmpgt_epi8(cZ, v));
        __m128i isdot = _mm_cmpeq_epi8(v, cdot), isdash = _mm_cmpeq_epi8(v, cdash);
        __m128i iscolon = _mm_cmpeq_epi8(v, ccolon);
        __m128i sep = _mm_or_si128(_mm_or_si128(isdot, isdash), _mm_cmpeq_epi8(v, cspace));
        sep = _mm_or_si128(sep, _mm_or_si128(_mm_cmpeq_epi8(v, cslash), _mm_cmpeq_epi8(v, cplus)));
        sep = _mm_or_si128(sep, _mm_or_si128(_mm_cmpeq_epi8(v, copen), _mm_cmpeq_epi8(v, cclose)));
        __m128i hexalpha = _mm_and_si128(_mm_cmpgt_epi8(low, ca), _mm_cmpgt_epi8(cf, low));
        int sh = 16 * k;
#define PHS_MASK(x) ((uint64_t)(uint16_t)_mm_movemask_epi8(x) << sh)
        c[CLASS_ALNUM] |= PHS_MASK(_mm_or_si128(dig, alp));
        c[CLASS_DIGIT] |= PHS_MASK(dig);
        c[CLASS_UPPER] |= PHS_MASK(up);
        c[CLASS_NUMERIC] |= PHS_MASK(_mm_or_si128(dig, sep));
        c[CLASS_DOT] |= PHS_MASK(isdot);
        c[CLASS_DASH] |= PHS_MASK(isdash);
        c[CLASS_HEXCOLON] |= PHS_MASK(_mm_or_si128(_mm_or_si128(dig, hexalpha), iscolon));
        c[CLASS_COLON] |= PHS_MASK(iscolon);
        c[CLASS_NEWLINE] |= PHS_MASK(_mm_cmpeq_epi8(v, cnl));
#undef PHS_MASK
    }
}
#else
static inline void classify64(const uint8_t *p, uint64_t c[CLASSIFIED]) {
    for (int k = 0; k < CLASSIFIED; k++) c[k] = 0;
    for (int i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        uint8_t b = p[i];
        if (is_alnum(b)) c[CLASS_ALNUM] |= bit;
        if (is_digit(b)) c[CLASS_DIGIT] |= bit;
        if ((uint8_t)(b - 'A') < 26) c[CLASS_UPPER] |= bit;
        if (is_digit(b) || sep_bit(b)) c[CLASS_NUMERIC] |= bit;
        if (b == '.') c[CLASS_DOT] |= bit;
        if (b == '-') c[CLASS_DASH] |= bit;
        if (is_digit(b) || is_hex_alpha(b) || b == ':') c[CLASS_HEXCOLON] |= bit;
        if (b == ':') c[CLASS_COLON] |= bit;
        if (b == '\n') c[CLASS_NEWLINE] |= bit;
    }
}
#endif

/* The widest classifier phs_compute_features may use on a CPU that has it, in bytes per step: 64 (classify_avx512,
   the default), 32 (classify_avx2) or 0 (the baseline); tests lower it to check every path against the reference. */
static _Atomic int vector_bytes = 64;
void phs_features_set_vector_width(int bytes) { vector_bytes = bytes; }
void phs_features_allow_avx2(int on) { vector_bytes = on ? 64 : 0; }

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
/* classify64 with AVX2: two 32-byte halves, one compare chain and one movemask per class each. */
static inline __attribute__((target("avx2"), always_inline)) void classify64_avx2(const uint8_t *p,
                                                                                   uint64_t c[CLASSIFIED]) {
    const __m256i c0 = _mm256_set1_epi8('0' - 1), c9 = _mm256_set1_epi8('9' + 1);
    const __m256i ca = _mm256_set1_epi8('a' - 1), cz = _mm256_set1_epi8('z' + 1), c20 = _mm256_set1_epi8(0x20);
    const __m256i cA = _mm256_set1_epi8('A' - 1), cZ = _mm256_set1_epi8('Z' + 1), cf = _mm256_set1_epi8('f' + 1);
    const __m256i cdot = _mm256_set1_epi8('.'), cdash = _mm256_set1_epi8('-'), cspace = _mm256_set1_epi8(' ');
    const __m256i cslash = _mm256_set1_epi8('/'), copen = _mm256_set1_epi8('('), cclose = _mm256_set1_epi8(')');
    const __m256i cplus = _mm256_set1_epi8('+'), ccolon = _mm256_set1_epi8(':');
    const __m256i cnl = _mm256_set1_epi8('\n');
    for (int k = 0; k < CLASSIFIED; k++) c[k] = 0;
    for (int k = 0; k < 2; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
        __m256i dig = _mm256_and_si256(_mm256_cmpgt_epi8(v, c0), _mm256_cmpgt_epi8(c9, v));
        __m256i low = _mm256_or_si256(v, c20);
        __m256i alp = _mm256_and_si256(_mm256_cmpgt_epi8(low, ca), _mm256_cmpgt_epi8(cz, low));
        __m256i up = _mm256_and_si256(_mm256_cmpgt_epi8(v, cA), _mm256_cmpgt_epi8(cZ, v));
        __m256i isdot = _mm256_cmpeq_epi8(v, cdot), isdash = _mm256_cmpeq_epi8(v, cdash);
        __m256i iscolon = _mm256_cmpeq_epi8(v, ccolon);
        __m256i sep = _mm256_or_si256(_mm256_or_si256(isdot, isdash), _mm256_cmpeq_epi8(v, cspace));
        sep = _mm256_or_si256(sep, _mm256_or_si256(_mm256_cmpeq_epi8(v, cslash), _mm256_cmpeq_epi8(v, cplus)));
        sep = _mm256_or_si256(sep, _mm256_or_si256(_mm256_cmpeq_epi8(v, copen), _mm256_cmpeq_epi8(v, cclose)));
        __m256i hexalpha = _mm256_and_si256(_mm256_cmpgt_epi8(low, ca), _mm256_cmpgt_epi8(cf, low));
        int sh = 32 * k;
#define PHS_MASK(x) ((uint64_t)(uint32_t)_mm256_movemask_epi8(x) << sh)
        c[CLASS_ALNUM] |= PHS_MASK(_mm256_or_si256(dig, alp));
        c[CLASS_DIGIT] |= PHS_MASK(dig);
        c[CLASS_UPPER] |= PHS_MASK(up);
        c[CLASS_NUMERIC] |= PHS_MASK(_mm256_or_si256(dig, sep));
        c[CLASS_DOT] |= PHS_MASK(isdot);
        c[CLASS_DASH] |= PHS_MASK(isdash);
        c[CLASS_HEXCOLON] |= PHS_MASK(_mm256_or_si256(_mm256_or_si256(dig, hexalpha), iscolon));
        c[CLASS_COLON] |= PHS_MASK(iscolon);
        c[CLASS_NEWLINE] |= PHS_MASK(_mm256_cmpeq_epi8(v, cnl));
#undef PHS_MASK
    }
}

/* classify (below) with AVX2, for a whole window: one call per window, so the default clone of
   phs_compute_features may call it too when the CPU has AVX2. */
static __attribute__((target("avx2"), noinline)) void classify_avx2(const uint8_t *p, size_t n, uint64_t *m,
                                                                    size_t words) {
    uint64_t c[CLASSIFIED];
    size_t full = n / 64;
    for (size_t w = 0; w < full; w++) {
        classify64_avx2(p + 64 * w, c);
        for (int k = 0; k < CLASSIFIED; k++) m[k * words + w] = c[k];
    }
    if (full < words) {
        uint8_t tmp[64];
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, p + 64 * full, n - 64 * full);
        classify64_avx2(tmp, c);
        for (int k = 0; k < CLASSIFIED; k++) m[k * words + full] = c[k];
    }
}

/* classify with AVX-512BW: each class of 64 bytes is one or two compares that give its word at once (no movemask, no
   halves): a third of the vector instructions of classify_avx2. */
static __attribute__((target("avx512f,avx512bw"), noinline)) void classify_avx512(const uint8_t *p, size_t n, uint64_t *m,
                                                                                size_t words) {
    const __m512i c20 = _mm512_set1_epi8(0x20);
    size_t full = n / 64;
    for (size_t w = 0; w <= full && w < words; w++) {
        __m512i v;
        if (w < full) {
            v = _mm512_loadu_si512((const void *)(p + 64 * w));
        } else {
            /* The last, partial word: bytes past n read as 0, which is in no class. */
            __mmask64 in = n - 64 * full >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (n - 64 * full)) - 1);
            v = _mm512_maskz_loadu_epi8(in, (const void *)(p + 64 * w));
        }
        #define EQ(c) ((uint64_t)_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)(c))))
        #define SPAN(x, lo, len) ((uint64_t)_mm512_cmple_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8((char)(lo))), \
                                                                 _mm512_set1_epi8((char)((len) - 1))))
        __m512i low = _mm512_or_si512(v, c20);
        uint64_t dig = SPAN(v, '0', 10), alp = SPAN(low, 'a', 26);
        uint64_t dot = EQ('.'), dash = EQ('-'), colon = EQ(':');
        uint64_t sep = dot | dash | EQ(' ') | EQ('/') | EQ('+') | EQ('(') | EQ(')');
        m[CLASS_ALNUM * words + w] = dig | alp;
        m[CLASS_DIGIT * words + w] = dig;
        m[CLASS_UPPER * words + w] = SPAN(v, 'A', 26);
        m[CLASS_NUMERIC * words + w] = dig | sep;
        m[CLASS_DOT * words + w] = dot;
        m[CLASS_DASH * words + w] = dash;
        m[CLASS_HEXCOLON * words + w] = dig | SPAN(low, 'a', 6) | colon;
        m[CLASS_COLON * words + w] = colon;
        m[CLASS_NEWLINE * words + w] = EQ('\n');
        #undef EQ
        #undef SPAN
    }
}
#endif

/* Fills the class bitmaps (each `words` long, laid out one after another in `m`) for p[0..n). Bits past n are 0. */
static inline __attribute__((always_inline)) void classify(const uint8_t *p, size_t n, uint64_t *m, size_t words) {
    uint64_t c[CLASSIFIED];
    size_t full = n / 64;
    for (size_t w = 0; w < full; w++) {
        classify64(p + 64 * w, c);
        for (int k = 0; k < CLASSIFIED; k++) m[k * words + w] = c[k];
    }
    if (full < words) {
        uint8_t tmp[64];
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, p + 64 * full, n - 64 * full);
        classify64(tmp, c);
        for (int k = 0; k < CLASSIFIED; k++) m[k * words + full] = c[k];
    }
}

/* ---- bitmap queries ------------------------------------------------------------------------------------------ */

/* First position >= s whose bit is clear (words * 64 when none). */
static inline size_t next_zero(const uint64_t *bits, size_t words, size_t s) {
    size_t w = s >> 6;
    uint64_t x = ~bits[w] & (~(uint64_t)0 << (s & 63));
    while (!x) {
        if (++w >= words) return words * 64;
        x = ~bits[w];
    }
    return w * 64 + (size_t)__builtin_ctzll(x);
}

/* First position >= s whose bit is set (words * 64 when none). */
static inline size_t next_one(const uint64_t *bits, size_t words, size_t s) {
    size_t w = s >> 6;
    if (w >= words) return words * 64;
    uint64_t x = bits[w] & (~(uint64_t)0 << (s & 63));
    while (!x) {
        if (++w >= words) return words * 64;
        x = bits[w];
    }
    return w * 64 + (size_t)__builtin_ctzll(x);
}

/* Start of the run of set bits that ends just before s (s itself when bit s-1 is clear). */
static inline size_t run_start(const uint64_t *bits, size_t s) {
    size_t w = s >> 6;
    uint64_t below = (s & 63) ? ((uint64_t)1 << (s & 63)) - 1 : 0;
    uint64_t x = ~bits[w] & below;
    while (!x) {
        if (w == 0) return 0;
        w--;
        x = ~bits[w];
    }
    return w * 64 + 64 - (size_t)__builtin_clzll(x);
}

/* Number of set bits in positions [s, e). */
static inline size_t count_range(const uint64_t *bits, size_t s, size_t e) {
    if (s >= e) return 0;
    size_t ws = s >> 6, we = (e - 1) >> 6;
    uint64_t first = ~(uint64_t)0 << (s & 63);
    uint64_t last = ~(uint64_t)0 >> (63 - ((e - 1) & 63));
    if (ws == we) return (size_t)__builtin_popcountll(bits[ws] & first & last);
    size_t c = (size_t)__builtin_popcountll(bits[ws] & first) + (size_t)__builtin_popcountll(bits[we] & last);
    for (size_t w = ws + 1; w < we; w++) c += (size_t)__builtin_popcountll(bits[w]);
    return c;
}

/* Bit i set when bits i .. i+m-1 of the 128-bit window (lo, hi) are all set, for i < 64; 1 <= m <= 64. */
static inline uint64_t runs_at_least(uint64_t lo, uint64_t hi, int m) {
    unsigned __int128 x = ((unsigned __int128)hi << 64) | lo;
    unsigned __int128 r = x;
    int have = 1;
    while (have * 2 <= m) {
        r &= r >> have;
        have *= 2;
    }
    if (have < m) r &= r >> (m - have);
    return (uint64_t)r;
}

/* Bit i set when bits i .. i+m-1 of x are all set, bits past 63 counting as clear; 1 <= m <= 64. For runs that end
   inside the word (a token followed by a non-alnum byte in the same word) this is runs_at_least at a third of the
   cost: no 128-bit shifts. */
static inline uint64_t runs_at_least64(uint64_t x, int m) {
    int have = 1;
    while (have * 2 <= m) {
        x &= x >> have;
        have *= 2;
    }
    return have < m ? x & (x >> (m - have)) : x;
}

/* Bit i set when any of bits i .. i+m-1 of x is set, bits past 63 counting as clear; 1 <= m <= 64. */
static inline uint64_t any_within64(uint64_t x, int m) {
    int have = 1;
    while (have * 2 <= m) {
        x |= x >> have;
        have *= 2;
    }
    return have < m ? x | (x >> (m - have)) : x;
}

/* Every bit of the runs of x that are at least m long (runs_at_least64 spread back over the m - 1 bits after each
   run start it keeps); 1 <= m <= 64. */
static inline uint64_t run_cover64(uint64_t x, int m) {
    uint64_t c = runs_at_least64(x, m);
    int have = 1;
    while (have * 2 <= m) {
        c |= c << have;
        have *= 2;
    }
    return have < m ? c | (c << (m - have)) : c;
}

static inline uint64_t a_or_zero(const uint64_t *bits, size_t w, size_t words) { return w < words ? bits[w] : 0; }

/* ---- step 2: walks ------------------------------------------------------------------------------------------- */

/* Alnum wants shorter than this are found with bitmaps in walk_tokens, not by its per-token length loop. */
enum { SHORT_WANT = PHS_SHORT_WANT };

/* The fast tokens (bits of `fast`; each ends inside the word) of exactly L bytes that may meet a short want:
   cheapest tests first, each a few shifts: capitals and digits only (when the wants leave no room for a lower-case
   letter), a digit and a capital among the L bytes where the wants need them; then the exact length. A log's
   four-byte tokens ("2026", "INFO", "user") mostly fail the first two. The caller counts the survivors. */
static inline __attribute__((always_inline)) uint64_t short_candidates(uint64_t fast, uint64_t a, uint64_t d, uint64_t u,
                                                                       int L, int32_t min_digits, int32_t min_upper) {
    uint64_t exact = fast;
    if (min_digits + min_upper >= L) exact &= runs_at_least64(d | u, L);
    if (min_digits > 0) exact &= any_within64(d, L);
    if (min_upper > 0) exact &= any_within64(u, L);
    if (!exact) return 0;
    return exact & runs_at_least64(a, L) & ~runs_at_least64(a, L + 1);
}

/* An alnum token whose length some want names: count its digits and capitals and record it if a want is met. */
static inline __attribute__((always_inline)) void alnum_candidate(const phs_needs *needs, const uint64_t *m,
                                                                   size_t words, size_t s, size_t e,
                                                                   phs_features *out) {
    int32_t len = (int32_t)(e - s);
    int32_t digits = (int32_t)count_range(m + CLASS_DIGIT * words, s, e);
    int32_t upper = (int32_t)count_range(m + CLASS_UPPER * words, s, e);
    uint64_t bit = ((uint64_t)1) << len;
    /* Every want tested without a branch (`&`, not `&&`, and no early exit): which want a token meets depends on
       its make-up, and the early exits were a fifth of the pass's mispredicted branches on the seeded log. */
    int met = 0;
    for (int32_t i = 0; i < needs->alnum_wants; i++)
        met |= ((needs->alnum_want_lengths[i] & bit) != 0) & (len - digits >= needs->alnum_letters[i])
               & (digits >= needs->alnum_digits[i]) & (upper >= needs->alnum_upper[i]);
    if (met) {
        phs_region r = {(int32_t)s, (int32_t)e, len, 0, len - digits, digits, upper, 0};
        push(&out->alnum, out, r);
    }
}

/* Every token: keyword lookup of its first bytes, and the alnum-run test; also marks the tokens at least
   min_dashed long for walk_dashed. Each test looks only at the tokens it can pass, picked with bitmap operations:
   - lengths: the tokens at least as long as the shortest alnum want or dashed run (shifted ANDs), often one in ten;
   - keywords: a token starting with a digit starts a keyword only if some keyword does, and a token of digits only
     (four in ten in a log: timestamps, ids, counters) only if some keyword's first token is digits only. A token
     that starts with digits holds a letter when the byte after its leading digits (where adding the token's first
     bit to the digit bitmap carries to) is a letter.
   The keyword filter bit is computed without branching, in a loop that keeps little else live; only the tokens that
   pass are then looked at one by one. */
static inline __attribute__((always_inline)) void walk_tokens(const phs_needs *needs, const phs_keywords *kw,
                                                               const uint8_t *p, size_t n, uint64_t *m, size_t words,
                                                               phs_features *out) {
    const uint64_t *alnum = m + CLASS_ALNUM * words, *digit = m + CLASS_DIGIT * words;
    uint64_t *long_token_starts = m + LONG_TOKENS * words;
    const uint64_t lengths = needs->alnum_lengths;
    /* Without keywords the filter never passes: kw_max is 0 and every token is longer. */
    const size_t kw_max = kw->count > 0 ? (size_t)kw->max_first_length : 0;
    const uint64_t *filter = kw->token_filter;
    const int min_dashed = needs->min_dashed < 1 ? 1 : needs->min_dashed > 64 ? 64 : needs->min_dashed;
    /* Shorter tokens are wanted by no alnum want and start no dashed run that walk_dashed needs marked. Wants
       shorter than SHORT_WANT (an IBAN's `DE89`: a log has a token of four or five bytes in every other word) are
       picked below by bitmaps instead, so that the per-token length loop measures only the longer tokens. */
    const uint64_t short_lengths = lengths & (((uint64_t)1 << SHORT_WANT) - 2); /* lengths 1 .. SHORT_WANT - 1 */
    int shortest = lengths & ~short_lengths ? __builtin_ctzll(lengths & ~short_lengths) : 64;
    if (needs->dashed_wants > 0 && min_dashed < shortest) shortest = min_dashed;
    if (shortest < 1) shortest = 1;
    const uint64_t *upper_bits = m + CLASS_UPPER * words;
    /* For each short length, the fewest digits and capitals any want of that length asks for: a token with none of
       either where one is needed is dropped by bitmaps before it is counted. */
    const int32_t *short_digits = needs->short_digits, *short_upper = needs->short_upper;
    const int digit_first = kw->digit_first != 0, digits_only_first = kw->digits_only_first != 0;
    uint64_t carry = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t a = alnum[w];
        uint64_t starts = a & ~((a << 1) | carry);
        carry = a >> 63;
        long_token_starts[w] = 0;
        if (!starts) continue;
        uint64_t cand = 0, wanted = 0, long_tokens = 0;
        const uint8_t *base = p + w * 64;
        /* A token running past the word (at most the last one) and any token near the end of the window take the
           general path; the rest end inside the word and can read 8 bytes from their start. */
        uint64_t slow = (a >> 63) ? (uint64_t)1 << (63 - __builtin_clzll(starts)) : 0;
        if (w * 64 + 64 + 8 > n) slow = starts;
        uint64_t fast = starts & ~slow;
        /* A fast token ends inside the word, so the word alone tells whether it is at least `shortest` long. */
        uint64_t measured = shortest <= 1 ? fast : fast & runs_at_least64(a, shortest);
        while (measured) {
            int bit = __builtin_ctzll(measured);
            measured &= measured - 1;
            size_t len = (size_t)__builtin_ctzll(~a >> bit);
            wanted |= ((lengths >> len) & 1) << bit;
            long_tokens |= (uint64_t)(len >= (size_t)min_dashed) << bit;
        }
        /* Fast tokens of exactly a short wanted length (bits b .. b+L-1 set, bit b+L clear: a fast token ends
           inside the word) with at least the fewest capitals and digits a want of that length asks for, counted in
           the word's bitmaps, as the slow path below counts bytes; alnum_candidate makes the exact test. */
        for (uint64_t sl = fast ? short_lengths : 0; sl; sl &= sl - 1) {
            int L = __builtin_ctzll(sl);
            uint64_t exact;
            /* Each length with its own constant, so that the shifts unroll. */
            switch (L) {
            case 1: exact = short_candidates(fast, a, digit[w], upper_bits[w], 1, short_digits[1], short_upper[1]); break;
            case 2: exact = short_candidates(fast, a, digit[w], upper_bits[w], 2, short_digits[2], short_upper[2]); break;
            case 3: exact = short_candidates(fast, a, digit[w], upper_bits[w], 3, short_digits[3], short_upper[3]); break;
            case 4: exact = short_candidates(fast, a, digit[w], upper_bits[w], 4, short_digits[4], short_upper[4]); break;
            default: exact = short_candidates(fast, a, digit[w], upper_bits[w], 5, short_digits[5], short_upper[5]); break;
            }
            while (exact) {
                int bit = __builtin_ctzll(exact);
                exact &= exact - 1;
                uint64_t span = (((uint64_t)1 << L) - 1) << bit;
                int32_t digits = __builtin_popcountll(digit[w] & span), upper = __builtin_popcountll(upper_bits[w] & span);
                if (digits >= short_digits[L] && upper >= short_upper[L]) wanted |= (uint64_t)1 << bit;
            }
        }
        uint64_t keyed = kw_max ? fast : 0;
        if (keyed && !digits_only_first) {
            uint64_t d = digit[w];
            keyed &= ~d;
            if (digit_first) {
                /* Tokens that start with digits and go on with a letter ("90yo"): the carry of each token's first
                   bit through its leading digits lands on that letter; the token starts after the last non-digit
                   below it. A fast token ends inside the word, so no carry leaves it. */
                uint64_t landed = (d + (fast & d)) & ~d & a;
                while (landed) {
                    int q = __builtin_ctzll(landed);
                    landed &= landed - 1;
                    uint64_t below = ~d & ((((uint64_t)1) << q) - 1);
                    keyed |= (uint64_t)1 << (below ? 64 - __builtin_clzll(below) : 0);
                }
            }
        }
        while (keyed) {
            int bit = __builtin_ctzll(keyed);
            keyed &= keyed - 1;
            size_t len = (size_t)__builtin_ctzll(~a >> bit);
            uint64_t v;
            memcpy(&v, base + bit, 8);
            uint32_t h = phs_token_filter_hash(fold_key(v, len), len);
            /* Letters and digits have bit 0x20 set unless they are capitals. The two filters are one array
               (token_filter_lower is its second half), indexed without a branch: capitals and lower-case words
               alternate unpredictably. */
            uint64_t keep = ~(uint64_t)0 >> (64 - 8 * (len < 8 ? len : 8));
            uint64_t lower = (~v & 0x2020202020202020ULL & keep) == 0;
            cand |= ((filter[(h >> 6) | (lower << 10)] >> (h & 63)) & (uint64_t)(len <= kw_max)) << bit;
        }
        while (slow) {
            int bit = __builtin_ctzll(slow);
            slow &= slow - 1;
            size_t s = w * 64 + (size_t)bit, len = next_zero(alnum, words, s) - s;
            if (len < SHORT_WANT) {
                /* A short token that crosses a word's end is counted here from its few bytes, and only those
                   that may meet a want go on to alnum_candidate's bitmap walks. One 4-byte want still costs about
                   10 % of the pass on the seeded log (Benchmarks/features-bench.c, minimum of 18 runs; a 16-byte
                   want with the same counts about 1 %): where that goes is open work. */
                if ((short_lengths >> len) & 1) {
                    int32_t digits = 0, upper = 0;
                    for (size_t k = s; k < s + len; k++) {
                        digits += is_digit(p[k]);
                        upper += (uint8_t)(p[k] - 'A') < 26;
                    }
                    if (digits >= short_digits[len] && upper >= short_upper[len]) wanted |= (uint64_t)1 << bit;
                }
            } else if (len < 64) {
                wanted |= ((lengths >> len) & 1) << bit;
            }
            long_tokens |= (uint64_t)(len >= (size_t)min_dashed) << bit;
            if (kw_max == 0) continue;
            /* The same choice as for the fast tokens, one token at a time. */
            if (!digits_only_first && is_digit(p[s]) && (!digit_first || next_zero(digit, words, s) - s >= len))
                continue;
            /* The token's first 8 bytes (fewer at the end of the window), read once for the key and the case. */
            uint64_t v = 0;
            if (n - s >= 8) memcpy(&v, p + s, 8);
            else
                for (size_t i = 0; i < len && i < 8; i++) v |= ((uint64_t)p[s + i]) << (i * 8);
            uint32_t h = phs_token_filter_hash(fold_key(v, len), len);
            uint64_t keep = ~(uint64_t)0 >> (64 - 8 * (len < 8 ? len : 8));
            uint64_t lower = (~v & 0x2020202020202020ULL & keep) == 0;
            cand |= ((filter[(h >> 6) | (lower << 10)] >> (h & 63)) & (uint64_t)(len <= kw_max)) << bit;
        }
        while (cand) {
            int bit = __builtin_ctzll(cand);
            cand &= cand - 1;
            size_t s = w * 64 + (size_t)bit;
            probe_token(kw, p, n, s, next_zero(alnum, words, s), out);
        }
        while (wanted) {
            int bit = __builtin_ctzll(wanted);
            wanted &= wanted - 1;
            size_t s = w * 64 + (size_t)bit;
            alnum_candidate(needs, m, words, s, next_zero(alnum, words, s), out);
        }
        if (needs->dashed_wants > 0) long_token_starts[w] = long_tokens;
    }
}

/* ---- line-start numbers ------------------------------------------------------------------------------------- */

/* What may open a line before its first token (quote marks of mail and chat, indentation). */
static inline int is_line_indent(uint8_t b) { return b == ' ' || b == '\t' || b == '>' || b == '?'; }

/* Whether the digit at q is a line-start number: the first token of its line after at most PHS_LINE_INDENT_MAX
   indent bytes, 1 to 6 digits followed by one space and a letter (ASCII, or a byte >= 0xC0). */
static inline int line_number_at(const uint8_t *p, size_t n, size_t q) {
    size_t k = q;
    while (k > 0 && q - k < PHS_LINE_INDENT_MAX && is_line_indent(p[k - 1])) k--;
    if (k > 0 && p[k - 1] != '\n') return 0;
    size_t e = q;
    while (e < n && e - q <= 6 && is_digit(p[e])) e++;
    if (e - q > 6 || e + 1 >= n || p[e] != ' ') return 0;
    uint8_t c = p[e + 1];
    return (uint8_t)((c | 0x20) - 'a') < 26 || c >= 0xC0;
}

/* Merges `count` line-start number hits at `pos` (ascending, after every line hit merged before) into the window's
   hits out->hits[first..hit_count), which are sorted: from the back, a line hit before a keyword hit at the same
   byte (the reference pass reports it first). Linear in the hits moved; when the hits do not fit, only the count
   grows (the caller grows the list to it and runs the pass again). */
static void merge_line_hits(phs_features *out, int32_t first, int32_t keyword, const int32_t *pos, int32_t count) {
    int32_t total = out->hit_count + count;
    if (out->overflow || total > out->hit_capacity) {
        out->overflow = 1;
        out->hit_count = total;
        return;
    }
    int32_t i = out->hit_count - 1, j = count - 1, k = total - 1;
    while (j >= 0) {
        if (i >= first && out->hits[i].start >= pos[j]) {
            out->hits[k--] = out->hits[i--];
        } else {
            out->hits[k].keyword = keyword;
            out->hits[k--].start = pos[j--];
        }
    }
    out->hit_count = total;
}

/* Line-start numbers (phs_needs.line_number_keyword), with bitmaps first, so that a log's lines (a letter, a
   timestamp, a brace, an indented stack frame first) cost a few bit operations per 64 bytes and no branch that
   could mispredict:
   - each line's first letter or digit: a line start's bit added to the bitmap of the bytes that are neither letters,
     digits nor newlines carries through the run of them that opens the line, onto the first byte after it;
   - of those that are digits, the ones whose run of digits (the same carry, through the digit bitmap) ends on a
     separator other than a dot or dash, a space perhaps: a superset of the line-start numbers (a timestamp's
     "2026-" and an address's "192." leave here), checked byte by byte by line_number_at. A run carried past the
     word's end sends the word to the byte check too.
   Their hits are merged into the window's keyword hits, from `first` on. (Measured: this as a pass of its own costs
   a third of what the same bit operations cost inside classify, where they crowd the vector registers out.) */
static void walk_line_numbers(int32_t keyword, const uint8_t *p, size_t n, const uint64_t *m, size_t words,
                              int32_t first, phs_features *out) {
    const uint64_t *alnum = m + CLASS_ALNUM * words, *digit = m + CLASS_DIGIT * words;
    const uint64_t *numeric = m + CLASS_NUMERIC * words, *dot = m + CLASS_DOT * words, *dash = m + CLASS_DASH * words;
    const uint64_t *newline = m + CLASS_NEWLINE * words;
    int32_t pos[256], count = 0;
    uint64_t nl_carry = 1; /* the window starts a line */
    uint64_t open_carry = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t nl = newline[w], d = digit[w];
        uint64_t starts = (nl << 1) | nl_carry;
        nl_carry = nl >> 63;
        uint64_t opener = ~(alnum[w] | nl), sum, landed;
        uint64_t o1 = __builtin_add_overflow(opener, starts, &sum);
        uint64_t o2 = __builtin_add_overflow(sum, open_carry, &landed);
        open_carry = o1 | o2;
        uint64_t cand = landed & d, ends;
        uint64_t spill = __builtin_add_overflow(d, cand, &ends);
        uint64_t pass = (ends & ~d & numeric[w] & ~dot[w] & ~dash[w]) | spill;
        if (__builtin_expect(pass != 0, 0)) {
            while (cand) {
                size_t q = w * 64 + (size_t)__builtin_ctzll(cand);
                cand &= cand - 1;
                if (!line_number_at(p, n, q)) continue;
                pos[count++] = (int32_t)q;
                if (count == 256) {
                    merge_line_hits(out, first, keyword, pos, count);
                    count = 0;
                }
            }
        }
    }
    if (count) merge_line_hits(out, first, keyword, pos, count);
}

/* Dashed runs: maximal runs of tokens joined by single dashes. `j` holds the dash bitmap on entry and the joined
   bitmap (alnum, or a dash between two alnums) afterwards. */
static inline __attribute__((always_inline)) void walk_dashed(const phs_needs *needs, uint64_t *m, size_t words,
                                                               phs_features *out) {
    const uint64_t *alnum = m + CLASS_ALNUM * words, *long_token_starts = m + LONG_TOKENS * words;
    uint64_t *j = m + CLASS_DASH * words;
    for (size_t w = 0; w < words; w++) {
        uint64_t a = alnum[w];
        uint64_t before = (a << 1) | (w > 0 ? alnum[w - 1] >> 63 : 0);
        uint64_t after = (a >> 1) | (w + 1 < words ? alnum[w + 1] << 63 : 0);
        j[w] = a | (j[w] & before & after);
    }
    int min_length = needs->min_dashed < 1 ? 1 : needs->min_dashed > 64 ? 64 : needs->min_dashed;
    uint64_t carry = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t x = j[w];
        uint64_t starts = x & ~((x << 1) | carry);
        carry = x >> 63;
        if (!starts) continue;
        uint64_t next = w + 1 < words ? j[w + 1] : 0;
        /* Without a joining dash in this word or the next, a run at least m long starting here is a single long
           token, or its first token runs through the whole next word (longer than 64 >= m): either way a long
           token start, which walk_tokens marked. */
        if ((x & ~a_or_zero(alnum, w, words)) | (next & ~a_or_zero(alnum, w + 1, words)))
            starts &= runs_at_least(x, next, min_length);
        else
            starts &= long_token_starts[w];
        while (starts) {
            size_t s = w * 64 + (size_t)__builtin_ctzll(starts);
            starts &= starts - 1;
            size_t e = next_zero(j, words, s);
            int32_t count = (int32_t)count_range(alnum, s, e), digits = (int32_t)count_range(m + CLASS_DIGIT * words, s, e);
            int32_t upper = (int32_t)count_range(m + CLASS_UPPER * words, s, e);
            int32_t letters = count - digits;
            int met = 0; /* without branches, as in alnum_candidate */
            for (int32_t i = 0; i < needs->dashed_wants; i++)
                met |= (count >= needs->dashed_min[i]) & (count <= needs->dashed_max[i])
                       & (letters >= needs->dashed_letters[i]) & (digits >= needs->dashed_digits[i])
                       & (upper >= needs->dashed_upper[i]);
            if (met) {
                phs_region r = {(int32_t)s, (int32_t)e, count, 0, letters, digits, upper, 0};
                push(&out->dashed, out, r);
            }
        }
    }
}

/* Numeric runs. A run lies inside one stretch of digits and separators, and has no more digits, dots or kinds of
   separator than the stretch, so stretches that meet no want (counted with popcounts, then separators checked) are
   skipped whole; the rest go through the reference group logic. A stretch that meets a want holds min_digits digits
   or a digit and min_dots dots, so it is at least `shortest` bytes long: stretches inside a word that are shorter
   (most numbers in a log: "21", "15" of a time, "26/") are dropped from the word's starts with shifted ANDs and never
   looked at one by one. */
static inline __attribute__((always_inline)) void walk_numeric(const phs_needs *needs, const phs_keywords *kw, const uint8_t *p, size_t n,
                         const uint64_t *digit, const uint64_t *numeric, const uint64_t *dot, size_t words,
                         phs_features *out) {
    line_state st = {needs, kw, p, n, out, -1, -2, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0,
                     needs->alnum_lengths, needs->min_dashed, needs->dashed_wants, kw->count, kw->max_first_length,
                     kw->digit_first, needs->min_digits, needs->min_dots};
    const size_t min_digits = (size_t)needs->min_digits, min_dots = (size_t)needs->min_dots;
    const int shortest = min_digits <= min_dots ? (min_digits > 64 ? 64 : (int)min_digits)
                                                : (min_dots >= 64 ? 64 : (int)min_dots + 1);
    size_t skip = 0; /* stretches before this position are done */
    uint64_t carry = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t d = digit[w], nm = numeric[w];
        uint64_t starts = d & ~((d << 1) | carry);
        carry = d >> 63;
        if (skip > w * 64) starts &= skip >= w * 64 + 64 ? 0 : ~(uint64_t)0 << (skip & 63);
        if (starts && shortest > 1 && ~nm) {
            /* Every byte of a stretch at least `shortest` long (runs of that length, spread back over their
               stretch), and the stretches at the word's two ends, whose length the word does not tell. */
            uint64_t covered = run_cover64(nm, shortest);
            int first_gap = __builtin_ctzll(~nm), last_gap = 63 - __builtin_clzll(~nm);
            uint64_t head = (((uint64_t)1) << first_gap) - 1;
            uint64_t tail = last_gap == 63 ? 0 : ~(uint64_t)0 << (last_gap + 1);
            starts &= covered | head | tail;
        }
        while (starts) {
            int bit = __builtin_ctzll(starts);
            size_t s = w * 64 + (size_t)bit;
            /* The stretch around the group, found inside this word when it can be (the usual case). */
            uint64_t below = ~nm & ((((uint64_t)1) << bit) - 1), above = ~nm & (~(uint64_t)0 << bit);
            size_t stretch_start = below ? w * 64 + 64 - (size_t)__builtin_clzll(below) : run_start(numeric, s);
            size_t stretch_end = above ? w * 64 + (size_t)__builtin_ctzll(above) : next_zero(numeric, words, s);
            starts &= above ? ~(uint64_t)0 << __builtin_ctzll(above) : 0;
            skip = stretch_end;
            size_t digits, dots;
            if (below && above) {
                uint64_t in = ~(uint64_t)0 << (stretch_start & 63) & ((((uint64_t)1) << (stretch_end & 63)) - 1);
                digits = (size_t)__builtin_popcountll(d & in);
                dots = (size_t)__builtin_popcountll(dot[w] & in);
            } else {
                digits = count_range(digit, stretch_start, stretch_end);
                dots = count_range(dot, stretch_start, stretch_end);
            }
            if (digits < min_digits && dots < min_dots) continue;
            /* A stretch ends at a ':' that follows a time-of-day group (digits, ':', digit); the group logic does
               not count that group's digits, so neither does the filter. Tested only on the stretches that pass
               the count above (which the subtraction can only lower): on every stretch, timestamps made this the
               pass's most mispredicted branch. `&`, not `&&`: one branch; stretch_end > stretch_start. */
            if (stretch_end + 1 < n
                && ((p[stretch_end] == ':') & is_digit(p[stretch_end + 1]) & is_digit(p[stretch_end - 1]))) {
                digits -= stretch_end - run_start(digit, stretch_end);
                if (digits < min_digits && dots < min_dots) continue;
            }
            if (dots < min_dots) {
                /* Enough digits for some want: does the stretch also hold a separator that want asks for? One
                   lookup (see phs_needs.digit_seps_from); the separators are collected only when it depends on them. */
                int32_t acc = needs->digit_seps_from[digits < 64 ? digits : 64];
                if (!(acc & PHS_ANY_SEPARATOR)) {
                    int32_t seps = 0;
                    for (size_t k = stretch_start; k < stretch_end; k++) seps |= sep_bit(p[k]);
                    if (!(acc & seps)) continue;
                }
            }
            size_t g = s;
            while (g < stretch_end) {
                size_t e = next_zero(digit, words, g);
                on_group(&st, g, e);
                g = next_one(digit, words, e);
            }
            close_run(&st);
        }
    }
}

/* IPv6-like runs: maximal runs of hex digits and colons holding a double colon or at least seven colons. Only
   runs that hold a colon are looked at, and of those only runs that can qualify: seven colons with no two together
   take at least 13 bytes (":a:b:c:d:e:f:"), so a run that lies inside one word, is shorter and has no colon pair
   is passed over with a few shifted ANDs (the times of day of a log, "10:22:33", two or three a line, each found
   and measured one by one before). A run at either end of the word, or any run of a word with a colon pair, takes
   the full check. */
#define HEXCOLON_MIN_UNPAIRED 13
static inline __attribute__((always_inline)) void walk_hexcolon(const uint64_t *hexcolon, const uint64_t *colon,
                                                                size_t words, phs_features *out) {
    size_t skip = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t todo = colon[w];
        if (!todo) continue;
        uint64_t hc = hexcolon[w];
        uint64_t pairs = todo & ((todo >> 1) | (w + 1 < words ? colon[w + 1] << 63 : 0));
        if (!pairs && ~hc) {
            int first_gap = __builtin_ctzll(~hc), last_gap = 63 - __builtin_clzll(~hc);
            uint64_t head = (((uint64_t)1) << first_gap) - 1;
            uint64_t tail = last_gap == 63 ? 0 : ~(uint64_t)0 << (last_gap + 1);
            todo &= run_cover64(hc, HEXCOLON_MIN_UNPAIRED) | head | tail;
        }
        if (skip > w * 64) todo &= skip >= w * 64 + 64 ? 0 : ~(uint64_t)0 << (skip & 63);
        while (todo) {
            size_t c = w * 64 + (size_t)__builtin_ctzll(todo);
            size_t s = run_start(hexcolon, c), e = next_zero(hexcolon, words, c);
            skip = e;
            todo &= e >= w * 64 + 64 ? 0 : ~(uint64_t)0 << (e & 63);
            if (e - s < 2) continue; /* a lone colon: no pair, one colon */
            size_t colons = count_range(colon, s, e);
            int dbl = 0;
            for (size_t k = s >> 6; e - s >= 2 && k <= (e - 2) >> 6 && !dbl; k++) {
                /* Colon pairs p[i] = p[i+1] = ':' with s <= i <= e - 2. */
                uint64_t pairs = colon[k] & ((colon[k] >> 1) | (k + 1 < words ? colon[k + 1] << 63 : 0));
                uint64_t in = ~(uint64_t)0;
                if (k == s >> 6) in &= ~(uint64_t)0 << (s & 63);
                if (k == (e - 2) >> 6) in &= ~(uint64_t)0 >> (63 - ((e - 2) & 63));
                dbl = (pairs & in) != 0;
            }
            if (dbl || colons >= 7) {
                phs_region r = {(int32_t)s, (int32_t)e, (int32_t)colons, 0, 0, 0, 0, 0};
                push(&out->hexcolon, out, r);
            }
        }
    }
}

/* Shifts the items a window added (from the given counts on) by the window's offset in the block. */
static void shift_items(phs_features *out, int32_t hits, int32_t numeric, int32_t alnum, int32_t dashed,
                        int32_t hexcolon, int32_t by) {
    for (int32_t i = hits; i < out->hit_count && i < out->hit_capacity; i++) out->hits[i].start += by;
    phs_list *lists[4] = {&out->numeric, &out->alnum, &out->dashed, &out->hexcolon};
    int32_t from[4] = {numeric, alnum, dashed, hexcolon};
    for (int k = 0; k < 4; k++) {
        for (int32_t i = from[k]; i < lists[k]->count && i < lists[k]->capacity; i++) {
            lists[k]->items[i].start += by;
            lists[k]->items[i].end += by;
        }
    }
}

/* ORs a window's newline bitmap (`words` long) into the block's at bit offset `pos`. */
static void merge_newlines(uint64_t *block, const uint64_t *window, size_t words, size_t pos) {
    size_t at = pos >> 6, shift = pos & 63;
    for (size_t w = 0; w < words; w++) {
        uint64_t x = window[w];
        if (!x) continue;
        block[at + w] |= x << shift;
        if (shift) {
            uint64_t high = x >> (64 - shift);
            if (high) block[at + w + 1] |= high;
        }
    }
}

/* Window size: the bitmaps of a window (7 bits per byte) stay in L1 while the walks read them. */
enum { WINDOW = 16 * 1024 };

/* Compiled twice, for x86-64-v3 (AVX2, BMI, POPCNT, LZCNT: the bitmap walks count and scan bits with single
   instructions) and for the baseline; the loader picks one for the CPU it runs on.

   The block is cut into windows that end just after a newline, so that no item (tokens, runs, keywords, which
   never contain a newline) crosses a window, and each window's walks see exactly what a walk over the whole block
   would. A line longer than a window is one window. */
#if defined(__x86_64__) && defined(__linux__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
int phs_compute_features(const phs_needs *needs, const phs_keywords *kw, const uint8_t *p, size_t n,
                         phs_features *out) {
    out->numeric.count = out->alnum.count = out->dashed.count = out->hexcolon.count = 0;
    out->hit_count = 0;
    out->overflow = 0;
    const int want_numeric = needs->min_digits != INT32_MAX || needs->min_dots != INT32_MAX;
#if defined(__x86_64__) && defined(__linux__)
    const int width = vector_bytes;
    const int has_avx512 = width >= 64 && __builtin_cpu_supports("avx512bw");
    const int has_avx2 = width >= 32 && __builtin_cpu_supports("avx2");
#endif
    if (out->newlines) memset(out->newlines, 0, ((n + 63) / 64) * sizeof(uint64_t));
    size_t pos = 0;
    while (pos < n) {
        size_t end = n;
        if (n - pos > WINDOW) {
            const uint8_t *nl = memrchr(p + pos, '\n', WINDOW);
            if (!nl) nl = memchr(p + pos + WINDOW, '\n', n - pos - WINDOW);
            if (nl) end = (size_t)(nl - p) + 1;
        }
        const uint8_t *q = p + pos;
        size_t len = end - pos, words = (len + 63) / 64;
        if (out->scratch_words < CLASS_COUNT * words) {
            size_t want = CLASS_COUNT * (words + words / 4 + 16);
            uint64_t *grown = realloc(out->scratch, want * sizeof(uint64_t));
            if (!grown) {
                out->numeric.count = out->alnum.count = out->dashed.count = out->hexcolon.count = 0;
                out->hit_count = 0;
                return -1;
            }
            out->scratch = grown;
            out->scratch_words = want;
        }
        int32_t hits = out->hit_count, numeric = out->numeric.count, alnum_count = out->alnum.count;
        int32_t dashed = out->dashed.count, hexcolon = out->hexcolon.count;
        uint64_t *m = out->scratch;
#if defined(__x86_64__) && defined(__linux__)
        if (has_avx512) classify_avx512(q, len, m, words);
        else if (has_avx2) classify_avx2(q, len, m, words);
        else
#endif
            classify(q, len, m, words);
        if (out->newlines) merge_newlines(out->newlines, m + CLASS_NEWLINE * words, words, pos);
        walk_tokens(needs, kw, q, len, m, words, out);
        if (needs->line_number_keyword != PHS_NO_LINE_NUMBER)
            walk_line_numbers(needs->line_number_keyword, q, len, m, words, hits, out);
        if (needs->dashed_wants > 0) walk_dashed(needs, m, words, out);
        if (want_numeric)
            walk_numeric(needs, kw, q, len, m + CLASS_DIGIT * words, m + CLASS_NUMERIC * words,
                         m + CLASS_DOT * words, words, out);
        if (needs->hex_colon) walk_hexcolon(m + CLASS_HEXCOLON * words, m + CLASS_COLON * words, words, out);
        if (pos > 0) shift_items(out, hits, numeric, alnum_count, dashed, hexcolon, (int32_t)pos);
        pos = end;
    }
    return 0;
}

void phs_features_release_scratch(phs_features *out) {
    free(out->scratch);
    out->scratch = NULL;
    out->scratch_words = 0;
}
